// SPDX-License-Identifier: LGPL-3.0-or-later
// Legacy platform setup during POST: IVT, BDA/EBDA, PIC, PIT, RTC, CMOS.
#pragma once
#include "hw/cmos.h"

namespace reef {

void ivt_setup();
void bda_setup(u32 ebda_base);
void pic_setup();
void rtc_setup();

}  // namespace reef
