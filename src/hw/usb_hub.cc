// SPDX-License-Identifier: LGPL-3.0-or-later
// USB 2 hubs at POST (src/hw/usb_enum.h): the hub descriptor, port power,
// status and reset, polled (the status change endpoint is not used). The
// controllers share this; xHCI adds the slot context's hub fields, UHCI and
// OHCI need nothing more (a full-speed hub is transparent to them; the
// controller sends the PRE packet for a low-speed device behind it).
#include "hw/scsi_hba.h"
#include "hw/usb_enum.h"
#include "hw/xhci.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {

namespace {
constexpr u32 kPortResetTimeoutUs = 500000;
constexpr u8 kRouteMaxPorts = 15;  // what a route string nibble can name
}  // namespace

u8 usb_hub_request(UsbDevice& hub, u8 request, u16 feature, u8 port) {
    UsbSetup s{usb::kDirOut | usb::kTypeClass | usb::kRecipOther, request, feature, port, 0};
    return usb_control(hub, s, 0);
}

u32 usb_hub_port_status(UsbDevice& hub, u8 port) {
    alignas(4) u32 st = 0;
    UsbSetup s{usb::kDirIn | usb::kTypeClass | usb::kRecipOther, usb::kReqGetStatus, 0, port, 4};
    if (usb_control(hub, s, u32(reinterpret_cast<uintptr_t>(&st))) != xhci::kCcSuccess) return 0;
    return st;
}

u8 usb_hub_ports(UsbDevice& d, const char* where, u8* ttt) {
    if (d.speed == UsbSpeed::kSuper) {
        dlog(1, "%s: USB 3 hub: not supported; skipped\n", where);
        return 0;
    }
    if (d.depth >= kUsbMaxHubDepth) {
        dlog(1, "%s: hub deeper than %u tiers; skipped\n", where, kUsbMaxHubDepth);
        return 0;
    }
    alignas(4) u8 desc[16] = {};
    UsbSetup s{usb::kDirIn | usb::kTypeClass | usb::kRecipDevice, usb::kReqGetDescriptor, u16(usb::kDescHub << 8), 0,
               sizeof(desc)};
    if (usb_control(d, s, u32(reinterpret_cast<uintptr_t>(desc))) != xhci::kCcSuccess || desc[0] < usb::kHubDescMinLen ||
        desc[1] != usb::kDescHub) {
        dlog(1, "%s: no hub descriptor; skipped\n", where);
        return 0;
    }
    u8 nports = desc[usb::kHubDescPorts];
    if (!nports) {
        dlog(1, "%s: hub with no ports; skipped\n", where);
        return 0;
    }
    *ttt = d.speed == UsbSpeed::kHigh ? u8((desc[usb::kHubDescCharacteristics] & usb::kHubTtThinkMask) >> 5) : 0;
    return nports > kRouteMaxPorts ? kRouteMaxPorts : nports;
}

bool usb_hub_add(UsbHubList& l, UsbDevice& d, u8 nports, const char* where) {
    if (l.n >= UsbHubList::kMax) {
        dlog(1, "%s: more than %d hubs on one controller; skipped\n", where, UsbHubList::kMax);
        return false;
    }
    l.hub[l.n] = u32(reinterpret_cast<uintptr_t>(&d));
    l.ports[l.n++] = nports;
    dlog(2, "%s: hub, %u ports\n", where, nports);
    return true;
}

u32 usb_hub_port_attach(UsbDevice& hub, u8 port, const char* where) {
    u32 st = usb_hub_port_status(hub, port);
    if (!(st & usb::kHubStatConnection)) return 0;
    usb_hub_request(hub, usb::kReqClearFeature, usb::kHubCPortConnection, port);
    if (usb_hub_request(hub, usb::kReqSetFeature, usb::kHubPortReset, port) != xhci::kCcSuccess) return 0;
    bool done = hba_wait(kPortResetTimeoutUs, [&] {
        st = usb_hub_port_status(hub, port);
        return (st >> 16) & usb::kHubChangeReset && !(st & usb::kHubStatReset);
    });
    usb_hub_request(hub, usb::kReqClearFeature, usb::kHubCPortReset, port);
    if (!done || !(st & usb::kHubStatEnable)) {
        dlog(1, "%s: hub port %u: reset does not complete (status %x); skipped\n", where, port, st);
        return 0;
    }
    return st;
}

UsbSpeed usb_hub_port_speed(u32 st) {
    return (st & usb::kHubStatLowSpeed) ? UsbSpeed::kLow : (st & usb::kHubStatHighSpeed) ? UsbSpeed::kHigh
                                                                                    : UsbSpeed::kFull;
}

void usb_hub_power(UsbDevice& hub, u8 nports) {
    for (u8 p = 1; p <= nports; p++) usb_hub_request(hub, usb::kReqSetFeature, usb::kHubPortPower, p);
    // bPwrOn2PwrGood is not waited for: QEMU's hub ports are powered at once (docs/usb.md).
}

UsbDevice* usb_new_hub_child(const UsbDevice& hub, u8 port, UsbSpeed speed) {
    UsbDevice* d = usb_new_root_device(hub.kind, hub.hc, hub.bdf, hub.port, speed, 8);
    if (!d) return nullptr;
    d->path_port = hub.path_port;
    d->depth = u8(hub.depth + 1);
    d->route = hub.route | u32(port) << (4 * hub.depth);
    return d;
}

int usb_scan_hubs_addressed(UsbHubList& l, u8* next_addr, const char* name) {
    int used = 0;
    // Hubs found on the way are appended: no recursion.
    for (int i = 0; i < l.n; i++) {
        UsbDevice& hub = *reinterpret_cast<UsbDevice*>(uintptr_t(l.hub[i]));
        char where[48];
        snformat(where, sizeof(where), "%s port %u route %x", name, hub.port, hub.route);
        usb_hub_power(hub, l.ports[i]);
        for (u8 p = 1; p <= l.ports[i]; p++) {
            u32 st = usb_hub_port_attach(hub, p, where);
            if (!st || *next_addr > usb::kMaxAddress) continue;
            UsbDevice* d = usb_new_hub_child(hub, p, usb_hub_port_speed(st));
            if (d && usb_address_and_enumerate(*d, (*next_addr)++, name, hub.port, &l)) used++;
        }
    }
    return used;
}

}  // namespace reef
