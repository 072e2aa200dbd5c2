// SPDX-License-Identifier: LGPL-3.0-or-later
// Booting a CD-ROM (El Torito) and the INT 13h functions that go with it
// (4Ah-4Dh): INT 19h reads the boot record and the catalog, loads the boot
// image and, for floppy or hard-disk emulation, puts an emulated drive in
// front of the drive map (src/block/cdemu.h).
#include "block/cdemu.h"
#include "block/mbr.h"
#include "lib/bda.h"
#include "lib/console.h"
#include "lib/far.h"
#include "lib/log.h"
#include "svc/handlers.h"

DEFINE_RTVAR(reef::CdBootState, g_cdboot);

namespace reef {
namespace {

using namespace disk_status;

// Where INT 19h reads the boot record and the catalog: free memory below
// the boot sector, above the BDA (nothing runs there before the boot).
constexpr u32 kScratch = 0x600;
constexpr u32 kVirtualPerCd = kCdSectorSize / 512;
constexpr u8 kMediaAtapi = 0x40, kMediaScsi = 0x80;

bool read_cd(Drive& cd, u32 lba, u32 count, u32 buf, const char* desc, const char* what) {
    u32 done;
    u8 err = block_rw(cd, BlockOp::kRead, lba, count, buf, &done);
    if (err) console_printf("Boot failed: could not read the %s of %s (status %02x)\n", what, desc, err);
    return !err;
}

// Copies `len` bytes between two real-mode addresses below 1 MiB.
void copy_low(u32 dst, u32 src, u32 len) {
    u8 tmp[64];
    for (u32 done = 0; done < len; done += sizeof(tmp)) {
        u16 n = u16(min<u32>(sizeof(tmp), len - done));
        far_copy_from(tmp, u16((src + done) >> 4), u16((src + done) & 0xF), n);
        far_copy_to(u16((dst + done) >> 4), u16((dst + done) & 0xF), tmp, n);
    }
}

u8 controller_index(const Drive& cd) {
    // IDE: the channel; others: the order of the CD among the CDs.
    if (cd.driver == DriverType::kAtapi) return cd.path.channel;
    u8 n = block_drive_number(&cd);
    return n >= 0xE0 ? u8(n - 0xE0) : 0;
}

}  // namespace

bool cdrom_boot(Drive& cd, const char* desc, u16* seg, u8* dl) {
    u8 err = block_media_check(cd);
    if (err || !cd.sectors) {
        console_printf("Boot failed: %s has no medium\n", desc);
        dlog(2, "boot: %s: media check status %02x\n", desc, err);
        return false;
    }
    if (cd.sector_size != kCdSectorSize) {
        dlog(1, "boot: %s: %u-byte sectors, not a CD; next\n", desc, cd.sector_size);
        return false;
    }
    // The boot record volume descriptor, then the catalog.
    if (!read_cd(cd, kBootRecordLba, 1, kScratch, desc, "boot record")) return false;
    u8 rec[0x4B];
    far_copy_from(rec, 0, kScratch, sizeof(rec));
    u32 catalog;
    EltoritoStatus st = eltorito_boot_record(rec, cd.sectors, &catalog);
    EltoritoBoot b;
    if (st == EltoritoStatus::kOk) {
        if (!read_cd(cd, catalog, 1, kScratch, desc, "boot catalog")) return false;
        u8 cat[64];
        far_copy_from(cat, 0, kScratch, sizeof(cat));
        st = eltorito_catalog(cat, cd.sectors, &b);
    }
    if (st != EltoritoStatus::kOk) {
        console_printf("Boot failed: %s: %s\n", desc, eltorito_status_text(st));
        return false;
    }
    dlog(2, "boot: %s: El Torito media %u, %u sectors from lba %u to %04x:0000\n", desc, unsigned(b.media), b.count,
         b.lba, b.load_segment);
    // The image: whole CD sectors straight to the load segment, the tail
    // through the scratch buffer.
    u32 dest = u32(b.load_segment) << 4;
    u32 bytes = u32(b.count) * 512;
    u32 whole = bytes / kCdSectorSize;
    if (whole && !read_cd(cd, b.lba, whole, dest, desc, "boot image")) return false;
    if (u32 tail = bytes % kCdSectorSize) {
        if (!read_cd(cd, b.lba + whole, 1, kScratch, desc, "boot image")) return false;
        copy_low(dest + whole * kCdSectorSize, kScratch, tail);
    }

    CdBootState& s = g_cdboot;
    if (s.emulating) block_remove(&s.emu.drive);  // a second CD boot (INT 18h/19h again)
    s.booted = true;
    s.emulating = false;
    s.catalog = catalog;
    s.cd = RtPtr<Drive>::of(&cd);
    CdSpecPacket& p = s.spec;
    p = CdSpecPacket{};
    p.size = sizeof(CdSpecPacket);
    p.media = u8(u8(b.media) | (cd.driver == DriverType::kAtapi || cd.driver == DriverType::kAhciAtapi ? kMediaAtapi
                                                                                                         : kMediaScsi));
    p.controller = controller_index(cd);
    p.lba = b.lba;
    p.device_spec = u16(cd.path.device);
    p.load_segment = b.load_segment;
    p.count = b.count;
    *seg = b.load_segment;

    if (b.media == CdMedia::kNoEmulation) {
        p.drive = block_drive_number(&cd);
        *dl = p.drive;
        return true;
    }
    CdEmuGeometry g;
    if (b.media == CdMedia::kHardDisk) {
        u8 tail[kMbrTailSize];
        far_copy_from(tail, u16(dest >> 4), u16(kMbrTableOffset), sizeof(tail));
        if (!cdemu_hd_geometry(tail, &g)) {
            console_printf("Boot failed: %s: the emulated hard disk has no partition table\n", desc);
            return false;
        }
    } else {
        g = cdemu_floppy_geometry(b.media);
    }
    u64 sectors = u64(g.cylinders) * g.heads * g.spt;
    if (b.lba + (sectors + kVirtualPerCd - 1) / kVirtualPerCd > cd.sectors) {
        console_printf("Boot failed: %s: the emulated disk runs past the end of the disc\n", desc);
        return false;
    }
    CdEmuDrive& e = s.emu;
    e = CdEmuDrive{};
    e.cd = RtPtr<Drive>::of(&cd);
    e.lba = b.lba;
    Drive& d = e.drive;
    d.driver = DriverType::kCdEmu;
    d.kind = b.media == CdMedia::kHardDisk ? DriveKind::kHd : DriveKind::kFloppy;
    d.flags = Drive::kReadOnly;
    d.sector_size = 512;
    d.sectors = sectors;
    d.lchs = d.pchs = Chs{g.cylinders, g.heads, g.spt};
    d.translation = Translation::kNone;
    d.path = cd.path;
    block_insert_front(&d);
    s.emulating = true;
    p.drive = d.kind == DriveKind::kHd ? 0x80 : 0x00;
    u16 maxcyl = u16(g.cylinders - 1);
    p.cyl_low = u8(maxcyl);
    p.sec_cyl_high = u8((g.spt & 0x3F) | ((maxcyl >> 2) & 0xC0));
    p.heads = u8(g.heads - 1);
    dlog(1, "boot: %s: emulating %s %02x (CHS %u/%u/%u)\n", desc, d.kind == DriveKind::kHd ? "hard disk" : "floppy",
         p.drive, g.cylinders, g.heads, g.spt);
    *dl = p.drive;
    return true;
}

void cdrom_int13(Regs16* r) {
    CdBootState& s = g_cdboot;
    switch (r->ah) {
    case 0x4B: {  // terminate disk emulation (AL=0) / return status (AL=1)
        if (r->al > 1 || !s.booted) {
            r->fail(kBadCommand);
            return;
        }
        // DL: the drive to terminate, or 7Fh for all (status: any drive).
        if (r->al == 0 && r->dl != 0x7F && r->dl != s.spec.drive) {
            r->fail(kBadCommand);
            return;
        }
        far_copy_to(r->ds, r->si, &s.spec, sizeof(s.spec));
        if (r->al == 0 && s.emulating) {
            block_remove(&s.emu.drive);
            s.emulating = false;
            dlog(2, "int13: El Torito emulation of %02x ended\n", s.spec.drive);
        }
        r->ok();
        return;
    }
    case 0x4D: {  // return the boot catalog: DS:SI command packet
        // 00 size (8), 01 sectors to read, 02 buffer (seg:off), 06 first
        // sector of the catalog to read.
        u8 pkt[8];
        far_copy_from(pkt, r->ds, r->si, sizeof(pkt));
        Drive* cd = s.cd.get();
        if (!s.booted || !cd || pkt[0] < 8) {
            r->fail(kBadCommand);
            return;
        }
        u32 buf = (u32(pkt[4] | pkt[5] << 8) << 4) + u32(pkt[2] | pkt[3] << 8);
        u32 done;
        u8 err = block_rw(*cd, BlockOp::kRead, s.catalog + u32(pkt[6] | pkt[7] << 8), pkt[1], buf, &done);
        if (err) r->fail(err);
        else r->ok();
        return;
    }
    default:  // 4Ah initiate emulation, 4Ch initiate and boot: not offered
        r->fail(kBadCommand);
    }
}

}  // namespace reef
