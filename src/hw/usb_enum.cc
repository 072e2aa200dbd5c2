// SPDX-License-Identifier: LGPL-3.0-or-later
// USB enumeration at POST (src/hw/usb_enum.h).
#include "hw/usb_enum.h"

#include "hw/usb_hid.h"
#include "hw/usb_msd.h"
#include "lib/log.h"

namespace reef {

namespace {
constexpr u32 kConfigBufLen = 512;

u8 get_descriptor(UsbDevice& d, u8 type, u32 buf, u16 len) {
    UsbSetup s{usb::kDirIn | usb::kTypeStandard | usb::kRecipDevice, usb::kReqGetDescriptor, u16(type << 8), 0, len};
    return usb_control(d, s, buf);
}

bool set_mps0(UsbDevice& d, u16 mps) {
    return d.kind == UsbHcKind::kEhci ? ehci_set_mps0(d, mps) : xhci_set_mps0(d, mps);
}
}  // namespace

bool usb_configure(UsbDevice& d, const UsbInterfaceInfo& info, u8 hub_ports, u8 hub_ttt) {
    bool ok = d.kind == UsbHcKind::kEhci ? ehci_configure(d, info) : xhci_configure(d, info, hub_ports, hub_ttt);
    if (!ok) return false;
    UsbSetup s{usb::kDirOut | usb::kTypeStandard | usb::kRecipDevice, usb::kReqSetConfiguration, info.config_value, 0,
               0};
    if (usb_control(d, s, 0) != xhci::kCcSuccess) {
        dlog(1, "usb slot %u: SET_CONFIGURATION %u failed\n", d.slot, info.config_value);
        return false;
    }
    d.iface = info.number;
    return true;
}

UsbEnumResult usb_enumerate(UsbDevice& d, const char* where, UsbInterfaceInfo* hub) {
    alignas(16) u8 buf[kConfigBufLen];
    u32 b = u32(reinterpret_cast<uintptr_t>(buf));
    __builtin_memset(buf, 0, sizeof(buf));
    if (get_descriptor(d, usb::kDescDevice, b, 8) != xhci::kCcSuccess) {
        dlog(1, "%s: no device descriptor; skipped\n", where);
        return UsbEnumResult::kSkipped;
    }
    u16 mps = usb_mps0_from_desc(d.speed, buf[usb::kDevMaxPacket0]);
    if (!mps) {
        dlog(1, "%s: bMaxPacketSize0 %u is not valid at this speed; skipped\n", where, buf[usb::kDevMaxPacket0]);
        return UsbEnumResult::kSkipped;
    }
    if (mps != d.mps0 && !set_mps0(d, mps)) return UsbEnumResult::kSkipped;
    if (get_descriptor(d, usb::kDescDevice, b, usb::kDeviceDescLen) != xhci::kCcSuccess) return UsbEnumResult::kSkipped;
    u16 vid = u16(buf[usb::kDevVendor] | buf[usb::kDevVendor + 1] << 8);
    u16 pid = u16(buf[usb::kDevProduct] | buf[usb::kDevProduct + 1] << 8);
    u8 dev_class = buf[usb::kDevClass];
    __builtin_memset(buf, 0, sizeof(buf));
    if (get_descriptor(d, usb::kDescConfig, b, usb::kConfigDescLen) != xhci::kCcSuccess) {
        dlog(1, "%s: %04x:%04x: no configuration descriptor; skipped\n", where, vid, pid);
        return UsbEnumResult::kSkipped;
    }
    u16 total = u16(buf[2] | buf[3] << 8);
    u16 len = u16(min<u32>(total, kConfigBufLen));
    if (len > usb::kConfigDescLen && get_descriptor(d, usb::kDescConfig, b, len) != xhci::kCcSuccess)
        return UsbEnumResult::kSkipped;
    static const char* const kSpeed[] = {"?", "full", "low", "high", "super"};
    dlog(2, "%s: %04x:%04x class %02x, %s speed\n", where, vid, pid, dev_class,
         kSpeed[u8(d.speed) <= 4 ? u8(d.speed) : 0]);
    UsbInterfaceInfo info;
    if (usb_find_interface(buf, len, usb::kClassMassStorage, usb::kMsdProtoBot, &info))
        return usb_msd_attach(d, info) ? UsbEnumResult::kTaken : UsbEnumResult::kSkipped;
    if (CONFIG_USB_KEYBOARD && usb_find_interface(buf, len, usb::kClassHid, usb::kHidProtoKeyboard, &info) &&
        info.subclass == usb::kHidSubclassBoot)
        return usb_kbd_attach(d, info) ? UsbEnumResult::kTaken : UsbEnumResult::kSkipped;
    if (usb_find_interface(buf, len, usb::kClassHub, 0xFF, hub)) return UsbEnumResult::kHub;
    dlog(1, "%s: %04x:%04x: no interface we drive (class %02x); skipped\n", where, vid, pid, dev_class);
    return UsbEnumResult::kSkipped;
}

}  // namespace reef
