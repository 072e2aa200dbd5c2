// SPDX-License-Identifier: LGPL-3.0-or-later
// The 32-bit half of the trampoline self-test (see src/svc/selftest16.cc).
#include "fw/selftest.h"

#include "lib/call16.h"
#include "lib/log.h"
#include "lib/rtvars.h"

DECLARE_TEXT16(entry_selftest);
extern "C" char rt32_stack_top_flat[];

namespace reef {
namespace {
volatile u32 g_echo;

// Called through call32 from the 16-bit service: remembers its argument and
// returns the stack pointer it runs on.
extern "C" u32 selftest32(u32 arg) {
    g_echo = arg + 1;
    u32 esp;
    asm volatile("movl %%esp, %0" : "=r"(esp));
    return esp;
}
}  // namespace

void trampoline_selftest() {
    Regs16 r{};
    r.cs = FSEG;
    r.ip = TEXT16_OFFSET(entry_selftest);
    r.edx = reinterpret_cast<uintptr_t>(&selftest32);
    g_echo = 0;
    call16(r, Call16Kind::kInterrupt);
    u32 top = reinterpret_cast<uintptr_t>(rt32_stack_top_flat);
    bool on_stack = r.eax < top && r.eax >= top - RT32_STACK_SIZE;
    bool ran = g_echo == 0xC0DE1235;
    if (ran && on_stack && !r.ebx)
        dlog(1, "selftest: call32 from a 16-bit service OK: ran on the runtime 32-bit stack (esp 0x%x), "
                "GDTR, IDTR and segment registers restored\n", r.eax);
    else
        dlog(1, "selftest: call32 from a 16-bit service FAILED: ran=%d esp=0x%x (stack 0x%x-0x%x) "
                "lost state bits=0x%x (1 GDTR, 2 IDTR, 4 FS, 8 GS, 16 DS, 32 SS)\n",
             ran, r.eax, top - RT32_STACK_SIZE, top, r.ebx);
}

}  // namespace reef
