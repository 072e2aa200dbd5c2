// SPDX-License-Identifier: LGPL-3.0-or-later
#include "lib/yield.h"

#include "hw/pic.h"
#include "lib/io.h"
#if defined(REEF_MODE32)
#include "lib/call16.h"
DECLARE_TEXT16(yield_rm);
#endif

namespace reef {

void yield() {
    constexpr u32 kIF = 1u << 9;
    if (save_flags() & kIF) return;
    if (!RT(g_irqs_ready) || !pic::pending() || pic::in_service()) return;
#if defined(REEF_MODE16)
    asm volatile("sti\n\tnop\n\tcli" ::: "memory");
#else
    Regs16 r{};
    r.cs = FSEG;
    r.ip = TEXT16_OFFSET(yield_rm);
    r.flags = Regs16::kIF;
    call16(r, Call16Kind::kFarCall);
#endif
}

}  // namespace reef
