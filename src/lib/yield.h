// SPDX-License-Identifier: LGPL-3.0-or-later
// yield(): let pending IRQs in (docs/mode-switching.md, "Interrupts and
// stacks"). Every wait calls it (through PitStopwatch::poll, hw/timer.h), so
// the timer tick, the keyboard and INT 1Ch hooks keep running while a
// driver polls, in 16-bit code and in 32-bit code alike.
#pragma once
#include "lib/mode.h"

namespace reef {
// Does nothing when interrupts are already on, before POST has the IVT and
// PIC ready, inside an interrupt handler (an IRQ in service), or when no
// unmasked IRQ is pending. Otherwise opens an interrupt window: in 16-bit
// code STI/NOP/CLI; in 32-bit code a trip to real mode through call16
// (interrupts are never on in protected mode: there is no IDT).
void yield();
}  // namespace reef

// Set by POST once the IVT, the PICs and the timer are set up.
DECLARE_RTVAR(u8, g_irqs_ready);
