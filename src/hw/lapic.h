// SPDX-License-Identifier: LGPL-3.0-or-later
// The local APIC and the IOAPIC: the registers POST uses (virtual wire
// mode, INIT-SIPI-SIPI, the wake-up timer, the MP table). The local APIC is
// reached as xAPIC MMIO at its reset address, or, once POST has switched
// it to x2APIC mode (more than 255 CPUs: docs/post-flow.md, "CPUs"), as
// MSRs 800h + register offset / 16.
#pragma once
#include "hw/cpu.h"
#include "lib/types.h"

namespace reef {

namespace lapic {
constexpr u32 kBase = 0xFEE00000;
constexpr u32 kVersion = 0x030, kSvr = 0x0F0, kIcrLow = 0x300, kIcrHigh = 0x310;
constexpr u32 kEoi = 0x0B0, kLvtTimer = 0x320, kLint0 = 0x350, kLint1 = 0x360;
constexpr u32 kTimerInitial = 0x380, kTimerDivide = 0x3E0;
constexpr u32 kLvtMasked = 1u << 16, kDivideBy1 = 0xB;
constexpr u32 kSvrEnable = 0x100, kSpuriousVector = 0xFF;
constexpr u32 kDeliverExtInt = 0x700, kDeliverNmi = 0x400;
// ICR: delivery mode bits 10:8, bit 12 send pending, bit 14 level assert,
// bits 19:18 destination shorthand (3 = all excluding self).
constexpr u32 kIcrInit = 0x500, kIcrStartup = 0x600, kIcrPending = 1u << 12, kIcrAssert = 1u << 14;
constexpr u32 kIcrAllButSelf = 3u << 18;
constexpr u32 kIcrSmi = 0x200;  // delivery mode 010b (vector 0)

// IA32_APIC_BASE: bit 11 enables the APIC, bit 10 selects x2APIC mode.
constexpr u32 kMsrApicBase = 0x1B, kBaseEnable = 1u << 11, kBaseX2apic = 1u << 10;
constexpr u32 kMsrX2Base = 0x800;
// x2APIC mode: one 64-bit ICR MSR (destination in the high half), no
// send-pending bit (a write is complete when WRMSR retires).
constexpr u32 kMsrX2Icr = kMsrX2Base + (kIcrLow >> 4);

// This CPU's mode (POST data, src/fw/smp.cc; false until smp_setup
// switches the BSP).
extern bool g_x2apic;

[[gnu::always_inline]] inline u32 read(u32 reg) {
    if (g_x2apic) return u32(rdmsr(kMsrX2Base + (reg >> 4)));
    return *reinterpret_cast<volatile u32*>(kBase + reg);
}
[[gnu::always_inline]] inline void write(u32 reg, u32 v) {
    if (g_x2apic)
        wrmsr(kMsrX2Base + (reg >> 4), v, 0);
    else
        *reinterpret_cast<volatile u32*>(kBase + reg) = v;
}
}  // namespace lapic

namespace ioapic {
constexpr u32 kBase = 0xFEC00000;
constexpr u32 kRegSel = 0x00, kWindow = 0x10;
constexpr u8 kRegId = 0, kRegVersion = 1;

[[gnu::always_inline]] inline u32 read(u8 reg) {
    *reinterpret_cast<volatile u32*>(kBase + kRegSel) = reg;
    return *reinterpret_cast<volatile u32*>(kBase + kWindow);
}
}  // namespace ioapic

}  // namespace reef
