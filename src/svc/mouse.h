// SPDX-License-Identifier: LGPL-3.0-or-later
// The pointing-device layer behind INT 15h C2h (src/svc/mouse.cc).
//
// The layer speaks the PS/2 mouse command set (src/hw/ps2.h, ps2mouse::) to
// one backend, the device POST found, and takes packets in the PS/2 stream
// format from it:
//   - a backend that produces bytes (the PS/2 aux port, IRQ12) feeds them to
//     mouse_aux_byte(), which assembles packets of the size INT 15h C205h
//     chose;
//   - a backend that produces whole reports (a USB mouse or tablet,
//     hw/usb_hid.h: polled from the timer IRQ, mouse_timer_poll()) converts
//     each into status/dx/dy (PS/2 signs: Y positive = up) and calls
//     mouse_packet();
// either way mouse_packet() far-calls the handler INT 15h C207h installed.
// A new backend adds its MouseBackend value, a mouse_attach() call in its
// setup, and a case in mouse_device_command() (mouse.cc), where it answers
// the few commands C2h sends (or emulates them).
//
// State lives in the EBDA (lib/bda.h): the handler (22h), the bytes of the
// packet being assembled (flag1, data), the packet size, "handler
// installed" and "reporting enabled" (flag2), the backend (30h).
#pragma once
#include "hw/ps2.h"
#include "lib/bda.h"
#include "lib/regs16.h"

namespace reef {

enum class MouseBackend : u8 { kNone = 0, kPs2Aux = 1, kUsb = 2 };

namespace mouseflag {
// Ebda::mouse_flag1: bytes of the current packet received so far.
constexpr u8 kIndexMask = 0x07;
// Ebda::mouse_flag2: packet size - 1, reporting enabled, handler installed.
constexpr u8 kSizeMask = 0x07, kEnabled = 0x40, kHandler = 0x80;
}  // namespace mouseflag

// BDA equipment word (INT 11h): a pointing device is attached.
constexpr u16 kEquipPointingDevice = 0x0004;

// POST: the backend that serves INT 15h C2h from now on (3-byte packets,
// reporting off, no handler).
[[gnu::always_inline]] inline void mouse_attach(MouseBackend b) {
    EBDA_SET(mouse_backend, u8(b));
    EBDA_SET(mouse_flag1, u8(0));
    EBDA_SET(mouse_flag2, u8(ps2mouse::kPacketSize - 1));
    BDA_SET(equipment, u16(BDA_GET(equipment) | kEquipPointingDevice));
}

#if defined(REEF_MODE16)
// One byte from a byte-stream backend (IRQ12, or an aux byte INT 09h found).
void mouse_aux_byte(u8 b);
// A whole packet: far-calls the user's handler if one is installed and
// reporting is enabled (status word = byte 0, then dx, dy, 0).
void mouse_packet(u8 status, u8 dx, u8 dy);
// INT 15h AH=C2h.
void mouse_service(Regs16* r);
// From the timer IRQ (INT 08h): a backend that must be polled (a USB mouse
// or tablet) hands its reports to the handler. Nothing when reporting is
// off, from vm86, or when the IRQ came in during a call32 (the 32-bit code
// it interrupted may be driving the same controller).
void mouse_timer_poll();
#endif

}  // namespace reef
