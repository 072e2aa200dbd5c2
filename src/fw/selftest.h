// SPDX-License-Identifier: LGPL-3.0-or-later
#pragma once

namespace reef {
// CONFIG_SELFTEST_TRAMPOLINES: POST -> call16 -> 16-bit service -> call32 ->
// 32-bit code and back; logs "selftest: ..." with the outcome.
void trampoline_selftest();
}  // namespace reef
