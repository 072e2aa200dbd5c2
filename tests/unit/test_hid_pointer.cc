// SPDX-License-Identifier: LGPL-3.0-or-later
// HID pointing devices: report descriptors and reports to PS/2 packets.
#include <gtest/gtest.h>

#include <vector>

#include "hw/hid_pointer.h"

using namespace reef;

namespace {
// QEMU's usb-mouse report descriptor (hw/usb/dev-hid.c): 3 buttons, 5 bits
// padding, X, Y, wheel as relative signed bytes.
const std::vector<u8> kQemuMouse = {
    0x05, 0x01, 0x09, 0x02, 0xA1, 0x01, 0x09, 0x01, 0xA1, 0x00, 0x05, 0x09, 0x19, 0x01, 0x29,
    0x03, 0x15, 0x00, 0x25, 0x01, 0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0x95, 0x01, 0x75, 0x05,
    0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x09, 0x38, 0x15, 0x81, 0x25, 0x7F, 0x75,
    0x08, 0x95, 0x03, 0x81, 0x06, 0xC0, 0xC0};
// QEMU's usb-tablet: X/Y absolute 16-bit 0..7FFFh, then a relative wheel.
const std::vector<u8> kQemuTablet = {
    0x05, 0x01, 0x09, 0x01, 0xA1, 0x01, 0x09, 0x01, 0xA1, 0x00, 0x05, 0x09, 0x19, 0x01, 0x29, 0x03,
    0x15, 0x00, 0x25, 0x01, 0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0x95, 0x01, 0x75, 0x05, 0x81, 0x01,
    0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x15, 0x00, 0x26, 0xFF, 0x7F, 0x35, 0x00, 0x46, 0xFF, 0x7F,
    0x75, 0x10, 0x95, 0x02, 0x81, 0x02, 0x05, 0x01, 0x09, 0x38, 0x15, 0x81, 0x25, 0x7F, 0x35, 0x00,
    0x45, 0x00, 0x75, 0x08, 0x95, 0x01, 0x81, 0x06, 0xC0, 0xC0};

std::vector<u8> packet(const HidPointerLayout& l, HidPointerState& st, const std::vector<u8>& rep) {
    u8 out[3] = {};
    if (!hid_pointer_packet(l, st, rep.data(), u32(rep.size()), out)) return {};
    return {out[0], out[1], out[2]};
}
}  // namespace

TEST(HidPointer, QemuMouseDescriptorIsTheBootLayout) {
    HidPointerLayout l{};
    ASSERT_TRUE(hid_parse_pointer(kQemuMouse.data(), u32(kQemuMouse.size()), &l));
    HidPointerLayout b = hid_boot_mouse_layout();
    EXPECT_FALSE(l.absolute);
    EXPECT_EQ(l.report_id, 0);
    EXPECT_EQ(l.buttons, 3);
    EXPECT_EQ(l.button.bit, b.button.bit);
    EXPECT_EQ(l.x.bit, b.x.bit);
    EXPECT_EQ(l.x.size, b.x.size);
    EXPECT_EQ(l.y.bit, b.y.bit);
    EXPECT_EQ(l.y.size, b.y.size);
    EXPECT_EQ(l.report_len, 4);  // with the wheel
}

TEST(HidPointer, QemuTablet) {
    HidPointerLayout l{};
    ASSERT_TRUE(hid_parse_pointer(kQemuTablet.data(), u32(kQemuTablet.size()), &l));
    EXPECT_TRUE(l.absolute);
    EXPECT_EQ(l.buttons, 3);
    EXPECT_EQ(l.x.bit, 8);
    EXPECT_EQ(l.x.size, 16);
    EXPECT_EQ(l.y.bit, 24);
    EXPECT_EQ(l.y.size, 16);
    EXPECT_EQ(l.x_min, 0);
    EXPECT_EQ(l.x_max, 0x7FFF);
    EXPECT_EQ(l.report_len, 6);
}

TEST(HidPointer, BootMousePackets) {
    HidPointerLayout l = hid_boot_mouse_layout();
    HidPointerState st{};
    // Right 10, up 5 (HID: dy -5): PS/2 y +5.
    EXPECT_EQ(packet(l, st, {0x00, 10, 0xFB, 0}), (std::vector<u8>{0x08, 0x0A, 0x05}));
    EXPECT_EQ(packet(l, st, {0x01, 0, 0}), (std::vector<u8>{0x09, 0x00, 0x00}));  // left down
    EXPECT_EQ(packet(l, st, {0x06, 0, 0}), (std::vector<u8>{0x0E, 0x00, 0x00}));  // right, middle
    // Left 20, down 30: both signs.
    EXPECT_EQ(packet(l, st, {0x00, 0xEC, 30}), (std::vector<u8>{0x38, 0xEC, 0xE2}));
    EXPECT_TRUE(packet(l, st, {0x00, 1}).empty());  // short report
}

TEST(HidPointer, TabletMovesBecomeDeltas) {
    HidPointerLayout l{};
    ASSERT_TRUE(hid_parse_pointer(kQemuTablet.data(), u32(kQemuTablet.size()), &l));
    HidPointerState st{};
    // The first report fixes the position: no packet.
    EXPECT_TRUE(packet(l, st, {0, 0x00, 0x40, 0x00, 0x40, 0}).empty());
    EXPECT_EQ(st.last_x, 319);
    EXPECT_EQ(st.last_y, 239);
    // To the right edge and the top: +320, -239 -> clamped X with overflow, Y up.
    EXPECT_EQ(packet(l, st, {0, 0xFF, 0x7F, 0x00, 0x00, 0}), (std::vector<u8>{0x48, 0xFF, 0xEF}));
    // A button with no move.
    EXPECT_EQ(packet(l, st, {1, 0xFF, 0x7F, 0x00, 0x00, 0}), (std::vector<u8>{0x09, 0x00, 0x00}));
    // Back left by a sixteenth of the width: -40 counts.
    EXPECT_EQ(packet(l, st, {0, 0xFF, 0x77, 0x00, 0x00, 0}), (std::vector<u8>{0x18, 0xD8, 0x00}));
}

TEST(HidPointer, TabletFirstReportWithAButtonIsAPacket) {
    HidPointerLayout l{};
    ASSERT_TRUE(hid_parse_pointer(kQemuTablet.data(), u32(kQemuTablet.size()), &l));
    HidPointerState st{};
    EXPECT_EQ(packet(l, st, {2, 0, 0, 0, 0, 0}), (std::vector<u8>{0x0A, 0x00, 0x00}));
}

TEST(HidPointer, ReportIds) {
    // A keyboard report (ID 1) before the mouse report (ID 2).
    std::vector<u8> d = {0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x85, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7,
                         0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0xC0,
                         0x05, 0x01, 0x09, 0x02, 0xA1, 0x01, 0x85, 0x02, 0x05, 0x09, 0x19, 0x01, 0x29, 0x02,
                         0x75, 0x01, 0x95, 0x02, 0x81, 0x02, 0x95, 0x06, 0x81, 0x03, 0x05, 0x01, 0x09, 0x30,
                         0x09, 0x31, 0x15, 0x81, 0x25, 0x7F, 0x75, 0x08, 0x95, 0x02, 0x81, 0x06, 0xC0};
    HidPointerLayout l{};
    ASSERT_TRUE(hid_parse_pointer(d.data(), u32(d.size()), &l));
    EXPECT_EQ(l.report_id, 2);
    EXPECT_EQ(l.buttons, 2);
    EXPECT_EQ(l.button.bit, 8);
    EXPECT_EQ(l.x.bit, 16);
    EXPECT_EQ(l.y.bit, 24);
    EXPECT_EQ(l.report_len, 4);
    HidPointerState st{};
    EXPECT_TRUE(packet(l, st, {1, 0x00, 0x04, 0x00}).empty());  // the keyboard's report
    EXPECT_EQ(packet(l, st, {2, 0x02, 0x04, 0xFF}), (std::vector<u8>{0x0A, 0x04, 0x01}));
}

TEST(HidPointer, TwelveBitRelativeAxes) {
    // X and Y as 12-bit signed fields after 8 button bits.
    std::vector<u8> d = {0x05, 0x01, 0x09, 0x02, 0xA1, 0x01, 0x05, 0x09, 0x19, 0x01, 0x29, 0x08, 0x75, 0x01,
                         0x95, 0x08, 0x81, 0x02, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x16, 0x01, 0xF8, 0x26,
                         0xFF, 0x07, 0x75, 0x0C, 0x95, 0x02, 0x81, 0x06, 0xC0};
    HidPointerLayout l{};
    ASSERT_TRUE(hid_parse_pointer(d.data(), u32(d.size()), &l));
    EXPECT_EQ(l.buttons, 3);  // only the three PS/2 knows
    EXPECT_EQ(l.x.size, 12);
    EXPECT_EQ(l.y.bit, 20);
    HidPointerState st{};
    // X = -300 (0xED4), Y = +2 -> X clamped to -256 with overflow; PS/2 Y -2.
    EXPECT_EQ(packet(l, st, {0x00, 0xD4, 0x2E, 0x00}), (std::vector<u8>{0x78, 0x00, 0xFE}));
}

TEST(HidPointer, DamagedDescriptors) {
    HidPointerLayout l{};
    // No axes (a keyboard).
    std::vector<u8> kbd = {0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7,
                           0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0xC0};
    EXPECT_FALSE(hid_parse_pointer(kbd.data(), u32(kbd.size()), &l));
    // Truncated in the middle of an item.
    EXPECT_FALSE(hid_parse_pointer(kQemuTablet.data(), 41, &l));
    // A report past 64 bytes.
    std::vector<u8> big = {0x05, 0x01, 0x75, 0x08, 0x96, 0x00, 0x02, 0x81, 0x02};
    EXPECT_FALSE(hid_parse_pointer(big.data(), u32(big.size()), &l));
    // Absolute axes with an empty range.
    std::vector<u8> flat = kQemuTablet;
    flat[41] = flat[42] = 0x00;  // X's Logical Maximum 7FFFh -> 0
    EXPECT_FALSE(hid_parse_pointer(flat.data(), u32(flat.size()), &l));
    // Pop without push; report ID 0.
    std::vector<u8> pop = {0xB4};
    EXPECT_FALSE(hid_parse_pointer(pop.data(), u32(pop.size()), &l));
    std::vector<u8> id0 = {0x85, 0x00};
    EXPECT_FALSE(hid_parse_pointer(id0.data(), u32(id0.size()), &l));
    EXPECT_FALSE(hid_parse_pointer(nullptr, 0, &l));
}
