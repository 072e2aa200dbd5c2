// SPDX-License-Identifier: LGPL-3.0-or-later
// The 32-bit half of the trampoline self-test (see src/svc/selftest16.cc).
// It runs after the BIOS is write-protected, as the boot loader will find
// it: the 32-bit runtime code must still keep state of its own.
#include "fw/selftest.h"

#include "lib/call16.h"
#include "lib/log.h"
#include "lib/rtvars.h"

DECLARE_TEXT16(entry_selftest);
extern "C" char rt32_stack_top_flat[];

namespace reef {
namespace {
// Runtime 32-bit data, one initialised (.data) and one zeroed (.bss): both
// must survive the write protection of the BIOS.
u32 g_calls = 100;
u32 g_stored;
constexpr u32 kMix = 0x5A5A5A5A;
}  // namespace

// Called twice through call32 from the 16-bit service: with a nonzero
// argument it remembers it and returns the stack pointer it runs on; with 0
// it returns what it remembered.
extern "C" u32 c32_selftest(u32 arg) {
    g_calls++;
    if (!arg) return g_stored ^ kMix;
    g_stored = arg ^ kMix;
    u32 esp;
    asm volatile("movl %%esp, %0" : "=r"(esp));
    return esp;
}

REEF_INIT void trampoline_selftest() {
    Regs16 r{};
    r.cs = FSEG;
    r.ip = TEXT16_OFFSET(entry_selftest);
    r.edx = reinterpret_cast<uintptr_t>(&c32_selftest);
    u32 calls0 = g_calls;
    call16(r, Call16Kind::kInterrupt);
    u32 top = reinterpret_cast<uintptr_t>(rt32_stack_top_flat);
    bool on_stack = r.eax < top && r.eax >= top - RT32_STACK_SIZE;
    bool kept = r.ecx == kSelftestArg && g_calls == calls0 + 2;
    if (kept && on_stack && !r.ebx)
        dlog(1, "selftest: call32 from a 16-bit service after the write protection OK: ran on the runtime "
                "32-bit stack (esp 0x%x), kept its data across two calls (0x%x), GDTR, IDTR and segment "
                "registers restored\n", r.eax, r.ecx);
    else
        dlog(1, "selftest: call32 from a 16-bit service FAILED: esp=0x%x (stack 0x%x-0x%x) data read back "
                "0x%x (wrote 0x%x), calls %u (expected %u), lost state bits=0x%x (1 GDTR, 2 IDTR, 4 FS, "
                "8 GS, 16 DS, 32 SS)\n",
             r.eax, top - RT32_STACK_SIZE, top, r.ecx, kSelftestArg, g_calls - calls0, 2u, r.ebx);
}

}  // namespace reef
