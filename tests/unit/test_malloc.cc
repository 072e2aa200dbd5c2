// SPDX-License-Identifier: LGPL-3.0-or-later
// The POST allocator (src/fw/malloc.cc): zones from the e820 map, alignment,
// top-down and bottom-up placement, exhaustion, free, the low zone's EBDA
// moves, and what finalize() leaves in the e820 map after POST.
#include <gtest/gtest.h>

#include <vector>

#include "fw/malloc.h"
#include "host_support.h"

using namespace reef;
using reef::test::clear_log;
using reef::test::log_contains;
using reef::test::log_lines;

namespace {

constexpr u64 k1M = 0x100000;
constexpr u32 kRamTop = 128 * 1024 * 1024;

// The map memmap_setup() builds for QEMU pc -m 128M.
void pc_map(E820Map& m, u64 ram_top = kRamTop) {
    m.clear();
    m.add(0, 0x9FC00, kE820Ram);
    m.add(0x9FC00, 0x400, kE820Reserved);
    m.add(0xE0000, 0x20000, kE820Reserved);
    m.add(k1M, ram_top - k1M, kE820Ram);
    m.add(0xFFFE0000, 0x20000, kE820Reserved);
}

// Records the EBDA moves the allocator asks for; can refuse them.
struct FakeEbda final : LowMemHost {
    struct Move {
        u32 from, to, bytes, conv_end;
    };
    std::vector<Move> moves;
    bool refuse = false;
    bool move_ebda(u32 from, u32 to, u32 bytes, u32 conv_end) override {
        if (refuse) return false;
        moves.push_back({from, to, bytes, conv_end});
        return true;
    }
};

int level1_lines() {
    int n = 0;
    for (auto& l : log_lines()) n += l.level <= 1;
    return n;
}

class MallocTest : public ::testing::Test {
protected:
    void SetUp() override {
        clear_log();
        pc_map(map);
        ASSERT_TRUE(zones_from_e820(map, z));
        z.tmplow = ZoneRange{0x20000, 0x90000};
        z.fseg = ZoneRange{0xF3000, 0xFE000};
        z.low_floor = 0x90000;
        z.ebda_bytes = 1024;
        z.conv_end = 0xA0000;
        z.ebda_base = 0x9FC00;
        a.init(z, &map, &ebda);
    }
    bool overlaps_other(u32 addr) {
        u64 size = a.block_size(addr);
        for (u32 other : handed_out)
            if (other != addr && other < addr + size && addr < other + a.block_size(other)) return true;
        return false;
    }
    u32 alloc(Zone zone, u64 size, u64 align) {
        u32 p = a.alloc(zone, size, align, "test");
        if (p) handed_out.push_back(p);
        return p;
    }

    E820Map map;
    ZoneLayout z;
    FakeEbda ebda;
    Allocator a;
    std::vector<u32> handed_out;
};

}  // namespace

TEST(MallocZones, FromE820) {
    E820Map m;
    pc_map(m);
    ZoneLayout z;
    ASSERT_TRUE(zones_from_e820(m, z));
    EXPECT_EQ(z.high.end, kRamTop);
    EXPECT_EQ(z.high.base, kRamTop - kHighZoneSize);
    EXPECT_EQ(z.tmphigh.base, k1M);
    EXPECT_EQ(z.tmphigh.end, z.high.base);
}

TEST(MallocZones, IgnoresRamAbove4GAndReservedTop) {
    E820Map m;
    pc_map(m, 0xC0000000ull);
    m.add(0x100000000ull, 0xC0000000ull, kE820Ram);
    // A reserved range right at the top of low RAM (QEMU may add one).
    m.add(0xBFFFC000ull, 0x4000, kE820Reserved);
    ZoneLayout z;
    ASSERT_TRUE(zones_from_e820(m, z));
    EXPECT_EQ(z.high.end, 0xBFFFC000u);
    EXPECT_EQ(z.high.base, 0xBFFFC000u - kHighZoneSize);
}

TEST(MallocZones, TooLittleRam) {
    E820Map m;
    m.add(0, 0x9FC00, kE820Ram);
    m.add(k1M, 0x10000, kE820Ram);
    ZoneLayout z;
    EXPECT_FALSE(zones_from_e820(m, z));
    EXPECT_EQ(z.high.size(), 0u);
    EXPECT_EQ(z.tmphigh.size(), 0u);
}

TEST_F(MallocTest, AlignmentUpTo1MiBAndBeyond) {
    const u64 aligns[] = {0, 1, 16, 64, 4096, 0x10000, 0x100000, 0x200000, 0x800000};
    for (u64 al : aligns) {
        u32 p = alloc(Zone::kTmpHigh, 1000, al);
        ASSERT_NE(p, 0u) << "align " << al;
        EXPECT_EQ(p % max<u64>(al, Allocator::kMinAlign), 0u) << "align " << al;
        EXPECT_GE(p, z.tmphigh.base);
        EXPECT_LE(p + 1000, z.tmphigh.end);
        EXPECT_FALSE(overlaps_other(p));
    }
    for (u64 al : {16u, 4096u, 0x20000u}) {
        u32 p = alloc(Zone::kHigh, 100, al);
        ASSERT_NE(p, 0u);
        EXPECT_EQ(p % al, 0u);
        EXPECT_GE(p, z.high.base);
        EXPECT_LE(p + 100, z.high.end);
        EXPECT_FALSE(overlaps_other(p));
    }
}

TEST_F(MallocTest, HighZonesAreTopDownLowTempZonesBottomUp) {
    EXPECT_EQ(alloc(Zone::kHigh, 0x1000, 0x1000), z.high.end - 0x1000);
    EXPECT_EQ(alloc(Zone::kHigh, 0x1000, 0x1000), z.high.end - 0x2000);
    EXPECT_EQ(alloc(Zone::kTmpHigh, 2 * k1M, k1M), 125 * k1M);  // below 128 MiB - 256 KiB
    EXPECT_EQ(alloc(Zone::kTmpLow, 100, 16), z.tmplow.base);
    EXPECT_EQ(alloc(Zone::kTmpLow, 100, 16), z.tmplow.base + 112);
    EXPECT_EQ(alloc(Zone::kFseg, 20, 16), z.fseg.base);
    EXPECT_EQ(alloc(Zone::kFseg, 20, 16), z.fseg.base + 32);
}

TEST_F(MallocTest, TmpHighTopDownIsMiBAligned) {
    // tmphigh ends at 128 MiB - 256 KiB: the highest 1 MiB-aligned 2 MiB
    // block ends at 127 MiB.
    EXPECT_EQ(alloc(Zone::kTmpHigh, 2 * k1M, k1M), 125 * k1M);
    EXPECT_EQ(alloc(Zone::kTmpHigh, k1M, k1M), 124 * k1M);
}

TEST_F(MallocTest, Exhaustion) {
    u64 size = z.high.size();
    u32 p = alloc(Zone::kHigh, size, 4096);
    ASSERT_EQ(p, z.high.base);
    clear_log();
    EXPECT_EQ(a.alloc(Zone::kHigh, 16, 16, "one more"), 0u);
    EXPECT_TRUE(log_contains("one more")) << reef::test::log_text();
    EXPECT_TRUE(log_contains("out of high memory"));
    EXPECT_EQ(level1_lines(), 1);
    EXPECT_EQ(a.largest_free(Zone::kHigh, 16), 0u);
    // kQuiet: the caller reports it, the allocator only at level 3.
    clear_log();
    EXPECT_EQ(a.alloc(Zone::kHigh, 16, 16, "quiet", Allocator::kQuiet), 0u);
    EXPECT_EQ(level1_lines(), 0);
    // Too big for the zone at all.
    EXPECT_EQ(a.alloc(Zone::kTmpHigh, z.tmphigh.size() + 1, 16, "huge"), 0u);
    // Free gives the room back.
    EXPECT_TRUE(a.free(p));
    EXPECT_EQ(a.alloc(Zone::kHigh, 16, 16, "again"), z.high.end - 16);
}

TEST_F(MallocTest, ExhaustionWithAlignmentAndLargestFree) {
    // 4 MiB blocks, 1 MiB aligned, until tmphigh (1 MiB .. 127.75 MiB) runs
    // out: 31 of them; what is left is smaller than one more.
    int n = 0;
    while (a.alloc(Zone::kTmpHigh, 4 * k1M, k1M, "fill", Allocator::kQuiet)) n++;
    EXPECT_EQ(n, 31);
    EXPECT_EQ(a.used(Zone::kTmpHigh), 124 * k1M);
    EXPECT_EQ(a.largest_free(Zone::kTmpHigh, k1M), 2 * k1M);
    EXPECT_EQ(a.alloc(Zone::kTmpHigh, 2 * k1M, k1M, "the rest"), k1M);
}

TEST_F(MallocTest, BadRequests) {
    EXPECT_EQ(a.alloc(Zone::kTmpHigh, 0, 16, "zero"), 0u);
    EXPECT_EQ(a.alloc(Zone::kTmpHigh, 100, 48, "not a power of two"), 0u);
    EXPECT_EQ(a.alloc(Zone::kTmpHigh, 0x100000000ull, k1M, "4 GiB"), 0u);
    EXPECT_EQ(a.block_count(), 0);
    EXPECT_FALSE(a.free(0x1234560));
    EXPECT_FALSE(a.free(0));
}

TEST_F(MallocTest, FreeReusesTheGap) {
    u32 p1 = alloc(Zone::kTmpLow, 0x1000, 16);
    u32 p2 = alloc(Zone::kTmpLow, 0x1000, 16);
    u32 p3 = alloc(Zone::kTmpLow, 0x1000, 16);
    ASSERT_TRUE(p1 && p2 && p3);
    EXPECT_TRUE(a.free(p2));
    EXPECT_FALSE(a.free(p2));  // twice
    EXPECT_EQ(a.alloc(Zone::kTmpLow, 0x800, 16, "gap"), p2);
    EXPECT_EQ(a.alloc(Zone::kTmpLow, 0x1000, 16, "no longer fits the gap"), p3 + 0x1000);
}

TEST_F(MallocTest, BlockTableFull) {
    for (int i = 0; i < Allocator::kMaxBlocks; i++) ASSERT_NE(a.alloc(Zone::kTmpLow, 16, 16, "b"), 0u);
    clear_log();
    EXPECT_EQ(a.alloc(Zone::kTmpLow, 16, 16, "b"), 0u);
    EXPECT_TRUE(log_contains("block table full"));
}

TEST_F(MallocTest, TmpHighReleaseKeepsOnlyReservedBlocks) {
    E820Map before = map;
    u32 a1 = alloc(Zone::kTmpHigh, 3 * k1M, k1M);
    u32 kept = alloc(Zone::kTmpHigh, 8 * k1M, k1M);
    u32 a3 = alloc(Zone::kTmpHigh, 0x5000, 4096);
    u32 tl = alloc(Zone::kTmpLow, 0x100, 16);
    ASSERT_TRUE(a1 && kept && a3 && tl);
    // Nothing is in e820 until a block is reserved.
    EXPECT_EQ(map.total(kE820Reserved), before.total(kE820Reserved));
    ASSERT_TRUE(a.reserve(kept));
    EXPECT_TRUE(a.is_reserved(kept));
    a.finalize();
    EXPECT_TRUE(a.finalized());
    // Only the reserved block survives, and only it is reserved in e820.
    EXPECT_EQ(a.block_count(), 1);
    EXPECT_EQ(a.block_size(kept), 8 * k1M);
    EXPECT_EQ(a.block_size(a1), 0u);
    EXPECT_EQ(a.block_size(a3), 0u);
    EXPECT_EQ(a.block_size(tl), 0u);
    EXPECT_EQ(map.total(kE820Reserved) - before.total(kE820Reserved), 8 * k1M);
    EXPECT_EQ(map.type_at(kept), u32(kE820Reserved));
    EXPECT_EQ(map.type_at(kept + 8 * k1M - 1), u32(kE820Reserved));
    EXPECT_EQ(map.type_at(kept + 8 * k1M), u32(kE820Ram));
    EXPECT_EQ(map.type_at(kept - 1), u32(kE820Ram));
    EXPECT_EQ(map.type_at(a1), u32(kE820Ram));
    EXPECT_EQ(map.type_at(a3), u32(kE820Ram));
    EXPECT_EQ(map.total(kE820Ram), before.total(kE820Ram) - 8 * k1M);
    // No allocations after POST.
    clear_log();
    EXPECT_EQ(a.alloc(Zone::kTmpHigh, 16, 16, "late"), 0u);
    EXPECT_TRUE(log_contains("after POST"));
}

TEST_F(MallocTest, FinalizeReservesUsedHighPagesOnly) {
    E820Map before = map;
    u32 h1 = alloc(Zone::kHigh, 100, 16);      // one page
    u32 h2 = alloc(Zone::kHigh, 0x2001, 4096);  // three pages
    u32 h3 = alloc(Zone::kHigh, 64, 16);
    ASSERT_TRUE(h1 && h2 && h3);
    ASSERT_TRUE(a.free(h3));
    a.finalize();
    // h1 sits in the top page; h2 (4 KiB aligned, 0x2001 bytes) ends one
    // byte into that same page: three pages in all, h3's freed space not.
    u64 reserved = map.total(kE820Reserved) - before.total(kE820Reserved);
    EXPECT_EQ(h1, z.high.end - 112);
    EXPECT_EQ(h2, z.high.end - 0x3000);
    EXPECT_EQ(reserved, 3 * 4096u);
    EXPECT_EQ(map.type_at(h1), u32(kE820Reserved));
    EXPECT_EQ(map.type_at(h2), u32(kE820Reserved));
    EXPECT_EQ(map.type_at(z.high.base), u32(kE820Ram));
    EXPECT_EQ(map.total(kE820Ram), before.total(kE820Ram) - reserved);
}

TEST_F(MallocTest, NothingAllocatedLeavesTheMapAlone) {
    E820Map before = map;
    a.finalize();
    ASSERT_EQ(map.count(), before.count());
    for (int i = 0; i < map.count(); i++) {
        EXPECT_EQ(map.at(i).base, before.at(i).base);
        EXPECT_EQ(map.at(i).size, before.at(i).size);
        EXPECT_EQ(map.at(i).type, before.at(i).type);
    }
    EXPECT_TRUE(ebda.moves.empty());
}

TEST_F(MallocTest, FreeingAReservedBlockGivesTheRangeBack) {
    E820Map before = map;
    u32 p = alloc(Zone::kTmpHigh, 4 * k1M, k1M);
    ASSERT_TRUE(a.reserve(p));
    EXPECT_EQ(map.type_at(p), u32(kE820Reserved));
    ASSERT_TRUE(a.free(p));
    EXPECT_EQ(map.type_at(p), u32(kE820Ram));
    EXPECT_EQ(map.total(kE820Ram), before.total(kE820Ram));
    EXPECT_FALSE(a.reserve(p));
}

TEST_F(MallocTest, ReserveOnlyHighZones) {
    u32 p = alloc(Zone::kTmpLow, 64, 16);
    EXPECT_FALSE(a.reserve(p));
    EXPECT_FALSE(a.reserve(0x5000000));
}

TEST_F(MallocTest, LowZoneGrowsTheEbdaDown) {
    E820Map before = map;
    u32 p = alloc(Zone::kLow, 100, 16);
    ASSERT_NE(p, 0u);
    // Top-down, at the top of conventional memory, above the moved EBDA.
    EXPECT_EQ(p, 0xA0000u - 112);
    ASSERT_EQ(ebda.moves.size(), 1u);
    EXPECT_EQ(ebda.moves[0].from, 0x9FC00u);
    EXPECT_EQ(ebda.moves[0].to, 0x9F800u);
    EXPECT_EQ(ebda.moves[0].bytes, 1024u);
    EXPECT_EQ(ebda.moves[0].conv_end, 0xA0000u);
    EXPECT_EQ(a.layout().ebda_base, 0x9F800u);
    EXPECT_EQ(map.type_at(0x9F800), u32(kE820Reserved));
    EXPECT_EQ(map.type_at(0x9F7FF), u32(kE820Ram));
    EXPECT_EQ(map.total(kE820Ram), before.total(kE820Ram) - 1024);
    // A small block fits between the EBDA header and the first block.
    u32 q = alloc(Zone::kLow, 512, 16);
    EXPECT_GE(q, 0x9FC00u);
    EXPECT_LT(q, p);
    EXPECT_EQ(ebda.moves.size(), 1u);
    // A bigger one moves the header again, below itself.
    u32 r = alloc(Zone::kLow, 4096, 4096);
    ASSERT_NE(r, 0u);
    EXPECT_EQ(r % 4096, 0u);
    ASSERT_EQ(ebda.moves.size(), 2u);
    EXPECT_EQ(ebda.moves[1].to + 1024, r);
    EXPECT_EQ(a.layout().ebda_base + 1024, r);
    EXPECT_FALSE(overlaps_other(p));
    EXPECT_FALSE(overlaps_other(q));
    EXPECT_FALSE(overlaps_other(r));
}

TEST_F(MallocTest, LowZoneExhaustionAndRefusedMove) {
    // At most conv_end - low_floor - the header.
    EXPECT_EQ(a.largest_free(Zone::kLow, 16), 0xA0000u - 0x90000u - 1024);
    EXPECT_EQ(a.alloc(Zone::kLow, 0x10000, 16, "too big", Allocator::kQuiet), 0u);
    u32 p = a.alloc(Zone::kLow, 0x10000 - 1024, 16, "all of it");
    EXPECT_EQ(p, 0x90400u);
    EXPECT_EQ(a.layout().ebda_base, 0x90000u);
    EXPECT_EQ(a.alloc(Zone::kLow, 16, 16, "none left", Allocator::kQuiet), 0u);
    // Someone else moved the EBDA: the allocator does not touch it.
    ASSERT_TRUE(a.free(p));
    a.init(z, &map, &ebda);
    ebda.refuse = true;
    clear_log();
    EXPECT_EQ(a.alloc(Zone::kLow, 64, 16, "refused"), 0u);
    EXPECT_TRUE(log_contains("moved by someone else"));
    EXPECT_EQ(a.block_count(), 0);
}

TEST_F(MallocTest, NoLowZoneWithoutAHost) {
    a.init(z, &map, nullptr);
    EXPECT_EQ(a.alloc(Zone::kLow, 16, 16, "no host", Allocator::kQuiet), 0u);
}

TEST_F(MallocTest, FsegAndTmpLowStayInsideTheirRanges) {
    u32 f = alloc(Zone::kFseg, z.fseg.size(), 16);
    EXPECT_EQ(f, z.fseg.base);
    EXPECT_EQ(a.alloc(Zone::kFseg, 16, 16, "full", Allocator::kQuiet), 0u);
    u32 t = alloc(Zone::kTmpLow, 0x1000, 0x10000);
    EXPECT_EQ(t, 0x20000u);
    EXPECT_EQ(alloc(Zone::kTmpLow, 0x1000, 0x10000), 0x30000u);
    a.finalize();
    EXPECT_EQ(a.block_size(f), z.fseg.size());  // permanent
    EXPECT_EQ(a.block_size(t), 0u);
}
