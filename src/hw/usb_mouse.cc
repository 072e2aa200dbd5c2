// SPDX-License-Identifier: LGPL-3.0-or-later
// USB mice and tablets at run time (src/hw/usb_hid.h): one poll of the
// interrupt pipe, its report as a PS/2 packet for INT 15h C2h's handler.
#include "hw/usb_hid.h"
#include "hw/xhci.h"

namespace reef {

extern "C" u32 c32_usb_mouse_poll(u32) {
    UsbMouseState& m = RT(g_usbmouse);
    if (!m.dev) return 0;
    UsbDevice& d = *reinterpret_cast<UsbDevice*>(uintptr_t(m.dev));
    u32 buf = m.dev + kUsbDevBufferOffset;
    // Each completed transfer is one report; take what is there, a few at most.
    for (int i = 0; i < UsbMouseState::kMaxPackets && m.npackets < UsbMouseState::kMaxPackets; i++) {
        if (!usb_poll_in(d, buf, d.ep_mps[kPipeIn])) break;
        if (d.poll_cc == xhci::kCcSuccess || d.poll_cc == xhci::kCcShortPacket) {
            if (hid_pointer_packet(m.layout, m.pos, reinterpret_cast<const u8*>(uintptr_t(buf)), d.poll_len,
                                   m.packets[m.npackets]))
                m.npackets++;
        } else if (d.poll_cc == xhci::kCcStall) {
            usb_recover(d, kPipeIn, false);
            break;
        } else {
            break;
        }
    }
    return m.npackets;
}
CALL32_ENTRY(c32_usb_mouse_poll);

}  // namespace reef
