// SPDX-License-Identifier: LGPL-3.0-or-later
// The i8042 PS/2 controller and the keyboard on its first port.
#pragma once
#include "lib/io.h"

namespace reef {

namespace i8042 {
constexpr u16 kDataPort = 0x60, kStatusPort = 0x64;  // status (read) / command (write)
constexpr u8 kStOutFull = 0x01, kStInFull = 0x02, kStAuxData = 0x20;
constexpr u8 kCmdReadConfig = 0x20, kCmdWriteConfig = 0x60, kCmdSelfTest = 0xAA,
             kCmdKbdTest = 0xAB, kCmdKbdDisable = 0xAD, kCmdKbdEnable = 0xAE, kCmdAuxDisable = 0xA7,
             kCmdPulseReset = 0xFE;
constexpr u8 kCfgKbdIrq = 0x01, kCfgSystem = 0x04, kCfgKbdClockOff = 0x10, kCfgAuxClockOff = 0x20,
             kCfgTranslate = 0x40;
constexpr u8 kKbdReset = 0xFF, kKbdEnableScan = 0xF4, kKbdDisableScan = 0xF5, kKbdSetLeds = 0xED;
constexpr u8 kAck = 0xFA, kBatOk = 0xAA;
}  // namespace i8042

// Bounded waits; false on timeout.
bool i8042_write_cmd(u8 cmd);
bool i8042_write_data(u8 data);
bool i8042_read(u8* data, u32 timeout_us);
// Sends a byte to the keyboard and waits for its ACK.
bool kbd_command(u8 byte);

// POST: controller self-test, keyboard reset, scanning on, IRQ1 unmasked.
void ps2_setup();

}  // namespace reef
