// SPDX-License-Identifier: LGPL-3.0-or-later
// USB keyboards at POST (src/hw/usb_hid.h): the interrupt pipe, the boot
// protocol, reports only on change, the first transfer armed.
#include "hw/usb_hid.h"
#include "hw/usb_enum.h"
#include "hw/xhci.h"
#include "lib/log.h"

namespace reef {

bool usb_kbd_attach(UsbDevice& d, const UsbInterfaceInfo& info) {
    UsbKbdState& k = RT(g_usbkbd);
    if (k.nkbds >= UsbKbdState::kMaxKbds) {
        dlog(1, "usb-kbd port %u: no room for more USB keyboards (%d); skipped\n", d.port, UsbKbdState::kMaxKbds);
        return false;
    }
    if (info.in.type != usb::kEpInterrupt || info.in.mps < kHidBootReportLen) {
        dlog(1, "usb-kbd port %u: no interrupt-in endpoint for boot reports; skipped\n", d.port);
        return false;
    }
    UsbInterfaceInfo in_only = info;
    in_only.out = UsbEndpointInfo{};
    if (!usb_configure(d, in_only)) return false;
    UsbSetup proto{usb::kDirOut | usb::kTypeClass | usb::kRecipInterface, usb::kReqHidSetProtocol,
                   usb::kHidBootProtocol, d.iface, 0};
    if (usb_control(d, proto, 0) != xhci::kCcSuccess) {
        dlog(1, "usb-kbd port %u: SET_PROTOCOL (boot) refused; skipped\n", d.port);
        return false;
    }
    // Reports only when something changes (a device may refuse: harmless).
    UsbSetup idle{usb::kDirOut | usb::kTypeClass | usb::kRecipInterface, usb::kReqHidSetIdle, 0, d.iface, 0};
    usb_control(d, idle, 0);
    u32 dev = u32(reinterpret_cast<uintptr_t>(&d));
    k.dev[k.nkbds] = dev;
    __builtin_memset(k.last[k.nkbds], 0, kHidBootReportLen);
    k.nkbds++;
    usb_poll_in(d, dev + kUsbDevBufferOffset, kHidBootReportLen);
    dlog(1, "usb-kbd port %u: boot keyboard, interrupt endpoint %02x\n", d.port, info.in.addr);
    return true;
}

}  // namespace reef
