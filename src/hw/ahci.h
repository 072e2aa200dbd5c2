// SPDX-License-Identifier: LGPL-3.0-or-later
// AHCI (SATA) hard disks: q35's ICH9 controller at 00:1f.2 and `-device
// ahci`. One command slot per port, polled (no interrupts), READ/WRITE DMA
// EXT with one PRD entry per command. The I/O path is 32-bit runtime code.
#pragma once
#include "block/block.h"

namespace reef {

namespace ahci {
// HBA registers (ABAR = BAR5).
constexpr u32 kCap = 0x00, kGhc = 0x04, kPi = 0x0C;
constexpr u32 kGhcAhciEnable = 1u << 31;
constexpr u32 kCapS64a = 1u << 31;
// Port registers, at 0x100 + 0x80 * port.
constexpr u32 kPortBase = 0x100, kPortSize = 0x80;
constexpr u32 kPxClb = 0x00, kPxClbu = 0x04, kPxFb = 0x08, kPxFbu = 0x0C, kPxIs = 0x10, kPxIe = 0x14,
              kPxCmd = 0x18, kPxTfd = 0x20, kPxSig = 0x24, kPxSsts = 0x28, kPxSerr = 0x30, kPxCi = 0x38;
constexpr u32 kCmdSt = 1u << 0, kCmdSud = 1u << 1, kCmdPod = 1u << 2, kCmdFre = 1u << 4, kCmdFr = 1u << 14,
              kCmdCr = 1u << 15;
constexpr u32 kIsTfes = 1u << 30;
constexpr u32 kTfdErr = 1u << 0, kTfdDrq = 1u << 3, kTfdBsy = 1u << 7;
constexpr u32 kSstsDetMask = 0xF, kSstsDetPresent = 3;
constexpr u32 kSigAta = 0x00000101, kSigAtapi = 0xEB140101;
// Command header DW0: CFL (FIS length in dwords) bits 4:0, W bit 6, PRDTL 31:16.
constexpr u32 kHdrWrite = 1u << 6, kHdrAtapi = 1u << 5;
constexpr u32 kCmdAtapi = 1u << 24;  // PxCMD.ATAPI: the device is an ATAPI device
constexpr u8 kFisH2d = 0x27, kFisCommand = 0x80;
constexpr u8 kAtaPacket = 0xA0, kFeatureDma = 0x01;
constexpr u8 kAtaIdentify = 0xEC, kAtaReadDmaExt = 0x25, kAtaWriteDmaExt = 0x35;
constexpr u32 kMaxSectorsPerCommand = 0x2000;  // 4 MiB: one PRD entry
}  // namespace ahci

struct AhciDrive {
    Drive drive;     // first: what the block layer sees
    u32 port;        // the port's registers (flat MMIO address)
    u32 mem;         // command list (1 KiB), received FISes, command table
    u8 port_no;
};

struct AhciState {
    static constexpr int kMaxDrives = 8;
    AhciDrive drives[kMaxDrives];
    u8 ndrives;
};
AhciState& ahci_state();

// 32-bit runtime: one ATA command on slot 0 (used by set-up for IDENTIFY
// too); returns an INT 13h status.
u8 ahci_command(const AhciDrive& d, u8 cmd, u64 lba, u32 count, u32 buf, u32 bytes, bool write);
u8 ahci_rw(AhciDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done);
// 32-bit runtime: one SCSI command on an ATAPI port (PACKET with DMA); the
// SCSI transport of DriverType::kAhciAtapi (block/scsi.h).
struct ScsiCmd;
u8 ahci_atapi_exec(AhciDrive& d, ScsiCmd* c);

// POST: every AHCI controller's ports with an ATA disk.
void ahci_setup();

}  // namespace reef
