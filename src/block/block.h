// SPDX-License-Identifier: LGPL-3.0-or-later
// The block layer (docs/block-layer.md): the drive map (BIOS drive numbers
// to drives), the boot list, and the one dispatcher every disk request goes
// through. Drivers register their drives at POST (32-bit); INT 13h and
// INT 19h (16-bit) use only what is declared here.
#pragma once
#include "block/drive.h"
#include "block/request.h"
#include "lib/mode.h"

namespace reef {

// ---- the drive map: BIOS drive numbers ----------------------------------
struct DriveMap {
    static constexpr int kMaxHd = 8, kMaxFloppy = 2, kMaxCd = 4;
    RtPtr<Drive> hd[kMaxHd];        // 80h + i
    RtPtr<Drive> floppy[kMaxFloppy]; // 00h + i
    RtPtr<Drive> cd[kMaxCd];        // E0h + i (no emulation)
    u8 nhd, nfloppy, ncd;
};

// ---- the boot list ------------------------------------------------------
enum class BootKind : u8 {
    kFloppy = 0,  // drive: boot sector of a diskette
    kHd = 1,      // drive: MBR of a hard disk (mapped to 80h to boot)
    kCdrom = 2,   // drive: El Torito (not bootable yet)
    kBev = 3,     // vector: an option ROM's Boot Entry Vector (network boot)
    kBcv = 4,     // vector: an option ROM's Boot Connection Vector (disk ROM)
};

struct BootEntry {
    BootKind kind;
    u8 priority;          // lower boots first; then registration order
    RtPtr<Drive> drive;   // kFloppy, kHd, kCdrom
    u16 vec_seg, vec_off; // kBev, kBcv
    char desc[30];        // what the boot menu and the log call it
    u8 bios_drive;        // kBcv: the INT 13h drive number its ROM hooked
};

struct BootList {
    static constexpr int kMax = 16;
    BootEntry entry[kMax];
    u8 count;
};

// ---- the request the dispatcher hands a driver --------------------------
struct BlockRequest {
    RtPtr<Drive> drive;
    BlockOp op;
    u64 lba;
    u32 count;
    u32 buf;   // flat address
    u32 done;  // blocks transferred (set by the driver, also on error)
};

#if defined(REEF_MODE16)
// The drive behind an INT 13h drive number, or null.
Drive* block_drive(u8 dl);
// The BIOS drive number of a drive (for DL at boot), 0xFF if unmapped.
u8 block_drive_number(const Drive* d);
// Makes `d` hard disk 80h (the others move up by one), for booting it.
void block_map_boot_hd(Drive* d);
// Puts `d` (an El Torito emulated drive) in front of the drives of its
// kind: it becomes 00h or 80h, the others move up one (the last one drops
// out of a full map); the BDA's disk count / equipment word follow.
void block_insert_front(Drive* d);
// Takes `d` out of the drive map again (INT 13h 4B00h).
void block_remove(Drive* d);
// Validates, then moves `count` blocks at `lba` between the drive and the
// flat buffer `buf`: directly through a 16-bit driver when the buffer lies
// below 1 MiB and the driver has a 16-bit path, otherwise through call32
// into the driver's 32-bit path. *done = blocks transferred. Returns an
// INT 13h status.
u8 block_rw(Drive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done);
// Removable media (CDs on SCSI transports): asks the drive again whether a
// medium is in and how large it is (through call32). An INT 13h status.
u8 block_media_check(Drive& d);
// What "Booting from ..." and the boot menu call a kind of entry ("Hard
// Disk", "ROM", ...; src/svc/boot16.cc).
const char* boot_kind_text(BootKind k);
#endif

#if defined(REEF_MODE32) || defined(REEF_HOST)  // host: tests/unit/host_hw.cc
// POST: a driver hands over a drive it found; `prio` orders the boot list
// among entries of the same kind (0 first). Returns false if the map is full.
bool block_register(Drive* d, const char* desc);
// POST: an option ROM's boot vector (kBev; kBcv) as a boot entry; for a
// kBcv, `bios_drive` is the INT 13h drive its BCV hooked. False if the
// boot list is full.
bool block_register_vector(BootKind kind, u16 seg, u16 off, const char* desc, u8 bios_drive = 0);
// POST: fills a hard disk of `sectors` behind the PCI function `bdf` that
// EDD reports with interface type `iface` (8 characters, space padded:
// "SCSI    ", "SATA    ") and an LBA-translated geometry (also the physical
// one unless the driver knows better).
void block_init_pci_hd(Drive& g, DriverType t, u64 sectors, u16 sector_size, u16 bdf, const char* iface);
// POST: the BDA disk count and the fixed disk parameter tables. Called
// once all drivers ran (before option ROM BCVs, which add their disks).
void block_finish_setup();
// POST: sets the boot priorities (bootorder lines, then the CMOS boot order
// as QEMU's -boot order= sets it; a disk ROM's entry counts as a hard disk),
// drops what -boot strict=on excludes and logs the boot list. Called once
// every boot entry is registered (after the BCVs).
void block_order_boot_list();
#endif

}  // namespace reef

DECLARE_RTVAR(reef::DriveMap, g_drives);
DECLARE_RTVAR(reef::BootList, g_boot);
