// SPDX-License-Identifier: LGPL-3.0-or-later
// The MC146818-compatible RTC/CMOS (ports 70h/71h), for both firmware modes.
#pragma once
#include "lib/io.h"

namespace reef {

namespace cmos {
constexpr u16 kIndexPort = 0x70, kDataPort = 0x71;
constexpr u8 kSeconds = 0x00, kSecondsAlarm = 0x01, kMinutes = 0x02, kMinutesAlarm = 0x03;
constexpr u8 kHours = 0x04, kHoursAlarm = 0x05, kDayOfWeek = 0x06;
constexpr u8 kDay = 0x07, kMonth = 0x08, kYear = 0x09;
constexpr u8 kStatusA = 0x0A, kStatusB = 0x0B, kStatusC = 0x0C, kStatusD = 0x0D;
constexpr u8 kShutdown = 0x0F, kFloppyTypes = 0x10;
constexpr u8 kCentury = 0x32;
// QEMU -boot order=: devices 1-3 in 3Dh bits 3:0, 7:4 and 38h bits 7:4
// (1 floppy, 2 hard disk, 3 CD-ROM, 4 network).
constexpr u8 kBootOrder12 = 0x3D, kBootOrder3 = 0x38;
// (memory size registers: src/fw/memmap.cc)
constexpr u8 kNmiDisable = 0x80;
// Shutdown status byte (register 0Fh) values the reset path acts on.
constexpr u8 kShutdownEoiJump = 0x05, kShutdownJump = 0x0A;

// Status A/B bits.
constexpr u8 kAUpdateInProgress = 0x80;
constexpr u8 kBSet = 0x80, kBPeriodicIrq = 0x40, kBAlarmIrq = 0x20, kBBinary = 0x04, kB24h = 0x02,
             kBDst = 0x01;
// Status C: interrupt flags (reading clears them).
constexpr u8 kCAlarm = 0x20;
}  // namespace cmos

// NMI stays disabled while the index register is in use, as on the AT.
[[gnu::always_inline]] inline u8 cmos_read(u8 index) {
    outb(u8(index | cmos::kNmiDisable), cmos::kIndexPort);
    return inb(cmos::kDataPort);
}
[[gnu::always_inline]] inline void cmos_write(u8 index, u8 val) {
    outb(u8(index | cmos::kNmiDisable), cmos::kIndexPort);
    outb(val, cmos::kDataPort);
}

}  // namespace reef
