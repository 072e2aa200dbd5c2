// SPDX-License-Identifier: LGPL-3.0-or-later
// USB HID pointing devices (usb-mouse, usb-tablet) as a PS/2 mouse: where
// the buttons and the X/Y axes sit in a device's input report (from its HID
// report descriptor, or the boot protocol's fixed layout) and how one report
// becomes a PS/2 stream packet for INT 15h C2h (svc/mouse.h). Pure logic,
// host-tested (tests/unit/test_hid_pointer.cc, tests/fuzz/fuzz_hid.cc).
// docs/usb.md, docs/pointing-device.md.
#pragma once
#include "lib/types.h"

namespace reef {

// One field of an input report: its first bit (report ID byte included)
// and its width.
struct HidField {
    u16 bit;
    u8 size;  // 0: absent
};

struct HidPointerLayout {
    u8 report_id;       // 0: the device sends no report ID byte
    bool absolute;      // X/Y are positions (a tablet), not movements
    u8 buttons;         // how many button bits, from `button.bit` on
    HidField button, x, y;
    s32 x_min, x_max, y_min, y_max;  // logical range of an absolute X/Y
    u16 report_len;     // bytes of the report carrying X/Y (with the ID byte)
};

// The boot protocol's mouse report: buttons, dx, dy (8 bits each, signed).
HidPointerLayout hid_boot_mouse_layout();

// Reads a HID report descriptor (HID 1.11, 6.2.2: short items; long items
// skipped) for the first input report with Generic Desktop X and Y of 1-16
// (relative: 2-16) bits, and the Button page's buttons in it. False when
// there is none, or the descriptor is damaged (an item running past the end,
// a report past 64 bytes, an empty logical range for absolute axes).
bool hid_parse_pointer(const u8* desc, u32 len, HidPointerLayout* out);

// What a tablet report's absolute position is in PS/2 counts: the logical
// range is mapped onto this many counts per axis (a move across the whole
// tablet is a move across a 640x480 screen at one count per pixel).
constexpr s32 kTabletSpanX = 640, kTabletSpanY = 480;

struct HidPointerState {
    bool have_pos;      // absolute devices: the last position is known
    s32 last_x, last_y; // in counts (kTabletSpan*)
};

// One input report (len bytes) to a 3-byte PS/2 packet (status, dx, dy:
// Y positive up; 9-bit deltas with their sign bits in the status, clamped
// to -256..255 with the overflow bit set). False when the report is not the
// layout's (too short, another report ID) or, for an absolute device, its
// first report (which only fixes the position) when no button is down.
bool hid_pointer_packet(const HidPointerLayout& l, HidPointerState& st, const u8* rep, u32 len, u8 out[3]);

}  // namespace reef
