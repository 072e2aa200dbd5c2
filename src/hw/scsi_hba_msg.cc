// SPDX-License-Identifier: LGPL-3.0-or-later
// The SCSI host adapters' messages (pure logic, also built for the host
// unit tests): pvscsi ring descriptors, MPI SCSI IO requests and replies,
// MFI frames, and what their completions mean for a ScsiCmd.
#include "block/scsi.h"
#include "hw/megasas.h"
#include "hw/mptsas.h"
#include "hw/pvscsi.h"

namespace reef {
namespace {

void copy_sense(ScsiCmd* c, const u8* sense, u32 len) {
    u32 n = min<u32>(len, scsi::kSenseLen);
    __builtin_memcpy(c->sense, sense, n);
    c->sense_len = u8(n);
}

// A CHECK CONDITION keeps whatever autosense came with it.
void set_status(ScsiCmd* c, u8 status, const u8* sense, u32 sense_len) {
    c->status = status;
    if (status == scsi::kStatusCheckCondition && sense_len) copy_sense(c, sense, sense_len);
}

}  // namespace

// ---- pvscsi -------------------------------------------------------------

PvscsiSetupRings pvscsi_setup_rings(u32 state, u32 req_ring, u32 cmp_ring) {
    PvscsiSetupRings s{};
    s.req_pages = 1;
    s.cmp_pages = 1;
    s.rings_state_ppn = state >> pvscsi::kPageShift;
    s.req_ppns[0] = req_ring >> pvscsi::kPageShift;
    s.cmp_ppns[0] = cmp_ring >> pvscsi::kPageShift;
    return s;
}

void pvscsi_build_request(PvscsiReqDesc* r, const ScsiCmd& c, u64 context, u8 target, u8 lun, u32 sense_addr) {
    *r = PvscsiReqDesc{};
    r->context = context;
    r->data_addr = c.len ? c.buf : 0;
    r->data_len = c.len;
    r->sense_addr = sense_addr;
    r->sense_len = scsi::kSenseLen;
    r->flags = !c.len ? pvscsi::kFlagDirNone : c.write ? pvscsi::kFlagDirToDevice : pvscsi::kFlagDirToHost;
    __builtin_memcpy(r->cdb, c.cdb, sizeof(r->cdb));
    r->cdb_len = c.cdb_len;
    r->lun[1] = lun;
    r->tag = pvscsi::kSimpleQueueTag;
    r->bus = 0;
    r->target = target;
}

u8 pvscsi_complete(const PvscsiCmpDesc& cmp, const u8* sense, ScsiCmd* c) {
    switch (cmp.host_status) {
    case pvscsi::kBtSuccess:
    case pvscsi::kBtDataUnderrun:
    case pvscsi::kBtDataRun:  // a short transfer: the data that came is valid
        set_status(c, u8(cmp.scsi_status), sense, cmp.sense_len);
        return disk_status::kOk;
    case pvscsi::kBtSelectionTimeout: return disk_status::kTimeout;
    default: return disk_status::kControllerFail;
    }
}

// ---- MPI (LSI SAS1068) --------------------------------------------------

MptIocInit mpt_ioc_init(u8 max_devices, u16 reply_frame_size) {
    MptIocInit m{};
    m.who_init = mpt::kWhoInitHostBios;
    m.function = mpt::kFnIocInit;
    m.max_devices = max_devices;
    m.max_buses = 1;
    m.reply_frame_size = reply_frame_size;
    return m;  // frames and sense buffers below 4 GiB: the high address words stay 0
}

bool mpt_build_scsi_io(MptScsiIoRequest* m, const ScsiCmd& c, u32 context, u8 target, u8 lun, u32 sense_addr) {
    if (c.len > mpt::kSgeLengthMask) return false;
    *m = MptScsiIoRequest{};
    m->target = target;
    m->bus = 0;
    m->function = mpt::kFnScsiIo;
    m->cdb_len = c.cdb_len;
    m->sense_len = u8(scsi::kSenseLen);
    m->msg_context = context;
    m->lun[1] = lun;
    m->control = !c.len ? mpt::kControlNoData : c.write ? mpt::kControlWrite : mpt::kControlRead;
    __builtin_memcpy(m->cdb, c.cdb, sizeof(m->cdb));
    m->data_len = c.len;
    m->sense_addr = sense_addr;
    m->sge_flags_length = mpt::kSgeLast | mpt::kSgeEndOfBuffer | mpt::kSgeSimple | mpt::kSgeEndOfList |
                          (c.write ? mpt::kSgeHostToIoc : 0) | c.len;
    m->sge_addr = c.len ? c.buf : 0;
    return true;
}

u8 mpt_scsi_io_result(const MptScsiIoReply& r, const u8* sense, ScsiCmd* c) {
    u16 ioc = r.ioc_status & mpt::kIocStatusMask;
    if (ioc == mpt::kIocInvalidBus || ioc == mpt::kIocInvalidTarget || ioc == mpt::kIocDeviceNotThere)
        return disk_status::kTimeout;
    if (r.scsi_state & mpt::kScsiStateNoStatus) return disk_status::kControllerFail;
    // With a SCSI status, an underrun is only a short transfer.
    if (ioc != mpt::kIocSuccess && ioc != mpt::kIocDataUnderrun) return disk_status::kControllerFail;
    u32 sense_len = r.scsi_state & mpt::kScsiStateAutosenseValid ? r.sense_count : 0;
    set_status(c, r.scsi_status, sense, sense_len);
    return disk_status::kOk;
}

// ---- MFI (MegaRAID SAS) -------------------------------------------------

void mfi_build_pass(MfiPassFrame* f, const ScsiCmd& c, u32 context, u8 target, u8 lun, u32 sense_addr, u32 scratch) {
    *f = MfiPassFrame{};
    f->h.cmd = mfi::kCmdLdScsiIo;
    f->h.sense_len = u8(scsi::kSenseLen);
    f->h.cmd_status = mfi::kStatPending;
    f->h.target = target;
    f->h.lun = lun;
    f->h.cdb_len = c.cdb_len;
    f->h.sge_count = 1;
    f->h.context = context;
    f->h.flags = !c.len ? 0 : c.write ? mfi::kFlagDirWrite : mfi::kFlagDirRead;
    f->h.data_len = c.len;
    f->sense_lo = sense_addr;
    __builtin_memcpy(f->cdb, c.cdb, sizeof(f->cdb));
    f->sge = c.len ? MfiSge32{c.buf, c.len} : MfiSge32{scratch, 4};
}

void mfi_build_dcmd(MfiDcmdFrame* f, u32 opcode, u32 context, u32 buf, u32 len) {
    *f = MfiDcmdFrame{};
    f->h.cmd = mfi::kCmdDcmd;
    f->h.cmd_status = mfi::kStatPending;
    f->h.sge_count = 1;
    f->h.context = context;
    f->h.flags = mfi::kFlagDirRead;
    f->h.data_len = len;
    f->opcode = opcode;
    f->sge = MfiSge32{buf, len};
}

void mfi_build_init(MfiInitFrame* f, MfiInitQinfo* q, u32 qinfo, u32 context, u32 reply_queue, u32 entries,
                    u32 producer, u32 consumer) {
    *q = MfiInitQinfo{};
    q->rq_entries = entries;
    q->rq_lo = reply_queue;
    q->pi_lo = producer;
    q->ci_lo = consumer;
    *f = MfiInitFrame{};
    f->h.cmd = mfi::kCmdInit;
    f->h.cmd_status = mfi::kStatPending;
    f->h.context = context;
    f->h.data_len = sizeof(MfiInitQinfo);
    f->qinfo_new_lo = qinfo;
}

u8 mfi_pass_result(const MfiHeader& h, const u8* sense, ScsiCmd* c) {
    switch (h.cmd_status) {
    case mfi::kStatOk:
        c->status = scsi::kStatusGood;
        return disk_status::kOk;
    case mfi::kStatScsiDoneWithError:
        set_status(c, h.scsi_status, sense, h.sense_len);
        return disk_status::kOk;
    case mfi::kStatDeviceNotFound: return disk_status::kTimeout;
    default: return disk_status::kControllerFail;
    }
}

}  // namespace reef
