// SPDX-License-Identifier: LGPL-3.0-or-later
// Regression tests for bugs the fuzz targets (tests/fuzz) found, one per
// bug, each with the input reduced to what matters.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "fw/malloc.h"
#include "fw/memmap.h"
#include "host_support.h"
#include "layout.h"

using namespace reef;
using reef::test::FakeFwCfg;

namespace {

constexpr u64 k1M = 0x100000, k4G = 0x100000000ull;

u8 g_cmos[128];
u8 fake_cmos(u8 idx) { return idx < sizeof(g_cmos) ? g_cmos[idx] : 0; }

std::vector<unsigned char> e820_file(std::initializer_list<E820Entry> entries) {
    std::vector<unsigned char> b;
    for (const E820Entry& e : entries) {
        const auto* p = reinterpret_cast<const unsigned char*>(&e);
        b.insert(b.end(), p, p + sizeof(e));
    }
    return b;
}

bool all_of_type(const E820Map& m, u64 lo, u64 hi, u32 type) { return m.total(type, lo, hi) == hi - lo; }

// The platform's fixed ranges that memmap_setup() promises, whatever the
// hypervisor says.
void expect_platform_ranges(const E820Map& map) {
    EXPECT_TRUE(all_of_type(map, 0, 0x9FC00, kE820Ram));
    EXPECT_TRUE(all_of_type(map, 0x9FC00, 0xA0000, kE820Reserved));  // EBDA
    EXPECT_EQ(map.type_at(0xA0000), 0u);                              // VGA window: a hole
    EXPECT_EQ(map.type_at(0xDFFFF), 0u);
    EXPECT_TRUE(all_of_type(map, 0xE0000, k1M, kE820Reserved));        // BIOS
    EXPECT_TRUE(all_of_type(map, IMAGE_HIGH_BASE, k4G, kE820Reserved));  // ROM high alias
}

}  // namespace

// fuzz_e820: CMOS 34h/35h = FFFFh (RAM above 16 MiB in 64 KiB units) put RAM
// up to 4 GiB + 16 MiB - 64 KiB, over the ROM's high alias and across 4 GiB.
TEST(FuzzRegression, CmosMemorySizeAtItsMaximumStopsBelowTheRomAlias) {
    std::memset(g_cmos, 0, sizeof(g_cmos));
    g_cmos[0x34] = g_cmos[0x35] = 0xFF;
    FakeFwCfg dev;
    dev.present = false;
    FwCfg fw;
    fw.init(&dev);
    E820Map map;
    RamInfo r = memmap_setup(map, fw, fake_cmos);
    EXPECT_FALSE(r.from_fwcfg);
    EXPECT_EQ(r.low_top, u64(IMAGE_HIGH_BASE));
    EXPECT_EQ(r.high_bytes, 0u);
    EXPECT_EQ(map.total(kE820Ram, k4G), 0u);
    expect_platform_ranges(map);
}

// fuzz_e820: etc/e820 entries that are not RAM were added unclipped, so an
// entry below 1 MiB retyped conventional memory, the EBDA or the VGA hole, and
// one at the top of the 4 GiB retyped the ROM's high alias (a RAM entry too).
TEST(FuzzRegression, EtcE820EntriesLeaveTheFirstMiBAndTheRomAliasAlone) {
    std::memset(g_cmos, 0, sizeof(g_cmos));
    FakeFwCfg dev;
    dev.files["etc/e820"] = e820_file({{0, 5 * GiB, kE820Ram},
                                       {0x9F000, 0x2000, kE820Acpi},
                                       {0xA0000, 0x20000, kE820Reserved},
                                       {0xFFF00000, 0x100000, kE820Nvs}});
    FwCfg fw;
    ASSERT_TRUE(fw.init(&dev));
    E820Map map;
    RamInfo r = memmap_setup(map, fw, fake_cmos);
    EXPECT_TRUE(r.from_fwcfg);
    expect_platform_ranges(map);
    // What lies outside the firmware's ranges is typed as the file says: RAM
    // in two pieces around the alias, NVS up to the alias.
    EXPECT_TRUE(all_of_type(map, k1M, 0xFFF00000, kE820Ram));
    EXPECT_TRUE(all_of_type(map, 0xFFF00000, IMAGE_HIGH_BASE, kE820Nvs));
    EXPECT_TRUE(all_of_type(map, k4G, 5 * GiB, kE820Ram));
    EXPECT_EQ(r.low_top, 0xFFF00000u);
    EXPECT_EQ(r.high_bytes, GiB);
}

namespace {

// QEMU pc -m 128M, as memmap_setup() builds it; zones from it.
struct AllocFixture : ::testing::Test {
    void SetUp() override {
        reef::test::clear_log();
        map.add(0, 0x9FC00, kE820Ram);
        map.add(0x9FC00, 0x400, kE820Reserved);
        map.add(0xE0000, 0x20000, kE820Reserved);
        map.add(k1M, 127 * k1M, kE820Ram);
        map.add(IMAGE_HIGH_BASE, IMAGE_SIZE, kE820Reserved);
        ZoneLayout z;
        ASSERT_TRUE(zones_from_e820(map, z));
        mem.init(z, &map, nullptr);
    }
    E820Map map;
    Allocator mem;
};

using FuzzRegressionAlloc = AllocFixture;

}  // namespace

// fuzz_igd: freeing a reserve()d block gave all of its pages back to RAM,
// also a page it shared with another reserved block, which was then partly
// RAM in the map handed to the OS.
TEST_F(FuzzRegressionAlloc, FreeKeepsAPageSharedWithAnotherReservedBlock) {
    u64 ram = map.total(kE820Ram);
    u32 a = mem.alloc(Zone::kTmpHigh, 0x100, 16, "a");
    u32 b = mem.alloc(Zone::kTmpHigh, 0x100, 16, "b");
    ASSERT_NE(a, 0u);
    ASSERT_NE(b, 0u);
    ASSERT_EQ(align_down(a, 4096), align_down(b, 4096));  // one page
    ASSERT_TRUE(mem.reserve(a));
    ASSERT_TRUE(mem.reserve(b));
    EXPECT_EQ(map.total(kE820Ram), ram - 4096);
    ASSERT_TRUE(mem.free(a));
    EXPECT_TRUE(all_of_type(map, b, u64(b) + 0x100, kE820Reserved));
    EXPECT_EQ(map.total(kE820Ram), ram - 4096);
    // The last one out gives the page back.
    ASSERT_TRUE(mem.free(b));
    EXPECT_EQ(map.total(kE820Ram), ram);
}

TEST_F(FuzzRegressionAlloc, FreeGivesBackOnlyThePagesNoOtherReservedBlockUses) {
    u64 ram = map.total(kE820Ram);
    // Top-down: x ends a page, y spans three pages below it, z shares y's
    // first page.
    u32 x = mem.alloc(Zone::kTmpHigh, 0x800, 16, "x");
    u32 y = mem.alloc(Zone::kTmpHigh, 0x2000, 16, "y");
    u32 z = mem.alloc(Zone::kTmpHigh, 0x800, 16, "z");
    ASSERT_EQ(u64(y) + 0x2000, x);
    ASSERT_EQ(u64(z) + 0x800, y);
    ASSERT_EQ(z % 4096, 0u);
    for (u32 blk : {x, y, z}) ASSERT_TRUE(mem.reserve(blk));
    EXPECT_EQ(map.total(kE820Ram), ram - 0x3000);
    ASSERT_TRUE(mem.free(y));
    EXPECT_TRUE(all_of_type(map, x, u64(x) + 0x800, kE820Reserved));
    EXPECT_TRUE(all_of_type(map, z, u64(z) + 0x800, kE820Reserved));
    EXPECT_EQ(map.type_at(z + 0x1000), u32(kE820Ram));  // the page only y used
    EXPECT_EQ(map.total(kE820Ram), ram - 0x2000);
    ASSERT_TRUE(mem.free(x));
    ASSERT_TRUE(mem.free(z));
    EXPECT_EQ(map.total(kE820Ram), ram);
}

namespace {

// Records the EBDA moves the allocator asks for; can refuse them.
struct FakeEbda final : LowMemHost {
    int moves = 0;
    bool refuse = false;
    bool move_ebda(u32, u32, u32, u32) override {
        if (refuse) return false;
        moves++;
        return true;
    }
};

bool same_map(const E820Map& a, const E820Map& b) {
    if (a.count() != b.count()) return false;
    for (int i = 0; i < a.count(); i++)
        if (a.at(i).base != b.at(i).base || a.at(i).size != b.at(i).size || a.at(i).type != b.at(i).type)
            return false;
    return true;
}

struct FuzzRegressionLow : AllocFixture {
    void SetUp() override {
        AllocFixture::SetUp();
        ZoneLayout z = mem.layout();
        z.low_floor = 0x90000;
        z.ebda_base = 0x9FC00;
        z.ebda_bytes = 0x400;
        z.conv_end = 0xA0000;
        mem.init(z, &map, &ebda);
    }
    FakeEbda ebda;
};

}  // namespace

// fuzz_igd: a low block moved the EBDA down although the e820 map was full,
// so the grown EBDA (and the block) stayed RAM in the map handed to the OS.
TEST_F(FuzzRegressionLow, NoEbdaMoveWhenTheE820MapCannotReserveIt) {
    for (int i = 0; map.count() < E820Map::kMaxEntries; i++)
        ASSERT_TRUE(map.add(8 * GiB + u64(i) * 0x2000, 0x1000, kE820Reserved));
    const E820Map before = map;
    EXPECT_EQ(mem.alloc(Zone::kLow, 0x800, 16, "low"), 0u);
    EXPECT_TRUE(reef::test::log_contains("e820 map full; cannot grow the EBDA"));
    EXPECT_EQ(ebda.moves, 0);
    EXPECT_EQ(mem.layout().ebda_base, 0x9FC00u);
    EXPECT_TRUE(same_map(map, before));
    EXPECT_EQ(mem.block_count(), 0);
}

// The fix reserves before moving: a refused move must undo that.
TEST_F(FuzzRegressionLow, ARefusedEbdaMoveLeavesTheMapAsItWas) {
    const E820Map before = map;
    ebda.refuse = true;
    EXPECT_EQ(mem.alloc(Zone::kLow, 0x800, 16, "low", Allocator::kQuiet), 0u);
    EXPECT_TRUE(same_map(map, before));
    // With room and a willing platform, the grown EBDA is reserved.
    ebda.refuse = false;
    u32 b = mem.alloc(Zone::kLow, 0x800, 16, "low");
    ASSERT_NE(b, 0u);
    EXPECT_EQ(ebda.moves, 1);
    EXPECT_TRUE(all_of_type(map, mem.layout().ebda_base, 0xA0000, kE820Reserved));
    EXPECT_TRUE(all_of_type(map, 0, mem.layout().ebda_base, kE820Ram));
}
