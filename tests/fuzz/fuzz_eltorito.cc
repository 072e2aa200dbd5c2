// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: El Torito parsing (src/block/eltorito.cc).
// Input: u32 disc size in 2048-byte sectors, the first 0x4B bytes of the
// boot record (sector 17), the first 64 bytes of the boot catalog, then the
// 66-byte MBR tail of an emulated hard disk.
// Invariants: a boot record that parses names a catalog on the disc past
// sector 17; a catalog that parses names media 0-4, a nonzero count, a load
// segment, and an image that lies on the disc; a hard-disk geometry that
// parses has heads 1-256, sectors 1-63 and cylinders 1-1024.
#include "block/eltorito.h"
#include "block/mbr.h"
#include "fuzz_support.h"

using namespace reef;
using namespace reef::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Reader in(data, size);
    u64 disc = in.u32v();
    std::vector<unsigned char> rec = in.bytes(0x4B);
    rec.resize(0x4B);
    std::vector<unsigned char> cat = in.bytes(64);
    cat.resize(64);
    std::vector<unsigned char> tail = in.bytes(kMbrTailSize);
    tail.resize(kMbrTailSize);

    u32 catalog = 0;
    EltoritoStatus st = eltorito_boot_record(rec.data(), disc, &catalog);
    FUZZ_CHECK(eltorito_status_text(st)[0] != '?', "status without a text");
    if (st == EltoritoStatus::kOk)
        FUZZ_CHECK(catalog > kBootRecordLba && catalog < disc, "catalog %u off a disc of %llu", catalog,
                   (unsigned long long)disc);
    EltoritoBoot b;
    st = eltorito_catalog(cat.data(), disc, &b);
    FUZZ_CHECK(eltorito_status_text(st)[0] != '?', "status without a text");
    if (st == EltoritoStatus::kOk) {
        FUZZ_CHECK(u8(b.media) <= 4, "media %u", unsigned(b.media));
        FUZZ_CHECK(b.count > 0, "zero count accepted");
        FUZZ_CHECK(b.load_segment != 0, "load segment 0");
        FUZZ_CHECK(b.lba > kBootRecordLba && u64(b.lba) + (b.count + 3) / 4 <= disc, "image off the disc");
    }
    CdEmuGeometry g;
    if (cdemu_hd_geometry(tail.data(), &g)) {
        FUZZ_CHECK(g.heads >= 1 && g.heads <= 256, "heads %u", g.heads);
        FUZZ_CHECK(g.spt >= 1 && g.spt <= 63, "spt %u", g.spt);
        FUZZ_CHECK(g.cylinders >= 1 && g.cylinders <= 1024, "cylinders %u", g.cylinders);
    }
    return 0;
}
