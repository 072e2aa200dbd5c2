// SPDX-License-Identifier: LGPL-3.0-or-later
// The debug log's output (lib/log.h). Built as 16-bit and as
// position-independent 32-bit code, so that the BIOS32 entries, which run
// wherever the caller maps the BIOS, can log like everything else.
#include "lib/log.h"

#include "lib/format.h"
#include "lib/io.h"

namespace reef {

namespace {
// A line goes out in chunks, one `rep outsb` each: one instruction per
// character (the stack buffer is addressed through DS, which is SS in
// every mode that logs).
void debug_drain(FormatSink& s) {
    const char* p = s.buf;
    u32 n = s.pos;
    u16 port = CONFIG_DEBUG_PORT;
    asm volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(port) : "memory");
}
}  // namespace

void debug_putc(char c) { outb(u8(c), CONFIG_DEBUG_PORT); }

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
