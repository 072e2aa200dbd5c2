// SPDX-License-Identifier: LGPL-3.0-or-later
// 16-bit runtime: calling 32-bit runtime code (src/trampoline.S,
// docs/mode-switching.md).
#pragma once
#include "layout.h"
#include "lib/mode.h"
#include "lib/rtvars.h"
#include "lib/types.h"

#if defined(REEF_MODE16)
// func_flat(arg) in flat protected mode, on the 32-bit runtime stack; its EAX.
// Real mode only (not vm86).
extern "C" u32 call32(u32 func_flat, u32 arg);

namespace reef {
// Whether 16-bit code runs on the 32-bit runtime stack: an IRQ let in by a
// 32-bit yield() during a call32. Such a handler must not call 32-bit code
// that drives a controller the interrupted code may be in the middle of.
[[gnu::always_inline]] inline bool on_call32_stack() {
    u32 esp;
    u16 ss;
    asm volatile("movl %%esp, %0\n\tmovw %%ss, %1" : "=r"(esp), "=r"(ss));
    u32 flat = (u32(ss) << 4) + (esp & 0xFFFF);
    u32 top = g_call32_stack;
    return top && flat <= top && flat > top - RT32_STACK_SIZE;
}
}  // namespace reef
#endif
