// SPDX-License-Identifier: LGPL-3.0-or-later
// USB Attached SCSI at run time (src/hw/usb_msd.h): one command at a time,
// always tag 1. The Command IU on the command pipe; at high speed the
// device then says READ READY / WRITE READY on the status pipe before the
// data, on SuperSpeed the data and status pipes' transfers go to stream 1
// (the tag) and need no such IU; last the Sense IU with the SCSI status.
#include "block/scsi.h"
#include "hw/usb_msd.h"
#include "hw/xhci.h"
#include "lib/log.h"

namespace reef {

namespace {
bool ok(u8 cc) { return cc == xhci::kCcSuccess || cc == xhci::kCcShortPacket; }

u8 fail(UsbDevice& dev, const char* what, u8 cc, UsbPipe p) {
    dlog(2, "usb-uas slot %u: %s failed (completion code %u)\n", dev.slot, what, cc);
    if (cc == xhci::kCcStall) usb_recover(dev, p, false);
    return cc == xhci::kCcTimeout ? disk_status::kTimeout : disk_status::kControllerFail;
}

// One IU from the status pipe.
u8 read_status(UsbDevice& dev, u32 page, u32* got) {
    return usb_transfer(dev, kPipeStatus, page + kUasStatusIu, uas::kStatusIuMax, got);
}
}  // namespace

u8 usb_uas_exec(UsbMsdDrive& d, ScsiCmd* c) {
    UsbDevice& dev = *reinterpret_cast<UsbDevice*>(uintptr_t(d.dev));
    u32 page = d.uas;
    u8* iu = reinterpret_cast<u8*>(uintptr_t(page + kUasCommandIu));
    const u8* st = reinterpret_cast<const u8*>(uintptr_t(page + kUasStatusIu));
    uas_make_command_iu(iu, uas::kTag, d.lun, c->cdb, c->cdb_len);
    u32 got;
    u8 cc = usb_transfer(dev, kPipeCmd, page + kUasCommandIu, uas::kCommandIuLen, &got);
    if (!ok(cc)) return fail(dev, "command IU", cc, kPipeCmd);
    UasStatusInfo info;
    bool streams = dev.stream[kPipeStatus] != 0;
    bool sensed = false;  // the Sense IU came already (high speed, no data phase)
    if (c->len && !streams) {
        // High speed: READ/WRITE READY before the data, unless the command
        // ended without it (a Sense IU right away).
        cc = read_status(dev, page, &got);
        if (!ok(cc)) return fail(dev, "status IU", cc, kPipeStatus);
        UasIu k = uas_parse_status(st, got, uas::kTag, &info, c->sense, sizeof(c->sense));
        sensed = k == UasIu::kSense;
        if (!sensed && k != (c->write ? UasIu::kWriteReady : UasIu::kReadReady))
            return fail(dev, "READY IU", xhci::kCcInvalid, kPipeStatus);
    }
    if (c->len && !sensed) {
        UsbPipe dp = c->write ? kPipeOut : kPipeIn;
        cc = usb_transfer(dev, dp, c->buf, c->len, &got);
        if (cc == xhci::kCcStall) usb_recover(dev, dp, false);  // the Sense IU still follows
        else if (!ok(cc)) return fail(dev, "data phase", cc, dp);
    }
    if (!sensed) {
        cc = read_status(dev, page, &got);
        if (!ok(cc)) return fail(dev, "status IU", cc, kPipeStatus);
        UasIu k = uas_parse_status(st, got, uas::kTag, &info, c->sense, sizeof(c->sense));
        if (k == UasIu::kResponse) {
            dlog(2, "usb-uas slot %u: response code %02x to a command\n", dev.slot, info.response);
            return disk_status::kControllerFail;
        }
        if (k != UasIu::kSense) return fail(dev, "sense IU", xhci::kCcInvalid, kPipeStatus);
    }
    c->status = info.status;
    c->sense_len = info.status == scsi::kStatusCheckCondition ? info.sense_len : 0;
    return disk_status::kOk;
}

}  // namespace reef
