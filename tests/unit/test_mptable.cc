// SPDX-License-Identifier: LGPL-3.0-or-later
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <vector>

#include "fw/mptable.h"

using namespace reef;

namespace {
struct Entry {
    u8 type;
    std::vector<u8> b;
};

u8 sum(const u8* p, size_t n) {
    u8 s = 0;
    while (n--) s = u8(s + *p++);
    return s;
}

std::vector<Entry> parse(const std::vector<u8>& t) {
    std::vector<Entry> out;
    size_t off = mp::kHeaderSize;
    u16 count = u16(t[34] | t[35] << 8);
    for (int i = 0; i < count; i++) {
        EXPECT_LT(off, t.size());
        size_t n = t[off] == 0 ? 20 : 8;
        out.push_back(Entry{t[off], std::vector<u8>(t.begin() + long(off), t.begin() + long(off + n))});
        off += n;
    }
    EXPECT_EQ(off, t.size());
    return out;
}

MpInput input(Chipset c, const std::vector<MpCpu>& cpus, const std::vector<MpPciPin>& pci) {
    MpInput in{};
    in.cpus = cpus.data();
    in.ncpus = int(cpus.size());
    in.lapic_version = 0x14;
    in.cpu_signature = 0x663;
    in.cpu_features = 0x0781abfd;
    in.lapic_addr = 0xFEE00000;
    in.ioapic_id = 0;
    in.ioapic_version = 0x20;
    in.ioapic_addr = 0xFEC00000;
    in.routing = intx_routing(c);
    in.pci = pci.data();
    in.npci = int(pci.size());
    in.sci_irq = 9;
    return in;
}

std::vector<u8> build(const MpInput& in) {
    std::vector<u8> t(mptable_size(in));
    EXPECT_EQ(mptable_build(in, t.data(), u32(t.size())), t.size());
    return t;
}

// (source bus, source irq) -> (ioapic pin, flags) of the INT entries.
std::map<std::pair<int, int>, std::pair<int, int>> ints(const std::vector<Entry>& es) {
    std::map<std::pair<int, int>, std::pair<int, int>> m;
    for (auto& e : es)
        if (e.type == 3 && e.b[1] == 0) m[{e.b[4], e.b[5]}] = {e.b[7], e.b[2] | e.b[3] << 8};
    return m;
}
}  // namespace

TEST(MpTable, HeaderChecksumAndCpus) {
    std::vector<MpCpu> cpus = {{0, true}, {1, false}, {2, false}, {3, false}};
    auto t = build(input(Chipset::kI440fx, cpus, {}));
    EXPECT_EQ(std::memcmp(t.data(), "PCMP", 4), 0);
    EXPECT_EQ(t[4] | t[5] << 8, int(t.size()));
    EXPECT_EQ(t[6], 4);
    EXPECT_EQ(sum(t.data(), t.size()), 0);
    auto es = parse(t);
    int ncpu = 0, nbsp = 0;
    for (auto& e : es)
        if (e.type == 0) {
            EXPECT_EQ(e.b[1], ncpu);
            EXPECT_TRUE(e.b[3] & 1);
            nbsp += (e.b[3] & 2) ? 1 : 0;
            EXPECT_EQ(e.b[4] | e.b[5] << 8, 0x663);
            ncpu++;
        }
    EXPECT_EQ(ncpu, 4);
    EXPECT_EQ(nbsp, 1);
}

// Past 255 CPUs (x2APIC), IDs above FEh have no 8-bit MP entry: the table
// lists the others and stays consistent (length, entry count, checksum).
TEST(MpTable, SkipsCpusWithX2apicIds) {
    std::vector<MpCpu> cpus;
    for (u32 id = 0; id < 260; id++) cpus.push_back({id, id == 0});
    auto t = build(input(Chipset::kQ35, cpus, {}));
    EXPECT_EQ(t[4] | t[5] << 8, int(t.size()));
    EXPECT_EQ(sum(t.data(), t.size()), 0);
    auto es = parse(t);
    EXPECT_EQ(int(es.size()), t[34] | t[35] << 8);
    int ncpu = 0;
    for (auto& e : es)
        if (e.type == 0) {
            EXPECT_EQ(e.b[1], ncpu);
            ncpu++;
        }
    EXPECT_EQ(ncpu, 255);
    std::vector<MpCpu> high = {{300, true}};
    MpInput in = input(Chipset::kQ35, high, {});
    std::vector<u8> buf(4096);
    EXPECT_EQ(mptable_build(in, buf.data(), u32(buf.size())), 0u);
}

TEST(MpTable, PcRoutesPciThroughTheIsaIrqs) {
    std::vector<MpCpu> cpus = {{0, true}};
    // e1000 in slot 3 (INTA -> PIRQC -> 11), UHCI 01.2 (INTD -> PIRQD -> 11),
    // a device in slot 6 (INTA -> PIRQB -> 10).
    auto es = parse(build(input(Chipset::kI440fx, cpus, {{3, 1}, {1, 4}, {6, 1}})));
    auto m = ints(es);
    EXPECT_EQ(m.at({0, 3 << 2}), std::make_pair(11, 0x0D));
    EXPECT_EQ(m.at({0, (1 << 2) | 3}), std::make_pair(11, 0x0D));
    EXPECT_EQ(m.at({0, 6 << 2}), std::make_pair(10, 0x0D));
    EXPECT_EQ(m.at({1, 0}), std::make_pair(2, 0));   // the PIT on input 2
    EXPECT_EQ(m.at({1, 9}), std::make_pair(9, 0x0D)); // SCI level high
    EXPECT_EQ(m.count({1, 2}), 0u);
    EXPECT_EQ(m.count({1, 10}), 0u);  // PCI owns 10 and 11
    EXPECT_EQ(m.count({1, 11}), 0u);
    EXPECT_EQ(m.at({1, 4}), std::make_pair(4, 0));
    int extint = 0, lint = 0;
    for (auto& e : es) {
        if (e.type == 3 && e.b[1] == 3) {
            extint++;
            EXPECT_EQ(e.b[7], 0);
        }
        if (e.type == 4) {
            EXPECT_EQ(e.b[7], lint++);
            EXPECT_EQ(e.b[6], 0xFF);
        }
    }
    EXPECT_EQ(extint, 1);
    EXPECT_EQ(lint, 2);
}

TEST(MpTable, Q35UsesInputs16To23) {
    std::vector<MpCpu> cpus = {{0, true}, {1, false}};
    auto m = ints(parse(build(input(Chipset::kQ35, cpus, {{31, 1}, {2, 1}, {4, 1}}))));
    EXPECT_EQ(m.at({0, 31 << 2}), std::make_pair(16, 0x0D));     // PIRQA
    EXPECT_EQ(m.at({0, 2 << 2}), std::make_pair(16 + 6, 0x0D));  // PIRQG
    EXPECT_EQ(m.at({0, 4 << 2}), std::make_pair(16 + 4, 0x0D));  // PIRQE
    EXPECT_EQ(m.at({1, 10}), std::make_pair(10, 0));  // ISA 10/11 stay ISA
}

TEST(MpTable, RefusesWhatDoesNotFit) {
    std::vector<MpCpu> cpus = {{0, true}};
    MpInput in = input(Chipset::kI440fx, cpus, {});
    std::vector<u8> t(mptable_size(in));
    EXPECT_EQ(mptable_build(in, t.data(), u32(t.size() - 1)), 0u);
    in.ncpus = 0;
    EXPECT_EQ(mptable_build(in, t.data(), u32(t.size())), 0u);
}

TEST(MpTable, FloatingPointer) {
    u8 f[16];
    mp_floating_build(f, 0xF1230);
    EXPECT_EQ(std::memcmp(f, "_MP_", 4), 0);
    EXPECT_EQ(f[4] | f[5] << 8 | f[6] << 16 | f[7] << 24, 0xF1230);
    EXPECT_EQ(f[8], 1);
    EXPECT_EQ(f[9], 4);
    EXPECT_EQ(f[11], 0);
    EXPECT_EQ(sum(f, 16), 0);
}
