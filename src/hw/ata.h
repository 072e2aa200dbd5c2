// SPDX-License-Identifier: LGPL-3.0-or-later
// ATA PIO on the PIIX IDE channels (legacy ports), built in both modes: POST
// (32-bit) finds the drives, INT 13h (16-bit) moves the sectors.
#pragma once
#include "lib/mode.h"

namespace reef {

enum class AtaKind : u8 { kNone = 0, kAta = 1, kAtapi = 2 };

struct Chs {
    u16 cylinders;
    u16 heads;
    u16 spt;
};

// Device Parameter Table Extension (Phoenix EDD 3.0), returned by INT 13h 48h.
struct Dpte {
    u16 iobase;
    u16 ctlbase;
    u8 head_prefix;   // 0xA0 | slave << 4 | LBA bit
    u8 vendor;
    u8 irq;
    u8 block_count;
    u8 dma;
    u8 pio;
    u16 options;
    u16 reserved;
    u8 revision;      // 0x11
    u8 checksum;
} PACKED;
static_assert(sizeof(Dpte) == 16);

struct AtaDrive {
    u16 iobase, ctlbase;
    u8 channel, slave, irq;
    AtaKind kind;
    bool lba48;
    u64 sectors;
    Chs phys;   // from IDENTIFY (words 1, 3, 6)
    Chs lchs;   // the translated geometry INT 13h reports (disk_geometry.h)
    Dpte dpte;
};

struct AtaState {
    static constexpr int kMaxDrives = 4;
    AtaDrive drives[kMaxDrives];
    u8 ndrives;
    // INT 13h hard disk 0x80 + i -> drives[hd[i]]
    u8 hd[kMaxDrives];
    u8 nhd;
};

// INT 13h status codes used by the driver.
namespace disk_status {
constexpr u8 kOk = 0x00, kBadCommand = 0x01, kSectorNotFound = 0x04, kBadEcc = 0x10,
             kControllerFail = 0x20, kSeekFail = 0x40, kTimeout = 0x80, kNotReady = 0xAA,
             kUndefined = 0xBB, kWriteFault = 0xCC;
}

// POST: resets both channels, identifies the drives, fills RT(g_ata), sets
// the BDA hard disk count and the INT 41h/46h parameter tables.
void ata_setup();

enum class AtaOp : u8 { kRead, kWrite, kVerify };
// Transfers `count` sectors at `lba` to/from seg:off (normalised per sector,
// so a transfer may cross 64 KiB). Returns an INT 13h status.
u8 ata_rw(const AtaDrive& d, AtaOp op, u64 lba, u32 count, u16 seg, u16 off, u32* done);


}  // namespace reef

DECLARE_RTVAR(reef::AtaState, g_ata);
