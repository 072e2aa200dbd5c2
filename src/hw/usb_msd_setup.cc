// SPDX-License-Identifier: LGPL-3.0-or-later
// USB mass storage at POST (src/hw/usb_msd.h): the bulk pipes, GET MAX
// LUN (BOT) or the four UAS pipes, each logical unit through the SCSI
// layer's probe.
#include "block/scsi.h"
#include "hw/scsi_hba.h"
#include "hw/usb_enum.h"
#include "hw/usb_msd.h"
#include "hw/xhci.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {

namespace {

// Each LUN 0..max_lun through the SCSI layer's probe, named by QEMU's port
// path: "usb-storage <port>:<lun>" on a root port, "usb-storage@<root>.<hub
// port>... <port>:<lun>" behind hubs (usb-uas: "usb-uas ...").
bool register_luns(UsbDevice& dev, u8 max_lun, u32 uas_page) {
    const char* kind = uas_page ? "usb-uas" : "usb-storage";
    char name[32];
    u32 len = u32(snformat(name, sizeof(name), dev.depth ? "%s@%u" : "%s", kind, dev.path_port));
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
            dlog(1, "%s port %u: no room for more USB drives (%d); skipped\n", kind, dev.port, UsbState::kMaxDrives);
            break;
        }
        UsbMsdDrive& d = st.drives[st.ndrives];
        d = UsbMsdDrive{};
        d.drive.driver = DriverType::kUsbMsd;
        d.dev = u32(reinterpret_cast<uintptr_t>(&dev));
        d.lun = lun;
        d.uas = uas_page;
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

bool bulk_pipe(const UsbEndpointInfo& e, bool in) {
    return e.addr && e.type == usb::kEpBulk && bool(e.addr & usb::kEpDirIn) == in;
}

}  // namespace

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
    return register_luns(dev, max_lun, 0);
}

bool usb_uas_attach(UsbDevice& dev, const UsbInterfaceInfo& info) {
    if (dev.kind != UsbHcKind::kXhci && dev.kind != UsbHcKind::kEhci) {
        dlog(1, "usb-uas port %u: UAS is driven on xHCI and EHCI only; skipped\n", dev.port);
        return false;
    }
    if (!bulk_pipe(info.cmd, false) || !bulk_pipe(info.status, true) || !bulk_pipe(info.in, true) ||
        !bulk_pipe(info.out, false)) {
        dlog(1, "usb-uas port %u: the four bulk pipes are not all described; skipped\n", dev.port);
        return false;
    }
    u32 page = hba_dma_alloc(kUsbDevPage, "usb-uas");
    if (!page) return false;
    dev.ring[kPipeStatus] = XhciRing{page + kUasRingStatus, xhci::kXferRingTrbs, 0, 1};
    dev.ring[kPipeCmd] = XhciRing{page + kUasRingCmd, xhci::kXferRingTrbs, 0, 1};
    dev.qh[kPipeStatus] = page + kUasQhStatus;
    dev.qh[kPipeCmd] = page + kUasQhCmd;
    // SuperSpeed: the status and data pipes are streamed (UAS 4.5); every
    // command uses the same tag, so only that stream has a ring.
    bool streams = dev.kind == UsbHcKind::kXhci && dev.speed == UsbSpeed::kSuper;
    if (streams && !(info.status.max_streams && info.in.max_streams && info.out.max_streams)) {
        dlog(1, "usb-uas port %u: SuperSpeed pipes without streams; skipped\n", dev.port);
        return false;
    }
    if (streams)
        for (int p = kPipeIn; p <= kPipeStatus; p++) {
            dev.stream[p] = u8(uas::kTag);
            dev.stream_array[p] = page + kUasStreamArrays + u32(p - kPipeIn) * xhci::kStreamArrayEntries * sizeof(XhciStreamCtx);
        }
    if (!usb_configure(dev, info)) return false;
    if (info.alt) {  // the UAS alternate setting of an interface whose default is Bulk-Only
        UsbSetup s{usb::kDirOut | usb::kTypeStandard | usb::kRecipInterface, usb::kReqSetInterface, info.alt,
                   info.number, 0};
        if (usb_control(dev, s, 0) != xhci::kCcSuccess) {
            dlog(1, "usb-uas port %u: SET_INTERFACE %u failed; skipped\n", dev.port, info.alt);
            return false;
        }
    }
    dlog(2, "usb-uas port %u: %s\n", dev.port, streams ? "SuperSpeed, stream 1" : "high speed, no streams");
    return register_luns(dev, 0, page);
}

}  // namespace reef
