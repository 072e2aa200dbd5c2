// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: the MBR partition table check (src/block/mbr.cc).
// Input: u64 disk size in sectors, then the last 66 bytes of sector 0.
// Invariants: kOk means every used entry (but a protective EEh) lies inside
// the disk, none overlap, at most one is active; a problem names an entry.
#include "block/mbr.h"
#include "fuzz_support.h"

using namespace reef;
using namespace reef::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Reader in(data, size);
    u64 sectors = in.u64v();
    std::vector<unsigned char> tail = in.bytes(kMbrTailSize);
    tail.resize(kMbrTailSize);
    MbrInfo info;
    MbrStatus st = mbr_parse(tail.data(), sectors, &info);
    FUZZ_CHECK(mbr_status_text(st)[0] != '?', "status without a text");
    if (st == MbrStatus::kOk) {
        FUZZ_CHECK(info.bad_index == -1, "ok with a bad entry");
        int active = 0;
        for (int i = 0; i < 4; i++) {
            const MbrPartition& p = info.part[i];
            if (!p.type || p.type == 0xEE) continue;
            if (p.status == 0x80) active++;
            FUZZ_CHECK(p.lba && p.count && u64(p.lba) + p.count <= sectors, "entry %d outside the disk", i);
            for (int j = 0; j < i; j++) {
                const MbrPartition& q = info.part[j];
                if (!q.type || q.type == 0xEE) continue;
                FUZZ_CHECK(u64(p.lba) >= u64(q.lba) + q.count || u64(q.lba) >= u64(p.lba) + p.count,
                           "entries %d and %d overlap", j, i);
            }
        }
        FUZZ_CHECK(active <= 1, "two active entries");
    } else if (st != MbrStatus::kNoSignature) {
        FUZZ_CHECK(info.bad_index >= 0 && info.bad_index < 4, "problem without an entry");
    }
    return 0;
}
