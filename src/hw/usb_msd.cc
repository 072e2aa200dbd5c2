// SPDX-License-Identifier: LGPL-3.0-or-later
// Bulk-Only Transport at run time (src/hw/usb_msd.h): one SCSI command as
// CBW, data and CSW; stalls cleared as BOT 6.7 says, anything worse ends
// in a reset recovery (BOT 5.3.4).
#include "hw/usb_msd.h"

#include "block/scsi.h"
#include "hw/xhci.h"
#include "lib/log.h"

namespace reef {

namespace {
UsbState g_usb;
u32 flat(const void* p) { return u32(reinterpret_cast<uintptr_t>(p)); }
bool ok(u8 cc) { return cc == xhci::kCcSuccess || cc == xhci::kCcShortPacket; }

void reset_recovery(UsbDevice& dev) {
    UsbSetup s{usb::kDirOut | usb::kTypeClass | usb::kRecipInterface, usb::kReqBotReset, 0, dev.iface, 0};
    usb_control(dev, s, 0);
    usb_recover(dev, kPipeIn, false);
    usb_recover(dev, kPipeOut, false);
}

u8 fail(UsbDevice& dev, const char* what, u8 cc) {
    dlog(2, "usb-storage slot %u: %s failed (completion code %u); reset recovery\n", dev.slot, what, cc);
    if (cc != xhci::kCcTimeout) reset_recovery(dev);
    return cc == xhci::kCcTimeout ? disk_status::kTimeout : disk_status::kControllerFail;
}
}  // namespace

UsbState& usb_state() { return g_usb; }

u8 usb_msd_exec(UsbMsdDrive& d, ScsiCmd* c) {
    if (d.uas) return usb_uas_exec(d, c);
    UsbDevice& dev = *reinterpret_cast<UsbDevice*>(uintptr_t(d.dev));
    u32 tag = ++dev.tag;
    BotCbw cbw = bot_make_cbw(tag, c->len, !c->write, d.lun, c->cdb, c->cdb_len);
    u32 got;
    u8 cc = usb_transfer(dev, kPipeOut, flat(&cbw), sizeof(cbw), &got);
    if (!ok(cc)) return fail(dev, "CBW", cc);
    if (c->len) {
        cc = usb_transfer(dev, c->write ? kPipeOut : kPipeIn, c->buf, c->len, &got);
        // A stalled data phase: clear it, the CSW follows (BOT 6.7.2, 6.7.3).
        if (cc == xhci::kCcStall) usb_recover(dev, c->write ? kPipeOut : kPipeIn, false);
        else if (!ok(cc)) return fail(dev, "data phase", cc);
    }
    u8 csw[bot::kCswLen + 3];
    cc = usb_transfer(dev, kPipeIn, flat(csw), bot::kCswLen, &got);
    if (cc == xhci::kCcStall) {  // once more after clearing the halt (BOT 5.3.3)
        usb_recover(dev, kPipeIn, false);
        cc = usb_transfer(dev, kPipeIn, flat(csw), bot::kCswLen, &got);
    }
    if (!ok(cc)) return fail(dev, "CSW", cc);
    switch (bot_check_csw(csw, got, tag)) {
    case BotResult::kPassed: c->status = scsi::kStatusGood; return disk_status::kOk;
    case BotResult::kFailed: c->status = scsi::kStatusCheckCondition; return disk_status::kOk;  // the layer asks for sense
    default: return fail(dev, "CSW check", xhci::kCcInvalid);
    }
}

}  // namespace reef
