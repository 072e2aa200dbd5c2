// SPDX-License-Identifier: LGPL-3.0-or-later
// USB keyboards at run time (src/hw/usb_hid.h): one poll of each
// keyboard's interrupt pipe per INT 16h call.
#include "hw/usb_hid.h"
#include "hw/xhci.h"
#include "lib/bda.h"

namespace reef {

extern "C" u32 c32_usb_kbd_poll(u32) {
    UsbKbdState& k = RT(g_usbkbd);
    for (int i = 0; i < k.nkbds; i++) {
        UsbDevice& d = *reinterpret_cast<UsbDevice*>(uintptr_t(k.dev[i]));
        u32 buf = k.dev[i] + kUsbDevBufferOffset;
        if (!usb_poll_in(d, buf, kHidBootReportLen)) continue;
        const u8* rep = reinterpret_cast<const u8*>(uintptr_t(buf));
        if (d.poll_cc == xhci::kCcSuccess || d.poll_cc == xhci::kCcShortPacket) {
            u8 held = hid_repeat_key(k.last[i], rep, k.held[i]);
            if (held != k.held[i]) k.repeat_at[i] = BDA_GET(timer_counter) + kKbdRepeatDelayTicks;
            k.held[i] = held;
            // A report with ErrorRollOver is not a state to compare against.
            if (hid_report_to_scancodes(k.last[i], rep, k.codes, &k.ncodes, UsbKbdState::kMaxCodes) ||
                rep[2] != kHidErrorRollOver)
                __builtin_memcpy(k.last[i], rep, kHidBootReportLen);
        } else if (d.poll_cc == xhci::kCcStall) {
            usb_recover(d, kPipeIn, false);
        }
    }
    // Typematic repeat: the device sends nothing while a key stays down
    // (SET_IDLE 0), so the held key's make code is repeated here.
    u32 now = BDA_GET(timer_counter);
    for (int i = 0; i < k.nkbds; i++) {
        if (!k.held[i]) continue;
        s32 due = s32(now - k.repeat_at[i]);
        if (due > s32(kKbdRepeatDelayTicks)) due = 0, k.repeat_at[i] = now;  // midnight wrap, or a long gap
        if (due < 0) continue;
        hid_make_code(k.held[i], k.codes, &k.ncodes, UsbKbdState::kMaxCodes);
        k.repeat_at[i] = now + kKbdRepeatTicks;
    }
    return k.ncodes;
}
CALL32_ENTRY(c32_usb_kbd_poll);

}  // namespace reef
