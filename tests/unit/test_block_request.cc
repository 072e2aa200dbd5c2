// SPDX-License-Identifier: LGPL-3.0-or-later
// The block layer's request checks (src/block/request.cc): INT 13h device
// address packets, CHS addresses, transfer bounds against the drive and the
// memory the BIOS keeps; and a randomized model of block_check.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "block/request.h"

using namespace reef;

namespace {

std::vector<u8> dap(u8 size, u16 count, u16 seg, u16 off, u64 lba, u64 flat = 0, u32 count32 = 0) {
    std::vector<u8> d(0x20, 0);
    d[0] = size;
    std::memcpy(&d[2], &count, 2);
    std::memcpy(&d[4], &off, 2);
    std::memcpy(&d[6], &seg, 2);
    std::memcpy(&d[8], &lba, 8);
    std::memcpy(&d[0x10], &flat, 8);
    std::memcpy(&d[0x18], &count32, 4);
    return d;
}

Drive disk(u64 sectors, u16 sector_size = 512, u8 flags = 0) {
    Drive d{};
    d.kind = DriveKind::kHd;
    d.sectors = sectors;
    d.sector_size = sector_size;
    d.flags = flags;
    return d;
}

constexpr MemGuard kGuard{0x9FC00};

}  // namespace

TEST(Dap, ClassicPacket) {
    auto d = dap(0x10, 0x7F, 0x07C0, 0x0010, 1234);
    DapRequest r;
    ASSERT_EQ(dap_decode(d.data(), d.size(), &r), disk_status::kOk);
    EXPECT_EQ(r.count, 0x7Fu);
    EXPECT_EQ(r.lba, 1234u);
    EXPECT_EQ(r.buf, 0x7C10u);
    EXPECT_FALSE(r.flat);
    EXPECT_EQ(r.count_off, 2);
    EXPECT_EQ(r.count_size, 2);
}

TEST(Dap, CountsAbove7FhAreRejected) {
    // EDD-4 table 9: 7Fh at most; FFh is the long form; anything else: 01h.
    for (u16 count : {0x80, 0x81, 0xFE, 0x100, 0x1000, 0xFFFF}) {
        auto d = dap(0x18, count, 0, 0x7E00, 0);
        DapRequest r;
        EXPECT_EQ(dap_decode(d.data(), d.size(), &r), disk_status::kBadCommand) << count;
        EXPECT_EQ(r.count_off, 2) << "the caller zeroes the count at offset 2";
    }
    auto d = dap(0x10, 0, 0, 0x7E00, 0);
    DapRequest r;
    EXPECT_EQ(dap_decode(d.data(), d.size(), &r), disk_status::kOk);
    EXPECT_EQ(r.count, 0u);
}

TEST(Dap, ShortPacketsAreRejected) {
    for (u8 size : {0x00, 0x01, 0x0F}) {
        auto d = dap(size, 1, 0, 0x7E00, 0);
        DapRequest r;
        EXPECT_EQ(dap_decode(d.data(), d.size(), &r), disk_status::kBadCommand) << int(size);
    }
    // Fewer bytes available than the header needs.
    auto d = dap(0x10, 1, 0, 0x7E00, 0);
    DapRequest r;
    EXPECT_EQ(dap_decode(d.data(), 8, &r), disk_status::kBadCommand);
}

TEST(Dap, FlatBuffer) {
    auto d = dap(0x18, 4, 0xFFFF, 0xFFFF, 7, 0x200000);
    DapRequest r;
    ASSERT_EQ(dap_decode(d.data(), d.size(), &r), disk_status::kOk);
    EXPECT_TRUE(r.flat);
    EXPECT_EQ(r.buf, 0x200000u);
    // FFFF:FFFF in a 10h-byte packet: there is no flat address to use.
    d = dap(0x10, 4, 0xFFFF, 0xFFFF, 7, 0x200000);
    EXPECT_EQ(dap_decode(d.data(), d.size(), &r), disk_status::kBadCommand);
    // At or above 4 GiB: unreachable.
    d = dap(0x18, 4, 0xFFFF, 0xFFFF, 7, 0x100000000ull);
    EXPECT_EQ(dap_decode(d.data(), d.size(), &r), disk_status::kBadCommand);
    d = dap(0x18, 4, 0xFFFF, 0xFFFF, 7, 0xFFFFF000ull);
    EXPECT_EQ(dap_decode(d.data(), d.size(), &r), disk_status::kOk);
}

TEST(Dap, LongForm) {
    auto d = dap(0x20, 0xFF, 0x1234, 0x5678, 9, 0x300000, 2048);
    DapRequest r;
    ASSERT_EQ(dap_decode(d.data(), d.size(), &r), disk_status::kOk);
    EXPECT_EQ(r.count, 2048u);
    EXPECT_EQ(r.buf, 0x300000u) << "the seg:off at 4 is ignored";
    EXPECT_EQ(r.count_off, 0x18);
    EXPECT_EQ(r.count_size, 4);
    // Too short to hold the count at 18h.
    d = dap(0x18, 0xFF, 0, 0, 9, 0x300000, 2048);
    EXPECT_EQ(dap_decode(d.data(), d.size(), &r), disk_status::kBadCommand);
    // FFh with a nonzero reserved byte 3 is not the long form.
    d = dap(0x20, 0x01FF, 0, 0, 9, 0x300000, 2048);
    EXPECT_EQ(dap_decode(d.data(), d.size(), &r), disk_status::kBadCommand);
}

TEST(Chs, Decode) {
    Chs g{1024, 16, 63};
    ChsRequest r;
    // Cylinder 0, head 0, sector 1 = LBA 0.
    ASSERT_EQ(chs_decode(g, 0x0001, 0, 1, &r), disk_status::kOk);
    EXPECT_EQ(r.lba, 0u);
    // Cylinder 0x3FF (CH = FFh, CL bits 7-6 = 11b), head 15, sector 63.
    ASSERT_EQ(chs_decode(g, 0xFFFF, 15, 1, &r), disk_status::kOk);
    EXPECT_EQ(r.lba, (1023ull * 16 + 15) * 63 + 62);
    EXPECT_EQ(chs_decode(g, 0x0000, 0, 1, &r), disk_status::kBadCommand) << "sector 0";
    EXPECT_EQ(chs_decode(g, 0x0001, 16, 1, &r), disk_status::kBadCommand) << "head";
    EXPECT_EQ(chs_decode(g, 0x0040, 0, 1, &r), disk_status::kBadCommand) << "sector 64";
    EXPECT_EQ(chs_decode(g, 0x0001, 0, 0, &r), disk_status::kBadCommand) << "count 0";
    EXPECT_EQ(chs_decode(g, 0x0001, 0, 129, &r), disk_status::kBadCommand) << "count 129";
    EXPECT_EQ(chs_decode(g, 0x0001, 0, 128, &r), disk_status::kOk);
    Chs small{100, 2, 18};
    EXPECT_EQ(chs_decode(small, u16((100 << 8) | 1), 0, 1, &r), disk_status::kBadCommand) << "cylinder";
    EXPECT_TRUE(chs_address_valid(small, u16((99 << 8) | 18), 1));
}

TEST(BlockCheck, DriveBounds) {
    Drive d = disk(1000);
    EXPECT_EQ(block_check(d, BlockOp::kRead, 999, 1, 0x7E00, kGuard), disk_status::kOk);
    EXPECT_EQ(block_check(d, BlockOp::kRead, 999, 2, 0x7E00, kGuard), disk_status::kSectorNotFound);
    EXPECT_EQ(block_check(d, BlockOp::kRead, 1000, 1, 0x7E00, kGuard), disk_status::kSectorNotFound);
    EXPECT_EQ(block_check(d, BlockOp::kRead, ~0ull, 2, 0x7E00, kGuard), disk_status::kSectorNotFound)
        << "lba + count wraps";
    EXPECT_EQ(block_check(d, BlockOp::kRead, 5000, 0, 0x7E00, kGuard), disk_status::kOk) << "count 0";
}

TEST(BlockCheck, ReadOnlyMedia) {
    Drive cd = disk(100, 2048, Drive::kReadOnly);
    EXPECT_EQ(block_check(cd, BlockOp::kWrite, 0, 1, 0x7E00, kGuard), disk_status::kWriteProtected);
    EXPECT_EQ(block_check(cd, BlockOp::kRead, 0, 1, 0x7E00, kGuard), disk_status::kOk);
    EXPECT_EQ(block_check(cd, BlockOp::kVerify, 0, 1, 0, kGuard), disk_status::kOk);
}

TEST(BlockCheck, ReadsStayOutOfTheBiosMemory) {
    Drive d = disk(1u << 20);
    // The acceptance cases: 0000:7E00 and 9000:F000 with 7Fh sectors.
    EXPECT_EQ(block_check(d, BlockOp::kRead, 0, 0x7F, 0x7E00, kGuard), disk_status::kOk);
    EXPECT_EQ(block_check(d, BlockOp::kRead, 0, 0x7F, 0x9F000, kGuard), disk_status::kBadCommand)
        << "runs into the EBDA";
    EXPECT_EQ(block_check(d, BlockOp::kRead, 0, 6, 0x9F000, kGuard), disk_status::kOk) << "ends at 9FC00";
    EXPECT_EQ(block_check(d, BlockOp::kRead, 0, 7, 0x9F000, kGuard), disk_status::kBadCommand);
    EXPECT_EQ(block_check(d, BlockOp::kRead, 0, 1, 0x400, kGuard), disk_status::kBadCommand) << "BDA";
    EXPECT_EQ(block_check(d, BlockOp::kRead, 0, 1, 0x500, kGuard), disk_status::kOk);
    EXPECT_EQ(block_check(d, BlockOp::kRead, 0, 1, 0xEC000, kGuard), disk_status::kBadCommand)
        << "the BIOS's runtime data";
    EXPECT_EQ(block_check(d, BlockOp::kRead, 0, 1, 0xFFF00, kGuard), disk_status::kBadCommand);
    EXPECT_EQ(block_check(d, BlockOp::kRead, 0, 2048, 0x100000, kGuard), disk_status::kOk) << "above 1 MiB";
    EXPECT_EQ(block_check(d, BlockOp::kRead, 0, 2, 0xFFFFFE00u, kGuard), disk_status::kBadCommand)
        << "past 4 GiB";
    // Writes only read memory: the BIOS area is not at risk.
    EXPECT_EQ(block_check(d, BlockOp::kWrite, 0, 1, 0xF0000, kGuard), disk_status::kOk);
}

TEST(BlockCheck, RandomizedAgainstAModel) {
    std::mt19937_64 rng(20261202);
    for (int i = 0; i < 200000; i++) {
        Drive d = disk(rng() % 5000 + 1, (rng() & 1) ? 512 : 2048, (rng() & 3) == 0 ? Drive::kReadOnly : 0);
        BlockOp op = BlockOp(rng() % 3);
        u64 lba = rng() % 6000;
        u32 count = u32(rng() % 300);
        u32 buf = (rng() & 1) ? u32(rng() % 0x110000) : u32(rng());
        MemGuard g{u32(0x90000 + (rng() % 0x10) * 0x400)};
        u8 got = block_check(d, op, lba, count, buf, g);
        u8 want = disk_status::kOk;
        u64 end = u64(buf) + u64(count) * d.sector_size;
        auto overlaps = [&](u64 lo, u64 hi) { return buf < hi && end > lo; };
        if (count == 0) want = disk_status::kOk;
        else if (lba + count > d.sectors) want = disk_status::kSectorNotFound;
        else if (op == BlockOp::kWrite && d.read_only()) want = disk_status::kWriteProtected;
        else if (op != BlockOp::kVerify && end > 0x100000000ull) want = disk_status::kBadCommand;
        else if (op == BlockOp::kRead && (overlaps(0, 0x500) || overlaps(g.ebda_base, 0x100000)))
            want = disk_status::kBadCommand;
        ASSERT_EQ(got, want) << "lba " << lba << " count " << count << " buf " << std::hex << buf << " op "
                             << int(op) << " sectors " << std::dec << d.sectors;
    }
}
