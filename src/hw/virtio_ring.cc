// SPDX-License-Identifier: LGPL-3.0-or-later
// The split virtqueue's driver side, one request at a time (virtio_ring.h).
#include "hw/virtio_ring.h"

namespace reef {
namespace {
using namespace virtio;
inline void compiler_barrier() { asm volatile("" ::: "memory"); }
}  // namespace

void virtq_init(void* ring, u16 qsize) {
    // Only what the device reads before the driver writes it: the avail
    // ring's header and entries, the used ring's header. (Descriptors are
    // written with each request; a whole legacy ring is 12 KiB.)
    u8* base = static_cast<u8*>(ring);
    __builtin_memset(base + avail_offset(qsize), 0, 6u + 2u * qsize);
    __builtin_memset(base + used_offset(qsize), 0, 4);
    reinterpret_cast<Avail*>(base + avail_offset(qsize))->flags = kAvailNoInterrupt;
}

bool virtq_publish(void* ring, u16 qsize, const VirtqBuf* bufs, u16 n) {
    if (n == 0 || n > qsize) return false;
    u8* base = static_cast<u8*>(ring);
    volatile Desc* desc = reinterpret_cast<volatile Desc*>(base);
    volatile Avail* avail = reinterpret_cast<volatile Avail*>(base + avail_offset(qsize));
    for (u16 i = 0; i < n; i++) {
        bool last = i + 1 == n;
        desc[i].addr = bufs[i].addr;
        desc[i].len = bufs[i].len;
        desc[i].flags = u16((last ? 0 : kDescNext) | (bufs[i].device_writes ? kDescWrite : 0));
        desc[i].next = u16(last ? 0 : i + 1);
    }
    u16 idx = avail->idx;
    avail->ring[idx % qsize] = 0;  // the chain's head
    compiler_barrier();
    avail->idx = u16(idx + 1);
    compiler_barrier();
    return true;
}

bool virtq_take_used(const void* ring, u16 qsize, u16* last_used, u32* len) {
    const volatile Used* used = reinterpret_cast<const volatile Used*>(static_cast<const u8*>(ring) + used_offset(qsize));
    if (used->idx == *last_used) return false;
    compiler_barrier();
    *len = used->ring[*last_used % qsize].len;
    *last_used = u16(*last_used + 1);
    return true;
}

}  // namespace reef
