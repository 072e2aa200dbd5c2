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
