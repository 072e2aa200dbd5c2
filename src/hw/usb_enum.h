// SPDX-License-Identifier: LGPL-3.0-or-later
// USB enumeration at POST, the same on every host controller once the
// device has an address: descriptors, the default pipe's max packet size,
// the class driver (mass storage, boot keyboard; hubs go back to the
// controller driver). docs/usb.md.
#pragma once
#include "fw/pci.h"
#include "hw/usb_hc.h"

namespace reef {

constexpr u8 kUsbPciClass = 0x0C, kUsbPciSubclass = 0x03;  // serial bus, USB

enum class UsbEnumResult : u8 { kSkipped, kTaken, kHub };
// `where` names the device in log lines. kHub: *hub has its interface.
UsbEnumResult usb_enumerate(UsbDevice& d, const char* where, UsbInterfaceInfo* hub);

// The interface's endpoints as the device's In/Out pipes (the controller
// driver's part), then SET_CONFIGURATION. A hub (hub_ports > 0) also gets
// the controller's hub fields (xHCI: the slot context's port count and
// TT think time).
bool usb_configure(UsbDevice& d, const UsbInterfaceInfo& info, u8 hub_ports = 0, u8 hub_ttt = 0);

// EHCI and UHCI: a device on root port `port` in a new DMA page (0: none),
// its UsbDevice at kUsbDevStructOffset, addressed 0 so far.
UsbDevice* usb_new_root_device(UsbHcKind kind, u32 hc, u16 bdf, u8 port, UsbSpeed speed, u16 mps0);

// EHCI and UHCI: SET_ADDRESS `addr` to the device on address 0 at root
// port `port` of controller `name`, then usb_enumerate (a hub is logged
// and skipped there). True if a class driver took the device.
bool usb_address_and_enumerate(UsbDevice& d, u8 addr, const char* name, u32 port);

// POST: calls f(device) for every USB host controller function of
// programming interface `prog_if` (class 0Ch/03h).
template <class F> void usb_for_each_hc(u8 prog_if, F f) {
    const PciState& ps = pci_state();
    for (int i = 0; i < ps.ndevices; i++) {
        const PciDevice& pd = ps.devices[i];
        if (pd.class_code == kUsbPciClass && pd.subclass == kUsbPciSubclass && pd.prog_if == prog_if) f(pd);
    }
}

// The controller drivers' parts (xhci_setup.cc, ehci_setup.cc).
bool xhci_set_mps0(UsbDevice& d, u16 mps);
bool xhci_configure(UsbDevice& d, const UsbInterfaceInfo& info, u8 hub_ports, u8 hub_ttt);
bool ehci_set_mps0(UsbDevice& d, u16 mps);
bool ehci_configure(UsbDevice& d, const UsbInterfaceInfo& info);
void ehci_addressed(UsbDevice& d);  // EP0's queue head gets the new address
bool uhci_set_mps0(UsbDevice& d, u16 mps);
bool uhci_configure(UsbDevice& d, const UsbInterfaceInfo& info);
bool ohci_set_mps0(UsbDevice& d, u16 mps);
bool ohci_configure(UsbDevice& d, const UsbInterfaceInfo& info);

}  // namespace reef
