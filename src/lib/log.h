// SPDX-License-Identifier: LGPL-3.0-or-later
// Leveled debug log. Firmware writes it to the debug port (QEMU isa-debugcon,
// CONFIG_DEBUG_PORT, default 0x402); levels above CONFIG_DEBUG_LEVEL compile
// away. Host builds hand every line to a hook the unit tests capture.
//   1  errors, warnings, one-line summaries (default build)
//   2  POST progress, devices found
//   3  per-device detail
//   4+ per-call traces of the runtime services
#pragma once
#include "lib/mode.h"

namespace reef {
void log_write(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
#if defined(REEF_FIRMWARE)
// One character to the debug port (the console's copy of each line).
void debug_putc(char c);
// n bytes to the debug port with one rep outsb: one instruction per byte.
// `p` is addressed through DS, which is SS in every mode that logs.
void debug_write(const char* p, u32 n);
#endif
#if defined(REEF_HOST)
// Installed by the tests; receives one formatted line per dlog() call.
extern void (*host_log_hook)(int level, const char* line);
void log_write_level(int level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
}  // namespace reef

#if defined(REEF_HOST)
#define dlog(level, ...) ::reef::log_write_level((level), __VA_ARGS__)
#else
#define dlog(level, ...)                                          \
    do {                                                          \
        if (CONFIG_DEBUG_LEVEL >= (level)) ::reef::log_write(__VA_ARGS__); \
    } while (0)
#endif
