// SPDX-License-Identifier: LGPL-3.0-or-later
// The checks every disk request passes before a driver sees it (pure logic,
// built for 16-bit runtime code and for the host tests and fuzzers): INT 13h
// device address packets (EDD 3.0 / EDD-4), CHS addresses, and the bounds of
// a transfer against the drive and against the memory the BIOS must keep.
#pragma once
#include "block/drive.h"

namespace reef {

enum class BlockOp : u8 { kRead = 0, kWrite = 1, kVerify = 2 };

// The largest block count of the classic DAP (EDD-4 table 9); the FFh form
// (count at 18h, 64-bit buffer at 10h) has no such limit.
constexpr u32 kDapMaxCount = 0x7F;

struct DapRequest {
    u64 lba;
    u32 count;        // blocks
    u32 buf;          // flat address of the buffer
    u8 count_off;     // where the transferred count is written back: 2 or 18h
    u8 count_size;    // 2 or 4 bytes
    bool flat;        // the buffer came as a 64-bit flat address
};

// Decodes the `len` bytes of a DAP (the caller copies up to kDapMaxSize).
// Returns disk_status::kOk, or kBadCommand for a packet the spec rejects:
// size < 10h, a count above 7Fh other than the FFh form, a flat buffer the
// packet is too short for, or one at or above 4 GiB. On kBadCommand,
// out->count_off/count_size still say where the count lives (to zero it).
constexpr u32 kDapMaxSize = 0x20;
u8 dap_decode(const u8* dap, u32 len, DapRequest* out);

struct ChsRequest {
    u64 lba;
    u32 count;
};
// INT 13h AH=02h-04h: CX = cylinder (10 bits) and sector (6 bits, from 1),
// DH = head, AL = count (1-128). kBadCommand if anything lies outside `g`.
u8 chs_decode(const Chs& g, u16 cx, u8 dh, u8 al, ChsRequest* out);
// The address alone (AH=05h, 0Ch): sector 1 of the given cylinder/head.
bool chs_address_valid(const Chs& g, u16 cx, u8 dh);

// Memory a disk read must never land in: the IVT and BDA, and everything
// from the EBDA to 1 MiB (EBDA, video memory, option ROMs, the BIOS and its
// runtime data).
struct MemGuard {
    static constexpr u32 kLowEnd = 0x500;
    static constexpr u32 kBiosEnd = 0x100000;
    u32 ebda_base;
};

// The transfer as a whole: blocks within the drive, writes to writable
// media, the buffer below 4 GiB and (reads) clear of `guard`. Returns
// disk_status::kOk or the INT 13h error: kSectorNotFound (past the end),
// kWriteProtected, kBadCommand (buffer). count 0 is always fine.
u8 block_check(const Drive& d, BlockOp op, u64 lba, u32 count, u32 buf, const MemGuard& guard);

}  // namespace reef
