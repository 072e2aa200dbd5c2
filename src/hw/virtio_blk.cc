// SPDX-License-Identifier: LGPL-3.0-or-later
// virtio-blk I/O path (32-bit runtime). Polls the used ring against a PIT
// timeout; reading the ISR afterwards drops the device's INTx line.
#include "hw/virtio_blk.h"

#include "hw/timer.h"
#include "hw/virtio.h"
#include "lib/log.h"

namespace reef {

namespace {
VirtioBlkState g_vblk;
constexpr u32 kRequestTimeoutUs = 5000000;
template <class T> T* flat(u32 a) { return reinterpret_cast<T*>(uintptr_t(a)); }
u32 flat_of(const void* p) { return u32(reinterpret_cast<uintptr_t>(p)); }
}  // namespace

VirtioBlkState& virtio_blk_state() { return g_vblk; }

u8 virtio_blk_rw(VirtioBlkDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done) {
    using namespace virtio;
    *done = 0;
    if (op == BlockOp::kVerify) {  // nothing moves; the range was checked
        *done = count;
        return disk_status::kOk;
    }
    Desc* desc = flat<Desc>(d.ring);
    Avail* avail = flat<Avail>(d.ring + avail_offset(d.qsize));
    volatile Used* used = flat<volatile Used>(d.ring + used_offset(d.qsize));
    u32 per = d.max_bytes / d.drive.sector_size;
    while (*done < count) {
        u32 n = min<u32>(count - *done, per);
        d.hdr = VirtioBlkReqHeader{op == BlockOp::kWrite ? virtio_blk::kTypeOut : virtio_blk::kTypeIn, 0, lba + *done};
        d.status = 0xFF;
        desc[0] = Desc{flat_of(&d.hdr), sizeof(d.hdr), kDescNext, 1};
        desc[1] = Desc{buf + *done * d.drive.sector_size, n * d.drive.sector_size,
                       u16(kDescNext | (op == BlockOp::kRead ? kDescWrite : 0)), 2};
        desc[2] = Desc{flat_of(&d.status), 1, kDescWrite, 0};
        avail->ring[avail->idx % d.qsize] = 0;
        asm volatile("" ::: "memory");
        avail->idx = u16(avail->idx + 1);
        asm volatile("mfence" ::: "memory");
        if (d.modern)
            mmio_write<u16>(d.notify, 0);
        else
            RegQueueNotify::write(d.iobase, 0);
        PitStopwatch sw;
        u32 limit = pit_ticks_from_us(kRequestTimeoutUs);
        while (used->idx == d.last_used) {
            if (sw.poll() > limit) {
                dlog(1, "virtio-blk %x: request timed out (lba %llu, %u sectors)\n", d.iobase,
                     (unsigned long long)(lba + *done), n);
                return disk_status::kTimeout;
            }
            asm volatile("pause" ::: "memory");
        }
        d.last_used = u16(d.last_used + 1);
        if (d.modern)
            mmio_read<u8>(d.isr);
        else
            RegIsr::read(d.iobase);
        asm volatile("" ::: "memory");
        if (d.status != virtio_blk::kStatusOk) {
            dlog(2, "virtio-blk %x: status %u at lba %llu\n", d.iobase, d.status, (unsigned long long)(lba + *done));
            return op == BlockOp::kWrite ? disk_status::kWriteFault : disk_status::kBadEcc;
        }
        *done += n;
    }
    return disk_status::kOk;
}

}  // namespace reef
