// SPDX-License-Identifier: LGPL-3.0-or-later
// Time from the PIT (channel 0 in mode 2, 1.193182 MHz, wrapping every
// 65536 counts = 54.9 ms): polling-based delays and timeouts that work the
// same in POST and in the runtime services, with or without interrupts.
#pragma once
#include "lib/yield.h"

namespace reef {

constexpr u32 kPitHz = 1193182;

// The 8254 PIT's ports and the control word bits POST uses.
namespace pit {
constexpr u16 kCh0Port = 0x40, kCh2Port = 0x42, kModePort = 0x43;
constexpr u8 kSelCh0 = 0x00, kLatch = 0x00, kAccessLoHi = 0x30, kMode2 = 0x04;
}  // namespace pit

// Programs channel 0 for the 18.2 Hz system tick (mode 2, divisor 65536).
void pit_setup();
u16 pit_read_counter();

// Measures elapsed time by polling the counter; poll() must be called at
// least once per 54 ms. Every poll yields to pending IRQs (lib/yield.h):
// each wait in the firmware is a loop around poll().
class PitStopwatch {
public:
    PitStopwatch() : last_(pit_read_counter()), ticks_(0) {}
    // Returns the PIT ticks elapsed since construction.
    u32 poll() {
        yield();
        u16 now = pit_read_counter();
        ticks_ += u16(last_ - now);  // a down-counter
        last_ = now;
        return ticks_;
    }
    u32 elapsed_us() { return u32((u64(poll()) * 1000000u) / kPitHz); }

private:
    u16 last_;
    u32 ticks_;
};

// PIT ticks in `us` microseconds: us * 1.193182, as a multiply and a shift
// (2^16 * 1.193182 = 78196.2; about 5 ppm short). No 64-bit
// division: waits compute their limits at run time, in 16-bit code too.
constexpr u32 pit_ticks_from_us(u32 us) { return u32((u64(us) * 78196u) >> 16); }
static_assert(kPitHz - pit_ticks_from_us(1000000) < 10);

void udelay(u32 us);

}  // namespace reef
