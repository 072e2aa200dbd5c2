// SPDX-License-Identifier: LGPL-3.0-or-later
// virtio-blk through the legacy (transitional) or the modern (virtio 1.0)
// PCI interface: one request
// queue, polled, three descriptors per request (header, data, status). The
// I/O path is 32-bit runtime code (block32.cc calls it through call32).
#pragma once
#include "block/block.h"
#include "hw/virtio.h"

namespace reef {

namespace virtio_blk {
// Request types and status.
constexpr u32 kTypeIn = 0, kTypeOut = 1;
constexpr u8 kStatusOk = 0;
// Feature bits.
constexpr u32 kFeatSizeMax = 1u << 1, kFeatSegMax = 1u << 2, kFeatRo = 1u << 5, kFeatBlkSize = 1u << 6;
// Device configuration, offsets. The capacity and every request's sector
// are in 512-byte units whatever the disk's logical block size (blk_size).
constexpr u16 kCfgCapacity = 0, kCfgSizeMax = 8, kCfgSegMax = 12, kCfgBlkSize = 20;
constexpr u32 kUnit = 512;
}  // namespace virtio_blk

struct VirtioBlkReqHeader {
    u32 type;
    u32 ioprio;
    u64 sector;
} PACKED;

struct VirtioBlkDrive {
    Drive drive;        // first: what the block layer sees
    VirtQueue q;        // the request queue (legacy or virtio 1.0 interface)
    u32 max_bytes;      // per request (size_max, or 64 KiB)
    VirtioBlkReqHeader hdr;
    u8 status;
};

struct VirtioBlkState {
    static constexpr int kMaxDrives = 8;
    VirtioBlkDrive drives[kMaxDrives];
    u8 ndrives;
};
VirtioBlkState& virtio_blk_state();

// 32-bit runtime: moves `count` sectors at `lba` (validated by the block
// layer) between the disk and the flat buffer; *done = sectors moved.
u8 virtio_blk_rw(VirtioBlkDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done);

// POST: finds the transitional virtio-blk functions, sets each up and
// registers its disk.
void virtio_blk_setup();

}  // namespace reef
