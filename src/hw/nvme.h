// SPDX-License-Identifier: LGPL-3.0-or-later
// NVMe (NVM Express 1.4) through PCI class 01h/08h/02h: the admin queue
// pair, one polled I/O queue pair per controller, a drive per active
// namespace. The I/O path is 32-bit runtime code (block32.cc calls it
// through call32); the set-up is POST code (nvme_setup.cc).
#pragma once
#include "block/block.h"
#include "hw/nvme_prp.h"

namespace reef {

namespace nvme {
// Controller registers (offsets into BAR0).
constexpr u32 kRegCap = 0x00, kRegVs = 0x08, kRegIntms = 0x0C, kRegCc = 0x14, kRegCsts = 0x1C, kRegAqa = 0x24,
              kRegAsq = 0x28, kRegAcq = 0x30, kRegDoorbells = 0x1000;
constexpr u32 kCcEn = 1u << 0, kCcIosqes = 6u << 16, kCcIocqes = 4u << 20;
constexpr u32 kCstsRdy = 1u << 0, kCstsCfs = 1u << 1;
// Opcodes: admin, then NVM.
constexpr u8 kAdmCreateSq = 0x01, kAdmCreateCq = 0x05, kAdmIdentify = 0x06;
constexpr u8 kCmdWrite = 0x01, kCmdRead = 0x02;
// Identify CNS values.
constexpr u32 kCnsNamespace = 0, kCnsController = 1, kCnsActiveList = 2;
// Identify data offsets.
constexpr u32 kIdCtrlMdts = 77, kIdCtrlNn = 516;
constexpr u32 kIdNsNsze = 0, kIdNsNlbaf = 25, kIdNsFlbas = 26, kIdNsLbaf = 128;
// Status returned by nvme_command() when no completion arrived.
constexpr u16 kStatusTimeout = 0xFFFF;
}  // namespace nvme

// A submission queue entry (64 bytes) and a completion queue entry (16).
struct NvmeSqe {
    u32 cdw0;  // opcode, fuse, PSDT, command id (bits 31:16)
    u32 nsid;
    u32 rsvd[2];
    u64 mptr;
    u64 prp1, prp2;
    u32 cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
} PACKED;
static_assert(sizeof(NvmeSqe) == 64);

struct NvmeCqe {
    u32 result;
    u32 rsvd;
    u16 sq_head, sq_id;
    u16 cid;
    u16 status;  // bit 0: phase tag, bits 15:1: status field
} PACKED;
static_assert(sizeof(NvmeCqe) == 16);

// One submission/completion queue pair (flat addresses, 4 KiB aligned).
struct NvmeQueue {
    u32 sq, cq;
    u32 sq_doorbell, cq_doorbell;  // flat addresses
    u16 size;                      // entries, both queues
    u16 sq_tail, cq_head;
    u8 phase;                      // the phase tag a new completion carries
};

struct NvmeCtrl {
    u32 bar;          // BAR0 (flat, below 4 GiB)
    u16 bdf;
    u16 cid;          // last command id
    u32 max_bytes;    // per command: MDTS, at most one PRP list page's worth
    u32 prp_list;     // one page of PRP entries (also the identify buffer at POST)
    bool broken;      // a command timed out: the queues can no longer be trusted
    NvmeQueue admin, io;
};

struct NvmeDrive {
    Drive drive;      // first: what the block layer sees
    u8 ctrl;          // index into NvmeState::ctrls
    u32 nsid;
};

struct NvmeState {
    static constexpr int kMaxCtrls = 4, kMaxDrives = 8;
    NvmeCtrl ctrls[kMaxCtrls];
    NvmeDrive drives[kMaxDrives];
    u8 nctrls, ndrives;
};
NvmeState& nvme_state();


// 32-bit: submits `cmd` on `q` (its command id is assigned) and polls for
// its completion; returns the status field (0: success) or kStatusTimeout.
u16 nvme_command(NvmeCtrl& c, NvmeQueue& q, NvmeSqe cmd, u32 timeout_us, u32* result = nullptr);

// 32-bit runtime: moves `count` sectors at `lba` (validated by the block
// layer) between the namespace and the flat buffer; *done = sectors moved.
u8 nvme_rw(NvmeDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done);

// POST: finds the NVMe controllers, sets each up and registers a drive per
// active namespace.
void nvme_setup();

}  // namespace reef
