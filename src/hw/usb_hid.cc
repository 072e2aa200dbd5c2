// SPDX-License-Identifier: LGPL-3.0-or-later
// HID boot keyboard reports to scan code set 1 (src/hw/usb_hid.h): pure
// logic. Usages are those of the HID Usage Tables' Keyboard page (07h).
#include "hw/usb_hid.h"

namespace reef {

namespace {
constexpr u8 kE0 = 0x80;  // in the table: the key's make code is E0-prefixed
constexpr u8 kUsageFirst = 0x04;
// Usages 04h-65h.
constexpr u8 kUsageToSet1[] = {
    0x1E, 0x30, 0x2E, 0x20, 0x12, 0x21, 0x22, 0x23, 0x17, 0x24, 0x25, 0x26, 0x32, 0x31,  // a-n
    0x18, 0x19, 0x10, 0x13, 0x1F, 0x14, 0x16, 0x2F, 0x11, 0x2D, 0x15, 0x2C,              // o-z
    0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,                          // 1-0
    0x1C, 0x01, 0x0E, 0x0F, 0x39, 0x0C, 0x0D, 0x1A, 0x1B, 0x2B, 0x2B, 0x27, 0x28, 0x29,  // Enter .. `
    0x33, 0x34, 0x35, 0x3A,                                                              // , . / Caps
    0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58,              // F1-F12
    kE0 | 0x37, 0x46, 0x00,                                                              // PrtSc, ScrLk, Pause
    kE0 | 0x52, kE0 | 0x47, kE0 | 0x49, kE0 | 0x53, kE0 | 0x4F, kE0 | 0x51,              // Ins Home PgUp Del End PgDn
    kE0 | 0x4D, kE0 | 0x4B, kE0 | 0x50, kE0 | 0x48,                                      // Right Left Down Up
    0x45, kE0 | 0x35, 0x37, 0x4A, 0x4E, kE0 | 0x1C,                                      // NumLk KP/ KP* KP- KP+ KPEnter
    0x4F, 0x50, 0x51, 0x4B, 0x4C, 0x4D, 0x47, 0x48, 0x49, 0x52, 0x53,                    // KP1-9, 0, .
    0x56, kE0 | 0x5D,                                                                    // 102nd key, Application
};
// Modifier bits 0-7: LCtrl LShift LAlt LGUI RCtrl RShift RAlt RGUI.
constexpr u8 kModToSet1[8] = {0x1D, 0x2A, 0x38, kE0 | 0x5B, kE0 | 0x1D, 0x36, kE0 | 0x38, kE0 | 0x5C};

u8 usage_code(u8 usage) {
    if (usage < kUsageFirst || usage - kUsageFirst >= u8(sizeof(kUsageToSet1))) return 0;
    return kUsageToSet1[usage - kUsageFirst];
}

bool has(const u8* report, u8 usage) {
    for (u32 i = 2; i < kHidBootReportLen; i++)
        if (report[i] == usage) return true;
    return false;
}

void emit(u8 code, bool release, u8* out, u8* n, u8 max) {
    if (!code) return;
    u32 need = (code & kE0) ? 2 : 1;
    if (*n + need > max) return;
    if (code & kE0) out[(*n)++] = 0xE0;
    out[(*n)++] = u8((code & 0x7F) | (release ? 0x80 : 0));
}
}  // namespace

u8 hid_repeat_key(const u8* prev, const u8* cur, u8 held) {
    if (has(cur, kHidErrorRollOver)) return held;
    u8 newest = 0;
    for (u32 i = 2; i < kHidBootReportLen; i++)
        if (cur[i] && !has(prev, cur[i]) && usage_code(cur[i])) newest = cur[i];
    if (newest) return newest;
    return held && has(cur, held) ? held : 0;
}

bool hid_make_code(u8 usage, u8* out, u8* n, u8 max) {
    u8 start = *n;
    emit(usage_code(usage), false, out, n, max);
    return *n != start;
}

bool hid_report_to_scancodes(const u8* prev, const u8* cur, u8* out, u8* n, u8 max) {
    u8 start = *n;
    if (has(cur, kHidErrorRollOver)) return false;
    for (int b = 0; b < 8; b++) {
        bool was = prev[0] & (1 << b), is = cur[0] & (1 << b);
        if (was != is) emit(kModToSet1[b], was, out, n, max);
    }
    for (u32 i = 2; i < kHidBootReportLen; i++)
        if (prev[i] && !has(cur, prev[i])) emit(usage_code(prev[i]), true, out, n, max);
    for (u32 i = 2; i < kHidBootReportLen; i++)
        if (cur[i] && !has(prev, cur[i])) emit(usage_code(cur[i]), false, out, n, max);
    return *n != start;
}

}  // namespace reef
