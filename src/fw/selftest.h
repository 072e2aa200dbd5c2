// SPDX-License-Identifier: LGPL-3.0-or-later
#pragma once
#include "lib/types.h"

namespace reef {
// The value the 16-bit half hands the 32-bit half and expects back.
constexpr u32 kSelftestArg = 0xC0DE1234;
// CONFIG_SELFTEST_TRAMPOLINES, after the BIOS is write-protected: POST ->
// call16 -> 16-bit service -> call32 (twice) -> 32-bit code and back; logs
// "selftest: ..." with the outcome.
void trampoline_selftest();
}  // namespace reef
