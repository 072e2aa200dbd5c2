// SPDX-License-Identifier: LGPL-3.0-or-later
#include "block/mbr.h"

namespace reef {

const char* mbr_status_text(MbrStatus s) {
    switch (s) {
    case MbrStatus::kOk: return "ok";
    case MbrStatus::kNoSignature: return "no boot signature";
    case MbrStatus::kBadStatus: return "bad status byte";
    case MbrStatus::kTwoActive: return "more than one active partition";
    case MbrStatus::kZeroStart: return "partition starts on the MBR";
    case MbrStatus::kEmpty: return "partition of 0 sectors";
    case MbrStatus::kPastEnd: return "partition runs past the end of the disk";
    case MbrStatus::kOverlap: return "partitions overlap";
    }
    return "?";
}

MbrStatus mbr_parse(const u8* tail, u64 disk_sectors, MbrInfo* out) {
    *out = MbrInfo{};
    out->active = -1;
    out->bad_index = -1;
    if (tail[64] != 0x55 || tail[65] != 0xAA) return MbrStatus::kNoSignature;
    for (int i = 0; i < 4; i++) {
        const u8* e = tail + 16 * i;
        MbrPartition& p = out->part[i];
        p.status = e[0];
        p.type = e[4];
        p.lba = u32(e[8]) | u32(e[9]) << 8 | u32(e[10]) << 16 | u32(e[11]) << 24;
        p.count = u32(e[12]) | u32(e[13]) << 8 | u32(e[14]) << 16 | u32(e[15]) << 24;
    }
    for (int i = 0; i < 4; i++) {
        const MbrPartition& p = out->part[i];
        out->bad_index = i;
        if (p.status != 0x00 && p.status != 0x80) return MbrStatus::kBadStatus;
        if (!p.type) continue;
        out->count++;
        if (p.type == 0xEE) {
            // A protective MBR covers the disk (or 2^32-1 sectors of it) by
            // definition; its extent says nothing more.
            out->gpt = true;
            continue;
        }
        if (p.status == 0x80) {
            if (out->active >= 0) return MbrStatus::kTwoActive;
            out->active = i;
        }
        if (!p.lba) return MbrStatus::kZeroStart;
        if (!p.count) return MbrStatus::kEmpty;
        if (u64(p.lba) + p.count > disk_sectors) return MbrStatus::kPastEnd;
        for (int j = 0; j < i; j++) {
            const MbrPartition& q = out->part[j];
            if (!q.type || q.type == 0xEE) continue;
            if (u64(p.lba) < u64(q.lba) + q.count && u64(q.lba) < u64(p.lba) + p.count)
                return MbrStatus::kOverlap;
        }
    }
    out->bad_index = -1;
    return MbrStatus::kOk;
}

}  // namespace reef
