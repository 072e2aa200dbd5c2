// SPDX-License-Identifier: LGPL-3.0-or-later
// Built in both firmware modes.
#include "lib/console.h"

#include "hw/uart.h"
#include "lib/format.h"
#include "lib/io.h"
#include "lib/log.h"
#include "lib/rtvars.h"
#if defined(REEF_MODE32)
#include "lib/call16.h"
#endif

namespace reef {

namespace {
constexpr u16 kCom1 = CONFIG_SERIAL_PORT;

void console_putc(void*, char c) {
    if (c == '\n') {
        serial_putc('\r');
        screen_putc('\r');
    }
    serial_putc(c);
    screen_putc(c);
    if (c != '\r') debug_putc(c);
}
}  // namespace

void serial_init() {
    if (!CONFIG_SERIAL_CONSOLE) return;
    uart::Ier::write(kCom1, 0);
    uart::Lcr::write(kCom1, uart::kLcrDlab);
    uart::Dll::write(kCom1, 1);  // 115200 baud
    uart::Dlm::write(kCom1, 0);
    uart::Lcr::write(kCom1, uart::kLcr8N1);
    uart::Fcr::write(kCom1, 0x07);  // FIFO on, both cleared
    uart::Mcr::write(kCom1, 0x03);  // DTR, RTS
}

void serial_putc(char c) {
    if (!CONFIG_SERIAL_CONSOLE) return;
    // Bounded wait: an absent UART reads 0xFF (empty) and a stuck one must
    // not hang the firmware.
    for (int i = 0; i < 100000; i++)
        if (uart::Lsr::read(kCom1) & uart::kLsrThrEmpty) break;
    uart::Thr::write(kCom1, u8(c));
}

void screen_putc(char c) {
    if (!RT(g_video_ready)) return;
#if defined(REEF_MODE16)
    u32 ax = 0x0E00 | u8(c), bx = 0x0007;
    asm volatile("int $0x10" : "+a"(ax), "+b"(bx) : : "ecx", "edx", "esi", "edi", "memory", "cc");
#else
    Regs16 r{};
    r.ax = u16(0x0E00 | u8(c));
    r.bx = 0x0007;
    call16_int(0x10, r);
#endif
}

void console_printf(const char* fmt, ...) {
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    vformat(console_putc, nullptr, fmt, ap);
    __builtin_va_end(ap);
}

}  // namespace reef
