// SPDX-License-Identifier: LGPL-3.0-or-later
// The block layer's 32-bit runtime half: the call32 entry point that runs a
// request through a driver's 32-bit path (buffers above 1 MiB, and drivers
// that only exist in 32-bit code).
#include "block/block.h"
#include "block/scsi.h"
#include "hw/ahci.h"
#include "hw/ata.h"
#include "hw/nvme.h"
#include "hw/virtio_blk.h"

namespace reef {

// u32 c32_block_io(BlockRequest* req): the request lives on the caller's
// runtime stack (a flat address in the runtime data chunk). Returns the
// INT 13h status; req->done counts the blocks moved.
extern "C" u32 c32_block_io(BlockRequest* req) {
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
CALL32_ENTRY(c32_block_io);

}  // namespace reef
