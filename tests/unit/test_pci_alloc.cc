// SPDX-License-Identifier: LGPL-3.0-or-later
// PCI bus 0 scan, BAR sizing, placement and programming over FakePci.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "fw/pci_alloc.h"
#include "host_support.h"

using namespace reef;
using reef::test::FakePci;

namespace {

using Pci = FakePci;

u32 cfg32(Pci& pci, u16 bdf, u8 off) { return pci.read32(bdf, off); }
void poke32(Pci& pci, u16 bdf, u8 off, u32 v) { std::memcpy(&pci.dev(bdf)->cfg[off], &v, 4); }

int count_log(const std::string& needle) {
    int n = 0;
    for (auto& l : reef::test::log_lines())
        if (l.text.find(needle) != std::string::npos) n++;
    return n;
}

class PciTest : public ::testing::Test {
protected:
    void SetUp() override { reef::test::clear_log(); }
    Pci pci;
};

}  // namespace

// ---- scan -------------------------------------------------------------------

TEST_F(PciTest, ScanEmptyBus) {
    PciDevice out[8];
    EXPECT_EQ(pci_scan_bus0(pci, out, 8), 0);
}

TEST_F(PciTest, ScanSingleFunctionDevices) {
    auto& host = pci.add(pci_bdf(0, 0, 0), 0x8086, 0x1237, 0x06, 0x00);
    host.cfg[0x08] = 0x02;  // revision
    auto& nic = pci.add(pci_bdf(0, 3, 0), 0x1AF4, 0x1000, 0x02, 0x00);
    nic.cfg[0x09] = 0x00;
    nic.cfg[0x3D] = 1;  // INTA#
    auto& ide = pci.add(pci_bdf(0, 31, 0), 0x8086, 0x7010, 0x01, 0x01);
    ide.cfg[0x09] = 0x80;
    ide.cfg[0x08] = 0x07;

    PciDevice out[8];
    ASSERT_EQ(pci_scan_bus0(pci, out, 8), 3);
    EXPECT_EQ(out[0].bdf, pci_bdf(0, 0, 0));
    EXPECT_EQ(out[0].vendor, 0x8086);
    EXPECT_EQ(out[0].device, 0x1237);
    EXPECT_EQ(out[0].class_code, 0x06);
    EXPECT_EQ(out[0].subclass, 0x00);
    EXPECT_EQ(out[0].revision, 0x02);
    EXPECT_EQ(out[0].class_id(), 0x0600);
    EXPECT_EQ(out[1].bdf, pci_bdf(0, 3, 0));
    EXPECT_EQ(out[1].vendor, 0x1AF4);
    EXPECT_EQ(out[1].device, 0x1000);
    EXPECT_EQ(out[1].irq_pin, 1);
    EXPECT_EQ(out[1].class_id(), 0x0200);
    EXPECT_EQ(out[2].bdf, pci_bdf(0, 31, 0));
    EXPECT_EQ(out[2].class_id(), 0x0101);
    EXPECT_EQ(out[2].prog_if, 0x80);
    EXPECT_EQ(out[2].revision, 0x07);
    EXPECT_EQ(out[2].irq_pin, 0);
    EXPECT_EQ(out[2].header_type, 0);
}

TEST_F(PciTest, ScanMultiFunction) {
    // 00:01.0 is multi-function with functions 0, 1 and 3 (2 is absent).
    pci.add(pci_bdf(0, 1, 0), 0x8086, 0x7000, 0x06, 0x01, 0x80);
    pci.add(pci_bdf(0, 1, 1), 0x8086, 0x7010, 0x01, 0x01);
    pci.add(pci_bdf(0, 1, 3), 0x8086, 0x7113, 0x06, 0x80);
    pci.add(pci_bdf(0, 2, 0), 0x1234, 0x1111, 0x03, 0x00);

    PciDevice out[8];
    ASSERT_EQ(pci_scan_bus0(pci, out, 8), 4);
    EXPECT_EQ(out[0].bdf, pci_bdf(0, 1, 0));
    EXPECT_EQ(out[0].header_type, 0) << "the multi-function bit is stripped";
    EXPECT_EQ(out[1].bdf, pci_bdf(0, 1, 1));
    EXPECT_EQ(out[1].device, 0x7010);
    EXPECT_EQ(out[2].bdf, pci_bdf(0, 1, 3));
    EXPECT_EQ(out[2].device, 0x7113);
    EXPECT_EQ(out[3].bdf, pci_bdf(0, 2, 0));
}

TEST_F(PciTest, ScanIgnoresFunctionsOfSingleFunctionDevices) {
    // Without the multi-function bit, functions 1-7 are not probed (some
    // devices alias function 0 there).
    pci.add(pci_bdf(0, 4, 0), 0x1234, 0x1111, 0x03, 0x00);
    pci.add(pci_bdf(0, 4, 1), 0x1234, 0x1111, 0x03, 0x00);
    PciDevice out[8];
    ASSERT_EQ(pci_scan_bus0(pci, out, 8), 1);
    EXPECT_EQ(out[0].bdf, pci_bdf(0, 4, 0));
}

TEST_F(PciTest, ScanSkipsSlotWithoutFunctionZero) {
    pci.add(pci_bdf(0, 5, 1), 0x1234, 0x1111, 0x03, 0x00, 0x80);
    PciDevice out[8];
    EXPECT_EQ(pci_scan_bus0(pci, out, 8), 0);
}

TEST_F(PciTest, ScanTreatsVendorFFFFAndZeroAsAbsent) {
    pci.add(pci_bdf(0, 1, 0), 0xFFFF, 0x1234, 0x02, 0x00);
    pci.add(pci_bdf(0, 2, 0), 0x0000, 0x1234, 0x02, 0x00);
    // In a multi-function device the bad functions are skipped, not the rest.
    pci.add(pci_bdf(0, 3, 0), 0x8086, 0x0001, 0x06, 0x01, 0x80);
    pci.add(pci_bdf(0, 3, 1), 0x0000, 0x0002, 0x01, 0x01);
    pci.add(pci_bdf(0, 3, 2), 0xFFFF, 0x0003, 0x01, 0x01);
    pci.add(pci_bdf(0, 3, 7), 0x8086, 0x0004, 0x0C, 0x03);
    PciDevice out[8];
    ASSERT_EQ(pci_scan_bus0(pci, out, 8), 2);
    EXPECT_EQ(out[0].bdf, pci_bdf(0, 3, 0));
    EXPECT_EQ(out[1].bdf, pci_bdf(0, 3, 7));
    EXPECT_EQ(out[1].device, 0x0004);
}

TEST_F(PciTest, ScanHeaderTypeOfBridge) {
    pci.add(pci_bdf(0, 6, 0), 0x1B36, 0x0001, 0x06, 0x04, 0x81);
    PciDevice out[2];
    ASSERT_EQ(pci_scan_bus0(pci, out, 2), 1);
    EXPECT_EQ(out[0].header_type, 1);
}

TEST_F(PciTest, ScanStopsAtMaxAndLogs) {
    for (u8 d = 0; d < 6; d++) pci.add(pci_bdf(0, d, 0), 0x1234, u16(d), 0x02, 0x00);
    PciDevice out[6] = {};
    PciDevice sentinel = out[4];
    ASSERT_EQ(pci_scan_bus0(pci, out, 4), 4);
    EXPECT_EQ(out[3].device, 3);
    EXPECT_EQ(std::memcmp(&out[4], &sentinel, sizeof(sentinel)), 0) << "wrote past max";
    EXPECT_EQ(count_log("more than 4 functions"), 2);
}

TEST_F(PciTest, ScanFindsAllSlots) {
    for (u8 d = 0; d < 32; d++) pci.add(pci_bdf(0, d, 0), 0x1234, u16(d), 0x02, 0x00);
    PciDevice out[64];
    ASSERT_EQ(pci_scan_bus0(pci, out, 64), 32);
    for (int i = 0; i < 32; i++) EXPECT_EQ(out[i].bdf, pci_bdf(0, u8(i), 0));
    EXPECT_TRUE(reef::test::log_lines().empty());
}

// ---- sizing -----------------------------------------------------------------

namespace {

constexpr u16 kDev = pci_bdf(0, 3, 0);

PciDevice scan_one(Pci& pci) {
    PciDevice out[4];
    EXPECT_EQ(pci_scan_bus0(pci, out, 4), 1);
    return out[0];
}

}  // namespace

TEST_F(PciTest, SizeAllBarKinds) {
    pci.add(kDev, 0x1AF4, 0x1041, 0x02, 0x00);
    pci.set_bar(kDev, 0, 0x20, pcireg::kBarIoSpace);
    pci.set_bar(kDev, 1, 0x1000, 0);
    pci.set_bar(kDev, 2, 8 * GiB, pcireg::kBarMem64 | pcireg::kBarPrefetch);  // BAR2+3
    // BAR4 unimplemented
    pci.set_bar(kDev, 5, 0x10, pcireg::kBarPrefetch);
    pci.set_bar(kDev, 6, 0x40000, 0);

    PciBar bars[8];
    ASSERT_EQ(pci_size_bars(pci, scan_one(pci), bars, 8), 5);

    EXPECT_EQ(bars[0].index, 0);
    EXPECT_EQ(bars[0].kind, BarKind::kIo);
    EXPECT_EQ(bars[0].size, 0x20u);
    EXPECT_FALSE(bars[0].is64);

    EXPECT_EQ(bars[1].index, 1);
    EXPECT_EQ(bars[1].kind, BarKind::kMem);
    EXPECT_EQ(bars[1].size, 0x1000u);
    EXPECT_FALSE(bars[1].is64);
    EXPECT_FALSE(bars[1].prefetch);

    EXPECT_EQ(bars[2].index, 2);
    EXPECT_EQ(bars[2].kind, BarKind::kMem);
    EXPECT_EQ(bars[2].size, 8 * GiB);
    EXPECT_TRUE(bars[2].is64);
    EXPECT_TRUE(bars[2].prefetch);

    EXPECT_EQ(bars[3].index, 5);
    EXPECT_EQ(bars[3].size, 0x10u);
    EXPECT_TRUE(bars[3].prefetch);
    EXPECT_FALSE(bars[3].is64);

    EXPECT_EQ(bars[4].index, 6);
    EXPECT_EQ(bars[4].kind, BarKind::kRom);
    EXPECT_EQ(bars[4].size, 0x40000u);
    EXPECT_EQ(bars[4].reg(), pcireg::kRomAddress);

    for (int i = 0; i < 5; i++) {
        EXPECT_EQ(bars[i].bdf, kDev);
        EXPECT_FALSE(bars[i].placed);
    }
    EXPECT_EQ(bars[2].reg(), 0x18);
    EXPECT_TRUE(reef::test::log_lines().empty());
}

TEST_F(PciTest, SizeSmall64BitBar) {
    // A 64-bit BAR below 4 GiB: the upper half's mask is all ones.
    pci.add(kDev, 0x1AF4, 0x1041, 0x02, 0x00);
    pci.set_bar(kDev, 0, 0x4000, pcireg::kBarMem64);
    pci.set_bar(kDev, 2, 0x100, pcireg::kBarIoSpace);
    PciBar bars[8];
    ASSERT_EQ(pci_size_bars(pci, scan_one(pci), bars, 8), 2);
    EXPECT_TRUE(bars[0].is64);
    EXPECT_EQ(bars[0].size, 0x4000u);
    EXPECT_EQ(bars[1].index, 2) << "BAR1 is the upper half of BAR0";
    EXPECT_EQ(bars[1].kind, BarKind::kIo);
}

TEST_F(PciTest, Size16BitIoDecode) {
    // I/O BARs may hardwire the upper 16 bits to zero.
    pci.add(kDev, 0x8086, 0x100E, 0x02, 0x00);
    pci.dev(kDev)->bar_mask[0] = 0x0000FFC1u;
    poke32(pci, kDev, 0x10, 1);
    PciBar bars[8];
    ASSERT_EQ(pci_size_bars(pci, scan_one(pci), bars, 8), 1);
    EXPECT_EQ(bars[0].kind, BarKind::kIo);
    EXPECT_EQ(bars[0].size, 0x40u);
}

TEST_F(PciTest, SizeNoBars) {
    pci.add(kDev, 0x8086, 0x1237, 0x06, 0x00);
    PciBar bars[8];
    EXPECT_EQ(pci_size_bars(pci, scan_one(pci), bars, 8), 0);
}

TEST_F(PciTest, SizeBridgeBarsButNotItsWindows) {
    // A PCIe-to-PCI bridge's SHPC BAR: 64-bit, 256 bytes, in BAR0-1.
    pci.add(kDev, 0x1B36, 0x000E, 0x06, 0x04, 0x01);
    pci.set_bar(kDev, 0, 0x100, pcireg::kBarMem64);
    PciBar bars[8];
    ASSERT_EQ(pci_size_bars(pci, scan_one(pci), bars, 8), 1);
    EXPECT_EQ(bars[0].index, 0);
    EXPECT_EQ(bars[0].size, 0x100u);
    EXPECT_TRUE(bars[0].is64);
    for (auto& w : pci.dev(kDev)->writes)
        EXPECT_TRUE(w.first == pcireg::kCommand || w.first == pcireg::kBar0 || w.first == pcireg::kBar0 + 4)
            << "a bridge's bus numbers and windows are not touched while sizing (offset 0x" << std::hex
            << int(w.first) << ")";
}

TEST_F(PciTest, SizeMalformedMaskIsIgnoredAndLogged) {
    pci.add(kDev, 0x1AF4, 0x1041, 0x02, 0x00);
    pci.set_bar(kDev, 0, 0x1000, 0);
    pci.dev(kDev)->bar_mask[1] = 0xFFFF0F00u;  // memory, holes in the mask
    pci.set_bar(kDev, 2, 0x100, pcireg::kBarIoSpace);
    pci.dev(kDev)->bar_mask[3] = 0xFFFFFF05u;  // I/O, not a power of two
    pci.dev(kDev)->cfg[0x1C] = 1;
    pci.set_bar(kDev, 4, 0x2000, 0);
    PciBar bars[8];
    ASSERT_EQ(pci_size_bars(pci, scan_one(pci), bars, 8), 3);
    EXPECT_EQ(bars[0].index, 0);
    EXPECT_EQ(bars[1].index, 2);
    EXPECT_EQ(bars[2].index, 4);
    EXPECT_EQ(bars[2].size, 0x2000u);
    EXPECT_EQ(count_log("malformed"), 2);
    EXPECT_TRUE(reef::test::log_contains("00:03.0 BAR1"));
    EXPECT_TRUE(reef::test::log_contains("00:03.0 BAR3"));
}

TEST_F(PciTest, SizeRestoresBarsAndCommand) {
    pci.add(kDev, 0x1AF4, 0x1041, 0x02, 0x00);
    pci.set_bar(kDev, 0, 0x20, pcireg::kBarIoSpace);
    pci.set_bar(kDev, 1, 0x1000, 0);
    pci.set_bar(kDev, 2, 16 * KiB, pcireg::kBarMem64 | pcireg::kBarPrefetch);
    pci.set_bar(kDev, 6, 0x10000, 0);
    // Firmware (or a previous boot) left addresses and decoding enabled.
    poke32(pci, kDev, 0x10, 0xC041);
    poke32(pci, kDev, 0x14, 0xFEB01000);
    poke32(pci, kDev, 0x18, 0x0000400C);
    poke32(pci, kDev, 0x1C, 0x00000008);  // upper half: 0x8_0000_4000
    poke32(pci, kDev, 0x30, 0xFEB40001);  // ROM enabled
    poke32(pci, kDev, 0x04, 0x00100107);  // status | SERR | master | mem | io
    unsigned char before[256];
    std::memcpy(before, pci.dev(kDev)->cfg, 256);

    PciDevice d = scan_one(pci);
    pci.dev(kDev)->writes.clear();
    PciBar bars[8];
    ASSERT_EQ(pci_size_bars(pci, d, bars, 8), 4);
    EXPECT_EQ(std::memcmp(before, pci.dev(kDev)->cfg, 256), 0) << "config space not restored";

    // Decoding was off while the BARs were probed.
    auto& w = pci.dev(kDev)->writes;
    ASSERT_GE(w.size(), 3u);
    EXPECT_EQ(w.front().first, pcireg::kCommand);
    EXPECT_EQ(w.front().second & (pcireg::kCmdIo | pcireg::kCmdMemory), 0u);
    EXPECT_EQ(w.front().second & 0xFFFF, 0x0104u) << "other command bits kept";
    EXPECT_EQ(w.back().first, pcireg::kCommand);
    EXPECT_EQ(w.back().second & 0xFFFF, 0x0107u);
    for (size_t i = 1; i + 1 < w.size(); i++) EXPECT_NE(w[i].first, pcireg::kCommand);
    // Every BAR register (and the 64-bit upper half) was probed.
    for (u8 reg : {0x10, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x30})
        EXPECT_TRUE(std::any_of(w.begin(), w.end(), [&](auto& p) { return p.first == reg; })) << int(reg);
}

TEST_F(PciTest, SizeStopsAtMaxAndStillRestoresCommand) {
    pci.add(kDev, 0x1AF4, 0x1041, 0x02, 0x00);
    for (int i = 0; i < 6; i++) pci.set_bar(kDev, i, 0x1000, 0);
    pci.set_bar(kDev, 6, 0x10000, 0);
    poke32(pci, kDev, 0x04, 0x00000003);
    PciBar bars[3];
    ASSERT_EQ(pci_size_bars(pci, scan_one(pci), bars, 2), 2);
    EXPECT_EQ(bars[0].index, 0);
    EXPECT_EQ(bars[1].index, 1);
    EXPECT_EQ(cfg32(pci, kDev, 0x04) & 0xFFFF, 0x0003u);
    EXPECT_EQ(pci_size_bars(pci, scan_one(pci), bars, 0), 0);
    EXPECT_EQ(cfg32(pci, kDev, 0x04) & 0xFFFF, 0x0003u);
}

TEST_F(PciTest, Size64BitFlagInLastBarDoesNotEatTheRom) {
    pci.add(kDev, 0x1AF4, 0x1041, 0x02, 0x00);
    pci.dev(kDev)->bar_mask[5] = 0xFFFFF000u | pcireg::kBarMem64;
    pci.set_bar(kDev, 6, 0x800, 0);
    PciBar bars[8];
    ASSERT_EQ(pci_size_bars(pci, scan_one(pci), bars, 8), 2);
    EXPECT_EQ(bars[0].index, 5);
    EXPECT_EQ(bars[0].size, 0x1000u);
    EXPECT_FALSE(bars[0].is64);
    EXPECT_EQ(bars[1].kind, BarKind::kRom);
    EXPECT_EQ(bars[1].size, 0x800u);
}

// ---- placement --------------------------------------------------------------

namespace {

PciBar bar(BarKind kind, u64 size, u8 index = 0, u16 bdf = kDev, bool is64 = false) {
    PciBar b{};
    b.bdf = bdf;
    b.index = index;
    b.kind = kind;
    b.size = size;
    b.is64 = is64;
    return b;
}

const PciWindow kIoWin{0xC000, 0x10000};
const PciWindow kMemWin{0xC0000000, 0xFEC00000};

// Placed bars of one kind: naturally aligned, inside the window, disjoint.
::testing::AssertionResult placed_well(const std::vector<PciBar>& bars, bool io, const PciWindow& w) {
    std::vector<const PciBar*> p;
    for (auto& b : bars) {
        if ((b.kind == BarKind::kIo) != io || !b.placed) continue;
        if (b.addr % b.size) return ::testing::AssertionFailure() << "misaligned BAR" << int(b.index);
        if (b.addr < w.base || b.addr + b.size > w.limit || b.addr + b.size < b.addr)
            return ::testing::AssertionFailure() << "BAR" << int(b.index) << " outside the window";
        p.push_back(&b);
    }
    std::sort(p.begin(), p.end(), [](auto* a, auto* b) { return a->addr < b->addr; });
    for (size_t i = 1; i < p.size(); i++)
        if (p[i - 1]->addr + p[i - 1]->size > p[i]->addr) return ::testing::AssertionFailure() << "overlap";
    return ::testing::AssertionSuccess();
}

}  // namespace

TEST_F(PciTest, PlaceLargestFirstPackedAtTheTop) {
    std::vector<PciBar> b = {bar(BarKind::kMem, 0x1000, 0), bar(BarKind::kMem, 0x100000, 1),
                             bar(BarKind::kMem, 0x10, 2), bar(BarKind::kMem, 0x4000000, 3)};
    ASSERT_EQ(pci_place_bars(b.data(), int(b.size()), kIoWin, kMemWin), 4);
    // total 0x4101010 below 0xFEC00000, aligned down to 64 MiB: 0xF8000000.
    EXPECT_EQ(b[3].addr, 0xF8000000u);
    EXPECT_EQ(b[1].addr, 0xFC000000u);
    EXPECT_EQ(b[0].addr, 0xFC100000u);
    EXPECT_EQ(b[2].addr, 0xFC101000u);
    for (auto& x : b) EXPECT_TRUE(x.placed);
    EXPECT_TRUE(placed_well(b, false, kMemWin));
    EXPECT_TRUE(reef::test::log_lines().empty());
}

TEST_F(PciTest, PlaceEqualSizesKeepOrder) {
    std::vector<PciBar> b = {bar(BarKind::kMem, 0x1000, 0), bar(BarKind::kMem, 0x1000, 1),
                             bar(BarKind::kMem, 0x1000, 2)};
    ASSERT_EQ(pci_place_bars(b.data(), 3, kIoWin, PciWindow{0x10000, 0x20000}), 3);
    EXPECT_EQ(b[0].addr, 0x1D000u);
    EXPECT_EQ(b[1].addr, 0x1E000u);
    EXPECT_EQ(b[2].addr, 0x1F000u);
}

TEST_F(PciTest, PlaceSeparatesIoAndMemoryWindows) {
    std::vector<PciBar> b = {bar(BarKind::kIo, 0x20, 0), bar(BarKind::kMem, 0x1000, 1),
                             bar(BarKind::kIo, 0x100, 2), bar(BarKind::kRom, 0x10000, 6),
                             bar(BarKind::kIo, 0x4, 3)};
    ASSERT_EQ(pci_place_bars(b.data(), int(b.size()), kIoWin, kMemWin), 5);
    // I/O: 0x124 bytes below 0x10000, aligned to 0x100.
    EXPECT_EQ(b[2].addr, 0xFE00u);
    EXPECT_EQ(b[0].addr, 0xFF00u);
    EXPECT_EQ(b[4].addr, 0xFF20u);
    // Memory (the ROM shares it): 0x11000 bytes, aligned to 64 KiB.
    EXPECT_EQ(b[3].addr, 0xFEBE0000u);
    EXPECT_EQ(b[1].addr, 0xFEBF0000u);
    EXPECT_TRUE(placed_well(b, true, kIoWin));
    EXPECT_TRUE(placed_well(b, false, kMemWin));
}

TEST_F(PciTest, PlaceLeavesWhatDoesNotFitAndPlacesTheRest) {
    std::vector<PciBar> b = {bar(BarKind::kMem, 0x1000, 0, pci_bdf(0, 2, 0)),
                             bar(BarKind::kMem, 0x200000, 2, pci_bdf(0, 5, 1)),
                             bar(BarKind::kMem, 0x10, 1, pci_bdf(0, 2, 0)),
                             bar(BarKind::kIo, 0x10, 0, pci_bdf(0, 2, 0))};
    b[1].placed = true;  // stale state from an earlier pass must be cleared
    PciWindow mem{0xFE000000, 0xFE100000};  // 1 MiB
    ASSERT_EQ(pci_place_bars(b.data(), int(b.size()), kIoWin, mem), 3);
    EXPECT_FALSE(b[1].placed);
    EXPECT_TRUE(b[0].placed);
    EXPECT_TRUE(b[2].placed);
    EXPECT_TRUE(b[3].placed);
    EXPECT_EQ(b[0].addr, 0xFE0FE000u);
    EXPECT_EQ(b[2].addr, 0xFE0FF000u);
    EXPECT_TRUE(placed_well(b, false, mem));
    EXPECT_EQ(count_log("no room"), 1);
    EXPECT_TRUE(reef::test::log_contains("00:05.1 BAR2 (memory, 0x200000 bytes)"));
}

TEST_F(PciTest, PlaceAlignmentCanBeWhatDoesNotFit) {
    // 8 KiB fit in the 8 KiB window by size, but not at an 8 KiB boundary.
    std::vector<PciBar> b = {bar(BarKind::kMem, 0x2000, 0), bar(BarKind::kMem, 0x1000, 1)};
    PciWindow mem{0x1000, 0x3000};
    ASSERT_EQ(pci_place_bars(b.data(), 2, kIoWin, mem), 1);
    EXPECT_FALSE(b[0].placed);
    EXPECT_TRUE(b[1].placed);
    EXPECT_EQ(b[1].addr, 0x2000u);
    EXPECT_EQ(count_log("no room"), 1);
}

TEST_F(PciTest, PlaceIoOverflowIsLogged) {
    // 0x6010 bytes do not fit the 16 KiB window; without the largest they do.
    std::vector<PciBar> b = {bar(BarKind::kIo, 0x10, 0), bar(BarKind::kIo, 0x4000, 1),
                             bar(BarKind::kIo, 0x2000, 2)};
    ASSERT_EQ(pci_place_bars(b.data(), 3, kIoWin, kMemWin), 2);
    EXPECT_FALSE(b[1].placed);
    EXPECT_TRUE(b[2].placed);
    EXPECT_EQ(b[2].addr, 0xC000u);
    EXPECT_TRUE(b[0].placed);
    EXPECT_EQ(b[0].addr, 0xE000u);
    EXPECT_EQ(count_log("no room"), 1);
    EXPECT_TRUE(reef::test::log_contains("BAR1 (I/O, 0x4000 bytes)"));
}

TEST_F(PciTest, PlaceIntoAnEmptyWindow) {
    std::vector<PciBar> b = {bar(BarKind::kIo, 0x10, 0), bar(BarKind::kMem, 0x10, 1)};
    EXPECT_EQ(pci_place_bars(b.data(), 2, PciWindow{0x1000, 0x1000}, PciWindow{0x2000, 0x2000}), 0);
    EXPECT_FALSE(b[0].placed);
    EXPECT_FALSE(b[1].placed);
    EXPECT_EQ(count_log("no room"), 2);
}

TEST_F(PciTest, PlaceAbove4G) {
    std::vector<PciBar> b = {bar(BarKind::kMem, 8 * GiB, 0, kDev, true), bar(BarKind::kMem, 4 * GiB, 2, kDev, true)};
    PciWindow mem{64 * GiB, 128 * GiB};
    ASSERT_EQ(pci_place_bars(b.data(), 2, kIoWin, mem), 2);
    EXPECT_EQ(b[0].addr, 112 * GiB);
    EXPECT_EQ(b[1].addr, 120 * GiB);
}

TEST_F(PciTest, PlaceManyBarsOfOneKind) {
    // A full bus of small memory BARs (the firmware keeps up to 128).
    std::vector<PciBar> b;
    for (int i = 0; i < 128; i++) b.push_back(bar(BarKind::kMem, 0x1000, u8(i % 6), pci_bdf(0, u8(i / 6), 0)));
    EXPECT_EQ(pci_place_bars(b.data(), int(b.size()), kIoWin, kMemWin), 128);
    for (auto& x : b) EXPECT_TRUE(x.placed);
    EXPECT_TRUE(placed_well(b, false, kMemWin));
    EXPECT_TRUE(reef::test::log_lines().empty());
}

TEST_F(PciTest, PlaceTooManyBarsLogsTheRest) {
    // Beyond what placement can sort, bars are left unplaced, but not silently.
    std::vector<PciBar> b;
    for (int i = 0; i < 330; i++)
        b.push_back(bar(BarKind::kMem, 0x1000, u8(i % 6), pci_bdf(u8(i / 192), u8(i / 6 % 32), 0)));
    int placed = pci_place_bars(b.data(), int(b.size()), kIoWin, kMemWin);
    EXPECT_EQ(placed, 320);
    int unplaced = int(std::count_if(b.begin(), b.end(), [](auto& x) { return !x.placed; }));
    EXPECT_EQ(unplaced, 10);
    EXPECT_EQ(count_log("too many BARs"), 10);
    EXPECT_EQ(int(reef::test::log_lines().size()), unplaced);
    EXPECT_TRUE(reef::test::log_contains("01:16.0 BAR5 left disabled"));  // bar 329
    EXPECT_TRUE(placed_well(b, false, kMemWin));
}

TEST_F(PciTest, PlaceRandomized) {
    std::mt19937 rng(7);
    for (int round = 0; round < 500; round++) {
        SCOPED_TRACE(round);
        reef::test::clear_log();
        std::vector<PciBar> b;
        int n = int(rng() % 24);
        for (int i = 0; i < n; i++) {
            int k = int(rng() % 3);
            BarKind kind = k == 0 ? BarKind::kIo : k == 1 ? BarKind::kMem : BarKind::kRom;
            u64 size = kind == BarKind::kIo ? u64(4) << (rng() % 9)
                       : kind == BarKind::kRom ? u64(0x800) << (rng() % 8)
                                               : u64(16) << (rng() % 24);
            b.push_back(bar(kind, size, u8(i % 7)));
        }
        PciWindow io{0x1000 + 0x10 * (rng() % 0x100), 0};
        io.limit = io.base + 0x10 * (rng() % 0x200);
        PciWindow mem{0xC0000000 + 0x1000 * u64(rng() % 0x1000), 0};
        mem.limit = mem.base + (u64(1) << (12 + rng() % 17)) + 0x1000 * (rng() % 16);
        int placed = pci_place_bars(b.data(), n, io, mem);
        ASSERT_TRUE(placed_well(b, true, io));
        ASSERT_TRUE(placed_well(b, false, mem));
        int unplaced = 0;
        for (int kind = 0; kind < 2; kind++) {
            bool is_io = kind == 0;
            const PciWindow& w = is_io ? io : mem;
            u64 total = 0, largest = 0, placed_total = 0, largest_placed = 0, low = ~u64(0), high = 0;
            for (auto& x : b) {
                if ((x.kind == BarKind::kIo) != is_io) continue;
                total += x.size;
                largest = std::max(largest, x.size);
                if (!x.placed) {
                    unplaced++;
                    continue;
                }
                placed_total += x.size;
                largest_placed = std::max(largest_placed, x.size);
                low = std::min(low, x.addr);
                high = std::max(high, x.addr + x.size);
            }
            // Whenever everything fits (aligned to the largest), everything is placed.
            if (total && total <= w.limit - w.base && align_down(w.limit - total, largest) >= w.base) {
                EXPECT_EQ(placed_total, total);
            }
            // What was placed is one gap-free block near the top, unless the
            // window was too tight for that and got packed around gaps.
            char packed[80];
            std::snprintf(packed, sizeof packed, "window 0x%llx-0x%llx: packed", (unsigned long long)w.base,
                          (unsigned long long)w.limit);
            if (placed_total && !reef::test::log_contains(packed)) {
                EXPECT_EQ(high - low, placed_total);
                EXPECT_LE(high, w.limit);
                EXPECT_LT(w.limit - high, largest_placed);
            }
        }
        EXPECT_EQ(placed + unplaced, n);
        EXPECT_EQ(count_log("no room"), unplaced);
    }
}

// ---- programming ------------------------------------------------------------

TEST_F(PciTest, ProgramWritesPlacedAddresses) {
    pci.add(kDev, 0x1AF4, 0x1041, 0x02, 0x00);
    pci.set_bar(kDev, 0, 0x20, pcireg::kBarIoSpace);
    pci.set_bar(kDev, 1, 0x1000, 0);
    pci.set_bar(kDev, 2, 0x4000, pcireg::kBarMem64 | pcireg::kBarPrefetch);
    pci.set_bar(kDev, 6, 0x10000, 0);
    poke32(pci, kDev, 0x30, 0x00000001);  // ROM enable bit already set
    PciBar bars[8];
    int n = pci_size_bars(pci, scan_one(pci), bars, 8);
    ASSERT_EQ(n, 4);
    bars[0].addr = 0xC040;
    bars[1].addr = 0xFEB01000;
    bars[2].addr = 0x0000000812344000ull;
    bars[3].addr = 0xFEB40000;
    for (int i = 0; i < n; i++) bars[i].placed = true;
    pci.dev(kDev)->writes.clear();
    pci_program_bars(pci, bars, n);

    EXPECT_EQ(cfg32(pci, kDev, 0x10), 0xC041u);                 // I/O bit is read-only
    EXPECT_EQ(cfg32(pci, kDev, 0x14), 0xFEB01000u);
    EXPECT_EQ(cfg32(pci, kDev, 0x18), 0x1234400Cu);             // 64-bit, prefetchable
    EXPECT_EQ(cfg32(pci, kDev, 0x1C), 0x00000008u);             // upper half
    EXPECT_EQ(cfg32(pci, kDev, 0x30), 0xFEB40000u);             // ROM disabled
    auto& w = pci.dev(kDev)->writes;
    using W = std::pair<unsigned char, unsigned>;
    EXPECT_EQ(w, (std::vector<W>{{0x10, 0xC040}, {0x14, 0xFEB01000}, {0x18, 0x12344000}, {0x1C, 0x8},
                                 {0x30, 0xFEB40000}}));
}

TEST_F(PciTest, ProgramSkipsUnplacedBars) {
    pci.add(kDev, 0x1AF4, 0x1041, 0x02, 0x00);
    PciBar b[2] = {bar(BarKind::kMem, 0x1000, 0), bar(BarKind::kRom, 0x800, 6)};
    b[0].addr = 0x1000;
    b[1].addr = 0x2000;
    pci_program_bars(pci, b, 2);
    EXPECT_TRUE(pci.dev(kDev)->writes.empty());
}

TEST_F(PciTest, ProgramRomClearsEnableEvenIfAddressHasIt) {
    pci.add(kDev, 0x1AF4, 0x1041, 0x02, 0x00);
    PciBar b = bar(BarKind::kRom, 0x800, 6);
    b.addr = 0xFEB00801;  // not a valid ROM address, but bit 0 must never be written
    b.placed = true;
    pci_program_bars(pci, &b, 1);
    ASSERT_EQ(pci.dev(kDev)->writes.size(), 1u);
    EXPECT_EQ(pci.dev(kDev)->writes[0].first, pcireg::kRomAddress);
    EXPECT_EQ(pci.dev(kDev)->writes[0].second & pcireg::kRomEnable, 0u);
}

TEST_F(PciTest, EndToEndScanSizePlaceProgram) {
    const u16 a = pci_bdf(0, 2, 0), b = pci_bdf(0, 3, 0), c = pci_bdf(0, 4, 1);
    pci.add(pci_bdf(0, 0, 0), 0x8086, 0x1237, 0x06, 0x00);
    pci.add(a, 0x1234, 0x1111, 0x03, 0x00);
    pci.set_bar(a, 0, 16 * MiB, pcireg::kBarPrefetch);
    pci.set_bar(a, 2, 0x1000, 0);
    pci.set_bar(a, 6, 0x10000, 0);
    pci.add(b, 0x1AF4, 0x1000, 0x02, 0x00);
    pci.set_bar(b, 0, 0x20, pcireg::kBarIoSpace);
    pci.set_bar(b, 1, 0x1000, 0);
    pci.set_bar(b, 4, 0x4000, pcireg::kBarMem64 | pcireg::kBarPrefetch);
    pci.set_bar(b, 6, 0x40000, 0);
    pci.add(pci_bdf(0, 4, 0), 0x8086, 0x7000, 0x06, 0x01, 0x80);
    pci.add(c, 0x8086, 0x7010, 0x01, 0x01);
    pci.set_bar(c, 4, 0x10, pcireg::kBarIoSpace);

    PciDevice devs[16];
    int nd = pci_scan_bus0(pci, devs, 16);
    ASSERT_EQ(nd, 5);
    PciBar bars[32];
    int nb = 0;
    for (int i = 0; i < nd; i++) nb += pci_size_bars(pci, devs[i], bars + nb, 32 - nb);
    ASSERT_EQ(nb, 8);
    ASSERT_EQ(pci_place_bars(bars, nb, kIoWin, kMemWin), 8);
    std::vector<PciBar> v(bars, bars + nb);
    EXPECT_TRUE(placed_well(v, true, kIoWin));
    EXPECT_TRUE(placed_well(v, false, kMemWin));
    pci_program_bars(pci, bars, nb);
    // Every BAR now decodes at its assigned address; the ROMs stay disabled.
    for (int i = 0; i < nb; i++) {
        const PciBar& x = bars[i];
        u32 lo = cfg32(pci, x.bdf, x.reg());
        u64 addr = x.kind == BarKind::kIo ? (lo & ~3u) : (lo & ~0xFu);
        if (x.kind == BarKind::kRom) {
            EXPECT_EQ(lo & pcireg::kRomEnable, 0u);
            addr = lo & 0xFFFFF800u;
        }
        if (x.is64) addr |= u64(cfg32(pci, x.bdf, u8(x.reg() + 4))) << 32;
        EXPECT_EQ(addr, x.addr) << "BAR" << int(x.index) << " of " << std::hex << x.bdf;
    }
    // Sizing again after programming gives the same sizes (masks intact).
    PciBar again[8];
    EXPECT_EQ(pci_size_bars(pci, devs[2], again, 8), 4);
    EXPECT_EQ(again[2].size, 0x4000u);
    EXPECT_EQ(cfg32(pci, b, 0x20) & ~0xFu, u32(bars[5].addr));
}
