// SPDX-License-Identifier: LGPL-3.0-or-later
// HID boot keyboard reports to scan code set 1.
#include <gtest/gtest.h>

#include <vector>

#include "hw/usb_hid.h"

using namespace reef;

namespace {
std::vector<u8> codes(const std::vector<u8>& prev, const std::vector<u8>& cur, u8 max = 32) {
    u8 out[32] = {};
    u8 n = 0;
    hid_report_to_scancodes(prev.data(), cur.data(), out, &n, max);
    return std::vector<u8>(out, out + n);
}
const std::vector<u8> kNone = {0, 0, 0, 0, 0, 0, 0, 0};
}  // namespace

TEST(UsbHid, PressAndRelease) {
    EXPECT_EQ(codes(kNone, {0, 0, 0x04, 0, 0, 0, 0, 0}), (std::vector<u8>{0x1E}));  // a
    EXPECT_EQ(codes({0, 0, 0x04, 0, 0, 0, 0, 0}, kNone), (std::vector<u8>{0x9E}));
    EXPECT_EQ(codes(kNone, {0, 0, 0x28, 0x2C, 0, 0, 0, 0}), (std::vector<u8>{0x1C, 0x39}));  // Enter, space
    EXPECT_TRUE(codes(kNone, kNone).empty());
}

TEST(UsbHid, ModifiersAndGreyKeys) {
    // Left shift down with b, then right alt (E0 38), then the up arrow (E0 48).
    EXPECT_EQ(codes(kNone, {0x02, 0, 0x05, 0, 0, 0, 0, 0}), (std::vector<u8>{0x2A, 0x30}));
    EXPECT_EQ(codes({0x02, 0, 0, 0, 0, 0, 0, 0}, {0x40, 0, 0, 0, 0, 0, 0, 0}),
              (std::vector<u8>{0xAA, 0xE0, 0x38}));
    EXPECT_EQ(codes(kNone, {0, 0, 0x52, 0, 0, 0, 0, 0}), (std::vector<u8>{0xE0, 0x48}));
    EXPECT_EQ(codes({0, 0, 0x52, 0, 0, 0, 0, 0}, kNone), (std::vector<u8>{0xE0, 0xC8}));
    // Ctrl-Alt-Del: 1D, 38, E0 53.
    EXPECT_EQ(codes(kNone, {0x05, 0, 0x4C, 0, 0, 0, 0, 0}), (std::vector<u8>{0x1D, 0x38, 0xE0, 0x53}));
}

TEST(UsbHid, RolloverUnknownUsagesAndAFullBuffer) {
    EXPECT_TRUE(codes({0, 0, 0x04, 0, 0, 0, 0, 0}, {0, 0, 1, 1, 1, 1, 1, 1}).empty());
    EXPECT_TRUE(codes(kNone, {0, 0, 0xE8, 0x66, 0, 0, 0, 0}).empty());  // outside the table
    EXPECT_TRUE(codes(kNone, {0, 0, 0x48, 0, 0, 0, 0, 0}).empty());     // Pause: not translated
    // Only one byte of room: the E0-prefixed key does not fit, the next one does.
    EXPECT_EQ(codes(kNone, {0, 0, 0x52, 0x04, 0, 0, 0, 0}, 1), (std::vector<u8>{0x1E}));
}

TEST(UsbHid, RepeatKeyIsTheNewestHeldKey) {
    const u8 a[8] = {0, 0, 0x04, 0, 0, 0, 0, 0}, ab[8] = {0, 0, 0x04, 0x05, 0, 0, 0, 0},
             b[8] = {0, 0, 0x05, 0, 0, 0, 0, 0}, none[8] = {}, shift_a[8] = {0x02, 0, 0x04, 0, 0, 0, 0, 0},
             roll[8] = {0, 0, 1, 1, 1, 1, 1, 1};
    EXPECT_EQ(hid_repeat_key(none, a, 0), 0x04);
    EXPECT_EQ(hid_repeat_key(a, ab, 0x04), 0x05);     // b pressed while a is down
    EXPECT_EQ(hid_repeat_key(ab, a, 0x05), 0);        // b released: nothing repeats
    EXPECT_EQ(hid_repeat_key(ab, b, 0x05), 0x05);     // a released: b goes on
    EXPECT_EQ(hid_repeat_key(a, shift_a, 0x04), 0x04); // a modifier changes nothing
    EXPECT_EQ(hid_repeat_key(a, none, 0x04), 0);
    EXPECT_EQ(hid_repeat_key(a, roll, 0x04), 0x04);   // ErrorRollOver: keep what was
}

TEST(UsbHid, MakeCodes) {
    u8 out[4] = {};
    u8 n = 0;
    EXPECT_TRUE(hid_make_code(0x04, out, &n, 4));  // a
    EXPECT_TRUE(hid_make_code(0x52, out, &n, 4));  // up arrow: E0 48
    EXPECT_EQ(n, 3);
    EXPECT_EQ(out[0], 0x1E);
    EXPECT_EQ(out[1], 0xE0);
    EXPECT_EQ(out[2], 0x48);
    EXPECT_FALSE(hid_make_code(0x52, out, &n, 4));  // no room for two bytes
    EXPECT_FALSE(hid_make_code(0x00, out, &n, 4));  // no key
}
