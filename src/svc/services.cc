// SPDX-License-Identifier: LGPL-3.0-or-later
// Small runtime services: timer and spurious IRQs, INT 10h without a video
// BIOS, INT 11h/12h, serial (14h), printer (17h), the diskette IRQ (0Eh)
// and motor timeout.
#include "hw/cmos.h"
#include "hw/floppy.h"
#include "hw/pic.h"
#include "hw/timer.h"
#include "hw/uart.h"
#include "lib/bda.h"
#include "lib/console.h"
#include "lib/io.h"
#include "lib/log.h"
#include "svc/handlers.h"
#include "svc/mouse.h"


using namespace reef;

extern "C" char rt_stack_bottom[];

namespace {
constexpr u32 kTicksPerDay = 0x1800B0;
}

// irqentry_common found a runtime stack's canary overwritten on the way out
// of a service (CONFIG_STACK_CANARY): the stack overflowed, and whatever
// lies below it is damaged. Say so and stop.
extern "C" [[noreturn]] void stack_overflow(u32 canary) {
    const char* which = canary == reinterpret_cast<uintptr_t>(rt_stack_bottom) ? "16-bit" : "32-bit";
    console_printf("stack: the runtime %s stack overflowed (canary at %04x:%04x overwritten); halted\n", which,
                   RTDATA_SEG, canary);
    for (;;) asm volatile("cli\n\thlt");
}

HANDLER(handle_int08) {
    (void)r;
    u32 t = BDA_GET(timer_counter) + 1;
    if (t >= kTicksPerDay) {
        t = 0;
        BDA_SET(timer_rollover, u8(1));
    }
    BDA_SET(timer_counter, t);
    u8 motor = BDA_GET(floppy_motor_counter);
    if (motor) {
        BDA_SET(floppy_motor_counter, u8(motor - 1));
        if (motor == 1) {
            // All diskette motors off; the controller stays out of reset.
            fdc::Dor::write(u8(fdc::kDorNotReset | fdc::kDorDmaIrq));
            BDA_SET(floppy_motor_status, u8(BDA_GET(floppy_motor_status) & 0xF0));
        }
    }
    mouse_timer_poll();
    kbd_timer_poll();
    // The serial console's keys reach the buffer even while nobody calls
    // INT 16h (a boot loader that only polls AH=01h between ticks).
    sercon_poll(false);
    asm volatile("int $0x1c" ::: "eax", "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
    pic::eoi(0);
}

HANDLER(handle_int0e) {
    (void)r;
    BDA_SET(floppy_recal, u8(BDA_GET(floppy_recal) | 0x80));
    pic::eoi(6);
}

HANDLER(handle_int70) {
    (void)r;
    // Acknowledge the RTC (reading status C) and run the alarm hook.
    u8 c = cmos_read(cmos::kStatusC);
    if (c & cmos::kCAlarm) asm volatile("sti; int $0x4a; cli" ::: "eax", "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
    pic::eoi(8);
}

HANDLER(handle_hwirq_master) {
    (void)r;
    // An IRQ nobody claimed: acknowledge it so the PIC keeps delivering.
    pic::eoi(0);
}

HANDLER(handle_hwirq_slave) {
    (void)r;
    pic::eoi(8);
}

HANDLER(handle_int10) {
    // Only reached when no video BIOS hooked INT 10h: keep teletype output
    // visible on the serial console, accept the rest silently.
    if (r->ah == 0x0E) serial_putc(char(r->al));
    else if (r->ah == 0x0F) {
        r->al = 0x03;
        r->ah = 80;
        r->bh = 0;
    }
}

HANDLER(handle_int11) { r->ax = BDA_GET(equipment); }

HANDLER(handle_int12) { r->ax = BDA_GET(mem_kb); }

// ---- INT 14h: serial ports ----------------------------------------------
HANDLER(handle_int14) {
    if (r->dx >= 4) {
        r->set_cf();
        return;
    }
    u16 base = far_read<u16>(kBdaSeg, __builtin_offsetof(Bda, com_port) + 2u * r->dx);
    if (!base) {
        r->set_cf();
        return;
    }
    r->clear_cf();
    u32 timeout_us = u32(far_read<u8>(kBdaSeg, __builtin_offsetof(Bda, com_timeout) + r->dx)) * 1000000u;
    u32 limit = pit_ticks_from_us(timeout_us);
    switch (r->ah) {
    case 0x00: {  // initialise: AL = baud(7-5) parity(4-3) stop(2) length(1-0)
        static constexpr u16 kDivisor[8] = {0x417, 0x300, 0x180, 0xC0, 0x60, 0x30, 0x18, 0x0C};
        u16 div = kDivisor[r->al >> 5];
        uart::Lcr::write(base, uart::kLcrDlab);
        uart::Dll::write(base, u8(div));
        uart::Dlm::write(base, u8(div >> 8));
        uart::Lcr::write(base, u8(r->al & 0x1F));
        r->ah = uart::Lsr::read(base);
        r->al = uart::Msr::read(base);
        break;
    }
    case 0x01: {  // send AL
        PitStopwatch sw;
        while (!(uart::Lsr::read(base) & uart::kLsrThrEmpty))
            if (sw.poll() > limit) break;
        u8 lsr = uart::Lsr::read(base);
        if (lsr & uart::kLsrThrEmpty) {
            uart::Thr::write(base, r->al);
            r->ah = lsr;
        } else {
            r->ah = u8(lsr | uart::kLsrTimeout);
        }
        break;
    }
    case 0x02: {  // receive into AL
        PitStopwatch sw;
        while (!(uart::Lsr::read(base) & uart::kLsrDataReady))
            if (sw.poll() > limit) break;
        u8 lsr = uart::Lsr::read(base);
        if (lsr & uart::kLsrDataReady) {
            r->al = uart::Rbr::read(base);
            r->ah = u8(lsr & 0x1E);
        } else {
            r->ah = u8(lsr | uart::kLsrTimeout);
        }
        break;
    }
    case 0x03:  // status
        r->ah = uart::Lsr::read(base);
        r->al = uart::Msr::read(base);
        break;
    default:
        r->set_cf();
    }
}

// ---- INT 17h: parallel ports ---------------------------------------------
HANDLER(handle_int17) {
    if (r->dx >= 3) return;
    u16 base = far_read<u16>(kBdaSeg, __builtin_offsetof(Bda, lpt_port) + 2u * r->dx);
    if (!base) {
        r->ah = 0;
        return;
    }
    auto status = [&] { return u8((inb(u16(base + 1)) & 0xF8) ^ 0x48); };
    switch (r->ah) {
    case 0x00: {  // print AL
        outb(r->al, base);
        u8 ctl = inb(u16(base + 2));
        outb(u8(ctl | 0x01), u16(base + 2));  // strobe
        outb(u8(ctl & ~0x01), u16(base + 2));
        r->ah = status();
        break;
    }
    case 0x01:  // initialise
        outb(0x08, u16(base + 2));
        outb(0x0C, u16(base + 2));
        r->ah = status();
        break;
    case 0x02:
        r->ah = status();
        break;
    }
}
