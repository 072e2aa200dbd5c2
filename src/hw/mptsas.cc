// SPDX-License-Identifier: LGPL-3.0-or-later
// LSI SAS1068: the SCSI transport (32-bit runtime; src/hw/mptsas.h). One
// request at a time: its frame's address goes to the request FIFO, and the
// reply FIFO is polled until our context comes back (success) or a reply
// frame that carries it (anything else; the frame goes back to the reply
// free FIFO once read).
#include "hw/mptsas.h"

#include "block/scsi.h"
#include "fw/pci_alloc.h"
#include "hw/scsi_hba.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace mpt;

constexpr u32 kIoTimeoutUs = 5000000;
constexpr u32 kContextMask = 0x7FFFFFFF;  // bit 31 marks address replies

bool own_frame(const MptCtrl& a, u32 frame) {
    return frame >= a.replies && frame < a.replies + kReplyFrames * kReplyFrameSize &&
           !((frame - a.replies) % kReplyFrameSize);
}

}  // namespace

u8 mptsas_exec(HbaDrive& d, ScsiCmd* c) {
    MptCtrl& a = *hba_ptr<MptCtrl>(d.ctrl);
    if (a.broken) return disk_status::kControllerFail;
    HbaRegs r{a.regs, false};
    a.context = (a.context + 1) & kContextMask;
    if (!a.context) a.context = 1;
    u32 context = a.context;
    if (!mpt_build_scsi_io(hba_ptr<MptScsiIoRequest>(a.request), *c, context, u8(d.target), d.lun, a.sense))
        return disk_status::kBadCommand;
    barrier();
    r.write(kRegRequestFifo, a.request);
    u32 word = kReplyEmpty;
    MptScsiIoReply reply{};
    bool done = hba_wait(kIoTimeoutUs, [&] {
        word = r.read(kRegReplyFifo);
        if (word == kReplyEmpty) return false;
        if (!mpt_reply_is_address(word)) return word == context;
        u32 frame = mpt_reply_frame(word);
        if (!own_frame(a, frame)) return false;
        barrier();
        reply = *hba_ptr<MptScsiIoReply>(frame);
        r.write(kRegReplyFifo, frame);  // back to the free FIFO
        return reply.msg_context == context;
    });
    if (!done) {
        a.broken = true;
        dlog(1, "mptsas %02x:%02x.%x: command %02x to target %u timed out; adapter abandoned\n", pci_bus(a.bdf),
             pci_dev(a.bdf), pci_fn(a.bdf), c->cdb[0], d.target);
        return disk_status::kTimeout;
    }
    if (!mpt_reply_is_address(word)) {
        c->status = scsi::kStatusGood;
        return disk_status::kOk;
    }
    return mpt_scsi_io_result(reply, hba_ptr<u8>(a.sense), c);
}

}  // namespace reef
