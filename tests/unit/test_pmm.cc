// SPDX-License-Identifier: LGPL-3.0-or-later
// The POST Memory Manager's logic (src/fw/pmm.cc) on the POST allocator
// over a fake QEMU pc memory map: the memory types and their zones,
// handles (two kinds of anonymous, duplicates), find, deallocate, size
// queries, alignment, permanent blocks and what the e820 map says after
// POST, the stack-argument dispatcher and every kind of bad input.
#include <gtest/gtest.h>

#include <vector>

#include "fw/pmm.h"
#include "host_support.h"

using namespace reef;
using reef::test::clear_log;
using reef::test::log_contains;
using reef::test::log_lines;

namespace {

constexpr u64 k1M = 0x100000;
constexpr u32 kRamTop = 128 * 1024 * 1024;
constexpr u32 kConvEnd = 0xA0000;

struct NoEbdaMoveCheck final : LowMemHost {
    int moves = 0;
    u32 to = 0;
    bool move_ebda(u32, u32 t, u32, u32) override {
        moves++;
        to = t;
        return true;
    }
};

// The stack an option ROM pushes for one call (large-model C: the function
// number first, at the lowest address).
struct Args {
    std::vector<u8> b;
    Args& w(u16 v) {
        b.push_back(u8(v));
        b.push_back(u8(v >> 8));
        return *this;
    }
    Args& d(u32 v) { return w(u16(v)).w(u16(v >> 16)); }
};

class PmmTest : public ::testing::Test {
protected:
    void SetUp() override {
        clear_log();
        map.clear();
        map.add(0, 0x9FC00, kE820Ram);
        map.add(0x9FC00, 0x400, kE820Reserved);
        map.add(0xE0000, 0x20000, kE820Reserved);
        map.add(k1M, kRamTop - k1M, kE820Ram);
        ASSERT_TRUE(zones_from_e820(map, z));
        z.tmplow = ZoneRange{0x20000, 0x90000};
        z.fseg = ZoneRange{0xF3000, 0xFE000};
        z.low_floor = 0x90000;
        z.ebda_bytes = 1024;
        z.conv_end = kConvEnd;
        z.ebda_base = kConvEnd - 1024;
        alloc.init(z, &map, &ebda);
        pmm.init(&alloc);
    }
    int errors() {
        int n = 0;
        for (auto& l : log_lines()) n += l.level <= 1;
        return n;
    }

    E820Map map;
    ZoneLayout z;
    NoEbdaMoveCheck ebda;
    Allocator alloc;
    Pmm pmm;
};

}  // namespace

TEST_F(PmmTest, ConventionalComesFromTmplowAndExtendedFromTmphigh) {
    u32 c = pmm.allocate(0x40, pmm::kAnonymous, pmm::kFlagConventional);
    ASSERT_NE(c, 0u);
    EXPECT_GE(c, z.tmplow.base);
    EXPECT_LE(c + 0x400, z.tmplow.end);
    EXPECT_EQ(c % 16, 0u);
    u32 e = pmm.allocate(0x1000, pmm::kAnonymous, pmm::kFlagExtended);
    ASSERT_NE(e, 0u);
    EXPECT_GE(e, z.tmphigh.base);
    EXPECT_LE(e + 0x10000, z.tmphigh.end);
    EXPECT_EQ(alloc.block_zone(e), Zone::kTmpHigh);
    EXPECT_EQ(ebda.moves, 0);
    EXPECT_EQ(errors(), 0);
}

TEST_F(PmmTest, EitherTypeTriesConventionalFirst) {
    u16 both = pmm::kFlagConventional | pmm::kFlagExtended;
    u32 a = pmm.allocate(0x10, pmm::kAnonymous, both);
    EXPECT_LT(a, kConvEnd);
    // Larger than tmplow: extended memory instead, and no error logged.
    u32 b = pmm.allocate(0x8000, pmm::kAnonymous, both);
    EXPECT_GE(b, k1M);
    EXPECT_EQ(errors(), 0);
}

TEST_F(PmmTest, HandlesFindAndDuplicates) {
    u32 a = pmm.allocate(0x100, 0x49504D31, pmm::kFlagExtended);
    u32 b = pmm.allocate(0x10, 0x49504D32, pmm::kFlagConventional);
    ASSERT_NE(a, 0u);
    ASSERT_NE(b, 0u);
    EXPECT_EQ(pmm.find(0x49504D31), a);
    EXPECT_EQ(pmm.find(0x49504D32), b);
    EXPECT_EQ(pmm.find(0x12345678), 0u);
    // A handle in use is refused, with one log line.
    clear_log();
    EXPECT_EQ(pmm.allocate(0x10, 0x49504D31, pmm::kFlagExtended), 0u);
    EXPECT_TRUE(log_contains("handle 0x49504d31 is in use"));
    EXPECT_EQ(errors(), 1);
    // Anonymous blocks: any number, never found.
    EXPECT_NE(pmm.allocate(0x10, pmm::kAnonymous, pmm::kFlagExtended), 0u);
    EXPECT_NE(pmm.allocate(0x10, pmm::kAnonymous, pmm::kFlagExtended), 0u);
    EXPECT_EQ(pmm.find(pmm::kAnonymous), 0u);
    // FFFFFFFFh is no handle either (SeaVGABIOS's "anonymous handle").
    clear_log();
    EXPECT_NE(pmm.allocate(0x10, pmm::kAnonymousToo, pmm::kFlagConventional), 0u);
    EXPECT_NE(pmm.allocate(0x10, pmm::kAnonymousToo, pmm::kFlagConventional), 0u);
    EXPECT_EQ(errors(), 0);
    EXPECT_EQ(pmm.find(pmm::kAnonymousToo), 0u);
}

TEST_F(PmmTest, DeallocateFreesAndForgetsTheHandle) {
    u32 a = pmm.allocate(0x100, 0x1234, pmm::kFlagExtended);
    int blocks = alloc.block_count();
    EXPECT_EQ(pmm.deallocate(a), pmm::kOk);
    EXPECT_EQ(alloc.block_count(), blocks - 1);
    EXPECT_EQ(pmm.find(0x1234), 0u);
    // The handle can be used again, and the space too.
    EXPECT_EQ(pmm.allocate(0x100, 0x1234, pmm::kFlagExtended), a);
    // Not a PMM block (twice, inside one, a POST allocation): refused.
    clear_log();
    EXPECT_EQ(pmm.deallocate(a + 16), pmm::kDeallocateFailed);
    EXPECT_EQ(pmm.deallocate(0), pmm::kDeallocateFailed);
    u32 post = alloc.alloc(Zone::kTmpHigh, 64, 16, "POST's own");
    EXPECT_EQ(pmm.deallocate(post), pmm::kDeallocateFailed);
    EXPECT_EQ(alloc.block_size(post), 64u);
    EXPECT_EQ(errors(), 3);
    EXPECT_TRUE(log_contains("is not a PMM block"));
}

TEST_F(PmmTest, SizeQueryIsTheLargestFreeBlockInParagraphs) {
    u32 conv = pmm.allocate(0, pmm::kAnonymous, pmm::kFlagConventional);
    EXPECT_EQ(conv, (z.tmplow.end - z.tmplow.base) / 16);
    u32 ext = pmm.allocate(0, pmm::kAnonymous, pmm::kFlagExtended);
    EXPECT_EQ(ext, z.tmphigh.size() / 16);
    EXPECT_EQ(pmm.allocate(0, pmm::kAnonymous, pmm::kFlagConventional | pmm::kFlagExtended), ext);
    // The alignment bit does not change the answer; nothing was allocated.
    EXPECT_EQ(pmm.allocate(0, pmm::kAnonymous, pmm::kFlagConventional | pmm::kFlagAlignToSize), conv);
    EXPECT_EQ(pmm.block_count(), 0);
    // That much can be had, one paragraph more cannot.
    clear_log();
    EXPECT_EQ(pmm.allocate(conv + 1, pmm::kAnonymous, pmm::kFlagConventional), 0u);
    EXPECT_EQ(errors(), 1);
    EXPECT_TRUE(log_contains("no room for"));
    u32 all = pmm.allocate(conv, pmm::kAnonymous, pmm::kFlagConventional);
    EXPECT_EQ(all, z.tmplow.base);
    EXPECT_EQ(pmm.allocate(0, pmm::kAnonymous, pmm::kFlagConventional), 0u);
    // Permanent conventional memory: what the EBDA can grow into.
    EXPECT_EQ(pmm.allocate(0, pmm::kAnonymous, pmm::kFlagConventional | pmm::kFlagPermanent),
              (kConvEnd - z.low_floor - z.ebda_bytes) / 16);
}

TEST_F(PmmTest, AlignToSizeRoundsUpToAPowerOfTwo) {
    u16 f = pmm::kFlagExtended | pmm::kFlagAlignToSize;
    pmm.allocate(1, pmm::kAnonymous, pmm::kFlagExtended);  // so the top is not aligned by luck
    u32 a = pmm.allocate(0x1000, pmm::kAnonymous, f);
    EXPECT_EQ(a % 0x10000, 0u);
    u32 b = pmm.allocate(0x1800, pmm::kAnonymous, f);  // 96 KiB: on a 128 KiB boundary
    EXPECT_EQ(b % 0x20000, 0u);
    u32 c = pmm.allocate(0x3, pmm::kAnonymous, pmm::kFlagConventional | pmm::kFlagAlignToSize);
    EXPECT_EQ(c % 64, 0u);
    // 2 MiB aligned (iPXE's way of asking for a block with A20 clear).
    u32 d = pmm.allocate(0x20000, pmm::kAnonymous, f);
    EXPECT_EQ(d % 0x200000, 0u);
}

TEST_F(PmmTest, BadInputIsRefusedWithOneLine) {
    struct Case {
        u32 len;
        u16 flags;
        const char* says;
    } cases[] = {
        {0x10, 0, "bad flags 0x0"},
        {0x10, pmm::kFlagAlignToSize, "bad flags 0x4"},
        {0x10, pmm::kFlagExtended | 0x10, "bad flags 0x12"},
        {0, 0, "bad flags 0x0"},
        {0x10000000, pmm::kFlagExtended, "0x10000000 paragraphs is more than there is"},
        {0xFFFFFFFF, pmm::kFlagConventional, "0xffffffff paragraphs is more than there is"},
        {0x7FFFFFF, pmm::kFlagExtended, "no room for 0x7ffffff paragraphs"},
        {0x10000, pmm::kFlagConventional, "no room for 0x10000 paragraphs"},
    };
    for (const Case& c : cases) {
        clear_log();
        EXPECT_EQ(pmm.allocate(c.len, pmm::kAnonymous, c.flags), 0u) << c.says;
        EXPECT_EQ(errors(), 1) << c.says;
        EXPECT_TRUE(log_contains(c.says)) << c.says;
    }
    EXPECT_EQ(pmm.block_count(), 0);
}

TEST_F(PmmTest, TheBlockTableFillsUp) {
    for (int i = 0; i < Pmm::kMaxBlocks; i++) ASSERT_NE(pmm.allocate(1, u32(i + 1), pmm::kFlagExtended), 0u);
    clear_log();
    EXPECT_EQ(pmm.allocate(1, pmm::kAnonymous, pmm::kFlagExtended), 0u);
    EXPECT_TRUE(log_contains("more than 24 PMM blocks"));
    EXPECT_NE(pmm.find(u32(Pmm::kMaxBlocks)), 0u);
    EXPECT_NE(pmm.find(1), 0u);
}

TEST_F(PmmTest, FinishFreesTemporaryBlocksAndKeepsPermanentOnes) {
    u32 tmp_ext = pmm.allocate(0x1000, 1, pmm::kFlagExtended);
    u32 tmp_conv = pmm.allocate(0x100, 2, pmm::kFlagConventional);
    u32 perm_ext = pmm.allocate(0x100, 3, pmm::kFlagExtended | pmm::kFlagPermanent);
    // Larger than the high zone: from tmphigh, reserved at once.
    u32 big_perm = pmm.allocate(0x8000, 4, pmm::kFlagExtended | pmm::kFlagPermanent);
    u32 perm_conv = pmm.allocate(0x100, 5, pmm::kFlagConventional | pmm::kFlagPermanent);
    ASSERT_TRUE(tmp_ext && tmp_conv && perm_ext && big_perm && perm_conv);
    EXPECT_EQ(alloc.block_zone(perm_ext), Zone::kHigh);
    EXPECT_EQ(alloc.block_zone(big_perm), Zone::kTmpHigh);
    EXPECT_EQ(map.type_at(big_perm), kE820Reserved);
    EXPECT_EQ(alloc.block_zone(perm_conv), Zone::kLow);
    EXPECT_EQ(ebda.moves, 1);  // the EBDA moved below the block
    EXPECT_LT(ebda.to, perm_conv);
    EXPECT_TRUE(pmm.is_permanent(perm_ext));
    EXPECT_FALSE(pmm.is_permanent(tmp_ext));

    pmm.finish();
    alloc.finalize();
    EXPECT_TRUE(pmm.finished());
    // Temporary blocks are gone, their memory RAM for the OS.
    EXPECT_EQ(alloc.block_size(tmp_ext), 0u);
    EXPECT_EQ(alloc.block_size(tmp_conv), 0u);
    EXPECT_EQ(map.type_at(tmp_ext), kE820Ram);
    // Permanent ones stay, reserved.
    EXPECT_EQ(alloc.block_size(perm_ext), 0x1000u);
    EXPECT_EQ(map.type_at(perm_ext), kE820Reserved);
    EXPECT_EQ(map.type_at(big_perm + 0x7FFF0), kE820Reserved);
    EXPECT_EQ(alloc.block_size(perm_conv), 0x1000u);
    // Every later call: not supported.
    EXPECT_EQ(pmm.allocate(1, 0, pmm::kFlagExtended), pmm::kNotSupported);
    EXPECT_EQ(pmm.find(3), pmm::kNotSupported);
    EXPECT_EQ(pmm.deallocate(perm_ext), pmm::kNotSupported);
}

TEST_F(PmmTest, FreeingAReservedBlockGivesItsRamBack) {
    u32 big_perm = pmm.allocate(0x8000, 4, pmm::kFlagExtended | pmm::kFlagPermanent);
    EXPECT_EQ(map.type_at(big_perm), kE820Reserved);
    EXPECT_EQ(pmm.deallocate(big_perm), pmm::kOk);
    EXPECT_EQ(map.type_at(big_perm), kE820Ram);
    pmm.finish();
    alloc.finalize();
    EXPECT_EQ(map.type_at(big_perm), kE820Ram);
}

TEST_F(PmmTest, CallReadsTheCallersStack) {
    Args alloc_args;
    alloc_args.w(pmm::kFnAllocate).d(0x100).d(0xCAFE).w(pmm::kFlagExtended);
    u32 a = pmm.call(alloc_args.b.data());
    ASSERT_NE(a, 0u);
    EXPECT_EQ(alloc.block_size(a), 0x1000u);
    Args find_args;
    find_args.w(pmm::kFnFind).d(0xCAFE);
    EXPECT_EQ(pmm.call(find_args.b.data()), a);
    Args free_args;
    free_args.w(pmm::kFnDeallocate).d(a);
    EXPECT_EQ(pmm.call(free_args.b.data()), pmm::kOk);
    EXPECT_EQ(pmm.call(find_args.b.data()), 0u);
    // Unknown functions: not supported, one line each.
    for (u16 fn : {u16(3), u16(0x80), u16(0xFFFF)}) {
        clear_log();
        Args bad;
        bad.w(fn).d(0).d(0).w(0);
        EXPECT_EQ(pmm.call(bad.b.data()), pmm::kNotSupported);
        EXPECT_EQ(errors(), 1);
        EXPECT_TRUE(log_contains("unknown function"));
    }
}

TEST_F(PmmTest, SmallPermanentConventionalBlocksFitInTheEbdaFirst) {
    // Firmware's layout: the EBDA's fields take its first 256 bytes.
    z.ebda_bytes = 256;
    alloc.init(z, &map, &ebda);
    pmm.init(&alloc);
    // SeaVGABIOS's request: 512 bytes, permanent, "anonymous handle".
    u32 a = pmm.allocate(0x20, pmm::kAnonymousToo, pmm::kFlagConventional | pmm::kFlagPermanent);
    EXPECT_EQ(a, kConvEnd - 0x200);
    EXPECT_EQ(ebda.moves, 0);
    // The next one does not fit in the KiB any more: the EBDA moves 1 KiB.
    u32 b = pmm.allocate(0x20, pmm::kAnonymous, pmm::kFlagConventional | pmm::kFlagPermanent);
    EXPECT_EQ(b, kConvEnd - 0x400);
    EXPECT_EQ(ebda.moves, 1);
    EXPECT_EQ(ebda.to, kConvEnd - 0x800);
    EXPECT_EQ(errors(), 0);
}
