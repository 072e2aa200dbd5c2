// SPDX-License-Identifier: LGPL-3.0-or-later
// The generic drive of the block layer (docs/block-layer.md). Every disk
// driver embeds a Drive as the first member of its own drive struct, fills
// it at POST and registers it (block.h); INT 13h and INT 19h see only this.
// Plain data shared by every mode (16-bit, 32-bit, host tests).
#pragma once
#include "lib/types.h"

namespace reef {

enum class DriveKind : u8 { kFloppy = 0, kHd = 1, kCdrom = 2 };

// Which driver moves the sectors (the dispatcher switches on it).
enum class DriverType : u8 {
    kNone = 0,
    kAta = 1,        // ATA PIO on the PIIX IDE channels (16-bit and 32-bit paths)
    kVirtioBlk = 2,  // virtio-blk, legacy and virtio 1.0 (32-bit path)
    kNvme = 3,       // NVMe, polled I/O queue (32-bit path)
    kAhci = 4,       // AHCI (SATA) disks (32-bit path)
    kFloppy = 5,     // the ISA floppy controller (16-bit path)
    kAtapi = 6,      // ATAPI CD-ROMs on the PIIX IDE channels (SCSI commands)
    kAhciAtapi = 7,  // ATAPI CD-ROMs on AHCI ports (SCSI commands)
    kCdEmu = 8,      // El Torito floppy/hard-disk emulation on a CD (block layer)
    kVirtioScsi = 9, // virtio-scsi disks and CDs (SCSI commands)
    kLsiScsi = 10,   // LSI 53C895A (SCSI commands)
    kMegasas = 11,   // MegaRAID SAS (SCSI commands)
    kPvscsi = 12,    // VMware pvscsi (SCSI commands)
    kMptSas = 13,    // LSI SAS1068 (SCSI commands)
    kEsp = 14,       // AM53C974 (SCSI commands)
    kUsbMsd = 15,    // USB mass storage, Bulk-Only Transport (SCSI commands)
};

// Drivers whose I/O is SCSI commands through the SCSI layer (block/scsi.h):
// ATAPI and the SCSI adapters. All have a 32-bit path only.
constexpr bool scsi_driver(DriverType t) {
    switch (t) {
    case DriverType::kAtapi:
    case DriverType::kAhciAtapi:
    case DriverType::kVirtioScsi:
    case DriverType::kLsiScsi:
    case DriverType::kMegasas:
    case DriverType::kPvscsi:
    case DriverType::kMptSas:
    case DriverType::kEsp:
    case DriverType::kUsbMsd: return true;
    default: return false;
    }
}

// How the logical CHS geometry INT 13h reports relates to the disk.
enum class Translation : u8 { kNone = 0, kLba = 1, kLarge = 2 };

struct Chs {
    u16 cylinders;
    u16 heads;
    u16 spt;
};

// What INT 13h AH=48h (EDD 3.0) reports as the path to the device.
struct DrivePath {
    char host_bus[4];   // "PCI " (or "ISA ")
    char iface[8];      // "ATA     ", "ATAPI   ", "SCSI    ", "USB     ", "SATA    ", ...
    u8 bus, slot, func; // the controller's PCI address
    u8 channel;         // interface path byte 3 (ATA: 0 primary, 1 secondary)
    u64 device;         // device path (ATA: 0 master, 1 slave; SCSI: target/LUN; ...)
};

struct Drive {
    static constexpr u8 kReadOnly = 0x01, kRemovable = 0x02;
    DriverType driver;
    DriveKind kind;
    u8 flags;
    Translation translation;
    u16 sector_size;    // bytes (512, 2048 for CDs, 4096)
    u64 sectors;        // total, in sector_size units
    Chs lchs;           // logical geometry (INT 13h 08h, CHS functions)
    Chs pchs;           // physical geometry for EDD 48h (0 = use lchs)
    DrivePath path;
    u16 dpte;           // runtime-data offset of an EDD DPTE (0: none)
    u32 max_transfer;   // sectors per driver call (0: no limit)

    bool read_only() const { return flags & kReadOnly; }
};

// INT 13h status codes (AH after a call).
namespace disk_status {
constexpr u8 kOk = 0x00, kBadCommand = 0x01, kWriteProtected = 0x03, kSectorNotFound = 0x04,
             kMediaChanged = 0x06, kBadEcc = 0x10, kNoMedia = 0x31, kControllerFail = 0x20, kSeekFail = 0x40, kTimeout = 0x80,
             kNotReady = 0xAA, kUndefined = 0xBB, kWriteFault = 0xCC;
}

}  // namespace reef
