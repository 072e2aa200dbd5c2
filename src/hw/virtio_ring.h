// SPDX-License-Identifier: LGPL-3.0-or-later
// The split virtqueue (virtio 1.0 section 2.4) as the drivers use it: one
// request at a time, its buffers one descriptor chain from descriptor 0.
// Pure logic on the ring's memory, shared by virtio-blk, virtio-scsi and the
// host unit tests (tests/unit/test_virtio_ring.cc).
#pragma once
#include "lib/types.h"

namespace reef {

namespace virtio {
// The ring's three parts (legacy layout: descriptors, the available ring,
// then the used ring at the next 4 KiB boundary; the modern interface is
// given the same addresses).
struct Desc {
    u64 addr;
    u32 len;
    u16 flags;
    u16 next;
} PACKED;
constexpr u16 kDescNext = 1, kDescWrite = 2;
struct Avail {
    u16 flags;
    u16 idx;
    u16 ring[];
} PACKED;
struct UsedElem {
    u32 id;
    u32 len;
} PACKED;
struct Used {
    u16 flags;
    u16 idx;
    UsedElem ring[];
} PACKED;
constexpr u16 kAvailNoInterrupt = 1;
constexpr u32 kLegacyAlign = 4096;

constexpr u32 avail_offset(u16 qsize) { return 16u * qsize; }
constexpr u32 used_offset(u16 qsize) { return (avail_offset(qsize) + 6u + 2u * qsize + kLegacyAlign - 1) & ~(kLegacyAlign - 1); }
constexpr u32 ring_bytes(u16 qsize) { return used_offset(qsize) + ((6u + 8u * qsize + kLegacyAlign - 1) & ~(kLegacyAlign - 1)); }
static_assert(used_offset(256) == 8192 && ring_bytes(256) == 12288);
}  // namespace virtio

// One buffer of a request: what the device reads (driver to device) or
// writes (device_writes).
struct VirtqBuf {
    u64 addr;
    u32 len;
    bool device_writes;
};

// Readies a ring of `qsize` entries at `ring` (ring_bytes(qsize) bytes):
// empty avail and used rings, and the device asked not to interrupt (the
// drivers poll).
void virtq_init(void* ring, u16 qsize);

// Writes `n` buffers (1..qsize; the device-read ones first, as the spec
// requires) as one chain from descriptor 0 and makes it available: the
// avail ring entry, then (after a compiler barrier) the new avail index.
// False, with nothing published, when n is 0 or more than the queue holds.
bool virtq_publish(void* ring, u16 qsize, const VirtqBuf* bufs, u16 n);

// Has the device returned a chain since *last_used? Then *last_used moves
// on, *len is the bytes it wrote, and true.
bool virtq_take_used(const void* ring, u16 qsize, u16* last_used, u32* len);

}  // namespace reef
