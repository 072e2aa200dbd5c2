// SPDX-License-Identifier: LGPL-3.0-or-later
// The PCI tree: bridges and bus numbers, INTx swizzle, bridge windows,
// 64-bit placement, hot-plug reserve and extra root buses, over a fake
// topology that routes configuration cycles by the bus numbers the code
// programs into the bridges (as real bridges do).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "fw/pci_alloc.h"
#include "host_support.h"

using namespace reef;
using reef::test::FakePci;

namespace {

constexpr u64 k4G = u64(1) << 32;

// Bus nodes, each a FakePci whose devices sit at devfn (bus 0 numbering);
// a bridge function leads to another node. Bus numbers come from what the
// code under test writes into the bridges.
class FakeTree final : public PciConfig {
public:
    FakeTree() { nodes_.emplace_back(new Node); }
    int root() const { return 0; }
    // An extra root bus (pxb) with bus number `nr`.
    int add_root(u8 nr) {
        nodes_.emplace_back(new Node);
        roots_[nr] = int(nodes_.size() - 1);
        return int(nodes_.size() - 1);
    }
    FakePci::Dev& dev(int node, u8 slot, u8 fn, u16 vendor, u16 device, u8 cls, u8 sub) {
        FakePci::Dev& d = nodes_[node]->pci.add(u16(slot << 3 | fn), vendor, device, cls, sub, 0);
        if (fn) nodes_[node]->pci.dev(u16(slot << 3))->cfg[0x0E] |= 0x80;
        d.cfg[pcireg::kInterruptPin] = 1;
        return d;
    }
    void bar(int node, u8 slot, u8 fn, int index, u64 size, u32 flags) {
        nodes_[node]->pci.set_bar(u16(slot << 3 | fn), index, size, flags);
    }
    // A bridge at slot/fn of `node`; returns the node behind it.
    int bridge(int node, u8 slot, u16 vendor = 0x1B36, u16 device = 0x0001, bool pref64 = true,
               bool hotplug_pcie = false) {
        FakePci::Dev& d = nodes_[node]->pci.add(u16(slot << 3), vendor, device, 0x06, 0x04, 1);
        d.cfg[pcireg::kInterruptPin] = 1;
        d.cfg[pcireg::kPrefBase] = pref64 ? 1 : 0;
        d.cfg[pcireg::kPrefLimit] = pref64 ? 1 : 0;
        if (hotplug_pcie) {
            add_cap(d, pcireg::kCapIdPcie, 0x3C);
            u8 pos = last_cap_;
            u16 flags = u16(pcireg::kPcieTypeRootPort << 4) | pcireg::kPcieFlagSlot;
            std::memcpy(&d.cfg[pos + pcireg::kPcieFlags], &flags, 2);
            u32 slotcap = pcireg::kPcieSlotHotplug;
            std::memcpy(&d.cfg[pos + pcireg::kPcieSlotCap], &slotcap, 4);
        }
        nodes_.emplace_back(new Node);
        int child = int(nodes_.size() - 1);
        nodes_[node]->children[u8(slot << 3)] = child;
        return child;
    }
    // QEMU's resource-reserve capability on the bridge at node/slot.
    void reserve(int node, u8 slot, u32 bus, u64 io, u32 mem, u32 pref32, u64 pref64) {
        FakePci::Dev& d = *nodes_[node]->pci.dev(u16(slot << 3));
        add_cap(d, pcireg::kCapIdVendor, pcireg::kQemuCapLen);
        u8 p = last_cap_;
        d.cfg[p + 2] = pcireg::kQemuCapLen;
        d.cfg[p + pcireg::kQemuCapType] = pcireg::kQemuCapReserve;
        std::memcpy(&d.cfg[p + pcireg::kQemuResBus], &bus, 4);
        std::memcpy(&d.cfg[p + pcireg::kQemuResIo], &io, 8);
        std::memcpy(&d.cfg[p + pcireg::kQemuResMem], &mem, 4);
        std::memcpy(&d.cfg[p + pcireg::kQemuResPref32], &pref32, 4);
        std::memcpy(&d.cfg[p + pcireg::kQemuResPref64], &pref64, 8);
    }
    FakePci::Dev* find(u16 bdf) {
        int n = resolve(pci_bus(bdf));
        return n < 0 ? nullptr : nodes_[n]->pci.dev(u16(bdf & 0xFF));
    }
    u32 read32(u16 bdf, u8 off) override {
        int n = resolve(pci_bus(bdf));
        return n < 0 ? 0xFFFFFFFFu : nodes_[n]->pci.read32(u16(bdf & 0xFF), off);
    }
    void write32(u16 bdf, u8 off, u32 v) override {
        int n = resolve(pci_bus(bdf));
        if (n >= 0) nodes_[n]->pci.write32(u16(bdf & 0xFF), off, v);
    }
    int config_reads_of_absent = 0;

private:
    struct Node {
        FakePci pci;
        std::map<u8, int> children;  // bridge devfn -> node
    };
    void add_cap(FakePci::Dev& d, u8 id, u8 len) {
        u8 pos = d.cfg[pcireg::kCapPtr] ? u8(d.cfg[0xFF] + 0) : 0x40;
        if (!d.cfg[pcireg::kCapPtr]) {
            d.cfg[pcireg::kCapPtr] = pos;
        } else {
            // append after the last one
            u8 p = d.cfg[pcireg::kCapPtr];
            while (d.cfg[p + 1]) p = d.cfg[p + 1];
            pos = u8((p + d.cfg[0xFE] + 3) & ~3);
            d.cfg[p + 1] = pos;
        }
        d.cfg[pos] = id;
        d.cfg[pos + 1] = 0;
        d.cfg[0xFE] = len;  // scratch: the last capability's length
        d.cfg[pcireg::kStatus] |= pcireg::kStatusCapList;
        last_cap_ = pos;
    }
    int walk(int node, u8 nodebus, u8 bus) {
        if (bus == nodebus) return node;
        for (auto& [devfn, child] : nodes_[node]->children) {
            FakePci::Dev* d = nodes_[node]->pci.dev(devfn);
            u8 sec = d->cfg[pcireg::kSecondaryBus], sub = d->cfg[pcireg::kSubordinateBus];
            if (sec && sec <= bus && bus <= sub) return walk(child, sec, bus);
        }
        return -1;
    }
    int resolve(u8 bus) {
        if (roots_.count(bus)) return roots_[bus];
        int n = walk(0, 0, bus);
        if (n >= 0) return n;
        for (auto& [nr, node] : roots_)
            if (bus > nr && (n = walk(node, nr, bus)) >= 0) return n;
        return -1;
    }
    std::vector<std::unique_ptr<Node>> nodes_;
    std::map<u8, int> roots_;
    u8 last_cap_ = 0;
};

struct Tree {
    PciDevice devs[64];
    PciBridge bridges[16];
    PciBar bars[128];
    PciScanResult scan{};
    int nbars = 0;
    int placed = 0;

    void run(FakeTree& t, const PciPlaceParams& p, int extra_roots = 0) {
        scan = pci_scan(t, devs, 64, bridges, 16, extra_roots);
        for (int i = 0; i < scan.ndevices; i++) {
            int first = nbars;
            nbars += pci_size_bars(t, devs[i], bars + nbars, 128 - nbars);
            for (int j = first; j < nbars; j++) bars[j].owner = u16(i);
        }
        placed = pci_place_tree(bars, nbars, devs, scan.ndevices, bridges, scan.nbridges, p);
        pci_program_bridges(t, devs, bridges, scan.nbridges);
        pci_program_bars(t, bars, nbars);
    }
    const PciDevice* dev(u16 bdf) const {
        for (int i = 0; i < scan.ndevices; i++)
            if (devs[i].bdf == bdf) return &devs[i];
        return nullptr;
    }
    const PciBar* bar(u16 bdf, int index) const {
        for (int i = 0; i < nbars; i++)
            if (bars[i].bdf == bdf && bars[i].index == index) return &bars[i];
        return nullptr;
    }
    const PciBridge* bridge(u16 bdf) const {
        for (int i = 0; i < scan.nbridges; i++)
            if (bridges[i].bdf == bdf) return &bridges[i];
        return nullptr;
    }
};

PciPlaceParams params() {
    PciPlaceParams p{};
    p.io = PciWindow{0xC000, 0x10000};
    p.io_fallback = PciWindow{0x1000, 0xAE00};
    p.mem32 = PciWindow{0xC0000000, 0xFEC00000};
    p.mem64 = PciWindow{k4G, u64(1) << 40};
    p.hotplug_io = 0x1000;
    p.hotplug_mem = 2 << 20;
    p.hotplug_pref = 2 << 20;
    return p;
}

bool within(u64 a, u64 size, const PciRange& w) { return w.placed && a >= w.addr && a + size <= w.addr + w.size; }

int count_log(const std::string& needle) {
    int n = 0;
    for (auto& l : reef::test::log_lines())
        if (l.text.find(needle) != std::string::npos) n++;
    return n;
}

// Every placed BAR and window lies inside its parent's window, aligned, and
// no two placed things on one bus overlap in one address space.
void check_invariants(const Tree& t) {
    struct Span {
        u64 a, s;
        int space;  // 0 io, 1 mem (both windows share the memory space)
        int parent;
        std::string what;
    };
    std::vector<Span> spans;
    for (int i = 0; i < t.nbars; i++) {
        const PciBar& b = t.bars[i];
        if (!b.placed) continue;
        EXPECT_EQ(b.addr % b.size, 0u) << "BAR misaligned";
        const PciDevice& d = t.devs[b.owner];
        if (d.upstream) {
            const PciBridge& up = t.bridges[t.devs[d.upstream - 1].bridge - 1];
            int w = b.kind == BarKind::kIo ? kWinIo : (b.kind == BarKind::kRom || !b.prefetch) ? kWinMem : kWinPref;
            EXPECT_TRUE(within(b.addr, b.size, up.win[w])) << "BAR outside its bridge's window";
        }
        if (!b.is64 || !b.prefetch || d.keep_low || d.upstream) {
            if (b.kind != BarKind::kIo && !(b.is64)) {
                EXPECT_LT(b.addr + b.size - 1, k4G);
            }
        }
        spans.push_back({b.addr, b.size, b.kind == BarKind::kIo ? 0 : 1, int(d.upstream), "bar"});
    }
    for (int i = 0; i < t.scan.nbridges; i++) {
        const PciBridge& br = t.bridges[i];
        const PciDevice& d = t.devs[br.dev];
        for (int w = 0; w < kNumWin; w++) {
            const PciRange& r = br.win[w];
            if (!r.size || !r.placed) continue;
            EXPECT_EQ(r.addr % (w == kWinIo ? 0x1000 : 0x100000), 0u);
            if (d.upstream) {
                const PciBridge& up = t.bridges[t.devs[d.upstream - 1].bridge - 1];
                EXPECT_TRUE(within(r.addr, r.size, up.win[w])) << "window outside its parent's";
            }
            if (w != kWinPref || !r.is64) {
                EXPECT_LE(r.addr + r.size, k4G);
            }
            spans.push_back({r.addr, r.size, w == kWinIo ? 0 : 1, int(d.upstream), "window"});
        }
    }
    for (size_t i = 0; i < spans.size(); i++)
        for (size_t j = i + 1; j < spans.size(); j++) {
            const Span &x = spans[i], &y = spans[j];
            if (x.space != y.space || x.parent != y.parent) continue;
            EXPECT_TRUE(x.a + x.s <= y.a || y.a + y.s <= x.a)
                << x.what << " 0x" << std::hex << x.a << "+0x" << x.s << " overlaps " << y.what << " 0x" << y.a
                << "+0x" << y.s;
        }
}

class PciTreeTest : public ::testing::Test {
protected:
    void SetUp() override { reef::test::clear_log(); }
};

}  // namespace

TEST_F(PciTreeTest, BusNumbersDepthFirst) {
    FakeTree t;
    int b1 = t.bridge(t.root(), 1);
    int b2 = t.bridge(b1, 0);
    t.dev(b2, 3, 0, 0x8086, 0x100E, 0x02, 0x00);
    int b3 = t.bridge(t.root(), 2);
    t.dev(b3, 0, 0, 0x1AF4, 0x1042, 0x01, 0x00);
    Tree r;
    r.run(t, params());
    ASSERT_EQ(r.scan.nbridges, 3);
    EXPECT_EQ(r.bridge(pci_bdf(0, 1, 0))->secondary, 1);
    EXPECT_EQ(r.bridge(pci_bdf(0, 1, 0))->subordinate, 2);
    EXPECT_EQ(r.bridge(pci_bdf(1, 0, 0))->secondary, 2);
    EXPECT_EQ(r.bridge(pci_bdf(1, 0, 0))->subordinate, 2);
    EXPECT_EQ(r.bridge(pci_bdf(0, 2, 0))->secondary, 3);
    EXPECT_EQ(r.bridge(pci_bdf(0, 2, 0))->subordinate, 3);
    EXPECT_EQ(r.scan.last_bus, 3);
    ASSERT_NE(r.dev(pci_bdf(2, 3, 0)), nullptr);
    ASSERT_NE(r.dev(pci_bdf(3, 0, 0)), nullptr);
    // The registers say the same (primary, secondary, subordinate).
    FakePci::Dev* d = t.find(pci_bdf(0, 1, 0));
    EXPECT_EQ(d->cfg[pcireg::kPrimaryBus], 0);
    EXPECT_EQ(d->cfg[pcireg::kSecondaryBus], 1);
    EXPECT_EQ(d->cfg[pcireg::kSubordinateBus], 2);
    EXPECT_EQ(t.find(pci_bdf(1, 0, 0))->cfg[pcireg::kPrimaryBus], 1);
    // Parents: the NIC's upstream is the bridge at 01:00.0.
    EXPECT_EQ(r.devs[r.dev(pci_bdf(2, 3, 0))->upstream - 1].bdf, pci_bdf(1, 0, 0));
    EXPECT_EQ(r.dev(pci_bdf(0, 1, 0))->upstream, 0);
}

TEST_F(PciTreeTest, IntxSwizzlesUpToTheRootSlot) {
    FakeTree t;
    int b1 = t.bridge(t.root(), 5);
    int b2 = t.bridge(b1, 1);
    FakePci::Dev& nic = t.dev(b2, 3, 0, 0x8086, 0x100E, 0x02, 0x00);
    nic.cfg[pcireg::kInterruptPin] = 2;  // INTB
    t.dev(t.root(), 7, 0, 0x8086, 0x100E, 0x02, 0x00).cfg[pcireg::kInterruptPin] = 3;
    FakePci::Dev& nopin = t.dev(b1, 2, 0, 0x8086, 0x100E, 0x02, 0x00);
    nopin.cfg[pcireg::kInterruptPin] = 0;
    Tree r;
    r.run(t, params());
    // INTB at slot 3 -> INTA at bridge slot 1 -> INTB at root slot 5.
    const PciDevice* d = r.dev(pci_bdf(2, 3, 0));
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->root_slot, 5);
    EXPECT_EQ(d->root_pin, ((2 - 1 + 3) % 4 + 1 - 1 + 1) % 4 + 1);
    EXPECT_EQ(r.dev(pci_bdf(0, 7, 0))->root_slot, 7);
    EXPECT_EQ(r.dev(pci_bdf(0, 7, 0))->root_pin, 3);
    EXPECT_EQ(r.dev(pci_bdf(1, 2, 0))->root_pin, 0);
}

TEST_F(PciTreeTest, WindowsHoldTheirDevices) {
    FakeTree t;
    int b1 = t.bridge(t.root(), 1);
    t.dev(b1, 0, 0, 0x8086, 0x100E, 0x02, 0x00);
    t.bar(b1, 0, 0, 0, 0x20000, 0);
    t.bar(b1, 0, 0, 1, 0x40, pcireg::kBarIoSpace);
    t.bar(b1, 0, 0, 6, 0x40000, 0);
    int b2 = t.bridge(b1, 1);
    t.dev(b2, 0, 0, 0x1234, 0x0001, 0x05, 0x00);
    t.bar(b2, 0, 0, 2, 16 << 20, pcireg::kBarPrefetch);  // 32-bit prefetchable
    t.dev(t.root(), 2, 0, 0x1234, 0x1111, 0x03, 0x00);
    t.bar(t.root(), 2, 0, 0, 16 << 20, pcireg::kBarPrefetch);
    Tree r;
    r.run(t, params());
    EXPECT_EQ(r.placed, r.nbars);
    check_invariants(r);
    const PciBridge* br = r.bridge(pci_bdf(0, 1, 0));
    EXPECT_EQ(br->win[kWinIo].size, 0x1000u);
    EXPECT_EQ(br->win[kWinMem].size, 1u << 20);  // 128K + 256K ROM, 1 MiB granule
    EXPECT_EQ(br->win[kWinPref].size, 16u << 20);
    EXPECT_FALSE(br->win[kWinPref].is64);  // a 32-bit BAR behind it
    // Registers: memory window base/limit in 1 MiB units.
    FakePci::Dev* d = t.find(pci_bdf(0, 1, 0));
    u16 mb, ml;
    std::memcpy(&mb, &d->cfg[pcireg::kMemBase], 2);
    std::memcpy(&ml, &d->cfg[pcireg::kMemLimit], 2);
    EXPECT_EQ(u64(mb & 0xFFF0) << 16, br->win[kWinMem].addr);
    EXPECT_EQ((u64(ml & 0xFFF0) << 16) | 0xFFFFF, br->win[kWinMem].addr + br->win[kWinMem].size - 1);
    EXPECT_EQ(d->cfg[pcireg::kIoBase] & 0xF0, (br->win[kWinIo].addr >> 8) & 0xF0);
}

TEST_F(PciTreeTest, EmptyBridgeWindowsAreClosed) {
    FakeTree t;
    t.bridge(t.root(), 1);
    Tree r;
    r.run(t, params());
    const PciBridge* br = r.bridge(pci_bdf(0, 1, 0));
    for (int w = 0; w < kNumWin; w++) EXPECT_EQ(br->win[w].size, 0u);
    FakePci::Dev* d = t.find(pci_bdf(0, 1, 0));
    u16 mb, ml;
    std::memcpy(&mb, &d->cfg[pcireg::kMemBase], 2);
    std::memcpy(&ml, &d->cfg[pcireg::kMemLimit], 2);
    EXPECT_GT(mb & 0xFFF0, ml & 0xFFF0);
    EXPECT_GT(d->cfg[pcireg::kIoBase] & 0xF0, d->cfg[pcireg::kIoLimit] & 0xF0);
}

TEST_F(PciTreeTest, Big64BitPrefetchableBarsGoAbove4G) {
    FakeTree t;
    t.dev(t.root(), 5, 0, 0x1AF4, 0x1110, 0x05, 0x00);  // ivshmem: RAM controller class
    t.bar(t.root(), 5, 0, 2, u64(4) << 30, pcireg::kBarMem64 | pcireg::kBarPrefetch);
    int rp = t.bridge(t.root(), 3, 0x1B36, 0x000C, true, true);  // an empty hot-plug root port
    (void)rp;
    int rp2 = t.bridge(t.root(), 4, 0x1B36, 0x000C, true, true);
    t.dev(rp2, 0, 0, 0x1B36, 0x0005, 0x00, 0xFF);
    t.bar(rp2, 0, 0, 0, 1 << 20, pcireg::kBarMem64 | pcireg::kBarPrefetch);
    Tree r;
    r.run(t, params());
    EXPECT_EQ(r.placed, r.nbars);
    check_invariants(r);
    EXPECT_GE(r.bar(pci_bdf(0, 5, 0), 2)->addr, k4G);
    const PciBridge* hp = r.bridge(pci_bdf(0, 3, 0));
    EXPECT_TRUE(hp->hotplug);
    EXPECT_EQ(hp->win[kWinIo].size, 0u);  // PCIe: no I/O unless asked
    EXPECT_EQ(hp->win[kWinMem].size, 2u << 20);
    EXPECT_EQ(hp->win[kWinPref].size, 2u << 20);
    EXPECT_TRUE(hp->win[kWinPref].is64);
    EXPECT_GE(hp->win[kWinPref].addr, k4G);
    const PciBridge* full = r.bridge(pci_bdf(0, 4, 0));
    EXPECT_GE(full->win[kWinPref].addr, k4G);
    EXPECT_TRUE(within(r.bar(pci_bdf(2, 0, 0), 0)->addr, 1 << 20, full->win[kWinPref]));
    // The upper halves are programmed.
    FakePci::Dev* d = t.find(pci_bdf(0, 4, 0));
    u32 up;
    std::memcpy(&up, &d->cfg[pcireg::kPrefBaseUpper], 4);
    EXPECT_EQ(up, u32(full->win[kWinPref].addr >> 32));
}

TEST_F(PciTreeTest, FirmwareDevicesStayBelow4G) {
    FakeTree t;
    t.dev(t.root(), 4, 0, 0x1AF4, 0x1042, 0x01, 0x00);
    t.bar(t.root(), 4, 0, 4, 0x4000, pcireg::kBarMem64 | pcireg::kBarPrefetch);
    Tree r;
    r.scan = pci_scan(t, r.devs, 64, r.bridges, 16, 0);
    r.devs[0].keep_low = true;
    r.nbars = pci_size_bars(t, r.devs[0], r.bars, 128);
    r.placed = pci_place_tree(r.bars, r.nbars, r.devs, r.scan.ndevices, r.bridges, 0, params());
    EXPECT_EQ(r.placed, 1);
    EXPECT_LT(r.bars[0].addr, k4G);
}

TEST_F(PciTreeTest, WhatDoesNotFitBelow4GMovesUpOrIsNamed) {
    FakeTree t;
    t.dev(t.root(), 1, 0, 0x1234, 0x0001, 0x05, 0x00);
    t.bar(t.root(), 1, 0, 0, 1u << 30, 0);  // 32-bit, 1 GiB: cannot fit in 512 MiB
    t.dev(t.root(), 2, 0, 0x1234, 0x0002, 0x05, 0x00);
    t.bar(t.root(), 2, 0, 0, 1u << 30, pcireg::kBarMem64);  // 64-bit non-prefetchable
    t.dev(t.root(), 3, 0, 0x1234, 0x0003, 0x05, 0x00);
    t.bar(t.root(), 3, 0, 0, 1u << 20, 0);
    PciPlaceParams p = params();
    p.mem32 = PciWindow{0xE0000000, 0x100000000};
    Tree r;
    r.run(t, p);
    check_invariants(r);
    EXPECT_FALSE(r.bar(pci_bdf(0, 1, 0), 0)->placed);
    EXPECT_TRUE(r.bar(pci_bdf(0, 2, 0), 0)->placed);
    EXPECT_GE(r.bar(pci_bdf(0, 2, 0), 0)->addr, k4G);
    EXPECT_TRUE(r.bar(pci_bdf(0, 3, 0), 0)->placed);
    EXPECT_EQ(count_log("no room for 00:01.0 BAR0"), 1);
    // Without a 64-bit window the 64-bit one is named too.
    reef::test::clear_log();
    p.mem64 = PciWindow{0, 0};
    Tree r2;
    FakeTree t2;
    t2.dev(t2.root(), 2, 0, 0x1234, 0x0002, 0x05, 0x00);
    t2.bar(t2.root(), 2, 0, 0, 1u << 30, pcireg::kBarMem64);
    r2.run(t2, p);
    EXPECT_FALSE(r2.bars[0].placed);
    EXPECT_EQ(count_log("no room for 00:02.0 BAR0"), 1);
}

TEST_F(PciTreeTest, BridgeWindowThatDoesNotFitIsNamedAndItsDevicesDisabled) {
    FakeTree t;
    int b = t.bridge(t.root(), 6);
    t.dev(b, 0, 0, 0x1234, 0x0001, 0x05, 0x00);
    t.bar(b, 0, 0, 0, 1u << 30, 0);
    PciPlaceParams p = params();
    p.mem32 = PciWindow{0xF0000000, 0xFEC00000};
    Tree r;
    r.run(t, p);
    EXPECT_EQ(r.placed, 0);
    EXPECT_EQ(count_log("bridge 00:06.0"), 1);
    EXPECT_FALSE(r.bar(pci_bdf(1, 0, 0), 0)->placed);
}

TEST_F(PciTreeTest, QemuReserveHintsWin) {
    FakeTree t;
    int rp = t.bridge(t.root(), 2, 0x1B36, 0x000C, true, true);
    (void)rp;
    t.reserve(t.root(), 2, 3, 0x2000, 8 << 20, ~0u, u64(64) << 20);
    int rp2 = t.bridge(t.root(), 3, 0x1B36, 0x000C, true, true);
    t.dev(rp2, 0, 0, 0x8086, 0x100E, 0x02, 0x00);
    Tree r;
    r.run(t, params());
    const PciBridge* a = r.bridge(pci_bdf(0, 2, 0));
    EXPECT_EQ(a->secondary, 1);
    EXPECT_EQ(a->subordinate, 4);  // 3 more buses
    EXPECT_EQ(a->win[kWinIo].size, 0x2000u);
    EXPECT_EQ(a->win[kWinMem].size, 8u << 20);
    EXPECT_EQ(a->win[kWinPref].size, 64u << 20);
    EXPECT_EQ(r.bridge(pci_bdf(0, 3, 0))->secondary, 5);
    ASSERT_NE(r.dev(pci_bdf(5, 0, 0)), nullptr);
    check_invariants(r);
}

TEST_F(PciTreeTest, ExtraRootBusIsScanned) {
    FakeTree t;
    t.dev(t.root(), 3, 0, 0x1B36, 0x000B, 0x06, 0x00);  // the pxb host device
    int x = t.add_root(0x80);
    t.dev(x, 0, 0, 0x8086, 0x100E, 0x02, 0x00);
    t.bar(x, 0, 0, 0, 0x20000, 0);
    int xb = t.bridge(x, 1);
    t.dev(xb, 0, 0, 0x1AF4, 0x1042, 0x01, 0x00);
    t.bridge(x, 2, 0x1B36, 0x000C, true, true);  // an empty hot-plug root port on it
    Tree r;
    r.run(t, params(), 1);
    EXPECT_EQ(r.scan.extra_roots_found, 1);
    ASSERT_NE(r.dev(pci_bdf(0x80, 0, 0)), nullptr);
    EXPECT_EQ(r.bridge(pci_bdf(0x80, 1, 0))->secondary, 0x81);
    ASSERT_NE(r.dev(pci_bdf(0x81, 0, 0)), nullptr);
    EXPECT_EQ(r.scan.last_bus, 0x82);  // the second port's bus
    EXPECT_TRUE(r.bar(pci_bdf(0x80, 0, 0), 0)->placed);
    // Below an extra root, a hot-plug PCIe port gets I/O too (the OS has no
    // other I/O range there); on bus 0 it would not.
    EXPECT_EQ(r.bridge(pci_bdf(0x80, 2, 0))->win[kWinIo].size, 0x1000u);
    EXPECT_TRUE(r.bridge(pci_bdf(0x80, 2, 0))->win[kWinIo].placed);
    check_invariants(r);
    // Announced but absent: logged.
    FakeTree t2;
    Tree r2;
    r2.run(t2, params(), 1);
    EXPECT_EQ(count_log("1 extra root buses announced, 0 found"), 1);
}

TEST_F(PciTreeTest, TooManyBridgesAreLoggedNotFollowed) {
    FakeTree t;
    int node = t.root();
    for (int i = 0; i < 20; i++) node = t.bridge(node, 0);
    Tree r;
    r.run(t, params());
    EXPECT_EQ(r.scan.nbridges, 16);
    EXPECT_EQ(count_log("bridge not enumerated (too many bridges)"), 1);
}

TEST_F(PciTreeTest, IoFallsBackToTheLowRange) {
    FakeTree t;
    for (u8 s = 1; s <= 6; s++) {
        int b = t.bridge(t.root(), s);
        t.dev(b, 0, 0, 0x8086, 0x100E, 0x02, 0x00);
        t.bar(b, 0, 0, 1, 0x40, pcireg::kBarIoSpace);
    }
    Tree r;
    r.run(t, params());
    EXPECT_EQ(r.placed, r.nbars);  // 6 x 4 KiB > 16 KiB at 0xC000
    for (int i = 0; i < r.nbars; i++) EXPECT_LT(r.bars[i].addr, 0xAE00u);
    check_invariants(r);
}

// Random trees: every invariant holds, and when everything fits in the
// windows by a brute-force count of the space needed, everything is placed.
TEST_F(PciTreeTest, RandomTrees) {
    std::mt19937 rng(12345);
    for (int iter = 0; iter < 300; iter++) {
        FakeTree t;
        std::vector<int> nodes{t.root()};
        int nbr = 0;
        u8 next_slot[64] = {};
        int ndev = 2 + int(rng() % 12);
        for (int k = 0; k < ndev; k++) {
            int node = nodes[rng() % nodes.size()];
            u8 slot = next_slot[node]++;
            if (slot >= 32) continue;
            if (nbr < 6 && rng() % 4 == 0) {
                nodes.push_back(t.bridge(node, slot, 0x1B36, 0x0001, rng() % 2, rng() % 3 == 0));
                nbr++;
                continue;
            }
            t.dev(node, slot, 0, 0x1234, u16(k), 0x05, 0x00);
            for (int bi = 0; bi < 4; bi++) {
                switch (rng() % 5) {
                case 0: t.bar(node, slot, 0, bi, u64(16) << (rng() % 8), pcireg::kBarIoSpace); break;
                case 1: t.bar(node, slot, 0, bi, u64(4096) << (rng() % 14), 0); break;
                case 2: t.bar(node, slot, 0, bi, u64(1 << 20) << (rng() % 8), pcireg::kBarPrefetch); break;
                case 3:
                    t.bar(node, slot, 0, bi, u64(1 << 20) << (rng() % 12), pcireg::kBarMem64 | pcireg::kBarPrefetch);
                    bi++;
                    break;
                default: break;
                }
            }
        }
        Tree r;
        PciPlaceParams p = params();
        if (iter % 3 == 0) p.mem32 = PciWindow{0xF0000000, 0xFEC00000};
        if (iter % 5 == 0) p.mem64 = PciWindow{0, 0};
        r.run(t, p);
        check_invariants(r);
        // Brute force lower bound of what the root windows must hold: if the
        // sum of everything (rounded to windows' granules, times two for
        // alignment slack) fits, nothing may be left out.
        u64 need_mem = 0, need_io = 0;
        for (int i = 0; i < r.nbars; i++) {
            if (r.bars[i].kind == BarKind::kIo) need_io += 0x1000;
            else need_mem += r.bars[i].size + (1 << 20);
        }
        need_mem = 2 * (need_mem + u64(r.scan.nbridges) * 3 * (4 << 20));
        need_io += u64(0x1000) * u64(r.scan.nbridges);
        if (need_mem <= p.mem32.limit - p.mem32.base && need_io <= 0x4000) {
            EXPECT_EQ(r.placed, r.nbars) << "iteration " << iter;
        }
        if (HasFailure()) break;
    }
}

// A BAR that should stay low but does not fit there shares the 64-bit window
// with the 64-bit bridge windows: one layout, no overlap (ivshmem is
// vendor 1AF4 like virtio; a 1 GiB BAR does not fit below 0xFEC00000).
TEST_F(PciTreeTest, OverflowAbove4GSharesTheWindowWithoutOverlap) {
    FakeTree t;
    t.dev(t.root(), 5, 0, 0x1AF4, 0x1110, 0x05, 0x00);
    t.bar(t.root(), 5, 0, 2, u64(1) << 30, pcireg::kBarMem64 | pcireg::kBarPrefetch);
    t.bridge(t.root(), 4, 0x1B36, 0x000C, true, true);
    Tree r;
    r.scan = pci_scan(t, r.devs, 64, r.bridges, 16, 0);
    for (int i = 0; i < r.scan.ndevices; i++) {
        r.devs[i].keep_low = r.devs[i].vendor == 0x1AF4;
        int first = r.nbars;
        r.nbars += pci_size_bars(t, r.devs[i], r.bars + r.nbars, 128 - r.nbars);
        for (int j = first; j < r.nbars; j++) r.bars[j].owner = u16(i);
    }
    PciPlaceParams p = params();
    p.mem32 = PciWindow{0xC0000000, 0xFEC00000};
    r.placed = pci_place_tree(r.bars, r.nbars, r.devs, r.scan.ndevices, r.bridges, r.scan.nbridges, p);
    EXPECT_EQ(r.placed, 1);
    EXPECT_GE(r.bars[0].addr, k4G);
    const PciBridge* br = r.bridge(pci_bdf(0, 4, 0));
    EXPECT_TRUE(br->win[kWinPref].placed);
    check_invariants(r);
}

// Found by fuzz_pci: a hint no window can hold is ignored (it used to wrap
// the layout's sum), and a capability list that loops ends the walk.
TEST_F(PciTreeTest, AbsurdHintsAndLoopingCapabilitiesAreSafe) {
    FakeTree t;
    t.bridge(t.root(), 2, 0x1B36, 0x000C, true, true);
    t.reserve(t.root(), 2, 1000, 0xff000003fedb0000ull, ~0u, ~0u, ~u64(0) - 1);
    int b = t.bridge(t.root(), 3, 0x1B36, 0x000C, true, false);
    t.dev(b, 0, 0, 0x8086, 0x100E, 0x02, 0x00);
    t.bar(b, 0, 0, 0, 0x20000, 0);
    // A vendor capability pointing at itself.
    FakePci::Dev* d = t.find(pci_bdf(0, 3, 0));
    d->cfg[pcireg::kCapPtr] = 0x40;
    d->cfg[pcireg::kStatus] |= pcireg::kStatusCapList;
    d->cfg[0x40] = pcireg::kCapIdVendor;
    d->cfg[0x41] = 0x40;
    Tree r;
    r.run(t, params());
    const PciBridge* a = r.bridge(pci_bdf(0, 2, 0));
    EXPECT_EQ(a->win[kWinIo].size, 0u);          // hint ignored, PCIe: no default
    EXPECT_EQ(a->win[kWinPref].size, 2u << 20);  // hint ignored, the default instead
    EXPECT_EQ(a->subordinate, a->secondary);     // a bus reserve past 255 ignored
    EXPECT_TRUE(r.bar(pci_bdf(2, 0, 0), 0)->placed);
    check_invariants(r);
}

// Placement against a brute-force fit: small random sets of BARs (powers of
// two, each aligned to its size) in a random window. Brute force: every
// order of the BARs, each packed downwards from the window's top at its
// alignment (any fit can be rearranged into such a packing). Whenever one
// order fits, pci_place_bars must place all of them, and what it places
// must lie in the window without overlap.
TEST_F(PciTreeTest, PlacementFindsAFitWheneverBruteForceDoes) {
    std::mt19937 rng(2026);
    int fits_seen = 0, misses_seen = 0;
    for (int iter = 0; iter < 400; iter++) {
        int n = 1 + int(rng() % 6);
        std::vector<PciBar> bars(n);
        for (int i = 0; i < n; i++) {
            bars[i] = PciBar{};
            bars[i].bdf = pci_bdf(0, u8(i + 1), 0);
            bars[i].index = 0;
            bars[i].kind = BarKind::kMem;
            bars[i].size = u64(0x1000) << (rng() % 8);
        }
        u64 base = 0xE0000000 + (u64(rng() % 64) << 12);
        u64 limit = base + (u64(1 + rng() % 256) << 12);
        std::vector<int> order(n);
        for (int i = 0; i < n; i++) order[i] = i;
        bool brute = false;
        do {
            u64 top = limit;
            bool ok = true;
            for (int i : order) {
                u64 s = bars[i].size;
                if (top < s) { ok = false; break; }
                u64 at = (top - s) & ~(s - 1);
                if (at < base) { ok = false; break; }
                top = at;
            }
            brute = ok;
        } while (!brute && std::next_permutation(order.begin(), order.end()));
        reef::test::clear_log();
        int placed = pci_place_bars(bars.data(), n, PciWindow{0xC000, 0x10000}, PciWindow{base, limit});
        if (brute) {
            EXPECT_EQ(placed, n) << "iteration " << iter << ": a fit exists";
            fits_seen++;
        } else {
            misses_seen++;
        }
        for (int i = 0; i < n; i++) {
            if (!bars[i].placed) continue;
            EXPECT_GE(bars[i].addr, base);
            EXPECT_LE(bars[i].addr + bars[i].size, limit);
            EXPECT_EQ(bars[i].addr % bars[i].size, 0u);
            for (int j = i + 1; j < n; j++) {
                if (!bars[j].placed) continue;
                EXPECT_TRUE(bars[i].addr + bars[i].size <= bars[j].addr ||
                            bars[j].addr + bars[j].size <= bars[i].addr);
            }
        }
        if (HasFailure()) break;
    }
    // Both outcomes occur, so the comparison means something.
    EXPECT_GT(fits_seen, 50);
    EXPECT_GT(misses_seen, 50);
}
