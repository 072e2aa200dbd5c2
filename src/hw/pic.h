// SPDX-License-Identifier: LGPL-3.0-or-later
// The two cascaded 8259A interrupt controllers (ports 20h/21h, A0h/A1h):
// the one definition of their registers, for both firmware modes and, via
// out/asm-offsets.h, the assembly.
#pragma once
#include "lib/io.h"

namespace reef::pic {

constexpr u16 kMasterCmd = 0x20, kMasterData = 0x21, kSlaveCmd = 0xA0, kSlaveData = 0xA1;
using MasterCmd = IoReg<u8, kMasterCmd>;
using MasterData = IoReg<u8, kMasterData>;  // IMR after initialisation
using SlaveCmd = IoReg<u8, kSlaveCmd>;
using SlaveData = IoReg<u8, kSlaveData>;

constexpr u8 kIcw1Init = 0x11;         // edge triggered, cascade, ICW4 follows
constexpr u8 kIcw4_8086 = 0x01;
constexpr u8 kOcw2Eoi = 0x20;          // non-specific end of interrupt
constexpr u8 kOcw3ReadIrr = 0x0A, kOcw3ReadIsr = 0x0B;
constexpr u8 kMasterBase = 0x08;       // IRQ0-7  -> INT 08h-0Fh
constexpr u8 kSlaveBase = 0x70;        // IRQ8-15 -> INT 70h-77h
constexpr u8 kCascadeIrq = 2;

// The ELCR (edge/level control, PIIX3 and ICH9): bit n set = ISA IRQ n is
// level-triggered, as a PCI interrupt routed to it must be.
using Elcr1 = IoReg<u8, 0x4D0>;  // IRQ 0-7
using Elcr2 = IoReg<u8, 0x4D1>;  // IRQ 8-15

[[gnu::always_inline]] inline void set_level_triggered(u8 irq) {
    if (irq < 8) Elcr1::write(u8(Elcr1::read() | (1u << irq)));
    else Elcr2::write(u8(Elcr2::read() | (1u << (irq - 8))));
}

// End of interrupt for an IRQ line (both controllers for IRQ 8-15).
[[gnu::always_inline]] inline void eoi(u8 irq) {
    if (irq >= 8) SlaveCmd::write(kOcw2Eoi);
    MasterCmd::write(kOcw2Eoi);
}

[[gnu::always_inline]] inline void unmask(u8 irq) {
    if (irq < 8) MasterData::write(u8(MasterData::read() & ~(1u << irq)));
    else SlaveData::write(u8(SlaveData::read() & ~(1u << (irq - 8))));
}

// IRQ lines that are requested and not masked (bit n = IRQ n): what an
// STI would let in now. Reads the IRR through OCW3 and leaves the
// controllers set to return the IRR, their power-on default.
[[gnu::always_inline]] inline u16 pending() {
    MasterCmd::write(kOcw3ReadIrr);
    u16 irr = MasterCmd::read();
    u16 imr = MasterData::read();
    if ((irr & ~imr) & (1u << kCascadeIrq) || !(imr & (1u << kCascadeIrq))) {
        SlaveCmd::write(kOcw3ReadIrr);
        irr = u16(irr | (SlaveCmd::read() << 8));
        imr = u16(imr | (SlaveData::read() << 8));
    }
    return u16(irr & ~imr & ~(1u << kCascadeIrq));
}

// An IRQ is being serviced (some handler has not sent its EOI yet): we run
// inside an interrupt handler, or in code it called.
[[gnu::always_inline]] inline bool in_service() {
    MasterCmd::write(kOcw3ReadIsr);
    u8 isr = MasterCmd::read();
    MasterCmd::write(kOcw3ReadIrr);
    return isr != 0;
}

}  // namespace reef::pic
