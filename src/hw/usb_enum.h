// SPDX-License-Identifier: LGPL-3.0-or-later
// USB enumeration at POST, the same on every host controller once the
// device has an address: descriptors, the default pipe's max packet size,
// the class driver (mass storage, boot keyboard; hubs go back to the
// controller driver). docs/usb.md.
#pragma once
#include "hw/usb_hc.h"

namespace reef {

enum class UsbEnumResult : u8 { kSkipped, kTaken, kHub };
// `where` names the device in log lines. kHub: *hub has its interface.
UsbEnumResult usb_enumerate(UsbDevice& d, const char* where, UsbInterfaceInfo* hub);

// The interface's endpoints as the device's In/Out pipes (the controller
// driver's part), then SET_CONFIGURATION. A hub (hub_ports > 0) also gets
// the controller's hub fields (xHCI: the slot context's port count and
// TT think time).
bool usb_configure(UsbDevice& d, const UsbInterfaceInfo& info, u8 hub_ports = 0, u8 hub_ttt = 0);

// The controller drivers' parts (xhci_setup.cc, ehci_setup.cc).
bool xhci_set_mps0(UsbDevice& d, u16 mps);
bool xhci_configure(UsbDevice& d, const UsbInterfaceInfo& info, u8 hub_ports, u8 hub_ttt);
bool ehci_set_mps0(UsbDevice& d, u16 mps);
bool ehci_configure(UsbDevice& d, const UsbInterfaceInfo& info);

}  // namespace reef
