// SPDX-License-Identifier: LGPL-3.0-or-later
// ATA PIO on the PIIX IDE channels (legacy ports): a block-layer driver.
// POST (src/hw/ata_setup.cc) finds the drives and registers them; the I/O
// path (src/hw/ata.cc) is built in both modes: 16-bit for buffers below
// 1 MiB, 32-bit (through call32) for the rest.
#pragma once
#include "block/block.h"
#include "lib/io.h"

namespace reef {

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
    Drive drive;      // first: what the block layer sees
    u16 iobase, ctlbase;
    u8 channel, slave, irq;
    bool atapi;
    bool lba48;
    Dpte dpte;
};

struct AtaState {
    static constexpr int kMaxDrives = 4;
    AtaDrive drives[kMaxDrives];
    u8 ndrives;
};

namespace ata {
// Command block registers (offsets from the I/O base) and the control block.
using RegData = IoRegAt<u16, 0>;
using RegError = IoRegAt<u8, 1>;
using RegFeature = IoRegAt<u8, 1>;
using RegCount = IoRegAt<u8, 2>;
using RegLba0 = IoRegAt<u8, 3>;
using RegLba1 = IoRegAt<u8, 4>;
using RegLba2 = IoRegAt<u8, 5>;
using RegDevice = IoRegAt<u8, 6>;
using RegStatus = IoRegAt<u8, 7>;
using RegCommand = IoRegAt<u8, 7>;
using RegAltStatus = IoRegAt<u8, 0>;  // control block
using RegDevCtl = IoRegAt<u8, 0>;

constexpr u8 kStErr = 0x01, kStDrq = 0x08, kStDf = 0x20, kStDrdy = 0x40, kStBsy = 0x80;
constexpr u8 kCtlNien = 0x02, kCtlSrst = 0x04;
constexpr u8 kDevLba = 0x40, kDevObs = 0xA0, kDevSlave = 0x10;
constexpr u8 kCmdReadPio = 0x20, kCmdReadPioExt = 0x24, kCmdWritePio = 0x30, kCmdWritePioExt = 0x34,
             kCmdVerify = 0x40, kCmdVerifyExt = 0x42, kCmdIdentify = 0xEC, kCmdIdentifyPacket = 0xA1,
             kCmdPacket = 0xA0;
constexpr u32 kTimeoutUs = 5000000;  // one command

// Shared by the I/O path and POST.
void delay400ns(u16 ctl);
// Waits for BSY to clear; the status, or 0xFF after the timeout.
u8 wait_not_busy(u16 io, u32 timeout_us);
}  // namespace ata

// POST: resets both channels, identifies the drives, fills RT(g_ata) and
// registers the hard disks with the block layer.
void ata_setup();

// Moves `count` sectors at `lba` to/from the flat buffer `buf` (16-bit
// build: below 1 MiB). Returns an INT 13h status; *done counts the sectors
// moved. The block layer has checked the request.
u8 ata_rw(const AtaDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done);

#if defined(REEF_MODE32)
struct ScsiCmd;
// 32-bit runtime: one SCSI command on an ATAPI device (PACKET, PIO); the
// SCSI transport of DriverType::kAtapi (src/hw/atapi.cc, block/scsi.h).
u8 atapi_exec(AtaDrive& d, ScsiCmd* c);
#endif

}  // namespace reef

DECLARE_RTVAR(reef::AtaState, g_ata);
