// SPDX-License-Identifier: LGPL-3.0-or-later
// Legacy platform setup during POST: IVT, BDA/EBDA, PIC, PIT, RTC, CMOS.
#pragma once
#include "lib/types.h"

namespace reef {

namespace cmos {
constexpr u8 kSeconds = 0x00, kMinutes = 0x02, kHours = 0x04, kDayOfWeek = 0x06;
constexpr u8 kDay = 0x07, kMonth = 0x08, kYear = 0x09;
constexpr u8 kStatusA = 0x0A, kStatusB = 0x0B, kStatusC = 0x0C, kStatusD = 0x0D;
constexpr u8 kShutdown = 0x0F, kFloppyTypes = 0x10;
constexpr u8 kCentury = 0x32;
// (memory size registers: src/fw/memmap.cc)
constexpr u8 kNmiDisable = 0x80;
}  // namespace cmos

u8 cmos_read(u8 index);
void cmos_write(u8 index, u8 val);

void ivt_setup();
void bda_setup(u32 ebda_base);
void pic_setup();
void rtc_setup();
// Unmask one ISA IRQ line on the PICs.
void pic_unmask(u8 irq);

}  // namespace reef
