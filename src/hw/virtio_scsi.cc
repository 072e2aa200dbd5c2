// SPDX-License-Identifier: LGPL-3.0-or-later
// virtio-scsi I/O (32-bit runtime): one command as one chain: the request
// header, the response (autosense included), the data.
#include "hw/virtio_scsi.h"

#include "block/scsi.h"
#include "lib/log.h"

namespace reef {

namespace {
constexpr u32 kCommandTimeoutUs = 5000000;
u32 flat_of(const void* p) { return u32(reinterpret_cast<uintptr_t>(p)); }
}  // namespace

u8 virtio_scsi_exec(HbaDrive& d, ScsiCmd* c) {
    using namespace virtio_scsi;
    VirtioScsiHba& h = *hba_ptr<VirtioScsiHba>(d.ctrl);
    // The header: LUN, then the CDB (zero past its length); id, task
    // attribute, priority and CRN stay 0 from set-up.
    u8 lun[8] = {kLunFirstByte, u8(d.target), u8(kLunFlatSpace | (d.lun >> 8)), u8(d.lun), 0, 0, 0, 0};
    __builtin_memcpy(h.req.lun, lun, sizeof(lun));
    static_assert(sizeof(c->cdb) <= kCdbSize);
    __builtin_memcpy(h.req.cdb, c->cdb, sizeof(c->cdb));
    h.resp.response = 0xFF;
    h.resp.sense_len = 0;
    // Device-read buffers first: the header (and data going out), then the
    // response (and data coming in).
    VirtqBuf bufs[3];
    u16 n = 0;
    bufs[n++] = {flat_of(&h.req), sizeof(h.req), false};
    if (c->len && c->write) bufs[n++] = {c->buf, c->len, false};
    bufs[n++] = {flat_of(&h.resp), sizeof(h.resp), true};
    if (c->len && !c->write) bufs[n++] = {c->buf, c->len, true};
    u32 written;
    if (virtq_exec(h.q, bufs, n, kCommandTimeoutUs, &written)) {
        dlog(1, "virtio-scsi %u:%u: command %02x timed out\n", d.target, d.lun, c->cdb[0]);
        return disk_status::kTimeout;
    }
    asm volatile("" ::: "memory");
    switch (h.resp.response) {
    case kRespOk: break;
    case kRespBadTarget:
    case kRespIncorrectLun: return disk_status::kTimeout;  // nothing there: a selection timeout
    default:
        dlog(2, "virtio-scsi %u:%u: command %02x: response %u\n", d.target, d.lun, c->cdb[0], h.resp.response);
        return disk_status::kControllerFail;
    }
    c->status = h.resp.status;
    if (h.resp.sense_len) {
        u32 n_sense = min<u32>(min<u32>(h.resp.sense_len, kSenseSize), sizeof(c->sense));
        __builtin_memcpy(c->sense, h.resp.sense, n_sense);
        c->sense_len = u8(n_sense);
    }
    return disk_status::kOk;
}

}  // namespace reef
