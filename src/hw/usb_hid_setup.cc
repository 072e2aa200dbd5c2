// SPDX-License-Identifier: LGPL-3.0-or-later
// USB HID devices at POST (src/hw/usb_hid.h): keyboards and pointing
// devices. The interrupt pipe, the boot protocol (or, for a device without
// it, the report descriptor's layout), reports only on change, the first
// transfer armed.
#include "hw/usb_hid.h"
#include "hw/usb_enum.h"
#include "hw/xhci.h"
#include "lib/log.h"
#include "svc/mouse.h"

namespace reef {

namespace {
constexpr u8 kDescHidReport = 0x22;  // HID 1.11 7.1: the report descriptor
constexpr u16 kMaxReportDesc = 256;

// The interrupt-in pipe, the boot protocol when `boot`, idle 0.
bool hid_open(UsbDevice& d, const UsbInterfaceInfo& info, const char* what, u32 min_mps, bool boot) {
    if (info.in.type != usb::kEpInterrupt || info.in.mps < min_mps) {
        dlog(1, "%s port %u: no interrupt-in endpoint for its reports; skipped\n", what, d.port);
        return false;
    }
    UsbInterfaceInfo in_only = info;
    in_only.out = UsbEndpointInfo{};
    if (!usb_configure(d, in_only)) return false;
    if (boot) {
        UsbSetup proto{usb::kDirOut | usb::kTypeClass | usb::kRecipInterface, usb::kReqHidSetProtocol,
                       usb::kHidBootProtocol, d.iface, 0};
        if (usb_control(d, proto, 0) != xhci::kCcSuccess) {
            dlog(1, "%s port %u: SET_PROTOCOL (boot) refused; skipped\n", what, d.port);
            return false;
        }
    }
    // Reports only when something changes (a device may refuse: harmless).
    UsbSetup idle{usb::kDirOut | usb::kTypeClass | usb::kRecipInterface, usb::kReqHidSetIdle, 0, d.iface, 0};
    usb_control(d, idle, 0);
    return true;
}

u32 dev_flat(UsbDevice& d) { return u32(reinterpret_cast<uintptr_t>(&d)); }
}  // namespace

bool usb_kbd_attach(UsbDevice& d, const UsbInterfaceInfo& info) {
    UsbKbdState& k = RT(g_usbkbd);
    if (k.nkbds >= UsbKbdState::kMaxKbds) {
        dlog(1, "usb-kbd port %u: no room for more USB keyboards (%d); skipped\n", d.port, UsbKbdState::kMaxKbds);
        return false;
    }
    if (!hid_open(d, info, "usb-kbd", kHidBootReportLen, true)) return false;
    u32 dev = dev_flat(d);
    k.dev[k.nkbds] = dev;
    __builtin_memset(k.last[k.nkbds], 0, kHidBootReportLen);
    k.nkbds++;
    usb_poll_in(d, dev + kUsbDevBufferOffset, kHidBootReportLen);
    dlog(1, "usb-kbd port %u: boot keyboard, interrupt endpoint %02x\n", d.port, info.in.addr);
    return true;
}

bool usb_mouse_attach(UsbDevice& d, const UsbInterfaceInfo& info) {
    UsbMouseState& m = RT(g_usbmouse);
    if (m.dev) {
        dlog(1, "usb-mouse port %u: INT 15h C2h serves one pointing device, and one USB one is in use; skipped\n",
             d.port);
        return false;
    }
    // A boot mouse speaks the boot protocol's fixed report. Anything else
    // (a tablet: absolute X/Y) is read by its report descriptor.
    bool boot = info.subclass == usb::kHidSubclassBoot && info.proto == usb::kHidProtoMouse;
    HidPointerLayout layout = hid_boot_mouse_layout();
    if (!hid_open(d, info, "usb-mouse", layout.report_len, boot)) return false;
    if (!boot) {
        u32 buf = dev_flat(d) + kUsbDevBufferOffset;
        UsbSetup s{usb::kDirIn | usb::kTypeStandard | usb::kRecipInterface, usb::kReqGetDescriptor,
                   u16(kDescHidReport << 8), d.iface, kMaxReportDesc};
        static_assert(kMaxReportDesc <= kUsbDevBufferLen);
        __builtin_memset(reinterpret_cast<void*>(uintptr_t(buf)), 0, kMaxReportDesc);
        if (usb_control(d, s, buf) != xhci::kCcSuccess) {
            dlog(1, "usb-mouse port %u: no HID report descriptor; skipped\n", d.port);
            return false;
        }
        // A short answer leaves zeros, which end the descriptor harmlessly
        // (a zero byte is an empty main item).
        if (!hid_parse_pointer(reinterpret_cast<const u8*>(uintptr_t(buf)), kMaxReportDesc, &layout)) {
            dlog(1, "usb-mouse port %u: its report descriptor has no usable X/Y; skipped\n", d.port);
            return false;
        }
        if (layout.report_len > info.in.mps || layout.report_len > kUsbDevBufferLen) {
            dlog(1, "usb-mouse port %u: %u-byte reports do not fit its %u-byte endpoint; skipped\n", d.port,
                 layout.report_len, info.in.mps);
            return false;
        }
    }
    m.dev = dev_flat(d);
    m.layout = layout;
    m.pos = HidPointerState{};
    m.rate = kUsbMouseDefaultRate;
    m.resolution = kUsbMouseDefaultResolution;
    m.scaling21 = false;
    m.npackets = 0;
    mouse_attach(MouseBackend::kUsb);
    usb_poll_in(d, m.dev + kUsbDevBufferOffset, info.in.mps);
    dlog(1, "usb-mouse port %u: %s, %u-byte reports, interrupt endpoint %02x\n", d.port,
         boot ? "boot mouse" : layout.absolute ? "tablet (absolute)" : "mouse (report descriptor)",
         layout.report_len, info.in.addr);
    return true;
}

}  // namespace reef
