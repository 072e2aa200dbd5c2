// SPDX-License-Identifier: LGPL-3.0-or-later
#include <gtest/gtest.h>

#include <map>

#include "fw/mtrr.h"

using namespace reef;

namespace {
constexpr u64 kQemuCap = 0x508;  // QEMU's TCG CPUs: WC, fixed, 8 variable
constexpr u64 k4G = 1ull << 32;

std::map<u32, u64> plan(u64 cap, u8 bits, u64 hole, int* n = nullptr) {
    Msr m[64];
    int c = mtrr_plan(MtrrInput{cap, bits, hole}, m, 64);
    if (n) *n = c;
    std::map<u32, u64> out;
    for (int i = 0; i < c; i++) out[m[i].index] = m[i].value();
    return out;
}

// The memory type of `addr` as a CPU would compute it from the MSRs.
int type_at(const std::map<u32, u64>& r, u64 addr) {
    if (addr < 0x80000) return int(r.at(0x250) & 0xFF);
    if (addr < 0xC0000) return int((addr < 0xA0000 ? r.at(0x258) : r.at(0x259)) & 0xFF);
    if (addr < 0x100000) return int(r.at(0x268 + u32((addr - 0xC0000) >> 15)) & 0xFF);
    for (u32 i = 0; i < 8; i++) {
        u64 base = r.at(0x200 + 2 * i), mask = r.at(0x201 + 2 * i);
        if (!(mask & (1u << 11))) continue;
        if ((addr & mask & ~0xFFFull) == (base & ~0xFFFull)) return int(base & 0xFF);
    }
    return int(r.at(0x2FF) & 0xFF);
}
}  // namespace

TEST(Mtrr, CoverSplitsIntoAlignedPowersOfTwo) {
    u64 b[8], s[8];
    ASSERT_EQ(mtrr_cover(0xC0000000, k4G, b, s, 8), 1);
    EXPECT_EQ(b[0], 0xC0000000u);
    EXPECT_EQ(s[0], 0x40000000u);
    ASSERT_EQ(mtrr_cover(0xB0000000, k4G, b, s, 8), 2);
    EXPECT_EQ(s[0], 0x10000000u);
    EXPECT_EQ(b[1], 0xC0000000u);
    EXPECT_EQ(mtrr_cover(0xBFFFF000, k4G, b, s, 8), 2);  // 4 KiB + 1 GiB
    EXPECT_EQ(mtrr_cover(0x12345000, k4G, b, s, 0), 14);  // popcount(4G - start)
}

TEST(Mtrr, PcHoleIsUncachedRamWriteBack) {
    int n;
    auto r = plan(kQemuCap, 40, 0xC0000000, &n);
    ASSERT_EQ(n, 11 + 16 + 1);
    EXPECT_EQ(r.at(0x2FF), 0xC06u);
    EXPECT_EQ(r.at(0x200), 0xC0000000u);
    EXPECT_EQ(r.at(0x201), 0xFFC0000800ull);
    for (u64 a : {0x0ull, 0x9F000ull, 0xE0000ull, 0xFFFFFull, 0x100000ull, 0xBFFFF000ull, 0x17FFFF000ull, 0x100000000ull})
        EXPECT_EQ(type_at(r, a), 6) << std::hex << a;
    for (u64 a : {0xA0000ull, 0xB8000ull, 0xC0000000ull, 0xFEC00000ull, 0xFEE00000ull, 0xFFFFF000ull})
        EXPECT_EQ(type_at(r, a), 0) << std::hex << a;
}

TEST(Mtrr, Q35EcamHoleTakesTwoRanges) {
    auto r = plan(kQemuCap, 40, 0xB0000000);
    EXPECT_EQ(type_at(r, 0xAFFFF000), 6);
    EXPECT_EQ(type_at(r, 0xB0000000), 0);
    EXPECT_EQ(type_at(r, 0xBFFFF000), 0);
    EXPECT_EQ(type_at(r, 0xC0000000), 0);
    EXPECT_EQ(r.at(0x205), 0u);  // the third pair is unused and disabled
}

TEST(Mtrr, RefusesWhatItCannotCover) {
    int n;
    plan(0x502, 40, 0x12345000, &n);   // 14 blocks, 2 variable MTRRs
    EXPECT_EQ(n, 0);
    plan(kQemuCap, 40, 0xC0000800, &n);  // not 4 KiB aligned
    EXPECT_EQ(n, 0);
    plan(kQemuCap, 40, k4G, &n);
    EXPECT_EQ(n, 0);
    Msr m[4];
    EXPECT_EQ(mtrr_plan(MtrrInput{kQemuCap, 40, 0xC0000000}, m, 4), 0);
}

TEST(Mtrr, NoFixedRangesWithoutTheCapability) {
    int n;
    auto r = plan(0x008, 36, 0xC0000000, &n);
    EXPECT_EQ(n, 17);
    EXPECT_EQ(r.count(0x250), 0u);
    EXPECT_EQ(r.at(0x2FF), 0x806u);
    EXPECT_EQ(r.at(0x201), 0xFC0000800ull);
}
