// SPDX-License-Identifier: LGPL-3.0-or-later
// Transfers on a USB device, sent to its host controller's driver
// (src/hw/usb_hc.h).
#include "hw/usb_hc.h"

#include "hw/ehci.h"
#include "hw/ohci.h"
#include "hw/uhci.h"
#include "hw/xhci.h"

namespace reef {

u8 usb_control(UsbDevice& d, const UsbSetup& s, u32 buf) {
    if (d.kind == UsbHcKind::kEhci) return ehci_control(d, s, buf);
    if (d.kind == UsbHcKind::kUhci) return uhci_control(d, s, buf);
    if (d.kind == UsbHcKind::kOhci) return ohci_control(d, s, buf);
    return xhci_control(d, s, buf);
}

u8 usb_transfer(UsbDevice& d, UsbPipe p, u32 buf, u32 len, u32* actual) {
    if (d.kind == UsbHcKind::kEhci) return ehci_transfer(d, p, buf, len, actual);
    if (d.kind == UsbHcKind::kUhci) return uhci_transfer(d, p, buf, len, actual);
    if (d.kind == UsbHcKind::kOhci) return ohci_transfer(d, p, buf, len, actual);
    return xhci_transfer(d, p, buf, len, actual);
}

void usb_recover(UsbDevice& d, UsbPipe p, bool stop) {
    if (d.kind == UsbHcKind::kEhci) ehci_recover(d, p);
    else if (d.kind == UsbHcKind::kUhci) uhci_recover(d, p);
    else if (d.kind == UsbHcKind::kOhci) ohci_recover(d, p);
    else xhci_recover(d, p, stop);
}

void usb_clear_halt(UsbDevice& d, UsbPipe p) {
    d.toggle[p] = 0;
    UsbSetup s{usb::kDirOut | usb::kTypeStandard | usb::kRecipEndpoint, usb::kReqClearFeature,
               usb::kFeatureEndpointHalt, d.ep_addr[p], 0};
    usb_control(d, s, 0);
}

bool usb_poll_in(UsbDevice& d, u32 buf, u32 len) {
    if (d.kind == UsbHcKind::kEhci) return ehci_poll_in(d, buf, len);
    if (d.kind == UsbHcKind::kUhci) return uhci_poll_in(d, buf, len);
    if (d.kind == UsbHcKind::kOhci) return ohci_poll_in(d, buf, len);
    return xhci_poll_in(d, buf, len);
}

}  // namespace reef
