// SPDX-License-Identifier: LGPL-3.0-or-later
// USB HID boot-protocol keyboards (usb-kbd): reports polled on the
// interrupt-in pipe turn into scan code set 1 bytes, which INT 16h feeds
// to the same code as PS/2's IRQ1 (src/svc/int16.cc), so the BDA buffer,
// the shift states and Ctrl-Alt-Del behave alike. docs/usb.md.
#pragma once
#include "lib/mode.h"
#include "lib/types.h"

namespace reef {

constexpr u32 kHidBootReportLen = 8;  // modifiers, reserved, six key usages
constexpr u8 kHidErrorRollOver = 0x01;  // in every key slot: too many keys down

// The runtime state both modes see (a runtime variable).
struct UsbKbdState {
    static constexpr int kMaxKbds = 2, kMaxCodes = 48;
    u8 nkbds;
    u32 dev[kMaxKbds];               // flat UsbDevice
    u8 last[kMaxKbds][kHidBootReportLen];
    u8 codes[kMaxCodes];             // scan code bytes, set 1, for INT 16h to process
    u8 ncodes;
};

// Appends the set 1 bytes (E0 prefixes, break codes with bit 7) for the
// change from report `prev` to `cur` to out[*n..max); keys that do not
// fit are dropped. A report with ErrorRollOver (usage 01h) changes
// nothing. Returns false when nothing was appended.
bool hid_report_to_scancodes(const u8* prev, const u8* cur, u8* out, u8* n, u8 max);

// 32-bit runtime: polls each USB keyboard once, appending what changed
// to codes[] (c32_usb_kbd_poll, through call32 from INT 16h).
// POST: a HID boot keyboard interface: its pipe, boot protocol, idle 0.
struct UsbDevice;
struct UsbInterfaceInfo;
bool usb_kbd_attach(UsbDevice& d, const UsbInterfaceInfo& info);

}  // namespace reef

#if defined(REEF_MODE16) || defined(REEF_MODE32)
DECLARE_RTVAR(reef::UsbKbdState, g_usbkbd);
#endif
