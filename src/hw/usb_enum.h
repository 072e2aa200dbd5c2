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
// Hubs found while enumerating one controller, scanned after its root
// ports (in the order found, so a hub on a hub is appended: no recursion).
struct UsbHubList {
    static constexpr int kMax = 8;
    u32 hub[kMax];  // flat UsbDevice
    u8 ports[kMax];
    int n;
};
constexpr u8 kUsbMaxHubDepth = 5;  // tiers of hubs below a root port (USB 2.0 4.1.1)

bool usb_address_and_enumerate(UsbDevice& d, u8 addr, const char* name, u32 port, UsbHubList* hubs = nullptr);

// Hub class requests (usb_hub.cc).
u8 usb_hub_request(UsbDevice& hub, u8 request, u16 feature, u8 port);
// GET_STATUS of a hub port: wPortStatus | wPortChange << 16 (0 on failure).
u32 usb_hub_port_status(UsbDevice& hub, u8 port);
// The hub descriptor's port count (at most 15, what a route string nibble
// names) and, for a high-speed hub, its TT think time; 0 (logged) when the
// hub cannot be driven (USB 3, too deep, no descriptor, no ports).
u8 usb_hub_ports(UsbDevice& d, const char* where, u8* ttt);
// Appends a configured hub to the list (false, logged, when it is full).
bool usb_hub_add(UsbHubList& l, UsbDevice& d, u8 nports, const char* where);
// Port power on every port (no bPwrOn2PwrGood wait).
void usb_hub_power(UsbDevice& hub, u8 nports);
// A device on hub port `port`: the connect change cleared, the port reset
// (polled); its status afterwards, 0 when nothing usable is there.
u32 usb_hub_port_attach(UsbDevice& hub, u8 port, const char* where);
UsbSpeed usb_hub_port_speed(u32 status);
// UHCI, OHCI: a device page for the device on hub port `port` (the hub's
// root port, its route string and depth), EP0 max packet 8.
UsbDevice* usb_new_hub_child(const UsbDevice& hub, u8 port, UsbSpeed speed);
// UHCI, OHCI: scans the hubs on the list, addressing each device found
// (next address from *next_addr) and enumerating it; hubs on them are
// appended and scanned too. How many devices a class driver took.
int usb_scan_hubs_addressed(UsbHubList& l, u8* next_addr, const char* name);

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
// UHCI, OHCI: an interrupt-in pipe joins the controller's periodic polls
// (usb_configure has set the pipes' fields already).
bool uhci_configure(UsbDevice& d, const UsbInterfaceInfo& info);
bool ohci_configure(UsbDevice& d, const UsbInterfaceInfo& info);

}  // namespace reef
