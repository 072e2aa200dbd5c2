// SPDX-License-Identifier: LGPL-3.0-or-later
// The 16-bit half of the trampoline self-test (CONFIG_SELFTEST_TRAMPOLINES,
// src/fw/selftest.cc): from inside a runtime service, with unusual GDTR,
// IDTR, FS and GS, call32 twice into the 32-bit function whose flat address
// POST passed in EDX, and check that everything came back.
#include "fw/selftest.h"
#include "lib/call32.h"
#include "lib/mode.h"
#include "svc/handlers.h"


namespace {
struct Dtr {
    u16 limit;
    u32 base;
} PACKED;

// Failure bits reported in EBX.
constexpr u32 kGdtr = 1, kIdtr = 2, kFs = 4, kGs = 8, kDs = 16, kSs = 32;
}  // namespace

HANDLER(handle_selftest) {
    Dtr gdt0, idt0, gdt1, idt1;
    asm volatile("sgdtl %0\n\tsidtl %1" : "=m"(gdt0), "=m"(idt0));
    // Values nobody else uses, loaded with interrupts off (the entry did cli).
    Dtr gtest{0x0017, 0x00012340}, itest{0x02FF, 0};
    u16 fs_test = 0x1357, gs_test = 0x2468;
    asm volatile("lgdtl %0\n\tlidtl %1\n\tmovw %2, %%fs\n\tmovw %3, %%gs"
                 :
                 : "m"(gtest), "m"(itest), "r"(fs_test), "r"(gs_test));
    u16 ds0, ss0;
    asm volatile("movw %%ds, %0\n\tmovw %%ss, %1" : "=r"(ds0), "=r"(ss0));

    u32 esp32 = call32(r->edx, reef::kSelftestArg);
    // A second call reads back what the first stored in 32-bit runtime data.
    u32 back = call32(r->edx, 0);

    u16 fs1, gs1, ds1, ss1;
    asm volatile("sgdtl %0\n\tsidtl %1" : "=m"(gdt1), "=m"(idt1));
    asm volatile("movw %%fs, %0\n\tmovw %%gs, %1\n\tmovw %%ds, %2\n\tmovw %%ss, %3"
                 : "=r"(fs1), "=r"(gs1), "=r"(ds1), "=r"(ss1));
    asm volatile("lgdtl %0\n\tlidtl %1" : : "m"(gdt0), "m"(idt0));
    u32 fail = 0;
    if (gdt1.limit != gtest.limit || gdt1.base != gtest.base) fail |= kGdtr;
    if (idt1.limit != itest.limit || idt1.base != itest.base) fail |= kIdtr;
    if (fs1 != fs_test) fail |= kFs;
    if (gs1 != gs_test) fail |= kGs;
    if (ds1 != ds0) fail |= kDs;
    if (ss1 != ss0) fail |= kSs;
    r->eax = esp32;
    r->ecx = back;
    r->ebx = fail;
}
