// SPDX-License-Identifier: LGPL-3.0-or-later
// USB enumeration at POST (src/hw/usb_enum.h).
#include "hw/usb_enum.h"

#include "hw/scsi_hba.h"
#include "hw/usb_hid.h"
#include "hw/usb_msd.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {

namespace {
constexpr u32 kConfigBufLen = 512;

u8 get_descriptor(UsbDevice& d, u8 type, u32 buf, u16 len) {
    UsbSetup s{usb::kDirIn | usb::kTypeStandard | usb::kRecipDevice, usb::kReqGetDescriptor, u16(type << 8), 0, len};
    return usb_control(d, s, buf);
}

// The one line a device that fails enumeration gets (stalls included).
UsbEnumResult no_device_descriptor(const char* where, u8 cc) {
    dlog(1, "%s: no device descriptor (GET_DESCRIPTOR %s); skipped\n", where, xhci::cc_text(cc));
    return UsbEnumResult::kSkipped;
}

UsbEnumResult no_config_descriptor(const char* where, u16 vid, u16 pid, u8 cc) {
    dlog(1, "%s: %04x:%04x: no configuration descriptor (GET_DESCRIPTOR %s); skipped\n", where, vid, pid,
         xhci::cc_text(cc));
    return UsbEnumResult::kSkipped;
}

bool set_mps0(UsbDevice& d, u16 mps) {
    switch (d.kind) {
    case UsbHcKind::kEhci: return ehci_set_mps0(d, mps);
    case UsbHcKind::kUhci:
    case UsbHcKind::kOhci:
        d.mps0 = mps;  // read by each control transfer
        return true;
    default: return xhci_set_mps0(d, mps);
    }
}
}  // namespace

namespace {
// UHCI, OHCI: the pipes' endpoint, max packet, DATA0 (their transfers
// read these; the controllers keep no per-endpoint state but interrupt's).
void set_pipes(UsbDevice& d, const UsbInterfaceInfo& info) {
    for (int p = kPipeIn; p < kPipesInDevPage; p++) {
        const UsbEndpointInfo& e = usb_pipe_endpoint(info, p);
        if (!e.addr) continue;
        d.ep_addr[p] = e.addr;
        d.ep_mps[p] = e.mps;
        d.toggle[p] = 0;
    }
}
}  // namespace

bool usb_configure(UsbDevice& d, const UsbInterfaceInfo& info, u8 hub_ports, u8 hub_ttt) {
    if (d.kind == UsbHcKind::kUhci || d.kind == UsbHcKind::kOhci) set_pipes(d, info);
    bool ok = d.kind == UsbHcKind::kEhci   ? ehci_configure(d, info)
              : d.kind == UsbHcKind::kUhci ? uhci_configure(d, info)
              : d.kind == UsbHcKind::kOhci ? ohci_configure(d, info)
                                           : xhci_configure(d, info, hub_ports, hub_ttt);
    if (!ok) return false;
    UsbSetup s{usb::kDirOut | usb::kTypeStandard | usb::kRecipDevice, usb::kReqSetConfiguration, info.config_value, 0,
               0};
    if (u8 cc = usb_control(d, s, 0); cc != xhci::kCcSuccess) {
        dlog(1, "usb device %u (root port %u): SET_CONFIGURATION %u %s; skipped\n", d.slot, d.port, info.config_value,
             xhci::cc_text(cc));
        return false;
    }
    d.iface = info.number;
    return true;
}

UsbDevice* usb_new_root_device(UsbHcKind kind, u32 hc, u16 bdf, u8 port, UsbSpeed speed, u16 mps0) {
    u32 blk = hba_dma_alloc(kUsbDevPage, "usb device");
    if (!blk) return nullptr;
    UsbDevice& d = *reinterpret_cast<UsbDevice*>(uintptr_t(blk + kUsbDevStructOffset));
    d.kind = kind;
    d.hc = hc;
    d.bdf = bdf;
    d.port = d.path_port = port;
    d.speed = speed;
    d.mps0 = mps0;
    return &d;
}

bool usb_address_and_enumerate(UsbDevice& d, u8 addr, const char* name, u32 port, UsbHubList* hubs) {
    char where[48];
    if (d.depth) snformat(where, sizeof(where), "%s port %u route %x", name, port, d.route);
    else snformat(where, sizeof(where), "%s port %u", name, port);
    UsbSetup s{usb::kDirOut | usb::kTypeStandard | usb::kRecipDevice, usb::kReqSetAddress, addr, 0, 0};
    if (usb_control(d, s, 0) != xhci::kCcSuccess) {
        dlog(1, "%s: SET_ADDRESS failed; skipped\n", where);
        return false;
    }
    // USB 2.0 9.2.6.3: 2 ms SET_ADDRESS recovery, not waited for (docs/usb.md).
    d.addr = addr;
    d.slot = addr;  // what log lines call the device
    if (d.kind == UsbHcKind::kEhci) ehci_addressed(d);
    UsbInterfaceInfo info;
    UsbEnumResult r = usb_enumerate(d, where, &info);
    if (r == UsbEnumResult::kHub) {
        // Driven when the controller keeps a list (UHCI, OHCI); its ports
        // are scanned after the root ports. A hub itself is nothing taken.
        if (!hubs) {
            dlog(1, "%s: hubs are not driven on this controller; skipped\n", where);
            return false;
        }
        u8 ttt;
        u8 nports = usb_hub_ports(d, where, &ttt);
        UsbInterfaceInfo none = info;
        none.in = none.out = UsbEndpointInfo{};  // the status change endpoint: ports are polled instead
        if (nports && usb_configure(d, none)) usb_hub_add(*hubs, d, nports, where);
        return false;
    }
    return r == UsbEnumResult::kTaken;
}

UsbEnumResult usb_enumerate(UsbDevice& d, const char* where, UsbInterfaceInfo* hub) {
    alignas(16) u8 buf[kConfigBufLen];
    u32 b = u32(reinterpret_cast<uintptr_t>(buf));
    __builtin_memset(buf, 0, sizeof(buf));
    if (u8 cc = get_descriptor(d, usb::kDescDevice, b, 8); cc != xhci::kCcSuccess)
        return no_device_descriptor(where, cc);
    u16 mps = usb_mps0_from_desc(d.speed, buf[usb::kDevMaxPacket0]);
    if (!mps) {
        dlog(1, "%s: bMaxPacketSize0 %u is not valid at this speed; skipped\n", where, buf[usb::kDevMaxPacket0]);
        return UsbEnumResult::kSkipped;
    }
    if (mps != d.mps0 && !set_mps0(d, mps)) return UsbEnumResult::kSkipped;
    if (u8 cc = get_descriptor(d, usb::kDescDevice, b, usb::kDeviceDescLen); cc != xhci::kCcSuccess)
        return no_device_descriptor(where, cc);
    u16 vid = u16(buf[usb::kDevVendor] | buf[usb::kDevVendor + 1] << 8);
    u16 pid = u16(buf[usb::kDevProduct] | buf[usb::kDevProduct + 1] << 8);
    u8 dev_class = buf[usb::kDevClass];
    __builtin_memset(buf, 0, sizeof(buf));
    if (u8 cc = get_descriptor(d, usb::kDescConfig, b, usb::kConfigDescLen); cc != xhci::kCcSuccess)
        return no_config_descriptor(where, vid, pid, cc);
    u16 total = u16(buf[2] | buf[3] << 8);
    u16 len = u16(min<u32>(total, kConfigBufLen));
    if (len > usb::kConfigDescLen) {
        if (u8 cc = get_descriptor(d, usb::kDescConfig, b, len); cc != xhci::kCcSuccess)
            return no_config_descriptor(where, vid, pid, cc);
    }
    static const char* const kSpeed[] = {"?", "full", "low", "high", "super"};
    dlog(2, "%s: %04x:%04x class %02x, %s speed\n", where, vid, pid, dev_class,
         kSpeed[u8(d.speed) <= 4 ? u8(d.speed) : 0]);
    UsbInterfaceInfo info;
    if (usb_find_interface(buf, len, usb::kClassMassStorage, usb::kMsdProtoBot, &info))
        return usb_msd_attach(d, info) ? UsbEnumResult::kTaken : UsbEnumResult::kSkipped;
    if (CONFIG_USB_UAS && usb_find_interface(buf, len, usb::kClassMassStorage, usb::kMsdProtoUas, &info))
        return usb_uas_attach(d, info) ? UsbEnumResult::kTaken : UsbEnumResult::kSkipped;
    if (CONFIG_USB_KEYBOARD && usb_find_interface(buf, len, usb::kClassHid, usb::kHidProtoKeyboard, &info) &&
        info.subclass == usb::kHidSubclassBoot)
        return usb_kbd_attach(d, info) ? UsbEnumResult::kTaken : UsbEnumResult::kSkipped;
    // A boot mouse, or any other HID interface whose reports carry X/Y (QEMU
    // 7.2's usb-tablet has subclass 0, protocol 0).
    if (CONFIG_USB_MOUSE && (usb_find_interface(buf, len, usb::kClassHid, usb::kHidProtoMouse, &info) ||
                             usb_find_interface(buf, len, usb::kClassHid, 0xFF, &info)))
        return usb_mouse_attach(d, info) ? UsbEnumResult::kTaken : UsbEnumResult::kSkipped;
    if (usb_find_interface(buf, len, usb::kClassHub, 0xFF, hub)) return UsbEnumResult::kHub;
    dlog(1, "%s: %04x:%04x: no interface we drive (class %02x); skipped\n", where, vid, pid, dev_class);
    return UsbEnumResult::kSkipped;
}

}  // namespace reef
