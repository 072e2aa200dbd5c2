// SPDX-License-Identifier: LGPL-3.0-or-later
// USB HID boot-protocol keyboards (usb-kbd): reports polled on the
// interrupt-in pipe turn into scan code set 1 bytes, which INT 16h feeds
// to the same code as PS/2's IRQ1 (src/svc/int16.cc), so the BDA buffer,
// the shift states and Ctrl-Alt-Del behave alike. docs/usb.md.
#pragma once
#include "hw/hid_pointer.h"
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
    // Typematic repeat: the key pressed last, while held (0: none), and the
    // BDA tick count at which it repeats next.
    u8 held[kMaxKbds];
    u32 repeat_at[kMaxKbds];
};
// Typematic timing in 18.2 Hz ticks: the PS/2 keyboard's defaults, 500 ms
// before the first repeat and about 10 repeats a second.
constexpr u32 kKbdRepeatDelayTicks = 9, kKbdRepeatTicks = 2;

// A USB mouse or tablet behind INT 15h C2h (svc/mouse.h, MouseBackend::kUsb):
// the device, its report layout, the PS/2 state C2h's commands set (the
// device has no such state: it is emulated), and the packets a poll found.
struct UsbMouseState {
    static constexpr int kMaxPackets = 8;
    u32 dev;                 // flat UsbDevice; 0: none
    HidPointerLayout layout;
    HidPointerState pos;
    u8 rate, resolution;     // as C202h/C203h set them (PS/2 encoding)
    bool scaling21;          // (reporting on/off is the EBDA's flag, svc/mouse.h)
    u8 npackets;
    u8 packets[kMaxPackets][3];
};
constexpr u8 kUsbMouseDefaultRate = 100, kUsbMouseDefaultResolution = 2;

// Appends the set 1 bytes (E0 prefixes, break codes with bit 7) for the
// change from report `prev` to `cur` to out[*n..max); keys that do not
// fit are dropped. A report with ErrorRollOver (usage 01h) changes
// nothing. Returns false when nothing was appended.
bool hid_report_to_scancodes(const u8* prev, const u8* cur, u8* out, u8* n, u8 max);

// The key that goes on repeating after the change from `prev` to `cur`: the
// last usage newly down in `cur`; else `held` if it is still down; else 0.
u8 hid_repeat_key(const u8* prev, const u8* cur, u8 held);
// Appends `usage`'s make code (E0-prefixed where the key is) to
// out[*n..max); false when it has none or it does not fit.
bool hid_make_code(u8 usage, u8* out, u8* n, u8 max);

// 32-bit runtime: polls each USB keyboard once, appending what changed
// to codes[] (c32_usb_kbd_poll, through call32 from INT 16h).
// POST: a HID boot keyboard interface: its pipe, boot protocol, idle 0.
struct UsbDevice;
struct UsbInterfaceInfo;
bool usb_kbd_attach(UsbDevice& d, const UsbInterfaceInfo& info);
// POST: a HID mouse (boot protocol) or tablet (its report descriptor) becomes
// the pointing device; the interrupt transfer armed.
bool usb_mouse_attach(UsbDevice& d, const UsbInterfaceInfo& info);
// 32-bit runtime (c32_usb_mouse_poll, through call32 from INT 08h): turns
// the reports since the last call into packets[]; returns npackets.

}  // namespace reef

#if defined(REEF_MODE16) || defined(REEF_MODE32)
DECLARE_RTVAR(reef::UsbKbdState, g_usbkbd);
DECLARE_RTVAR(reef::UsbMouseState, g_usbmouse);
#endif
