// SPDX-License-Identifier: LGPL-3.0-or-later
// The i8042 PS/2 controller, the keyboard on its first port and the mouse
// on its second (aux) port.
#pragma once
#include "lib/io.h"

namespace reef {

namespace i8042 {
constexpr u16 kDataPort = 0x60, kStatusPort = 0x64;  // status (read) / command (write)
constexpr u8 kStOutFull = 0x01, kStInFull = 0x02, kStAuxData = 0x20;
// What the status port reads with no controller behind it (an open bus).
constexpr u8 kStatusAbsent = 0xFF;
constexpr u8 kCmdReadConfig = 0x20, kCmdWriteConfig = 0x60, kCmdSelfTest = 0xAA,
             kCmdKbdTest = 0xAB, kCmdKbdDisable = 0xAD, kCmdKbdEnable = 0xAE, kCmdAuxDisable = 0xA7,
             kCmdPulseReset = 0xFE, kCmdAuxEnable = 0xA8, kCmdAuxTest = 0xA9, kCmdAuxWrite = 0xD4;
constexpr u8 kCfgKbdIrq = 0x01, kCfgAuxIrq = 0x02, kCfgSystem = 0x04, kCfgKbdClockOff = 0x10, kCfgAuxClockOff = 0x20,
             kCfgTranslate = 0x40;
constexpr u8 kKbdReset = 0xFF, kKbdEnableScan = 0xF4, kKbdDisableScan = 0xF5, kKbdSetLeds = 0xED;
constexpr u8 kAck = 0xFA, kBatOk = 0xAA;
}  // namespace i8042

// The PS/2 mouse's command set (what the aux device understands) and its
// three-byte stream packet.
namespace ps2mouse {
constexpr u8 kReset = 0xFF, kResend = 0xFE, kSetDefaults = 0xF6, kDisable = 0xF5, kEnable = 0xF4, kSetRate = 0xF3,
             kGetId = 0xF2, kStatus = 0xE9, kSetResolution = 0xE8, kScaling21 = 0xE7, kScaling11 = 0xE6;
constexpr u8 kAck = 0xFA, kNak = 0xFE, kError = 0xFC, kBatOk = 0xAA, kIdStandard = 0x00;
// Packet byte 0: buttons, the sign and overflow bits of dx/dy, and bit 3,
// which is always set (how a reader finds the start of a packet).
constexpr u8 kPktLeft = 0x01, kPktRight = 0x02, kPktMiddle = 0x04, kPktSync = 0x08, kPktXNeg = 0x10,
             kPktYNeg = 0x20, kPktXOvf = 0x40, kPktYOvf = 0x80;
constexpr u8 kPacketSize = 3, kMaxPacketSize = 8;
}  // namespace ps2mouse

enum class AuxResult : u8 { kOk, kNoAnswer, kResend, kError };

// Bounded waits; false on timeout.
bool i8042_write_cmd(u8 cmd);
bool i8042_write_data(u8 data);
bool i8042_read(u8* data, u32 timeout_us);
// Sends a byte to the keyboard and waits for its ACK.
bool kbd_command(u8 byte);

// Sends one byte to the aux device (i8042 D4h) and waits for its answer:
// ACK = kOk, FEh = kResend, FCh = kError, nothing = kNoAnswer. Bytes from
// the keyboard that are already queued are dropped (logged).
AuxResult aux_send(u8 byte);
// The next byte from the aux device within timeout_us.
bool aux_read(u8* data, u32 timeout_us);
// A whole mouse command: `cmd`, its parameter byte when arg >= 0, then
// nresp reply bytes into resp. The keyboard is held off meanwhile.
AuxResult aux_command(u8 cmd, int arg, u8* resp, u8 nresp);

// POST: controller self-test, keyboard reset, scanning on, IRQ1 unmasked;
// a mouse on the aux port is reset (left disabled), BDA equipment bit 2 set
// and IRQ12 unmasked.
void ps2_setup();

}  // namespace reef
