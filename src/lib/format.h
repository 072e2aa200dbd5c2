// SPDX-License-Identifier: LGPL-3.0-or-later
// A small printf engine for firmware and host builds: %d %u %x %X %s %c %p %%,
// flags '-' and '0', a width, and the l/ll/z length modifiers.
#pragma once
#include "lib/types.h"

namespace reef {

using PutcFn = void (*)(void* ctx, char c);

// Where the engine writes: a buffer that `drain` empties when it is full
// (and the owner at the end), or, without `drain`, a fixed buffer whose
// overflow is only counted. No call per character: that was most of the
// cost of every log line at POST.
struct FormatSink {
    char* buf = nullptr;
    u32 cap = 0, pos = 0;
    size_t total = 0;  // characters produced, kept or not
    void (*drain)(FormatSink&) = nullptr;
    [[gnu::always_inline]] void put(char c) {
        total++;
        if (pos == cap) {
            drain_full();
            if (pos == cap) return;
        }
        buf[pos++] = c;
    }
    // n characters at once (a literal run of the format).
    void write(const char* p, u32 n);
    [[gnu::noinline]] void drain_full();
};
void vformat_sink(FormatSink& s, const char* fmt, __builtin_va_list ap);

void vformat(PutcFn out, void* ctx, const char* fmt, __builtin_va_list ap);
// Always NUL-terminates (when n > 0); returns the length it wanted to write.
size_t vsnformat(char* buf, size_t n, const char* fmt, __builtin_va_list ap);
size_t snformat(char* buf, size_t n, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

}  // namespace reef
