// SPDX-License-Identifier: LGPL-3.0-or-later
#include "hw/timer.h"

#include "lib/io.h"

namespace reef {
namespace {
using namespace pit;
using PitMode = IoReg<u8, kModePort>;
using PitCh0 = IoReg<u8, kCh0Port>;
}  // namespace

void pit_setup() {
    PitMode::write(kSelCh0 | kAccessLoHi | kMode2);
    PitCh0::write(0);  // divisor 0 = 65536
    PitCh0::write(0);
}

u16 pit_read_counter() {
    u32 flags = save_flags();
    cli();
    PitMode::write(kSelCh0 | kLatch);
    u16 lo = PitCh0::read();
    u16 hi = PitCh0::read();
    restore_flags(flags);
    return u16(lo | (hi << 8));
}

void udelay(u32 us) {
    u32 target = pit_ticks_from_us(us);
    PitStopwatch sw;
    while (sw.poll() < target) {
    }
}

}  // namespace reef
