// SPDX-License-Identifier: LGPL-3.0-or-later
// The ISA floppy disk controller (82077AA-compatible, ports 3F0h-3F7h) with
// ISA DMA channel 2 and IRQ6: a block-layer driver with a 16-bit path only
// (DriverType::kFloppy). POST (src/hw/floppy_setup.cc) registers the drives
// CMOS register 10h names; the controller is first touched by the first
// INT 13h or boot access (src/hw/floppy.cc), which detects the medium.
#pragma once
#include "block/block.h"
#include "hw/floppy_geom.h"
#include "lib/io.h"

namespace reef {

namespace fdc {
using Dor = IoReg<u8, 0x3F2>;   // digital output: drive select, reset, DMA/IRQ, motors
using Msr = IoReg<u8, 0x3F4>;   // main status (read)
using Fifo = IoReg<u8, 0x3F5>;  // command/result bytes
using Dir = IoReg<u8, 0x3F7>;   // digital input (read): disk change
using Ccr = IoReg<u8, 0x3F7>;   // configuration control (write): data rate

constexpr u8 kDorSelMask = 0x03, kDorNotReset = 0x04, kDorDmaIrq = 0x08, kDorMotor0 = 0x10;
constexpr u8 kMsrRqm = 0x80, kMsrDio = 0x40, kMsrBusy = 0x10;
constexpr u8 kDirDiskChange = 0x80;

constexpr u8 kCmdSpecify = 0x03, kCmdWrite = 0x05, kCmdRead = 0x06, kCmdRecalibrate = 0x07,
             kCmdSenseInt = 0x08, kCmdFormat = 0x0D, kCmdSeek = 0x0F, kCmdVerify = 0x16;
constexpr u8 kCmdMfm = 0x40;  // modifier: double density

// Result status bytes.
constexpr u8 kSt0IcMask = 0xC0;
constexpr u8 kSt1NoAddressMark = 0x01, kSt1NotWritable = 0x02, kSt1NoData = 0x04, kSt1Overrun = 0x10,
             kSt1Crc = 0x20, kSt1EndOfCylinder = 0x80;
}  // namespace fdc

// The 8237 DMA controllers: channel 2 of the first (the floppy's) and the
// cascade channel 4 of the second.
namespace isadma {
using Ch2Addr = IoReg<u8, 0x04>;
using Ch2Count = IoReg<u8, 0x05>;
using Mask1 = IoReg<u8, 0x0A>;      // single mask bit
using Mode1 = IoReg<u8, 0x0B>;
using FlipFlop1 = IoReg<u8, 0x0C>;  // any write: low byte next
using Reset1 = IoReg<u8, 0x0D>;     // master clear
using Ch2Page = IoReg<u8, 0x81>;
using Mask2 = IoReg<u8, 0xD4>;
using Mode2 = IoReg<u8, 0xD6>;
using Reset2 = IoReg<u8, 0xDA>;
constexpr u8 kFloppyChannel = 2, kMaskSet = 0x04;
constexpr u8 kModeVerify = 0x00, kModeToMemory = 0x04, kModeFromMemory = 0x08, kModeSingle = 0x40,
             kModeCascade = 0xC0;
}  // namespace isadma

struct FloppyDrive {
    Drive drive;      // first: what the block layer sees
    u8 unit;          // 0 or 1 on the controller
    u8 type;          // CMOS drive type (1-5)
    u8 media;         // the detected medium: candidate index + 1 (floppy_media_candidate), 0 unknown
    bool changed;     // the change line was seen active since the last INT 13h 16h
    u8 dpt[floppy::kDptSize];        // the drive's own medium (INT 13h 08h)
    u8 media_dpt[floppy::kDptSize];  // the detected medium, or the one INT 13h 18h set
};

struct FloppyState {
    static constexpr int kMaxDrives = 2;
    FloppyDrive drives[kMaxDrives];
    u8 ndrives;
    bool ready;       // the controller is out of reset and specified
    // A sector for DMA that would cross a 64 KiB boundary, and for media
    // detection (the runtime data chunk lies within one 64 KiB page).
    alignas(16) u8 bounce[floppy::kSectorSize];
};

// POST: registers the drives of CMOS register 10h, sets the equipment word.
void floppy_setup();

#if defined(REEF_MODE16)
// Block-layer path: `count` sectors at `lba` (in the detected medium's
// geometry) between the drive and the flat buffer `buf` (below 1 MiB).
u8 floppy_rw(FloppyDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done);
// INT 13h 00h: resets the controller; the media are detected again.
u8 floppy_reset();
// Makes sure the medium is known (detecting it if needed): kOk or an
// INT 13h status (80h: no medium).
u8 floppy_media_ready(FloppyDrive& d);
// INT 13h 16h: true if the change line says the medium was replaced.
bool floppy_media_changed(FloppyDrive& d);
// INT 13h 05h: formats one track; `fields` is the flat address of the
// caller's address fields (C, H, R, N for each of `count` sectors).
u8 floppy_format_track(FloppyDrive& d, u8 cyl, u8 head, u8 count, u32 fields);
#endif

}  // namespace reef

DECLARE_RTVAR(reef::FloppyState, g_floppy);
