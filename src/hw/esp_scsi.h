// SPDX-License-Identifier: LGPL-3.0-or-later
// AM53C974 (PCI 1022:2020; QEMU's am53c974): an ESP (NCR 53C9x) SCSI core
// with the PCscsi DMA engine, in I/O BAR0 (the core's registers a dword
// each, the DMA engine's from 40h). Each command: select with ATN (the
// IDENTIFY byte and the CDB by DMA), the data by DMA, status and message in
// through the FIFO (ICCS), message accepted; every step polled on the
// core's interrupt status. Targets 0-6, LUN 0. A SCSI transport of the
// block layer (block/scsi.h).
#pragma once
#include "block/block.h"
#include "hw/scsi_hba.h"

namespace reef {

struct ScsiCmd;

namespace esp {
constexpr u16 kVendorAmd = 0x1022, kDevAm53c974 = 0x2020;
// Core registers: index * 4 in the BAR.
constexpr u16 kRegStride = 4;
constexpr u16 kTcLo = 0x0, kTcMid = 0x1, kFifo = 0x2, kCmd = 0x3, kStatus = 0x4, kBusId = 0x4, kIntr = 0x5,
              kSelTimeout = 0x5, kSeqStep = 0x6, kFlags = 0x7, kConfig1 = 0x8, kTcHi = 0xE;
// Commands (kCmd); kCmdDma makes one use the DMA engine.
constexpr u8 kCmdNop = 0x00, kCmdFlush = 0x01, kCmdResetChip = 0x02, kCmdTransferInfo = 0x10,
             kCmdCompleteSeq = 0x11, kCmdMsgAccepted = 0x12, kCmdSelectAtn = 0x42, kCmdDma = 0x80;
// Status (kStatus): the phase in bits 2:0.
constexpr u8 kStatInt = 0x80, kStatGrossError = 0x40, kStatParity = 0x20, kStatTc = 0x10, kPhaseMask = 0x07;
constexpr u8 kPhaseDataOut = 0, kPhaseDataIn = 1, kPhaseCommand = 2, kPhaseStatus = 3, kPhaseMsgOut = 6,
             kPhaseMsgIn = 7;
// Interrupt (kIntr; reading it clears it).
constexpr u8 kIntrReset = 0x80, kIntrIllegal = 0x40, kIntrDisconnect = 0x20, kIntrBusService = 0x10,
             kIntrFuncComplete = 0x08;
// DMA engine registers (dwords).
constexpr u16 kDmaCmd = 0x40, kDmaStartCount = 0x44, kDmaStartAddr = 0x48, kDmaStatus = 0x54;
constexpr u32 kDmaIdle = 0x00, kDmaStart = 0x03, kDmaToHost = 0x80;
// The transfer counter is 24 bits (0 would mean 64 KiB).
constexpr u32 kMaxTransfer = 0x00FF0000;
constexpr u8 kMsgIdentify = 0x80;
constexpr u8 kMaxTarget = 7;   // 7 is ours (the initiator)
constexpr u32 kRegsSize = 0x80;   // I/O BAR0: the core, the DMA engine
}  // namespace esp

// One adapter (permanent high zone): the bytes the select sends and the
// I/O base.
struct EspHba {
    u8 msg_cdb[1 + 16];   // IDENTIFY, then the CDB
    u16 iobase;
};

// 32-bit runtime: the SCSI transport of DriverType::kEsp (an adapter
// drive, hw/scsi_hba.h, whose ctrl is an EspHba).
u8 esp_scsi_exec(HbaDrive& d, ScsiCmd* c);

// POST: every AM53C974, targets 0-6, LUN 0.
void esp_scsi_setup();

}  // namespace reef
