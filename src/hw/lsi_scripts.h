// SPDX-License-Identifier: LGPL-3.0-or-later
// SCRIPTS for the LSI 53C895A (and the 53C8xx family): the one program the
// driver (hw/lsi_scsi.cc) has the chip run per command, built here as pure
// logic (host unit test: tests/unit/test_lsi_scripts.cc). Instruction
// encodings from the LSI53C895A Technical Manual, chapter 5 ("SCSI SCRIPTS
// Instruction Set").
#pragma once
#include "lib/types.h"

namespace reef {

namespace lsi {
// SCSI phases (MSG, C/D, I/O).
constexpr u32 kPhaseDataOut = 0, kPhaseDataIn = 1, kPhaseCommand = 2, kPhaseStatus = 3, kPhaseMsgOut = 6,
              kPhaseMsgIn = 7;
constexpr u32 kPhaseShift = 24;

// Block move: bits 31:30 = 00; bit 27 MOVE (not CHMOV); 26:24 phase; 23:0
// byte count. Second dword: the buffer.
constexpr u32 kBlockMove = 0x08000000, kMaxMoveBytes = 0x00FFFFFF;

// I/O instructions: bits 31:30 = 01, opcode in 29:27.
constexpr u32 kIoSelect = 0x40000000, kIoWaitDisconnect = 0x48000000, kIoWaitReselect = 0x50000000,
              kIoSet = 0x58000000, kIoClear = 0x60000000;
constexpr u32 kIoSelAtn = 1u << 24;     // SELECT: with ATN (a message out follows)
constexpr u32 kIoTargetShift = 16;      // SELECT: destination id in 19:16
constexpr u32 kIoAck = 1u << 6;         // SET/CLEAR: ACK

// Transfer control: bits 31:30 = 10, opcode in 29:27; the conditions.
constexpr u32 kTcJump = 0x80000000, kTcInt = 0x98000000;
constexpr u32 kTcIfTrue = 1u << 19, kTcCmpData = 1u << 18, kTcCmpPhase = 1u << 17, kTcWaitValid = 1u << 16;

// Messages.
constexpr u8 kMsgCommandComplete = 0x00, kMsgDisconnect = 0x04, kMsgIdentify = 0x80;

// What the program's INT instructions put in DSPS.
constexpr u32 kIntDone = 0x52454600, kIntBadPhase = 0x52454601, kIntReselected = 0x52454602;
}  // namespace lsi

// One command's program: select the target with ATN, IDENTIFY (LUN) in
// message out, the CDB; then, until COMMAND COMPLETE, whatever phase the
// target asks for: data in the command's direction (one block move of
// `len` bytes), status, message in (DISCONNECT: wait for the disconnect and
// the reselection; other messages acknowledged); an unexpected phase ends
// it with kIntBadPhase. All addresses are flat (the chip's DMA addresses).
struct LsiCommand {
    u8 target;
    u32 identify;   // address of the IDENTIFY byte
    u32 cdb;        // address of the CDB
    u8 cdb_len;
    u32 data;       // the data buffer, len bytes (0: no data phase expected)
    u32 len;
    bool write;     // data out
    u32 status;     // where the status byte goes
    u32 msgin;      // where message-in bytes go (1 byte)
};

constexpr u32 kLsiScriptWords = 56;
// Writes the program into `script` (kLsiScriptWords dwords), which the chip
// will fetch from flat address `at`. Returns the address at which the
// program resumes after a phase mismatch (SIST0.MA): the phase dispatch.
u32 lsi_build_script(u32* script, u32 at, const LsiCommand& c);

}  // namespace reef
