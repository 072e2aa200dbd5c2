// SPDX-License-Identifier: LGPL-3.0-or-later
// IGD assignment (src/fw/igd.cc) against a fake PCI config space, a fake
// fw_cfg and fake physical memory: the generation table and the register it
// picks, 32- vs 64-bit writes, the 00:02.0 rule, the test override, and every
// kind of bad input (one log line each, nothing written to the device).
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "fw/igd.h"
#include "host_support.h"

using namespace reef;
using reef::test::clear_log;
using reef::test::FakeFwCfg;
using reef::test::FakePci;
using reef::test::log_contains;
using reef::test::log_lines;
using reef::test::log_text;

namespace {

constexpr u64 k1M = 0x100000;
constexpr u16 k00_02_0 = pci_bdf(0, 2, 0);
constexpr u16 k00_03_0 = pci_bdf(0, 3, 0);
constexpr u16 k00_04_0 = pci_bdf(0, 4, 0);

// Physical memory: every map()ed range is its own buffer, pre-filled with
// 0xAA so that a missing zeroing shows; zero() calls are recorded.
struct FakeMem final : PhysMem {
    std::map<u32, std::vector<u8>> chunks;
    std::vector<std::pair<u32, u32>> zeroed;
    void* map(u32 addr, u32 len) override {
        auto& c = chunks[addr];
        c.assign(len, 0xAA);
        return c.data();
    }
    void zero(u32 addr, u32 len) override {
        zeroed.push_back({addr, len});
        for (auto& [base, c] : chunks)
            for (u64 a = max<u64>(addr, base); a < min<u64>(u64(addr) + len, base + c.size()); a++) c[a - base] = 0;
    }
};

std::vector<unsigned char> le64(u64 v) {
    std::vector<unsigned char> b(8);
    std::memcpy(b.data(), &v, 8);
    return b;
}

void put32(std::vector<unsigned char>& b, size_t at, u32 v) { std::memcpy(b.data() + at, &v, 4); }

// An OpRegion file of n bytes: signature, a header whose size covers the
// file (in KiB), version major.minor, mailbox 3's RVDA/RVDS as given, the
// rest a pattern.
std::vector<unsigned char> opregion_bytes(size_t n, u8 major = 2, u8 minor = 0, u64 rvda = 0, u32 rvds = 0) {
    std::vector<unsigned char> b(n);
    for (size_t i = 0; i < n; i++) b[i] = u8(i * 7 + 3);
    const char sig[] = "IntelGraphicsMem";
    if (n >= 16) std::memcpy(b.data(), sig, 16);
    if (n >= opregion::kMailbox3End) {
        put32(b, opregion::kSize, u32((n + 1023) / 1024));
        b[opregion::kVerMajor] = major;
        b[opregion::kVerMinor] = minor;
        put32(b, opregion::kRvda, u32(rvda));
        put32(b, opregion::kRvda + 4, u32(rvda >> 32));
        put32(b, opregion::kRvds, rvds);
    }
    return b;
}

int level1_lines() {
    int n = 0;
    for (auto& l : log_lines()) n += l.level <= 1;
    return n;
}

std::string level1_text() {
    std::string s;
    for (auto& l : log_lines())
        if (l.level <= 1) s += l.text;
    return s;
}

class IgdTest : public ::testing::Test {
protected:
    void SetUp() override {
        clear_log();
        map.clear();
        // QEMU pc -m 128M, as memmap_setup() builds it.
        map.add(0, 0x9FC00, kE820Ram);
        map.add(0x9FC00, 0x400, kE820Reserved);
        map.add(0xE0000, 0x20000, kE820Reserved);
        map.add(k1M, 127 * k1M, kE820Ram);
        ZoneLayout z;
        ASSERT_TRUE(zones_from_e820(map, z));
        mem.init(z, &map, nullptr);
        before = map;
    }

    PciDevice add_dev(u16 bdf, u16 vendor, u16 device, u8 cls = 0x03, u8 sub = 0x00) {
        pci.add(bdf, vendor, device, cls, sub);
        PciDevice d{};
        d.bdf = bdf;
        d.vendor = vendor;
        d.device = device;
        d.class_code = cls;
        d.subclass = sub;
        devs.push_back(d);
        return d;
    }

    // Loads the fw_cfg directory and runs the quirk over every device, as
    // pci_setup() does, then the after-PCI report.
    void run(bool test_override = false) {
        ASSERT_TRUE(fw.init(&fake_fw));
        igd.init(fw, mem, phys, test_override);
        for (const PciDevice& d : devs)
            if (igd.match(d)) igd.setup(pci, d);
        igd.finish();
    }

    // (offset, value) config writes to one device.
    std::vector<std::pair<unsigned char, unsigned>> writes(u16 bdf) { return pci.dev(bdf)->writes; }
    bool wrote(u16 bdf, u8 off) {
        for (auto& w : writes(bdf))
            if (w.first == off) return true;
        return false;
    }
    u32 written(u16 bdf, u8 off) {
        for (auto& w : writes(bdf))
            if (w.first == off) return w.second;
        ADD_FAILURE() << "no write to 0x" << std::hex << int(off);
        return 0;
    }
    bool map_unchanged() {
        if (map.count() != before.count()) return false;
        for (int i = 0; i < map.count(); i++)
            if (map.at(i).base != before.at(i).base || map.at(i).size != before.at(i).size ||
                map.at(i).type != before.at(i).type)
                return false;
        return true;
    }
    void bdsm_file(u64 size) { fake_fw.files[kIgdBdsmSizeFile] = le64(size); }
    void opregion_file(size_t n) { fake_fw.files[kIgdOpRegionFile] = opregion_bytes(n); }

    FakePci pci;
    FakeFwCfg fake_fw;
    FwCfg fw;
    E820Map map, before;
    Allocator mem;
    FakeMem phys;
    IgdSetup igd;
    std::vector<PciDevice> devs;
};

// One device ID per row of the reference table (docs/igd-passthrough.md).
struct GenCase {
    u16 device;
    int gen;
};
const GenCase kGenCases[] = {
    {0x0102, 6}, {0x0166, 6},                                        // SandyBridge, IvyBridge
    {0x0412, 7}, {0x0a16, 7}, {0x0c22, 7}, {0x0d26, 7}, {0x0f31, 7},  // Haswell, Valleyview
    {0x1616, 8}, {0x22b0, 8},                                        // Broadwell, Cherryview
    {0x1912, 9}, {0x3185, 9}, {0x5912, 9}, {0x3e92, 9}, {0x9bc5, 9},  // Skylake .. Comet Lake
    {0x0a84, 9}, {0x1a85, 9}, {0x5a84, 9},                           // Broxton / Apollo Lake
    {0x8a52, 11}, {0x4541, 11}, {0x4e55, 11},                        // Ice, Elkhart, Jasper Lake
    {0x9a49, 12}, {0x4c8a, 12}, {0x4680, 12}, {0xa780, 12},          // Tiger .. Raptor Lake
};

}  // namespace

TEST(IgdTable, GenerationOfEveryRow) {
    for (const GenCase& c : kGenCases) EXPECT_EQ(igd_generation(c.device), c.gen) << std::hex << c.device;
    // Broxton is matched before Haswell's 0x0a: 0x0a84 is gen 9, 0x0a86 gen 7.
    EXPECT_EQ(igd_generation(0x0a86), 7);
    EXPECT_EQ(igd_generation(0x1234), 0);
    EXPECT_EQ(igd_generation(0x3e00 + 0x100), 0);  // 0x3f
    EXPECT_EQ(igd_generation(0x7d55), 0);          // Meteor Lake: not in the table
}

TEST(IgdTable, RegisterOfEveryGeneration) {
    for (int gen : {6, 7, 8, 9}) {
        EXPECT_EQ(igd_bdsm_reg(gen).offset, 0x5C);
        EXPECT_FALSE(igd_bdsm_reg(gen).is64);
    }
    for (int gen : {11, 12}) {
        EXPECT_EQ(igd_bdsm_reg(gen).offset, 0xC0);
        EXPECT_TRUE(igd_bdsm_reg(gen).is64);
    }
    EXPECT_EQ(igd_bdsm_reg(0).offset, 0x5C);  // unknown: the classic register
    EXPECT_FALSE(igd_bdsm_reg(0).is64);
}

class IgdGenTest : public IgdTest, public ::testing::WithParamInterface<GenCase> {};

TEST_P(IgdGenTest, WritesTheRegisterOfItsGeneration) {
    GenCase c = GetParam();
    add_dev(k00_02_0, 0x8086, c.device);
    bdsm_file(64 * k1M);
    run();
    u32 addr = igd.bdsm_addr();
    ASSERT_NE(addr, 0u) << log_text();
    std::vector<std::pair<unsigned char, unsigned>> expect;
    if (c.gen >= 11) expect = {{0xC0, addr}, {0xC4, 0}};
    else expect = {{0x5C, addr}};
    EXPECT_EQ(writes(k00_02_0), expect) << log_text();
    // The log line names device, generation, register, address and size.
    char line[160];
    snprintf(line, sizeof(line),
             "igd: 00:02.0 8086:%04x gen %d: stolen memory 0x4000000 bytes (64 MiB) at 0x%08x, zeroed, e820 "
             "reserved; BDSM 0x%s (%s) = 0x%08x\n",
             c.device, c.gen, addr, c.gen >= 11 ? "C0" : "5C", c.gen >= 11 ? "64-bit" : "32-bit", addr);
    EXPECT_EQ(level1_text(), line);
}

INSTANTIATE_TEST_SUITE_P(EveryRow, IgdGenTest, ::testing::ValuesIn(kGenCases), [](const auto& info) {
    char s[32];
    snprintf(s, sizeof(s), "gen%d_%04x", info.param.gen, info.param.device);
    return std::string(s);
});

TEST_F(IgdTest, StolenMemoryIsReservedAlignedAndZeroed) {
    add_dev(k00_02_0, 0x8086, 0x5912);
    bdsm_file(64 * k1M);
    run();
    u32 addr = igd.bdsm_addr();
    ASSERT_NE(addr, 0u);
    EXPECT_EQ(addr % k1M, 0u);
    EXPECT_EQ(igd.bdsm_size(), 64 * k1M);
    EXPECT_LE(u64(addr) + 64 * k1M, mem.layout().tmphigh.end);  // from tmphigh, below 4 GiB
    EXPECT_GE(addr, mem.layout().tmphigh.base);
    EXPECT_EQ(mem.block_zone(addr), Zone::kTmpHigh);
    // Exactly the region is reserved, the rest of RAM untouched.
    EXPECT_EQ(map.type_at(addr), u32(kE820Reserved));
    EXPECT_EQ(map.type_at(addr + 64 * k1M - 1), u32(kE820Reserved));
    EXPECT_EQ(map.type_at(addr - 1), u32(kE820Ram));
    EXPECT_EQ(map.type_at(addr + 64 * k1M), u32(kE820Ram));
    EXPECT_EQ(before.total(kE820Ram) - map.total(kE820Ram), 64 * k1M);
    ASSERT_EQ(phys.zeroed.size(), 1u);
    EXPECT_EQ(phys.zeroed[0], std::make_pair(addr, u32(64 * k1M)));
    // After POST the block stays (it was reserved), and so does the e820 entry.
    mem.finalize();
    EXPECT_EQ(mem.block_size(addr), 64 * k1M);
    EXPECT_EQ(map.type_at(addr), u32(kE820Reserved));
    EXPECT_EQ(before.total(kE820Ram) - map.total(kE820Ram), 64 * k1M);
}

TEST_F(IgdTest, OpRegionCopiedPageAlignedTailZeroedAslsWritten) {
    add_dev(k00_02_0, 0x8086, 0x9a49);
    const size_t n = 8192 + 100;
    opregion_file(n);
    run();
    u32 addr = igd.opregion_addr();
    ASSERT_NE(addr, 0u) << log_text();
    EXPECT_EQ(addr % 4096, 0u);
    EXPECT_EQ(mem.block_zone(addr), Zone::kHigh);
    EXPECT_EQ(writes(k00_02_0), (std::vector<std::pair<unsigned char, unsigned>>{{0xFC, addr}}));
    const std::vector<u8>& m = phys.chunks.at(addr);
    ASSERT_EQ(m.size(), 3 * 4096u);
    std::vector<unsigned char> want = opregion_bytes(n);
    EXPECT_TRUE(std::equal(want.begin(), want.end(), m.begin()));
    for (size_t i = n; i < m.size(); i++) ASSERT_EQ(m[i], 0) << "tail byte " << i;
    // Reserved now (before ASLS was written), pages only.
    EXPECT_EQ(map.type_at(addr), u32(kE820Reserved));
    EXPECT_EQ(map.type_at(addr + 3 * 4096 - 1), u32(kE820Reserved));
    EXPECT_EQ(before.total(kE820Ram) - map.total(kE820Ram), 3 * 4096u);
    char line[160];
    snprintf(line, sizeof(line),
             "igd: 00:02.0 8086:9a49 gen 12: OpRegion 0x%zx bytes at 0x%08x, e820 reserved; ASLS 0xFC = 0x%08x\n", n,
             addr, addr);
    EXPECT_EQ(level1_text(), line);
}

TEST_F(IgdTest, BothFilesBothRegionsTwoLines) {
    add_dev(k00_02_0, 0x8086, 0x3e92);
    bdsm_file(32 * k1M);
    opregion_file(8192);
    run();
    ASSERT_NE(igd.bdsm_addr(), 0u);
    ASSERT_NE(igd.opregion_addr(), 0u);
    EXPECT_EQ(written(k00_02_0, 0x5C), igd.bdsm_addr());
    EXPECT_EQ(written(k00_02_0, 0xFC), igd.opregion_addr());
    EXPECT_EQ(level1_lines(), 2) << log_text();
    EXPECT_EQ(before.total(kE820Ram) - map.total(kE820Ram), 32 * k1M + 8192);
}

TEST_F(IgdTest, OtherDisplayClassGetsOpRegion) {
    // UPT mode: "other display controller" (0x0380) anywhere on the bus.
    add_dev(k00_04_0, 0x8086, 0x5912, 0x03, 0x80);
    opregion_file(8192);
    run();
    EXPECT_NE(igd.opregion_addr(), 0u);
    EXPECT_EQ(written(k00_04_0, 0xFC), igd.opregion_addr());
}

TEST_F(IgdTest, StolenMemoryForAnIgdAnywhereWhenAsked) {
    // QEMU 10.0+ asks (etc/igd-bdsm-size) for an IGD at any address, q35 too.
    add_dev(k00_03_0, 0x8086, 0x5912);
    bdsm_file(64 * k1M);
    opregion_file(8192);
    run();
    EXPECT_NE(igd.opregion_addr(), 0u);
    ASSERT_NE(igd.bdsm_addr(), 0u);
    EXPECT_EQ(written(k00_03_0, 0x5C), igd.bdsm_addr());
    EXPECT_TRUE(log_contains("igd: 00:03.0 8086:5912 gen 9: not at 00:02.0; stolen memory as etc/igd-bdsm-size asks"));
    EXPECT_EQ(before.total(kE820Ram) - map.total(kE820Ram), 64 * k1M + 8192);
}

TEST_F(IgdTest, ThreeDControllerClassGetsOpRegion) {
    add_dev(k00_04_0, 0x8086, 0x9a49, 0x03, 0x02);
    opregion_file(8192);
    run();
    EXPECT_NE(igd.opregion_addr(), 0u);
    EXPECT_EQ(written(k00_04_0, 0xFC), igd.opregion_addr());
}

// ---- what each QEMU version emulates ------------------------------------
// Up to 9.1 only 0x5C; 9.2 exactly one register by generation; 10.0+ the
// generation's. The BIOS writes its generation's register, reads it back,
// and falls back to the other.
struct QemuBdsmCase {
    const char* name;
    u16 device;
    bool emul5c, emulc0;  // which registers hold what is written
    u8 want_reg;          // where the address must end up (0: nowhere)
    const char* log;
};
const QemuBdsmCase kQemuBdsmCases[] = {
    {"gen11_on_qemu91_only_5c", 0x8a52, true, false, 0x5C,
     "BDSM 0xC0 (64-bit) did not hold it, so BDSM 0x5C (32-bit) = "},
    {"gen12_on_qemu10", 0x9a49, true, true, 0xC0, "; BDSM 0xC0 (64-bit) = "},
    {"gen11_on_qemu92_only_c0", 0x4541, false, true, 0xC0, "; BDSM 0xC0 (64-bit) = "},
    {"gen9_on_qemu91", 0x5912, true, false, 0x5C, "; BDSM 0x5C (32-bit) = "},
    {"gen9_seen_as_gen11_by_qemu92", 0x5912, false, true, 0xC0,
     "BDSM 0x5C (32-bit) did not hold it, so BDSM 0xC0 (64-bit) = "},
    {"no_emulation", 0x9a49, false, false, 0, "neither BDSM 0xC0 nor 0x5C holds the address"},
};

class IgdQemuTest : public IgdTest, public ::testing::WithParamInterface<QemuBdsmCase> {};

TEST_P(IgdQemuTest, TheAddressEndsUpInARegisterThatHoldsIt) {
    const QemuBdsmCase& c = GetParam();
    add_dev(k00_02_0, 0x8086, c.device);
    if (!c.emul5c) pci.dev(k00_02_0)->readonly.insert(0x5C);
    if (!c.emulc0) {
        pci.dev(k00_02_0)->readonly.insert(0xC0);
        pci.dev(k00_02_0)->readonly.insert(0xC4);
    }
    bdsm_file(32 * k1M);
    run();
    u32 addr = igd.bdsm_addr();
    ASSERT_NE(addr, 0u) << log_text();
    EXPECT_TRUE(log_contains(c.log)) << log_text();
    EXPECT_EQ(level1_lines(), 1) << log_text();
    // Still reserved, whatever the device did with it.
    EXPECT_EQ(map.type_at(addr), u32(kE820Reserved));
    if (c.want_reg) EXPECT_EQ(pci.read32(k00_02_0, c.want_reg), addr);
    else {
        EXPECT_EQ(pci.read32(k00_02_0, 0x5C), 0u);
        EXPECT_EQ(pci.read32(k00_02_0, 0xC0), 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(QemuVersions, IgdQemuTest, ::testing::ValuesIn(kQemuBdsmCases),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- the extended VBT (OpRegion 2.0+, RVDA/RVDS) ------------------------
u64 rvda_of(const std::vector<u8>& m) {
    u64 v;
    std::memcpy(&v, m.data() + opregion::kRvda, 8);
    return v;
}
u32 rvds_of(const std::vector<u8>& m) {
    u32 v;
    std::memcpy(&v, m.data() + opregion::kRvds, 4);
    return v;
}
std::vector<unsigned char> vbt_bytes(size_t n) {
    std::vector<unsigned char> v(n, 0x5A);
    std::memcpy(v.data(), "$VBT TIGERLAKE", 14);
    return v;
}

TEST_F(IgdTest, Rvda20PhysicalOutsideIsCleared) {
    // i915 debugfs gives 8 KiB whatever the host's RVDA says.
    add_dev(k00_02_0, 0x8086, 0x9a49);
    fake_fw.files[kIgdOpRegionFile] = opregion_bytes(8192, 2, 0, 0x7F000000, 0x1800);
    run();
    u32 addr = igd.opregion_addr();
    ASSERT_NE(addr, 0u);
    const std::vector<u8>& m = phys.chunks.at(addr);
    EXPECT_EQ(rvda_of(m), 0u);
    EXPECT_EQ(rvds_of(m), 0u);
    EXPECT_TRUE(log_contains("OpRegion 2.0 points its extended VBT (RVDA 0x7f000000, RVDS 0x1800) outside "
                             "etc/igd-opregion; RVDA/RVDS cleared")) << log_text();
    EXPECT_EQ(level1_lines(), 2) << log_text();
}

TEST_F(IgdTest, Rvda20WithAVbtFileGetsItsPhysicalAddress) {
    add_dev(k00_02_0, 0x8086, 0x9a49);
    fake_fw.files[kIgdOpRegionFile] = opregion_bytes(8192, 2, 0, 0x7F000000, 0x1800);
    fake_fw.files[kIgdVbtFile] = vbt_bytes(0x1800);
    run();
    u32 addr = igd.opregion_addr();
    ASSERT_NE(addr, 0u);
    const std::vector<u8>& m = phys.chunks.at(addr);
    EXPECT_EQ(rvda_of(m), u64(addr) + 8192);
    EXPECT_EQ(rvds_of(m), 0x1800u);
    EXPECT_EQ(mem.block_size(addr), 4u * 4096);
    EXPECT_EQ(std::memcmp(m.data() + 8192, "$VBT TIGERLAKE", 14), 0);
    EXPECT_TRUE(log_contains("RVDA = 0x" )) << log_text();
    EXPECT_TRUE(log_contains("(physical)")) << log_text();
}

TEST_F(IgdTest, Rvda21OutsideWithAVbtFileIsRelative) {
    add_dev(k00_02_0, 0x8086, 0x9a49);
    fake_fw.files[kIgdOpRegionFile] = opregion_bytes(8192, 2, 1, 8192, 0x3000);  // says "after me", file ends
    fake_fw.files[kIgdVbtFile] = vbt_bytes(0x2400);
    run();
    u32 addr = igd.opregion_addr();
    ASSERT_NE(addr, 0u);
    const std::vector<u8>& m = phys.chunks.at(addr);
    EXPECT_EQ(rvda_of(m), 8192u);
    EXPECT_EQ(rvds_of(m), 0x2400u);
    EXPECT_EQ(std::memcmp(m.data() + 8192, "$VBT TIGERLAKE", 14), 0);
    for (size_t i = 8192 + 0x2400; i < m.size(); i++) ASSERT_EQ(m[i], 0) << i;
    EXPECT_TRUE(log_contains("RVDA = 0x2000 (relative)")) << log_text();
}

TEST_F(IgdTest, Rvda21OutsideWithoutAVbtFileIsCleared) {
    add_dev(k00_02_0, 0x8086, 0x9a49);
    fake_fw.files[kIgdOpRegionFile] = opregion_bytes(8192, 2, 1, 8192, 0x3000);
    run();
    const std::vector<u8>& m = phys.chunks.at(igd.opregion_addr());
    EXPECT_EQ(rvda_of(m), 0u);
    EXPECT_EQ(rvds_of(m), 0u);
    EXPECT_TRUE(log_contains("OpRegion 2.1 points its extended VBT (RVDA 0x2000, RVDS 0x3000) outside"));
}

TEST_F(IgdTest, Rvda30InsideIsCopiedUntouched) {
    add_dev(k00_02_0, 0x8086, 0xa780);
    std::vector<unsigned char> f = opregion_bytes(8192 + 0x1C00, 3, 0, 8192, 0x1C00);
    put32(f, opregion::kSize, 8);
    fake_fw.files[kIgdOpRegionFile] = f;
    fake_fw.files[kIgdVbtFile] = vbt_bytes(0x100);  // not needed: ignored
    run();
    const std::vector<u8>& m = phys.chunks.at(igd.opregion_addr());
    EXPECT_EQ(rvda_of(m), 8192u);
    EXPECT_EQ(rvds_of(m), 0x1C00u);
    EXPECT_TRUE(std::equal(f.begin(), f.end(), m.begin()));
    EXPECT_EQ(level1_lines(), 1) << log_text();
}

TEST(OpRegionPlan, HeaderDecides) {
    std::vector<unsigned char> f = opregion_bytes(8192, 1, 0, 0x1234, 0x10);  // 1.0: mailbox 3 RVDA unused
    OpRegionPlan p = opregion_plan(f.data(), u32(f.size()));
    EXPECT_TRUE(p.has_header);
    EXPECT_FALSE(p.vbt_inside || p.vbt_outside);
    EXPECT_EQ(p.copy, 8192u);
    f = opregion_bytes(8192, 2, 1, 0x100, 0x10);  // inside, but over the mailboxes
    p = opregion_plan(f.data(), u32(f.size()));
    EXPECT_TRUE(p.vbt_outside);
    f = opregion_bytes(8192);
    put32(f, opregion::kSize, 0);  // no size: no usable header
    p = opregion_plan(f.data(), u32(f.size()));
    EXPECT_FALSE(p.has_header);
    EXPECT_EQ(p.copy, 8192u);
    f = opregion_bytes(8192);
    put32(f, opregion::kSize, 0xFFFFFFFF);  // absurd: ignored, not multiplied out
    p = opregion_plan(f.data(), u32(f.size()));
    EXPECT_FALSE(p.has_header);
    f = opregion_bytes(8192, 2, 1, 0xFFFFFFFFFFFFF000ull, 0x2000);  // wraps: outside
    p = opregion_plan(f.data(), u32(f.size()));
    EXPECT_TRUE(p.vbt_outside);
    EXPECT_EQ(p.copy, 8192u);
}

TEST_F(IgdTest, NotMatched) {
    add_dev(k00_02_0, 0x1234, 0x1111);             // QEMU std VGA
    add_dev(k00_03_0, 0x8086, 0x5912, 0x06, 0x04);  // Intel, not display
    add_dev(k00_04_0, 0x8086, 0x5912, 0x03, 0x01);  // XGA: not VGA/3D/other
    bdsm_file(64 * k1M);
    opregion_file(8192);
    ASSERT_TRUE(fw.init(&fake_fw));
    igd.init(fw, mem, phys, false);
    for (const PciDevice& d : devs) EXPECT_FALSE(igd.match(d));
}

TEST_F(IgdTest, NoFilesNothingHappens) {
    add_dev(k00_02_0, 0x8086, 0x5912);
    run();
    EXPECT_FALSE(log_contains("igd")) << log_text();
    EXPECT_EQ(level1_lines(), 0);
    EXPECT_TRUE(writes(k00_02_0).empty());
    EXPECT_EQ(mem.block_count(), 0);
    EXPECT_TRUE(map_unchanged());
    EXPECT_TRUE(phys.zeroed.empty());
}

TEST_F(IgdTest, NoFwCfgAtAll) {
    add_dev(k00_02_0, 0x8086, 0x5912);
    fake_fw.present = false;
    EXPECT_FALSE(fw.init(&fake_fw));
    igd.init(fw, mem, phys, true);
    EXPECT_FALSE(igd.match(devs[0]));
    igd.finish();
    EXPECT_FALSE(log_contains("igd")) << log_text();
}

TEST_F(IgdTest, FilesButNoIntelDisplayDevice) {
    add_dev(k00_02_0, 0x1234, 0x1111);
    bdsm_file(64 * k1M);
    opregion_file(8192);
    run();
    EXPECT_EQ(level1_lines(), 1);
    EXPECT_EQ(level1_text(),
              "igd: fw_cfg has etc/igd-opregion and etc/igd-bdsm-size but no Intel display device (vendor 0x8086, "
              "class 0x0300/0x0302/0x0380); nothing allocated\n");
    EXPECT_EQ(mem.block_count(), 0);
    EXPECT_TRUE(map_unchanged());
    EXPECT_TRUE(writes(k00_02_0).empty());
}

// ---- bad input: one line, nothing written, nothing allocated ----------------

TEST_F(IgdTest, BdsmSizeFileNotEightBytes) {
    add_dev(k00_02_0, 0x8086, 0x5912);
    for (size_t n : {0, 4, 7, 9, 16}) {
        clear_log();
        fake_fw.files[kIgdBdsmSizeFile] = std::vector<unsigned char>(n, 0x01);
        run();
        EXPECT_EQ(level1_lines(), 1) << n << ": " << log_text();
        EXPECT_TRUE(log_contains("etc/igd-bdsm-size is " + std::to_string(n) + " bytes, not an 8-byte"));
        EXPECT_TRUE(writes(k00_02_0).empty());
        EXPECT_EQ(mem.block_count(), 0);
        EXPECT_TRUE(map_unchanged());
    }
}

TEST_F(IgdTest, BdsmSizeZero) {
    add_dev(k00_02_0, 0x8086, 0x7d55);  // Meteor Lake keeps DSM in a BAR
    bdsm_file(0);
    run();
    EXPECT_EQ(level1_lines(), 1) << log_text();
    EXPECT_TRUE(log_contains("etc/igd-bdsm-size is 0, no stolen memory requested; BDSM not written"));
    EXPECT_TRUE(writes(k00_02_0).empty());
    EXPECT_EQ(mem.block_count(), 0);
    EXPECT_TRUE(map_unchanged());
}

TEST_F(IgdTest, BdsmSizeNotAMultipleOf1MiBIsRoundedUp) {
    add_dev(k00_02_0, 0x8086, 0x5912);
    bdsm_file(16 * k1M + 0x80000);
    run();
    ASSERT_NE(igd.bdsm_addr(), 0u) << log_text();
    EXPECT_EQ(igd.bdsm_size(), 17 * k1M);
    EXPECT_EQ(mem.block_size(igd.bdsm_addr()), 17 * k1M);
    EXPECT_TRUE(log_contains("stolen memory size 0x1080000 is not a multiple of 1 MiB; rounded up to 0x1100000 (17 MiB)"))
        << log_text();
    EXPECT_EQ(written(k00_02_0, 0x5C), igd.bdsm_addr());
    EXPECT_EQ(before.total(kE820Ram) - map.total(kE820Ram), 17 * k1M);
    // The rounding line and the result line.
    EXPECT_EQ(level1_lines(), 2);
}

TEST_F(IgdTest, BdsmSizeLargerThanFreeMemoryBelow4G) {
    add_dev(k00_02_0, 0x8086, 0x5912);
    for (u64 size : std::vector<u64>{128 * k1M, 2048 * k1M, 0x100000000ull, 0xFFFFFFFFFFF00000ull}) {
        clear_log();
        bdsm_file(size);
        run();
        EXPECT_EQ(level1_lines(), 1) << std::hex << size << ": " << log_text();
        EXPECT_TRUE(log_contains("of stolen memory below 4 GiB (largest free block 126 MiB); BDSM not written"))
            << log_text();
        EXPECT_TRUE(writes(k00_02_0).empty());
        EXPECT_EQ(mem.block_count(), 0);
        EXPECT_TRUE(map_unchanged());
        EXPECT_TRUE(phys.zeroed.empty());
    }
}

TEST_F(IgdTest, BdsmTakesTheLargestThatFits) {
    add_dev(k00_02_0, 0x8086, 0x5912);
    bdsm_file(126 * k1M);  // all of tmphigh at 1 MiB alignment
    run();
    EXPECT_EQ(igd.bdsm_addr(), k1M);
    EXPECT_EQ(written(k00_02_0, 0x5C), k1M);
}

TEST_F(IgdTest, OpRegionEmpty) {
    add_dev(k00_02_0, 0x8086, 0x5912);
    opregion_file(0);
    run();
    EXPECT_EQ(level1_lines(), 1) << log_text();
    EXPECT_TRUE(log_contains("etc/igd-opregion is empty; ASLS not written"));
    EXPECT_TRUE(writes(k00_02_0).empty());
    EXPECT_EQ(mem.block_count(), 0);
    EXPECT_TRUE(map_unchanged());
}

TEST_F(IgdTest, OpRegionBytesPastWhatItsHeaderDescribesAreNotCopied) {
    add_dev(k00_02_0, 0x8086, 0x5912);
    std::vector<unsigned char> f = opregion_bytes(8192);
    f.resize(8192 + 5000, 0xEE);  // junk after an 8 KiB OpRegion without an extended VBT
    fake_fw.files[kIgdOpRegionFile] = f;
    run();
    u32 addr = igd.opregion_addr();
    ASSERT_NE(addr, 0u) << log_text();
    EXPECT_TRUE(log_contains("etc/igd-opregion is 0x3388 bytes, its header describes 0x2000; the 0x1388 bytes after "
                             "that are not copied")) << log_text();
    EXPECT_EQ(mem.block_size(addr), 8192u);
    const std::vector<u8>& m = phys.chunks.at(addr);
    EXPECT_TRUE(std::equal(f.begin(), f.begin() + 8192, m.begin()));
}

TEST_F(IgdTest, LargeExtendedVbtInsideTheFileIsKept) {
    // QEMU's own etc/igd-opregion: OpRegion 2.1 (8 KiB) with a 100 KiB VBT
    // behind it, RVDA relative: no fixed cap cuts it off.
    add_dev(k00_02_0, 0x8086, 0x9a49);
    const u32 vbt = 100 * 1024;
    std::vector<unsigned char> f = opregion_bytes(8192 + vbt, 2, 1, 8192, vbt);
    put32(f, opregion::kSize, 8);
    fake_fw.files[kIgdOpRegionFile] = f;
    run();
    u32 addr = igd.opregion_addr();
    ASSERT_NE(addr, 0u) << log_text();
    EXPECT_EQ(mem.block_size(addr), 8192u + vbt);
    const std::vector<u8>& m = phys.chunks.at(addr);
    EXPECT_TRUE(std::equal(f.begin(), f.end(), m.begin()));
    EXPECT_TRUE(log_contains("OpRegion 2.1 0x1b000 bytes at")) << log_text();
    EXPECT_EQ(level1_lines(), 1) << log_text();
}

TEST_F(IgdTest, OpRegionWithoutSignatureIsCopiedWithAWarning) {
    add_dev(k00_02_0, 0x8086, 0x5912);
    fake_fw.files[kIgdOpRegionFile] = std::vector<unsigned char>(8192, 0x11);
    run();
    ASSERT_NE(igd.opregion_addr(), 0u);
    EXPECT_TRUE(log_contains("does not start with \"IntelGraphicsMem\" and a valid header; copied anyway"));
}

TEST_F(IgdTest, OpRegionNoRoomInHighMemory) {
    add_dev(k00_02_0, 0x8086, 0x5912);
    opregion_file(8192);
    ASSERT_NE(mem.alloc(Zone::kHigh, kHighZoneSize - 4096, 4096, "filler"), 0u);
    E820Map after_filler = map;
    before = after_filler;
    run();
    EXPECT_EQ(level1_lines(), 1) << log_text();
    EXPECT_TRUE(log_contains("no room for the 0x2000-byte OpRegion in high memory; ASLS not written"));
    EXPECT_TRUE(writes(k00_02_0).empty());
    EXPECT_EQ(mem.block_count(), 1);
    EXPECT_TRUE(map_unchanged());
}

TEST_F(IgdTest, TwoIntelDisplayDevices) {
    add_dev(k00_02_0, 0x8086, 0x5912);
    add_dev(k00_03_0, 0x8086, 0x5912, 0x03, 0x80);
    bdsm_file(16 * k1M);
    opregion_file(8192);
    run();
    EXPECT_NE(igd.bdsm_addr(), 0u);
    EXPECT_NE(igd.opregion_addr(), 0u);
    EXPECT_EQ(igd.igd_bdf(), k00_02_0);
    EXPECT_TRUE(writes(k00_03_0).empty());
    EXPECT_TRUE(log_contains("igd: 00:03.0 8086:5912 gen 9 is a second Intel display device: ignored (only the "
                             "first, 00:02.0, is set up)"))
        << log_text();
    EXPECT_EQ(level1_lines(), 3);  // BDSM, OpRegion, the warning
    EXPECT_EQ(mem.block_count(), 2);
}

TEST_F(IgdTest, UnknownDeviceIdUsesClassicRegisterAndSaysSo) {
    add_dev(k00_02_0, 0x8086, 0x7777);
    bdsm_file(8 * k1M);
    run();
    ASSERT_NE(igd.bdsm_addr(), 0u);
    EXPECT_EQ(writes(k00_02_0), (std::vector<std::pair<unsigned char, unsigned>>{{0x5C, igd.bdsm_addr()}}));
    EXPECT_TRUE(log_contains("igd: 00:02.0 8086:7777 gen ?: device ID not in the generation table; using the "
                             "classic BDSM register 0x5C (32-bit)"))
        << log_text();
}

// ---- the test override ------------------------------------------------------

TEST_F(IgdTest, TestOverrideGeneration) {
    struct {
        const char* text;
        u16 device;
        u8 reg;
    } cases[] = {{"9", 0x5912, 0x5C}, {"12\n", 0x9a49, 0xC0}, {" 6 ", 0x0126, 0x5C}, {"11", 0x8a52, 0xC0},
                 {"0x3e92", 0x3e92, 0x5C}, {"0x4C8A\n", 0x4c8a, 0xC0}};
    for (auto& c : cases) {
        SCOPED_TRACE(c.text);
        SetUp();
        devs.clear();
        pci = FakePci();
        fake_fw = FakeFwCfg();
        mem.init(mem.layout(), &map, nullptr);
        add_dev(k00_02_0, 0x1234, 0x1111);  // QEMU std VGA
        bdsm_file(16 * k1M);
        opregion_file(8192);
        std::string t = c.text;
        fake_fw.files[kIgdTestGenFile] = std::vector<unsigned char>(t.begin(), t.end());
        run(true);
        ASSERT_NE(igd.bdsm_addr(), 0u) << log_text();
        EXPECT_EQ(written(k00_02_0, c.reg), igd.bdsm_addr());
        EXPECT_EQ(written(k00_02_0, 0xFC), igd.opregion_addr());
        char dev[32];
        snprintf(dev, sizeof(dev), "00:02.0 8086:%04x gen", c.device);
        EXPECT_TRUE(log_contains(dev)) << log_text();
        EXPECT_TRUE(log_contains("TEST OVERRIDE: handling 00:02.0 1234:1111 as Intel 8086:")) << log_text();
    }
}

TEST_F(IgdTest, TestOverrideOnlyFor00_02_0) {
    add_dev(k00_03_0, 0x1234, 0x1111);
    bdsm_file(16 * k1M);
    fake_fw.files[kIgdTestGenFile] = {'9'};
    run(true);
    EXPECT_EQ(igd.igd_bdf(), 0xFFFF);
    EXPECT_TRUE(writes(k00_03_0).empty());
    EXPECT_TRUE(log_contains("no device at 00:02.0 for the test override; nothing allocated"));
}

TEST_F(IgdTest, TestOverrideBadFile) {
    add_dev(k00_02_0, 0x1234, 0x1111);
    bdsm_file(16 * k1M);
    for (const char* bad : {"", "abc", "10", "99", "0x", "0x12345", "7x", "1234567890123456789"}) {
        clear_log();
        std::string t = bad;
        fake_fw.files[kIgdTestGenFile] = std::vector<unsigned char>(t.begin(), t.end());
        run(true);
        EXPECT_TRUE(log_contains("must hold a generation")) << bad << ": " << log_text();
        EXPECT_EQ(igd.igd_bdf(), 0xFFFF) << bad;
        EXPECT_TRUE(writes(k00_02_0).empty());
    }
}

TEST_F(IgdTest, TestOverrideIgnoredWithoutTheKconfigOption) {
    add_dev(k00_02_0, 0x1234, 0x1111);
    bdsm_file(16 * k1M);
    fake_fw.files[kIgdTestGenFile] = {'9'};
    run(false);
    EXPECT_TRUE(log_contains("opt/reef/igd-test-gen ignored: this build has no CONFIG_IGD_TEST_OVERRIDE"));
    EXPECT_EQ(igd.igd_bdf(), 0xFFFF);
    EXPECT_TRUE(writes(k00_02_0).empty());
    EXPECT_EQ(mem.block_count(), 0);
}

TEST_F(IgdTest, TestOverrideLeavesARealIntelDeviceAlone) {
    add_dev(k00_02_0, 0x8086, 0x0412);
    bdsm_file(16 * k1M);
    fake_fw.files[kIgdTestGenFile] = {'1', '2'};
    run(true);
    EXPECT_EQ(written(k00_02_0, 0x5C), igd.bdsm_addr());  // its own gen 7, not 12
    EXPECT_FALSE(wrote(k00_02_0, 0xC0));
}
