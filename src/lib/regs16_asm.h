/* SPDX-License-Identifier: LGPL-3.0-or-later
 * For the assembly (16- and 32-bit): the push order that builds the lower
 * part of a struct Regs16 (lib/regs16.h) on the stack, from EAX down to GS,
 * below what the caller pushed above it (handler, IP, CS, FLAGS). The
 * interrupt entry (src/entry16.S) and the $PCI entry (src/svc/bios32.S)
 * build their frames with it. */
#ifndef REEF_REGS16_ASM_H
#define REEF_REGS16_ASM_H

.macro PUSH_REGS16_GPRS_SEGS
        pushal
        pushw %ds
        pushw %es
        pushw %fs
        pushw %gs
.endm

#endif
