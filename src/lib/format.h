// SPDX-License-Identifier: LGPL-3.0-or-later
// A small printf engine for firmware and host builds: %d %u %x %X %s %c %p %%,
// flags '-' and '0', a width, and the l/ll/z length modifiers.
#pragma once
#include "lib/types.h"

namespace reef {

using PutcFn = void (*)(void* ctx, char c);
void vformat(PutcFn out, void* ctx, const char* fmt, __builtin_va_list ap);
// Always NUL-terminates (when n > 0); returns the length it wanted to write.
size_t vsnformat(char* buf, size_t n, const char* fmt, __builtin_va_list ap);
size_t snformat(char* buf, size_t n, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

}  // namespace reef
