// SPDX-License-Identifier: LGPL-3.0-or-later
// The MBR partition table (pure logic, for 16-bit runtime code, the host
// tests and the fuzzers): what INT 19h checks before it boots a hard disk.
#pragma once
#include "lib/types.h"

namespace reef {

// The partition table and boot signature: the last 66 bytes of sector 0.
constexpr u16 kMbrTableOffset = 446, kMbrTailSize = 66;

struct MbrPartition {
    u8 status;  // 00h, or 80h = active
    u8 type;    // 00h = unused
    u32 lba;
    u32 count;
};

enum class MbrStatus : u8 {
    kOk = 0,
    kNoSignature,     // no 55AAh at 510
    kBadStatus,       // a status byte other than 00h/80h
    kTwoActive,       // more than one active partition
    kZeroStart,       // a used partition starting at LBA 0 (on the MBR)
    kEmpty,           // a used partition of 0 sectors
    kPastEnd,         // a partition reaching past the end of the disk
    kOverlap,         // two partitions sharing sectors
};

struct MbrInfo {
    MbrPartition part[4];
    int count;      // used entries (type != 0)
    int active;     // index of the active entry, -1 if none
    bool gpt;       // a protective entry (EEh): the disk is GPT
    int bad_index;  // the entry a problem was found in (-1: none / the signature)
};

// Parses `tail` (kMbrTailSize bytes from kMbrTableOffset) of a disk with
// `disk_sectors` sectors. Returns the first problem found, kOk if none.
MbrStatus mbr_parse(const u8* tail, u64 disk_sectors, MbrInfo* out);
const char* mbr_status_text(MbrStatus s);

}  // namespace reef
