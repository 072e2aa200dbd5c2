// SPDX-License-Identifier: LGPL-3.0-or-later
// virtio-blk I/O path (32-bit runtime): each request one chain of three
// buffers on the shared virtqueue code (hw/virtio.h).
#include "hw/virtio_blk.h"

#include "lib/log.h"

namespace reef {

namespace {
VirtioBlkState g_vblk;
constexpr u32 kRequestTimeoutUs = 5000000;
u32 flat_of(const void* p) { return u32(reinterpret_cast<uintptr_t>(p)); }
}  // namespace

VirtioBlkState& virtio_blk_state() { return g_vblk; }

u8 virtio_blk_rw(VirtioBlkDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done) {
    *done = 0;
    if (op == BlockOp::kVerify) {  // nothing moves; the range was checked
        *done = count;
        return disk_status::kOk;
    }
    u32 per = d.max_bytes / d.drive.sector_size;
    while (*done < count) {
        u32 n = min<u32>(count - *done, per);
        u64 unit512 = (lba + *done) * (d.drive.sector_size / virtio_blk::kUnit);
        d.hdr = VirtioBlkReqHeader{op == BlockOp::kWrite ? virtio_blk::kTypeOut : virtio_blk::kTypeIn, 0, unit512};
        d.status = 0xFF;
        VirtqBuf bufs[3] = {{flat_of(&d.hdr), sizeof(d.hdr), false},
                            {buf + *done * d.drive.sector_size, n * d.drive.sector_size, op == BlockOp::kRead},
                            {flat_of(&d.status), 1, true}};
        u32 written;
        if (virtq_exec(d.q, bufs, 3, kRequestTimeoutUs, &written)) {
            dlog(1, "virtio-blk: request timed out (lba %llu, %u sectors)\n", (unsigned long long)(lba + *done), n);
            return disk_status::kTimeout;
        }
        asm volatile("" ::: "memory");
        if (d.status != virtio_blk::kStatusOk) {
            dlog(2, "virtio-blk: status %u at lba %llu\n", d.status, (unsigned long long)(lba + *done));
            return op == BlockOp::kWrite ? disk_status::kWriteFault : disk_status::kBadEcc;
        }
        *done += n;
    }
    return disk_status::kOk;
}

}  // namespace reef
