// SPDX-License-Identifier: LGPL-3.0-or-later
// nvme_build_prp: PRP1/PRP2 and the PRP list for flat buffers of any
// alignment.
#include <gtest/gtest.h>

#include <vector>

#include "hw/nvme_prp.h"

using namespace reef;

namespace {
constexpr u64 kList = 0x7F000;  // where the list page "is" (flat)
constexpr u32 kPage = nvme::kPage;
}  // namespace

TEST(NvmePrp, WithinOnePage) {
    u64 list[nvme::kPrpListEntries] = {};
    NvmePrp p;
    ASSERT_TRUE(nvme_build_prp(0x10000, 512, list, kList, &p));
    EXPECT_EQ(p.prp1, 0x10000u);
    EXPECT_EQ(p.prp2, 0u);
    ASSERT_TRUE(nvme_build_prp(0x10e00, 512, list, kList, &p));  // ends exactly at the page end
    EXPECT_EQ(p.prp1, 0x10e00u);
    EXPECT_EQ(p.prp2, 0u);
    ASSERT_TRUE(nvme_build_prp(0x10000, kPage, list, kList, &p));
    EXPECT_EQ(p.prp2, 0u);
    EXPECT_EQ(p.entries, 0u);
}

TEST(NvmePrp, TwoPagesUsePrp2Directly) {
    u64 list[nvme::kPrpListEntries] = {};
    NvmePrp p;
    ASSERT_TRUE(nvme_build_prp(0x10000, 2 * kPage, list, kList, &p));
    EXPECT_EQ(p.prp1, 0x10000u);
    EXPECT_EQ(p.prp2, 0x11000u);
    EXPECT_EQ(p.entries, 0u);
    ASSERT_TRUE(nvme_build_prp(0x10e00, 1024, list, kList, &p));  // straddles a boundary
    EXPECT_EQ(p.prp1, 0x10e00u);
    EXPECT_EQ(p.prp2, 0x11000u);
}

TEST(NvmePrp, UnalignedLargeTransferUsesAList) {
    // 128 sectors (64 KiB) from 7C00h: 17 pages, PRP1 with an offset, then a
    // list of 16 page-aligned entries.
    u64 list[nvme::kPrpListEntries] = {};
    NvmePrp p;
    ASSERT_TRUE(nvme_build_prp(0x7C00, 128 * 512, list, kList, &p));
    EXPECT_EQ(p.prp1, 0x7C00u);
    EXPECT_EQ(p.prp2, kList);
    ASSERT_EQ(p.entries, 16u);
    for (u32 i = 0; i < p.entries; i++) EXPECT_EQ(list[i], 0x8000u + u64(i) * kPage) << i;
    // The bytes mapped add up exactly.
    u64 mapped = kPage - (p.prp1 & (kPage - 1)) + u64(p.entries) * kPage;
    EXPECT_GE(mapped, 128u * 512);
    EXPECT_LT(mapped - 128u * 512, kPage);
}

TEST(NvmePrp, OneListPageAtMost) {
    std::vector<u64> list(nvme::kPrpListEntries + 1, 0xDEAD);
    NvmePrp p;
    u32 max = kPage * nvme::kPrpListEntries;  // what the driver asks for at most
    ASSERT_TRUE(nvme_build_prp(0x100000, max, list.data(), kList, &p));
    EXPECT_EQ(p.entries, nvme::kPrpListEntries - 1);
    ASSERT_TRUE(nvme_build_prp(0x100200, max, list.data(), kList, &p));  // unaligned: one more page
    EXPECT_EQ(p.entries, nvme::kPrpListEntries);
    EXPECT_EQ(list[nvme::kPrpListEntries - 1], 0x100000u + u64(nvme::kPrpListEntries) * kPage);
    EXPECT_EQ(list[nvme::kPrpListEntries], 0xDEADu);  // never past the page
    EXPECT_FALSE(nvme_build_prp(0x100000, max + 2 * kPage, list.data(), kList, &p));
}
