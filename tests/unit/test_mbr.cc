// SPDX-License-Identifier: LGPL-3.0-or-later
// The MBR partition table check INT 19h runs before booting a hard disk.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "block/mbr.h"

using namespace reef;

namespace {

struct Part {
    u8 status, type;
    u32 lba, count;
};

std::array<u8, kMbrTailSize> table(std::initializer_list<Part> parts, bool sig = true) {
    std::array<u8, kMbrTailSize> t{};
    int i = 0;
    for (const Part& p : parts) {
        u8* e = &t[16 * i++];
        e[0] = p.status;
        e[4] = p.type;
        std::memcpy(e + 8, &p.lba, 4);
        std::memcpy(e + 12, &p.count, 4);
    }
    if (sig) {
        t[64] = 0x55;
        t[65] = 0xAA;
    }
    return t;
}

MbrStatus parse(const std::array<u8, kMbrTailSize>& t, u64 sectors, MbrInfo* info) {
    return mbr_parse(t.data(), sectors, info);
}

}  // namespace

TEST(Mbr, TypicalDisk) {
    MbrInfo info;
    auto t = table({{0x80, 0x83, 2048, 100000}, {0x00, 0x82, 102048, 4096}});
    ASSERT_EQ(parse(t, 1 << 20, &info), MbrStatus::kOk);
    EXPECT_EQ(info.count, 2);
    EXPECT_EQ(info.active, 0);
    EXPECT_FALSE(info.gpt);
    EXPECT_EQ(info.part[1].lba, 102048u);
    EXPECT_EQ(info.bad_index, -1);
}

TEST(Mbr, EmptyTableIsFine) {
    MbrInfo info;
    EXPECT_EQ(parse(table({}), 100, &info), MbrStatus::kOk);
    EXPECT_EQ(info.count, 0);
    EXPECT_EQ(info.active, -1);
}

TEST(Mbr, ProtectiveGpt) {
    MbrInfo info;
    auto t = table({{0x00, 0xEE, 1, 0xFFFFFFFF}});
    EXPECT_EQ(parse(t, 1000, &info), MbrStatus::kOk) << "a protective entry may claim more than the disk";
    EXPECT_TRUE(info.gpt);
}

TEST(Mbr, Problems) {
    MbrInfo info;
    EXPECT_EQ(parse(table({}, false), 100, &info), MbrStatus::kNoSignature);
    EXPECT_EQ(parse(table({{0x00, 0x83, 1, 10}, {0x12, 0x83, 20, 10}}), 100, &info), MbrStatus::kBadStatus);
    EXPECT_EQ(info.bad_index, 1);
    EXPECT_EQ(parse(table({{0x80, 0x83, 1, 10}, {0x80, 0x83, 20, 10}}), 100, &info), MbrStatus::kTwoActive);
    EXPECT_EQ(parse(table({{0x00, 0x83, 0, 10}}), 100, &info), MbrStatus::kZeroStart);
    EXPECT_EQ(parse(table({{0x00, 0x83, 5, 0}}), 100, &info), MbrStatus::kEmpty);
    EXPECT_EQ(parse(table({{0x00, 0x83, 90, 11}}), 100, &info), MbrStatus::kPastEnd);
    EXPECT_EQ(parse(table({{0x00, 0x83, 0xFFFFFFFF, 0xFFFFFFFF}}), ~0ull, &info), MbrStatus::kOk)
        << "no 32-bit overflow in lba + count";
    EXPECT_EQ(parse(table({{0x00, 0x83, 10, 20}, {0x00, 0x83, 29, 5}}), 100, &info), MbrStatus::kOverlap);
    EXPECT_EQ(info.bad_index, 1);
    EXPECT_EQ(parse(table({{0x00, 0x83, 10, 20}, {0x00, 0x83, 30, 5}}), 100, &info), MbrStatus::kOk)
        << "adjacent is not overlapping";
    EXPECT_STREQ(mbr_status_text(MbrStatus::kPastEnd), "partition runs past the end of the disk");
}
