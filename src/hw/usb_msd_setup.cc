// SPDX-License-Identifier: LGPL-3.0-or-later
// USB mass storage at POST (src/hw/usb_msd.h): the bulk pipes, GET MAX
// LUN, each logical unit through the SCSI layer's probe.
#include "block/scsi.h"
#include "hw/usb_enum.h"
#include "hw/usb_msd.h"
#include "hw/xhci.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {

bool usb_msd_attach(UsbDevice& dev, const UsbInterfaceInfo& info) {
    if (info.in.type != usb::kEpBulk || info.out.type != usb::kEpBulk) {
        dlog(1, "usb-storage port %u: no bulk endpoint pair; skipped\n", dev.port);
        return false;
    }
    if (!usb_configure(dev, info)) return false;
    // GET MAX LUN; a device with one LUN may stall it (BOT 3.2).
    alignas(4) u8 max_lun = 0;
    UsbSetup s{usb::kDirIn | usb::kTypeClass | usb::kRecipInterface, usb::kReqBotGetMaxLun, 0, dev.iface, 1};
    if (usb_control(dev, s, u32(reinterpret_cast<uintptr_t>(&max_lun))) != xhci::kCcSuccess) max_lun = 0;
    if (max_lun > kUsbMsdMaxLun) max_lun = 0;
    // Named by QEMU's port path: "usb-storage <port>:<lun>" on a root port,
    // "usb-storage@<root>.<hub port>... <port>:<lun>" behind hubs.
    char name[32];
    u32 len = u32(snformat(name, sizeof(name), dev.depth ? "usb-storage@%u" : "usb-storage", dev.path_port));
    u8 target = dev.path_port;
    for (u8 i = 0; i < dev.depth; i++) {
        u8 p = u8((dev.route >> (4 * i)) & 0xF);
        if (i + 1 == dev.depth) target = p;
        else if (len < sizeof(name)) len += u32(snformat(name + len, sizeof(name) - len, ".%u", p));
    }
    bool any = false;
    UsbState& st = usb_state();
    for (u8 lun = 0; lun <= max_lun; lun++) {
        if (st.ndrives >= UsbState::kMaxDrives) {
            dlog(1, "usb-storage port %u: no room for more USB drives (%d); skipped\n", dev.port, UsbState::kMaxDrives);
            break;
        }
        UsbMsdDrive& d = st.drives[st.ndrives];
        d = UsbMsdDrive{};
        d.drive.driver = DriverType::kUsbMsd;
        d.dev = u32(reinterpret_cast<uintptr_t>(&dev));
        d.lun = lun;
        if (!scsi_register_lun(d.drive, dev.bdf, target, lun, name)) continue;
        // EDD 3.0 "USB" (its device path is left to be defined): the root
        // port's number as QEMU counts it; the LUN, the route string and
        // the hub depth (usb_path_device).
        __builtin_memcpy(d.drive.path.iface, "USB     ", 8);
        d.drive.path.channel = dev.path_port;
        d.drive.path.device = usb_path_device(lun, dev.route, dev.depth);
        d.drive.max_transfer = kUsbMsdMaxBytes / d.drive.sector_size;
        st.ndrives++;
        any = true;
    }
    return any;
}

}  // namespace reef
