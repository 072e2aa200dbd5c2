// SPDX-License-Identifier: LGPL-3.0-or-later
// A HID pointer's input report as a PS/2 mouse packet (src/hw/hid_pointer.h).
// Pure logic, run at each poll (32-bit runtime).
#include "hw/hid_pointer.h"

namespace reef {

namespace {
// PS/2 packet byte 0 (hw/ps2.h ps2mouse::, repeated: this file is host logic).
constexpr u8 kSync = 0x08, kXNeg = 0x10, kYNeg = 0x20, kXOvf = 0x40, kYOvf = 0x80;
constexpr s32 kDeltaMin = -256, kDeltaMax = 255;

u32 bits(const u8* rep, HidField f) {
    u32 v = 0;
    for (u32 i = 0; i < f.size; i++) {
        u32 b = f.bit + i;
        if (rep[b >> 3] & (1u << (b & 7))) v |= 1u << i;
    }
    return v;
}

s32 signed_bits(const u8* rep, HidField f) {
    u32 v = bits(rep, f);
    if (f.size < 32 && (v & (1u << (f.size - 1)))) v |= ~0u << f.size;
    return s32(v);
}

// An absolute position in the logical range onto 0..span-1 counts.
s32 scale(s32 v, s32 lo, s32 hi, s32 span) {
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return s32((s64(v) - lo) * (span - 1) / (s64(hi) - lo));
}

// A delta into 9 bits: the low byte, and whether it is negative or clamped.
u8 delta(s32 d, u8 neg, u8 ovf, u8* status) {
    if (d < kDeltaMin) d = kDeltaMin, *status |= ovf;
    if (d > kDeltaMax) d = kDeltaMax, *status |= ovf;
    if (d < 0) *status |= neg;
    return u8(d);
}
}  // namespace

bool hid_pointer_packet(const HidPointerLayout& l, HidPointerState& st, const u8* rep, u32 len, u8 out[3]) {
    if (l.report_id) {
        if (len < 1 || rep[0] != l.report_id) return false;
    }
    u32 need_bits = l.x.bit + l.x.size;
    if (l.y.bit + l.y.size > need_bits) need_bits = l.y.bit + l.y.size;
    if (l.buttons && l.button.bit + l.buttons > need_bits) need_bits = l.button.bit + l.buttons;
    if (!l.x.size || !l.y.size || len * 8 < need_bits) return false;
    s32 dx, dy;  // HID: Y grows downwards
    bool first_report = false;
    if (l.absolute) {
        s32 x = scale(s32(bits(rep, l.x)), l.x_min, l.x_max, kTabletSpanX);
        s32 y = scale(s32(bits(rep, l.y)), l.y_min, l.y_max, kTabletSpanY);
        first_report = !st.have_pos;
        dx = x - st.last_x;
        dy = y - st.last_y;
        st.last_x = x, st.last_y = y, st.have_pos = true;
        if (first_report) dx = dy = 0;
    } else {
        dx = signed_bits(rep, l.x);
        dy = signed_bits(rep, l.y);
    }
    u8 status = kSync;
    if (l.buttons) status |= u8(bits(rep, HidField{l.button.bit, l.buttons}) & 0x07);
    // An absolute device's first report only fixes where it is, unless a
    // button is down.
    if (l.absolute && dx == 0 && dy == 0 && status == kSync && first_report) return false;
    out[1] = delta(dx, kXNeg, kXOvf, &status);
    out[2] = delta(-dy, kYNeg, kYOvf, &status);
    out[0] = status;
    return true;
}

}  // namespace reef
