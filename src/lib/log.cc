// SPDX-License-Identifier: LGPL-3.0-or-later
// The debug log's output (lib/log.h). Built as 16-bit and as
// position-independent 32-bit code, so that the BIOS32 entries, which run
// wherever the caller maps the BIOS, can log like everything else.
#include "lib/log.h"

#include "lib/format.h"
#include "lib/io.h"

namespace reef {

namespace {
// A line goes out in chunks of the stack buffer, one debug_write each.
void debug_drain(FormatSink& s) { debug_write(s.buf, s.pos); }
}  // namespace

void debug_putc(char c) { outb(u8(c), CONFIG_DEBUG_PORT); }

void debug_write(const char* p, u32 n) {
    asm volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(u16(CONFIG_DEBUG_PORT)) : "memory");
}

void log_write(const char* fmt, ...) {
    char buf[48];
    FormatSink s;
    s.buf = buf;
    s.cap = sizeof(buf);
    s.drain = debug_drain;
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    vformat_sink(s, fmt, ap);
    __builtin_va_end(ap);
    debug_drain(s);
}

}  // namespace reef
