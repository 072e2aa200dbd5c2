// SPDX-License-Identifier: LGPL-3.0-or-later
// The boot menu's pure logic (src/block/bootmenu.cc): fw_cfg values, the
// prompt's wait in timer ticks, keys to entries.
#include <gtest/gtest.h>

#include "block/bootmenu.h"
#include <vector>

using namespace reef;

namespace {
u16 key(u8 scan, char ascii) { return u16(scan << 8 | u8(ascii)); }
// PIT counts (1.193182 MHz) in `ms` milliseconds.
u32 pit_counts(u32 ms) { return u32(u64(ms) * 1193182 / 1000); }
}  // namespace

TEST(BootMenu, ParseInt) {
    const u8 le[4] = {0xC4, 0x09, 0x00, 0x00};  // 2500
    u32 v = 99;
    EXPECT_TRUE(bootmenu_parse_int(le, 2, &v));
    EXPECT_EQ(v, 2500u);
    EXPECT_TRUE(bootmenu_parse_int(le, 4, &v));
    EXPECT_EQ(v, 2500u);
    EXPECT_TRUE(bootmenu_parse_int(le, 1, &v));
    EXPECT_EQ(v, 0xC4u);
    v = 7;
    EXPECT_FALSE(bootmenu_parse_int(le, 3, &v));
    EXPECT_FALSE(bootmenu_parse_int(le, 0, &v));
    EXPECT_FALSE(bootmenu_parse_int(le, -1, &v));  // file missing
    EXPECT_FALSE(bootmenu_parse_int(le, 8, &v));
    EXPECT_EQ(v, 7u);  // untouched on failure
}

TEST(BootMenu, WaitTicksNeverShort) {
    // The wait is the first tick at or after the deadline: never shorter
    // than asked, less than one tick longer, from any PIT phase.
    for (u32 ms : {1u, 10u, 54u, 55u, 100u, 1000u, 2500u, 65535u}) {
        u32 pit = pit_counts(ms);
        for (u32 c : {1u, 100u, 32768u, 65535u, 0u}) {
            u32 first = c ? c : kPitCountsPerTick;
            u32 t = bootmenu_wait_ticks(pit, u16(c));
            u64 waited = first + u64(t - 1) * kPitCountsPerTick;
            EXPECT_GE(waited, pit) << ms << " ms, counter " << c;
            EXPECT_LT(waited, u64(pit) + kPitCountsPerTick) << ms << " ms, counter " << c;
        }
    }
}

TEST(BootMenu, WaitTicksValues) {
    EXPECT_EQ(bootmenu_wait_ticks(0, 1234), 0u);  // splash-time=0: no wait
    EXPECT_EQ(bootmenu_wait_ticks(1, 1), 1u);
    EXPECT_EQ(bootmenu_wait_ticks(2, 1), 2u);
    EXPECT_EQ(bootmenu_wait_ticks(kPitCountsPerTick, 0), 1u);
    EXPECT_EQ(bootmenu_wait_ticks(kPitCountsPerTick + 1, 0), 2u);
    // 2500 ms is 45.5 ticks: 46 from a tick boundary, 47 from just after one.
    u32 pit = pit_counts(kBootMenuDefaultWaitMs);
    EXPECT_EQ(bootmenu_wait_ticks(pit, 0), 46u);
    EXPECT_EQ(bootmenu_wait_ticks(pit, 1), 47u);
}

TEST(BootMenu, TicksAcrossMidnight) {
    EXPECT_EQ(bios_ticks_since(100, 146), 46u);
    EXPECT_EQ(bios_ticks_since(5, 5), 0u);
    EXPECT_EQ(bios_ticks_since(kBiosTicksPerDay - 10, 5), 15u);
}

TEST(BootMenu, OpenKeys) {
    EXPECT_TRUE(bootmenu_opens(0x011B));  // ESC
    EXPECT_TRUE(bootmenu_opens(0x8600));  // F12
    EXPECT_FALSE(bootmenu_opens(0x8500));  // F11
    EXPECT_FALSE(bootmenu_opens(0x8800));  // Shift-F12
    EXPECT_FALSE(bootmenu_opens(0x1C0D));  // Enter
    EXPECT_FALSE(bootmenu_opens(0x0231));  // 1
    EXPECT_FALSE(bootmenu_opens(0x001B));  // an ASCII ESC without its scan code (Ctrl-[ is 1A1B)
}

TEST(BootMenu, PickKeys) {
    EXPECT_EQ(bootmenu_pick(key(0x02, '1'), 3), 0);
    EXPECT_EQ(bootmenu_pick(key(0x04, '3'), 3), 2);
    EXPECT_EQ(bootmenu_pick(key(0x05, '4'), 3), kBootMenuIgnore);  // no 4th entry
    EXPECT_EQ(bootmenu_pick(key(0x0B, '0'), 3), kBootMenuIgnore);
    EXPECT_EQ(bootmenu_pick(key(0x0A, '9'), 16), 8);
    EXPECT_EQ(bootmenu_pick(key(0x1E, 'a'), 16), 9);
    EXPECT_EQ(bootmenu_pick(key(0x1E, 'A'), 16), 9);  // Caps Lock or Shift
    EXPECT_EQ(bootmenu_pick(key(0x22, 'g'), 16), 15);
    EXPECT_EQ(bootmenu_pick(key(0x23, 'h'), 16), kBootMenuIgnore);
    EXPECT_EQ(bootmenu_pick(key(0x2C, 'z'), kBootMenuMaxEntries), kBootMenuMaxEntries - 1);
    EXPECT_EQ(bootmenu_pick(key(0x01, 0x1B), 3), kBootMenuNormal);
    EXPECT_EQ(bootmenu_pick(key(0x86, 0), 3), kBootMenuIgnore);  // F12 in the list
    EXPECT_EQ(bootmenu_pick(key(0x1C, '\r'), 3), kBootMenuIgnore);
    EXPECT_EQ(bootmenu_pick(key(0x3B, 0), 3), kBootMenuIgnore);  // F1
    EXPECT_EQ(bootmenu_pick(key(0x02, '1'), 0), kBootMenuIgnore);  // empty list
}

TEST(BootMenu, KeyChars) {
    EXPECT_EQ(bootmenu_key_char(0), '1');
    EXPECT_EQ(bootmenu_key_char(8), '9');
    EXPECT_EQ(bootmenu_key_char(9), 'a');
    EXPECT_EQ(bootmenu_key_char(34), 'z');
    EXPECT_EQ(bootmenu_key_char(35), 0);
    EXPECT_EQ(bootmenu_key_char(-1), 0);
    // Each listed key picks its own entry.
    for (int i = 0; i < kBootMenuMaxEntries; i++)
        EXPECT_EQ(bootmenu_pick(u16(bootmenu_key_char(i)), kBootMenuMaxEntries), i);
}

TEST(BootMenu, MoveFirst) {
    int a[5] = {10, 11, 12, 13, 14};
    bootmenu_move_first(a, 5, 3);
    EXPECT_EQ(std::vector<int>(a, a + 5), (std::vector<int>{13, 10, 11, 12, 14}));
    bootmenu_move_first(a, 5, 0);  // already first
    bootmenu_move_first(a, 5, 5);  // out of range: nothing
    bootmenu_move_first(a, 5, -1);
    EXPECT_EQ(std::vector<int>(a, a + 5), (std::vector<int>{13, 10, 11, 12, 14}));
    bootmenu_move_first(a, 5, 4);
    EXPECT_EQ(std::vector<int>(a, a + 5), (std::vector<int>{14, 13, 10, 11, 12}));
}
