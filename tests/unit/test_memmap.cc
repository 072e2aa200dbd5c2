// SPDX-License-Identifier: LGPL-3.0-or-later
// RAM sizing and the initial e820 map: QEMU's etc/e820, the CMOS fallback,
// and malformed fw_cfg input.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <vector>

#include "fw/memmap.h"
#include "host_support.h"

using namespace reef;
using reef::test::FakeFwCfg;

namespace {

std::map<u8, u8> g_cmos;
u8 fake_cmos(u8 idx) { return g_cmos.count(idx) ? g_cmos[idx] : 0; }

struct QemuEntry {
    u64 addr, len;
    u32 type;
};

std::vector<unsigned char> e820_file(const std::vector<QemuEntry>& entries) {
    std::vector<unsigned char> b;
    for (const auto& e : entries) {
        unsigned char raw[20];
        std::memcpy(raw, &e.addr, 8);
        std::memcpy(raw + 8, &e.len, 8);
        std::memcpy(raw + 16, &e.type, 4);
        b.insert(b.end(), raw, raw + 20);
    }
    return b;
}

// CMOS as QEMU fills it for a guest with `low` bytes below 4 GiB and
// `high` above.
void cmos_for(u64 low, u64 high) {
    g_cmos.clear();
    u64 ext_kb = (low > 0x4000000 ? 0x4000000 : low) / 1024 - 1024;
    if (ext_kb > 0xFFFF) ext_kb = 0xFFFF;
    g_cmos[0x30] = u8(ext_kb);
    g_cmos[0x31] = u8(ext_kb >> 8);
    u64 above16 = low > 16 * MiB ? (low - 16 * MiB) >> 16 : 0;
    g_cmos[0x34] = u8(above16);
    g_cmos[0x35] = u8(above16 >> 8);
    u64 above4g = high >> 16;
    g_cmos[0x5B] = u8(above4g);
    g_cmos[0x5C] = u8(above4g >> 8);
    g_cmos[0x5D] = u8(above4g >> 16);
}

class MemmapTest : public ::testing::Test {
protected:
    void SetUp() override {
        reef::test::clear_log();
        g_cmos.clear();
    }
    RamInfo run() {
        FwCfg fw;
        fw.init(&dev);
        return memmap_setup(map, fw, fake_cmos);
    }
    void expect_fixed_ranges() {
        EXPECT_EQ(map.type_at(0), kE820Ram);
        EXPECT_EQ(map.type_at(0x9FBFF), kE820Ram);
        EXPECT_EQ(map.type_at(0x9FC00), kE820Reserved);  // EBDA
        EXPECT_EQ(map.type_at(0xA0000), 0u);              // VGA window: a hole
        EXPECT_EQ(map.type_at(0xE0000), kE820Reserved);  // BIOS
        EXPECT_EQ(map.type_at(0xFFFFF), kE820Reserved);
        EXPECT_EQ(map.type_at(0xFFFC0000), kE820Reserved);  // the image's high alias
        EXPECT_EQ(map.type_at(0xFFFFFFFF), kE820Reserved);
        for (int i = 0; i + 1 < map.count(); i++) EXPECT_LE(map.at(i).end(), map.at(i + 1).base);
    }
    FakeFwCfg dev;
    E820Map map;
};

TEST_F(MemmapTest, QemuE820With128M) {
    dev.files["etc/e820"] = e820_file({{0, 128 * MiB, 1}});
    RamInfo r = run();
    EXPECT_TRUE(r.from_fwcfg);
    EXPECT_EQ(r.low_top, 128 * MiB);
    EXPECT_EQ(r.high_bytes, 0u);
    expect_fixed_ranges();
    EXPECT_EQ(map.total(kE820Ram), 0x9FC00 + 127 * MiB);
}

TEST_F(MemmapTest, QemuE820With6GHasRamAbove4G) {
    dev.files["etc/e820"] = e820_file({{0, 3 * GiB, 1}, {4 * GiB, 3 * GiB, 1}});
    RamInfo r = run();
    EXPECT_EQ(r.low_top, 3 * GiB);
    EXPECT_EQ(r.high_bytes, 3 * GiB);
    EXPECT_EQ(map.type_at(4 * GiB), kE820Ram);
    EXPECT_EQ(map.type_at(7 * GiB - 1), kE820Ram);
    EXPECT_EQ(map.type_at(7 * GiB), 0u);
    expect_fixed_ranges();
}

TEST_F(MemmapTest, QemuReservedEntriesPassThrough) {
    dev.files["etc/e820"] = e820_file({{0, 512 * MiB, 1}, {0xFEFFC000, 0x4000, 2}, {0xFD00000000ull, 0x300000000ull, 2}});
    run();
    EXPECT_EQ(map.type_at(0xFEFFC000), kE820Reserved);
    EXPECT_EQ(map.type_at(0xFD00000000ull), kE820Reserved);
    expect_fixed_ranges();
}

TEST_F(MemmapTest, RamBelow1MInTheFileDoesNotOverrideTheBiosLayout) {
    // A file claiming all of the first MiB as RAM must not make the EBDA or
    // the BIOS area usable.
    dev.files["etc/e820"] = e820_file({{0, 64 * MiB, 1}});
    run();
    expect_fixed_ranges();
}

TEST_F(MemmapTest, ZeroLengthAndWrappingEntriesAreIgnored) {
    dev.files["etc/e820"] = e820_file({{0, 256 * MiB, 1}, {512 * MiB, 0, 1}, {~0ull - 10, 100, 1}});
    RamInfo r = run();
    EXPECT_EQ(r.low_top, 256 * MiB);
    expect_fixed_ranges();
}

TEST_F(MemmapTest, MissingFileFallsBackToCmos) {
    cmos_for(512 * MiB, 0);
    RamInfo r = run();
    EXPECT_FALSE(r.from_fwcfg);
    EXPECT_EQ(r.low_top, 512 * MiB);
    expect_fixed_ranges();
}

TEST_F(MemmapTest, NoFwCfgAtAllFallsBackToCmosWithHighMemory) {
    dev.present = false;
    cmos_for(3 * GiB, 3 * GiB);
    RamInfo r = run();
    EXPECT_FALSE(r.from_fwcfg);
    EXPECT_EQ(r.low_top, 3 * GiB);
    EXPECT_EQ(r.high_bytes, 3 * GiB);
    expect_fixed_ranges();
}

TEST_F(MemmapTest, CmosBelow16MUsesTheExtendedMemoryRegister) {
    cmos_for(12 * MiB, 0);
    RamInfo r = run();
    EXPECT_EQ(r.low_top, 12 * MiB);
}

TEST_F(MemmapTest, MalformedFileSizeIsLoggedAndCmosUsed) {
    auto f = e820_file({{0, 1 * GiB, 1}});
    f.push_back(0);  // 21 bytes: not a whole number of entries
    dev.files["etc/e820"] = f;
    cmos_for(256 * MiB, 0);
    RamInfo r = run();
    EXPECT_FALSE(r.from_fwcfg);
    EXPECT_EQ(r.low_top, 256 * MiB);
    EXPECT_TRUE(reef::test::log_contains("etc/e820 has a malformed size (21 bytes)"));
    expect_fixed_ranges();
}

TEST_F(MemmapTest, EmptyFileIsMalformed) {
    dev.files["etc/e820"] = {};
    cmos_for(128 * MiB, 0);
    RamInfo r = run();
    EXPECT_FALSE(r.from_fwcfg);
    EXPECT_TRUE(reef::test::log_contains("malformed size (0 bytes)"));
}

TEST_F(MemmapTest, FileWithoutRamFallsBackToCmos) {
    dev.files["etc/e820"] = e820_file({{0xFEFFC000, 0x4000, 2}});
    cmos_for(128 * MiB, 0);
    RamInfo r = run();
    EXPECT_FALSE(r.from_fwcfg);
    EXPECT_EQ(r.low_top, 128 * MiB);
}

TEST_F(MemmapTest, TooManyEntriesAreCappedAndLogged) {
    std::vector<QemuEntry> e = {{0, 64 * MiB, 1}};
    for (int i = 0; i < 40; i++) e.push_back({4 * GiB + u64(i) * 2 * MiB, MiB, 1});
    dev.files["etc/e820"] = e820_file(e);
    RamInfo r = run();
    EXPECT_TRUE(r.from_fwcfg);
    EXPECT_TRUE(reef::test::log_contains("etc/e820 has 41 entries, only 32 used"));
    // The platform's ranges were added first, so the table overflowed on the
    // file's entries, not on them.
    EXPECT_TRUE(reef::test::log_contains("e820 table full"));
    EXPECT_EQ(map.count(), E820Map::kMaxEntries);
    expect_fixed_ranges();
}

}  // namespace
