// SPDX-License-Identifier: LGPL-3.0-or-later
// 32-bit POST calling into 16-bit real-mode code (option ROMs, INT services)
// through asm_call16 (src/trampoline.S). See docs/mode-switching.md.
#pragma once
#include "lib/mode.h"
#include "lib/regs16.h"

#if !defined(REEF_MODE32)
#error "call16 is for 32-bit code"
#endif

namespace reef {

enum class Call16Kind : u32 { kFarCall = 0, kInterrupt = 1 };

// Runs r.cs:r.ip in real mode with r's registers and flags; r receives the
// registers and flags the callee returned with.
void call16(Regs16& r, Call16Kind kind);
// Like the INT instruction: through the IVT, with IF and TF clear.
void call16_int(u8 vector, Regs16& r);
// As call16_int, but with interrupts enabled while the handler runs (for
// handlers that wait on the timer or keyboard, e.g. INT 16h/INT 19h).
void call16_int_irqs(u8 vector, Regs16& r);

}  // namespace reef
