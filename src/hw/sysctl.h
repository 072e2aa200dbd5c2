// SPDX-License-Identifier: LGPL-3.0-or-later
// System control ports: port 92h (system control port A: fast A20 gate and
// fast reset) and the PIIX/ICH reset control register at CF9h. The one
// definition, for both firmware modes and (out/asm-offsets.h) the assembly.
#pragma once
#include "lib/io.h"

namespace reef::sysctl {

constexpr u16 kPortA = 0x92;
using PortA = IoReg<u8, kPortA>;
constexpr u8 kFastReset = 0x01;  // writing 1 resets the CPU: always write 0
constexpr u8 kA20 = 0x02;

constexpr u16 kResetCtrl = 0xCF9;
constexpr u8 kResetSys = 0x02;   // arm: the reset is a full (system) reset
constexpr u8 kResetCpu = 0x04;   // 0 -> 1 starts the reset

[[gnu::always_inline]] inline bool a20_enabled() { return PortA::read() & kA20; }
// Sets the A20 gate; returns whether it was enabled before.
[[gnu::always_inline]] inline bool a20_set(bool on) {
    u8 v = PortA::read();
    PortA::write(u8((on ? (v | kA20) : (v & ~kA20)) & ~kFastReset));
    return v & kA20;
}

}  // namespace reef::sysctl
