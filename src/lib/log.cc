// SPDX-License-Identifier: LGPL-3.0-or-later
// The debug log's output (lib/log.h). Built as 16-bit and as
// position-independent 32-bit code, so that the BIOS32 entries, which run
// wherever the caller maps the BIOS, can log like everything else.
#include "lib/log.h"

#include "lib/format.h"
#include "lib/io.h"

namespace reef {

namespace {
void debug_out(void*, char c) { debug_putc(c); }
}  // namespace

void debug_putc(char c) { outb(u8(c), CONFIG_DEBUG_PORT); }

void log_write(const char* fmt, ...) {
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    vformat(debug_out, nullptr, fmt, ap);
    __builtin_va_end(ap);
}

}  // namespace reef
