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

// The serial console (docs/serial-console.md) mirrors INT 10h to a UART:
// on ours, the screen's copy is the serial one.
bool serial_mirrored() { return CONFIG_SERCON && CONFIG_SERIAL_CONSOLE && RT(g_sercon).port == kCom1; }

void console_putc(void*, char c) {
    bool direct = !serial_mirrored();
    if (c == '\n') {
        if (direct) serial_putc('\r');
        screen_putc('\r');
    }
    if (direct) serial_putc(c);
    screen_putc(c);
    if (c != '\r') debug_putc(c);
}
}  // namespace

void uart_setup(u16 port) {
    uart::Ier::write(port, 0);
    uart::Lcr::write(port, uart::kLcrDlab);
    uart::Dll::write(port, 1);  // 115200 baud
    uart::Dlm::write(port, 0);
    uart::Lcr::write(port, uart::kLcr8N1);
    uart::Fcr::write(port, u8(uart::kFcrEnable | uart::kFcrClearRx | uart::kFcrClearTx));
    uart::Mcr::write(port, u8(uart::kMcrDtr | uart::kMcrRts));
}

void serial_init() {
    if (!CONFIG_SERIAL_CONSOLE) return;
    uart_setup(kCom1);
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
    // Without a video BIOS, a serial console is INT 10h.
    if (!RT(g_video_ready) && !(CONFIG_SERCON && RT(g_sercon).port)) return;
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
