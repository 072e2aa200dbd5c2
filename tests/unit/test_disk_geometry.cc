// SPDX-License-Identifier: LGPL-3.0-or-later
// disk_translate: the logical CHS geometry INT 13h reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "hw/disk_geometry.h"

using namespace reef;

namespace {

struct Chs {
    u16 c, h, s;
};

::testing::AssertionResult is(u64 sectors, Chs want) {
    Geometry g = disk_translate(sectors);
    if (g.cylinders == want.c && g.heads == want.h && g.spt == want.s) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << sectors << " sectors: got " << g.cylinders << "/" << g.heads << "/"
                                         << g.spt << ", want " << want.c << "/" << want.h << "/" << want.s;
}

constexpr u64 kCyl16 = 16 * 63, kCyl32 = 32 * 63, kCyl64 = 64 * 63, kCyl128 = 128 * 63, kCyl255 = 255 * 63;

}  // namespace

TEST(DiskGeometry, TinyDisks) {
    EXPECT_TRUE(is(0, {1, 16, 63}));
    EXPECT_TRUE(is(1, {1, 16, 63}));
    EXPECT_TRUE(is(kCyl16 - 1, {1, 16, 63}));
    EXPECT_TRUE(is(kCyl16, {1, 16, 63}));
    EXPECT_TRUE(is(kCyl16 + 1, {1, 16, 63}));
    EXPECT_TRUE(is(2 * kCyl16, {2, 16, 63}));
    EXPECT_TRUE(is(2880, {2, 16, 63}));             // 1.44 MB worth of sectors
    EXPECT_TRUE(is(10 * MiB / 512, {20, 16, 63}));  // 20480 / 1008 = 20.3
}

TEST(DiskGeometry, Boundary528MB) {
    // 1024 x 16 x 63 sectors = 528,482,304 bytes: the last plain 16-head disk.
    EXPECT_TRUE(is(1024 * kCyl16, {1024, 16, 63}));
    EXPECT_TRUE(is(1025 * kCyl16 - 1, {1024, 16, 63}));  // the partial cylinder is dropped
    EXPECT_TRUE(is(1025 * kCyl16, {512, 32, 63}));
    EXPECT_TRUE(is(528 * 1000 * 1000 / 512, {1023, 16, 63}));
}

TEST(DiskGeometry, Boundary1GB) {
    EXPECT_TRUE(is(1024 * kCyl32, {1024, 32, 63}));
    EXPECT_TRUE(is(1025 * kCyl32 - 1, {1024, 32, 63}));
    EXPECT_TRUE(is(1025 * kCyl32, {512, 64, 63}));
    EXPECT_TRUE(is(1 * GiB / 512, {520, 64, 63}));  // 2,097,152 > 1024 x 32 x 63
}

TEST(DiskGeometry, Boundary2GB) {
    EXPECT_TRUE(is(1024 * kCyl64, {1024, 64, 63}));
    EXPECT_TRUE(is(1025 * kCyl64 - 1, {1024, 64, 63}));
    EXPECT_TRUE(is(1025 * kCyl64, {512, 128, 63}));
    EXPECT_TRUE(is(2 * GiB / 512, {520, 128, 63}));
}

TEST(DiskGeometry, Boundary4GB) {
    EXPECT_TRUE(is(1024 * kCyl128, {1024, 128, 63}));
    EXPECT_TRUE(is(1025 * kCyl128 - 1, {1024, 128, 63}));
    // Past 128 heads the next step is 255, not 256.
    EXPECT_TRUE(is(1025 * kCyl128, {514, 255, 63}));
    EXPECT_TRUE(is(4 * GiB / 512, {522, 255, 63}));
}

TEST(DiskGeometry, Boundary8GB) {
    // 1024 x 255 x 63 sectors = 8,422,686,720 bytes: the CHS limit.
    EXPECT_TRUE(is(1024 * kCyl255, {1024, 255, 63}));
    EXPECT_TRUE(is(1024 * kCyl255 - 1, {1023, 255, 63}));
    EXPECT_TRUE(is(1024 * kCyl255 + 1, {1024, 255, 63}));
    EXPECT_TRUE(is(1025 * kCyl255, {1024, 255, 63}));
    EXPECT_TRUE(is(8 * GiB / 512, {1024, 255, 63}));  // 1044 cylinders, capped
}

TEST(DiskGeometry, HugeDisksAreCapped) {
    EXPECT_TRUE(is(100 * GiB / 512, {1024, 255, 63}));
    EXPECT_TRUE(is(2ull * 1024 * GiB / 512, {1024, 255, 63}));  // 2 TiB
    EXPECT_TRUE(is(u64(1) << 48, {1024, 255, 63}));            // LBA48 limit
    EXPECT_TRUE(is(~u64(0), {1024, 255, 63}));                 // no overflow anywhere
}

TEST(DiskGeometry, IsUsableInConstantExpressions) {
    constexpr Geometry g = disk_translate(1025 * kCyl16);
    static_assert(g.cylinders == 512 && g.heads == 32 && g.spt == 63);
    EXPECT_EQ(g.heads, 32);
}

// Properties over a sweep of sizes: legal values, heads from the standard
// ladder, the smallest head count that fits, never more sectors than the
// disk has unless it is smaller than one cylinder, and monotonic heads.
TEST(DiskGeometry, Properties) {
    std::mt19937_64 rng(42);
    std::vector<u64> sizes;
    for (u64 s = 0; s < 20 * 1024 * 1024; s += 997) sizes.push_back(s);
    for (int i = 0; i < 20000; i++) sizes.push_back(rng() >> (rng() % 64));
    for (u64 h : {kCyl16, kCyl32, kCyl64, kCyl128, kCyl255})
        for (u64 c : {1023ull, 1024ull, 1025ull})
            for (int d = -1; d <= 1; d++) sizes.push_back(c * h + u64(d));
    std::sort(sizes.begin(), sizes.end());

    u16 prev_heads = 16;
    for (u64 s : sizes) {
        Geometry g = disk_translate(s);
        ASSERT_EQ(g.spt, 63) << s;
        ASSERT_GE(g.cylinders, 1) << s;
        ASSERT_LE(g.cylinders, 1024) << s;
        ASSERT_TRUE(g.heads == 16 || g.heads == 32 || g.heads == 64 || g.heads == 128 || g.heads == 255) << s;
        u64 chs = u64(g.cylinders) * g.heads * g.spt;
        if (s >= kCyl16) {
            ASSERT_LE(chs, s) << s;
        }
        // Nothing smaller on the ladder would have fit in 1024 cylinders.
        u16 smaller = g.heads == 255 ? 128 : u16(g.heads / 2);
        if (g.heads > 16) {
            ASSERT_GT(s / (u64(smaller) * 63), 1024u) << s;
        }
        // Uncapped geometries lose less than one cylinder.
        if (g.cylinders < 1024 && s >= kCyl16) {
            ASSERT_LT(s - chs, u64(g.heads) * 63) << s;
        }
        ASSERT_GE(g.heads, prev_heads) << s;
        prev_heads = g.heads;
    }
}
