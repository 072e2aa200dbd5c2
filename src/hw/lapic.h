// SPDX-License-Identifier: LGPL-3.0-or-later
// The local APIC (xAPIC MMIO at its reset address) and the IOAPIC: the
// registers POST uses (virtual wire mode, INIT-SIPI-SIPI, the MP table).
#pragma once
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

[[gnu::always_inline]] inline u32 read(u32 reg) { return *reinterpret_cast<volatile u32*>(kBase + reg); }
[[gnu::always_inline]] inline void write(u32 reg, u32 v) { *reinterpret_cast<volatile u32*>(kBase + reg) = v; }
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
