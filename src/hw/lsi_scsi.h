// SPDX-License-Identifier: LGPL-3.0-or-later
// LSI 53C895A (PCI 1000:0012; QEMU's lsi53c895a): each command is a SCRIPTS
// program (hw/lsi_scripts.h) the chip runs from memory, started through
// DSP, completion polled on ISTAT0 (DSTAT, SIST0/SIST1). Targets 0-7, LUN 0.
// A SCSI transport of the block layer (block/scsi.h).
#pragma once
#include "block/block.h"
#include "hw/lsi_scripts.h"
#include "hw/scsi_hba.h"

namespace reef {

struct ScsiCmd;

namespace lsi {
constexpr u16 kVendor = 0x1000, kDev53c895a = 0x0012;
// Operating registers (I/O BAR0; byte-wide).
constexpr u16 kRegDstat = 0x0C, kRegSstat1 = 0x0E, kRegIstat0 = 0x14, kRegDsp = 0x2C, kRegDsps = 0x30,
              kRegDmode = 0x38, kRegDien = 0x39, kRegDcntl = 0x3B, kRegSien0 = 0x40, kRegSien1 = 0x41,
              kRegSist0 = 0x42, kRegSist1 = 0x43;
constexpr u8 kIstatDip = 0x01, kIstatSip = 0x02, kIstatSrst = 0x40, kIstatAbrt = 0x80;
constexpr u8 kDstatIid = 0x01, kDstatSir = 0x04, kDstatAbrt = 0x10;
constexpr u8 kSist0Ma = 0x80, kSist0Udc = 0x04, kSist0Rst = 0x02;
constexpr u8 kSist1Sto = 0x04;
constexpr u8 kPhaseMask = 0x07;
constexpr u8 kMaxTarget = 7;   // 7 is ours (the initiator)
constexpr u32 kRegsSize = 0x100;  // I/O BAR0
}  // namespace lsi

// One adapter (permanent high zone): the program and the bytes it moves.
struct LsiHba {
    u32 script[kLsiScriptWords];
    u8 cdb[16];
    u8 identify;
    u8 status;
    u8 msgin;
    u16 iobase;
};

// 32-bit runtime: the SCSI transport of DriverType::kLsiScsi (an adapter
// drive, hw/scsi_hba.h, whose ctrl is an LsiHba).
u8 lsi_scsi_exec(HbaDrive& d, ScsiCmd* c);

// POST: every 53C895A, targets 0-6, LUN 0.
void lsi_scsi_setup();

}  // namespace reef
