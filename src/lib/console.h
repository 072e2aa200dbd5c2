// SPDX-License-Identifier: LGPL-3.0-or-later
// Short user-facing messages: on the serial console (COM1) and on screen
// (INT 10h teletype, once a video BIOS is up), also copied to the debug log.
#pragma once
#include "lib/mode.h"

namespace reef {
void serial_init();
// Programs the 16550 at `port`: 115200 baud 8N1, FIFOs on, no interrupts.
void uart_setup(u16 port);
void serial_putc(char c);
void screen_putc(char c);
void console_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
}  // namespace reef
