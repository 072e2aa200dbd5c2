// SPDX-License-Identifier: LGPL-3.0-or-later
// El Torito parsing (pure logic; src/block/eltorito.h).
#include "block/eltorito.h"

#include "block/mbr.h"

namespace reef {
namespace {

u16 le16(const u8* p) { return u16(p[0] | p[1] << 8); }
u32 le32(const u8* p) { return u32(p[0]) | u32(p[1]) << 8 | u32(p[2]) << 16 | u32(p[3]) << 24; }

constexpr char kSystemId[] = "EL TORITO SPECIFICATION";
constexpr u8 kBootable = 0x88, kHeaderId = 0x01;
constexpr u16 kDefaultLoadSeg = 0x07C0;
constexpr u32 kVirtualPerCd = kCdSectorSize / 512;

}  // namespace

const char* eltorito_status_text(EltoritoStatus s) {
    switch (s) {
    case EltoritoStatus::kOk: return "ok";
    case EltoritoStatus::kNoBootRecord: return "no El Torito boot record";
    case EltoritoStatus::kBadHeader: return "boot catalog: bad header id";
    case EltoritoStatus::kBadKey: return "boot catalog: bad key bytes";
    case EltoritoStatus::kBadChecksum: return "boot catalog: bad checksum";
    case EltoritoStatus::kNotBootable: return "boot catalog: default entry not bootable";
    case EltoritoStatus::kBadMedia: return "boot catalog: unknown media type";
    case EltoritoStatus::kZeroCount: return "boot catalog: sector count 0";
    case EltoritoStatus::kPastEnd: return "boot catalog: past the end of the disc";
    }
    return "?";
}

EltoritoStatus eltorito_boot_record(const u8* s, u64 disc_sectors, u32* catalog_lba) {
    if (s[0] != 0 || s[1] != 'C' || s[2] != 'D' || s[3] != '0' || s[4] != '0' || s[5] != '1' || s[6] != 1)
        return EltoritoStatus::kNoBootRecord;
    // The boot system identifier: the name, padded with zeros to 32 bytes.
    for (u32 i = 0; i < 32; i++) {
        char want = i < sizeof(kSystemId) - 1 ? kSystemId[i] : 0;
        if (char(s[7 + i]) != want) return EltoritoStatus::kNoBootRecord;
    }
    *catalog_lba = le32(s + 0x47);
    if (*catalog_lba >= disc_sectors || *catalog_lba <= kBootRecordLba) return EltoritoStatus::kPastEnd;
    return EltoritoStatus::kOk;
}

EltoritoStatus eltorito_catalog(const u8* c, u64 disc_sectors, EltoritoBoot* out) {
    if (c[0] != kHeaderId) return EltoritoStatus::kBadHeader;
    if (c[30] != 0x55 || c[31] != 0xAA) return EltoritoStatus::kBadKey;
    u16 sum = 0;
    for (u32 i = 0; i < 32; i += 2) sum = u16(sum + le16(c + i));
    if (sum) return EltoritoStatus::kBadChecksum;
    const u8* e = c + 32;
    if (e[0] != kBootable) return EltoritoStatus::kNotBootable;
    u8 media = e[1] & 0x0F;
    if (media > u8(CdMedia::kHardDisk)) return EltoritoStatus::kBadMedia;
    *out = EltoritoBoot{};
    out->media = CdMedia(media);
    out->platform = c[1];
    out->system_type = e[4];
    out->load_segment = le16(e + 2) ? le16(e + 2) : kDefaultLoadSeg;
    out->count = le16(e + 6);
    out->lba = le32(e + 8);
    if (!out->count) {
        if (out->media == CdMedia::kNoEmulation) return EltoritoStatus::kZeroCount;
        out->count = 1;
    }
    u64 last = u64(out->lba) + (out->count + kVirtualPerCd - 1) / kVirtualPerCd;
    if (out->lba <= kBootRecordLba || last > disc_sectors) return EltoritoStatus::kPastEnd;
    return EltoritoStatus::kOk;
}

CdEmuGeometry cdemu_floppy_geometry(CdMedia m) {
    switch (m) {
    case CdMedia::kFloppy12: return {80, 2, 15, 2};
    case CdMedia::kFloppy144: return {80, 2, 18, 4};
    case CdMedia::kFloppy288: return {80, 2, 36, 5};
    default: return {0, 0, 0, 0};
    }
}

bool cdemu_hd_geometry(const u8* tail, CdEmuGeometry* out) {
    if (tail[64] != 0x55 || tail[65] != 0xAA) return false;
    for (u32 i = 0; i < 4; i++) {
        const u8* p = tail + 16 * i;
        if (!p[4]) continue;  // unused entry
        // Ending CHS: head at 5, sector (bits 5:0) and cylinder bits 9:8 at
        // 6, cylinder bits 7:0 at 7.
        u16 heads = u16(p[5] + 1);
        u16 spt = p[6] & 0x3F;
        u16 cyl = u16(((p[6] & 0xC0) << 2) | p[7]);
        if (!spt) return false;
        *out = CdEmuGeometry{u16(cyl + 1), heads, spt, 0};
        return true;
    }
    return false;
}

}  // namespace reef
