// SPDX-License-Identifier: LGPL-3.0-or-later
// The block layer's 32-bit runtime half: the call32 entry point that runs a
// request through a driver's 32-bit path (buffers above 1 MiB, and drivers
// that only exist in 32-bit code).
#include "block/block.h"
#include "block/cdemu.h"
#include "block/scsi.h"
#include "hw/ahci.h"
#include "hw/ata.h"
#include "hw/nvme.h"
#include "hw/virtio_blk.h"

namespace reef {

// u32 c32_block_io(BlockRequest* req): the request lives on the caller's
// runtime stack (a flat address in the runtime data chunk). Returns the
// INT 13h status; req->done counts the blocks moved.
namespace {
// The drivers that move sectors themselves (everything but emulation).
u32 dispatch(BlockRequest* req) {
    Drive* d = req->drive.get();
    switch (d->driver) {
    case DriverType::kAta:
        return ata_rw(*reinterpret_cast<AtaDrive*>(d), req->op, req->lba, req->count, req->buf, &req->done);
    case DriverType::kAhci:
        return ahci_rw(*reinterpret_cast<AhciDrive*>(d), req->op, req->lba, req->count, req->buf, &req->done);
    case DriverType::kVirtioBlk:
        return virtio_blk_rw(*reinterpret_cast<VirtioBlkDrive*>(d), req->op, req->lba, req->count, req->buf,
                             &req->done);
    case DriverType::kNvme:
        return nvme_rw(*reinterpret_cast<NvmeDrive*>(d), req->op, req->lba, req->count, req->buf, &req->done);
    default:
        if (scsi_driver(d->driver)) return scsi_rw(*d, req->op, req->lba, req->count, req->buf, &req->done);
        return disk_status::kBadCommand;
    }
}
}  // namespace

extern "C" u32 c32_block_io(BlockRequest* req) {
    Drive* d = req->drive.get();
    if (d->driver == DriverType::kCdEmu)
        return cdemu_rw(*reinterpret_cast<CdEmuDrive*>(d), req->op, req->lba, req->count, req->buf, &req->done);
    return dispatch(req);
}
CALL32_ENTRY(c32_block_io);

// u32 c32_block_media(Drive* d): removable media, asked again (SCSI
// transports; other drivers have nothing to ask). An INT 13h status.
extern "C" u32 c32_block_media(Drive* d) {
    if (scsi_driver(d->driver)) return scsi_media_check(*d);
    return d->sectors ? disk_status::kOk : disk_status::kNoMedia;
}
CALL32_ENTRY(c32_block_media);

// El Torito emulation: 512-byte sectors on the CD's 2048-byte ones. Whole
// CD sectors go straight into the caller's buffer; a CD sector only partly
// in the request goes through the bounce buffer. Writes: the medium is
// read-only (the emulated drive says so; block_check refuses them first).
u8 cdemu_rw(CdEmuDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done) {
    *done = 0;
    if (op != BlockOp::kRead) {
        if (op == BlockOp::kVerify) *done = count;
        return op == BlockOp::kVerify ? disk_status::kOk : disk_status::kWriteProtected;
    }
    constexpr u32 kPer = kCdSectorSize / 512;
    u32 bounce = RT(g_cdboot).bounce;
    while (*done < count) {
        u64 v = lba + *done;
        u32 off = u32(v % kPer);
        u32 left = count - *done;
        BlockRequest sub{d.cd, BlockOp::kRead, d.lba + v / kPer, 0, 0, 0};
        u8 err;
        if (off == 0 && left >= kPer) {
            sub.count = left / kPer;
            sub.buf = buf + *done * 512;
            err = u8(dispatch(&sub));
            *done += sub.done * kPer;
        } else {
            if (!bounce) return disk_status::kControllerFail;
            sub.count = 1;
            sub.buf = bounce;
            err = u8(dispatch(&sub));
            if (!err) {
                u32 n = min<u32>(kPer - off, left);
                __builtin_memcpy(reinterpret_cast<void*>(uintptr_t(buf + *done * 512)),
                                 reinterpret_cast<const void*>(uintptr_t(bounce + off * 512)), n * 512);
                *done += n;
            }
        }
        if (err) return err;
    }
    return disk_status::kOk;
}

}  // namespace reef
