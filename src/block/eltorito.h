// SPDX-License-Identifier: LGPL-3.0-or-later
// El Torito ("Bootable CD-ROM Format Specification" 1.0): the boot record
// volume descriptor, the boot catalog's validation and initial entries, and
// the geometry of an emulated disk. Pure logic (16-bit runtime code, the
// host tests and the fuzzers); INT 19h (src/svc/cdboot.cc) does the I/O.
#pragma once
#include "lib/types.h"

namespace reef {

constexpr u32 kCdSectorSize = 2048;
constexpr u32 kBootRecordLba = 17;  // sector 11h of the volume descriptor set

// Boot media types (initial entry byte 1, bits 3:0; INT 13h 4Bh packet).
enum class CdMedia : u8 { kNoEmulation = 0, kFloppy12 = 1, kFloppy144 = 2, kFloppy288 = 3, kHardDisk = 4 };

enum class EltoritoStatus : u8 {
    kOk = 0,
    kNoBootRecord,    // sector 17 is not an El Torito boot record
    kBadHeader,       // validation entry: header id not 01h
    kBadKey,          // validation entry: key bytes not 55h AAh
    kBadChecksum,     // validation entry: the words do not sum to 0
    kNotBootable,     // initial entry: boot indicator not 88h
    kBadMedia,        // initial entry: media type above 4
    kZeroCount,       // initial entry: no sectors to load (no emulation)
    kPastEnd,         // the catalog or the image lies past the end of the disc
};
const char* eltorito_status_text(EltoritoStatus s);

// Sector 17: the catalog's LBA. kNoBootRecord unless it is a boot record
// ("CD001", version 1, "EL TORITO SPECIFICATION"); kPastEnd if the catalog
// is not on a disc of `disc_sectors` (2048-byte) sectors.
EltoritoStatus eltorito_boot_record(const u8* sector, u64 disc_sectors, u32* catalog_lba);

struct EltoritoBoot {
    CdMedia media;
    u8 platform;       // validation entry: 0 = 80x86
    u8 system_type;    // initial entry: the partition type (hard-disk emulation)
    u16 load_segment;  // 07C0h when the entry says 0
    u16 count;         // 512-byte virtual sectors to load
    u32 lba;           // the image's first 2048-byte sector
};

// The first 64 bytes of the catalog (validation + initial/default entry).
// A count of 0 is refused for no emulation; for emulated media it means
// one sector, as the load is only the boot sector then. kPastEnd: the image
// does not start on the disc, or its loaded part runs past the end.
EltoritoStatus eltorito_catalog(const u8* catalog, u64 disc_sectors, EltoritoBoot* out);

struct CdEmuGeometry {
    u16 cylinders, heads, spt;
    u8 floppy_type;  // CMOS/INT 13h 08h drive type (2, 4, 5); 0 for a hard disk
};
// The geometry of an emulated floppy, fixed by the media type.
CdEmuGeometry cdemu_floppy_geometry(CdMedia m);
// An emulated hard disk: from the partition table of its MBR (the last
// 66 bytes of the first 512-byte sector: kMbrTableOffset, kMbrTailSize):
// heads and sectors from the ending CHS of the first used entry, cylinders
// from its end. False when there is no signature or no usable entry.
bool cdemu_hd_geometry(const u8* mbr_tail, CdEmuGeometry* out);

// INT 13h AX=4B0xh: the specification packet (El Torito table 8), 13h bytes.
struct CdSpecPacket {
    u8 size;            // 13h
    u8 media;           // bits 3:0 media type; 40h ATAPI, 80h SCSI
    u8 drive;           // the emulated drive (or E0h+ for no emulation)
    u8 controller;      // controller index
    u32 lba;            // the image's first 2048-byte sector
    u16 device_spec;    // IDE: bit 0 = slave; SCSI: LUN and target
    u16 buffer_segment; // user buffer (0: none)
    u16 load_segment;
    u16 count;          // sectors loaded
    u8 cyl_low;         // emulated geometry, INT 13h 08h style
    u8 sec_cyl_high;
    u8 heads;
} PACKED;
static_assert(sizeof(CdSpecPacket) == 0x13);

}  // namespace reef
