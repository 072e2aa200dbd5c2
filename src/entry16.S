/* SPDX-License-Identifier: LGPL-3.0-or-later
 * 16-bit entry points: the reset vector, the IBM-compatible fixed entry
 * points in F000:E000-FFFF, and the common interrupt entry that runs C++
 * service handlers on the runtime stack. Assembled as a 16-bit object: every
 * symbol here is seen by the linker with the _r16_ prefix. */
#include "asm-offsets.h"
#include "autoconf.h"
#include "layout.h"
#include "lib/regs16_asm.h"
#include "version.h"

/* struct Regs16 (src/lib/regs16.h), as built on the stack below. */
#define RT_FRAME        (rt_stack_top - REGS16_SIZE - 4)

        .code16

/* ------------------------------------------------------------------------
 * irqentry_common: the caller (an entry stub) has pushed the 32-bit offset of
 * a C++ handler `void handler(Regs16*)` (regparm) on top of the INT frame.
 * We save all registers, move the frame to the runtime stack (unless we are
 * already on it: a nested IRQ), call the handler with DS = ES = SS =
 * RTDATA_SEG, copy the possibly modified frame back and IRET.
 * The caller's SS:SP lives in the 4 bytes above the top-level frame.
 * ------------------------------------------------------------------------ */
        .section .text.irqentry, "ax"
        .global irqentry_common
irqentry_common:
        cli
        PUSH_REGS16_GPRS_SEGS
        cld
        movw %ss, %ax
        cmpw $RTDATA_SEG, %ax
        je 2f
        /* Top level: copy the frame to the runtime stack and switch to it. */
        movw %ax, %ds
        movw %sp, %si
        movw $RTDATA_SEG, %ax
        movw %ax, %es
        movw $RT_FRAME, %di
        movw $(REGS16_SIZE / 2), %cx
        rep movsw
        movw %ds, %es:(rt_stack_top - 4)
        movw %sp, %es:(rt_stack_top - 2)
        movw %ax, %ss
        movl $RT_FRAME, %esp
        movw %ax, %ds
        jmp 3f
2:      /* Nested (an IRQ while a service runs): stay on the runtime stack. */
        movw %ax, %ds
        movw %ax, %es
        movzwl %sp, %esp
3:      movl %esp, %eax
        calll *R_HANDLER(%esp)
        cli
        cmpw $RT_FRAME, %sp
        jne 4f
#if CONFIG_STACK_CANARY
        /* Leaving the BIOS: both runtime stacks must still have their
         * canaries (set by POST, see docs/mode-switching.md). */
        cmpl $STACK_CANARY, rt_stack_bottom
        jne 8f
        cmpl $STACK_CANARY, rt32_stack_bottom
        jne 9f
#endif
        /* Top level: copy the frame back to the caller's stack, switch back. */
        movw rt_stack_top - 4, %es
        movw rt_stack_top - 2, %di
        movw %sp, %si
        movw $(REGS16_SIZE / 2), %cx
        cld
        rep movsw
        movw %es, %ax
        movw %ax, %ss
        movw rt_stack_top - 2, %sp
4:      popw %gs
        popw %fs
        popw %es
        popw %ds
        popal
        addw $4, %sp
        iretw
#if CONFIG_STACK_CANARY
8:      movl $rt_stack_bottom, %eax
        jmp 10f
9:      movl $rt32_stack_bottom, %eax
10:     calll stack_overflow       /* does not return */
#endif

/* Entry stubs: one per C++-serviced vector. */
        .macro ENTRY_C name, handler
        .global \name
\name:
        pushl $\handler
        jmp irqentry_common
        .endm

        ENTRY_C entry_int08, handle_int08
        ENTRY_C entry_int09, handle_int09
        ENTRY_C entry_int0e, handle_int0e
        ENTRY_C entry_int10, handle_int10
        ENTRY_C entry_int11, handle_int11
        ENTRY_C entry_int12, handle_int12
        ENTRY_C entry_int13, handle_int13
        ENTRY_C entry_int14, handle_int14
        ENTRY_C entry_int15, handle_int15
        ENTRY_C entry_int16, handle_int16
        ENTRY_C entry_int17, handle_int17
        ENTRY_C entry_int18, handle_int18
        ENTRY_C entry_int19, handle_int19
        ENTRY_C entry_int1a, handle_int1a
        ENTRY_C entry_int40, handle_int40
        ENTRY_C entry_int70, handle_int70
        ENTRY_C entry_int74, handle_int74
        ENTRY_C entry_hwirq_master, handle_hwirq_master
        ENTRY_C entry_hwirq_slave, handle_hwirq_slave

/* The serial console's INT 10h (CONFIG_SERCON, docs/serial-console.md):
 * handle_sercon10 mirrors the call to the serial port (entered through a
 * made-up INT frame, so irqentry_common's IRET comes back here with the
 * caller's registers, or with the results when there is no video BIOS),
 * then the call goes on to the INT 10h that was there before, which
 * returns to the caller. POST writes that vector below (through the
 * F-segment's flat alias, before write-protecting it): the video BIOS's,
 * or F000:iret when sercon is the only INT 10h. */
        .section .text.sercon, "ax"
        .global entry_sercon10
entry_sercon10:
        pushfw
        pushw %cs
        pushw $1f
        pushl $handle_sercon10
        jmp irqentry_common
1:      ljmpw *%cs:sercon_prev10
        .global sercon_prev10
        .balign 4
sercon_prev10:
        .word 0, 0

/* Only referenced with CONFIG_SELFTEST_TRAMPOLINES; its own section lets
 * --gc-sections drop it otherwise. */
        .section .text.selftest, "ax"
        ENTRY_C entry_selftest, handle_selftest
/* The boot menu (CONFIG_BOOTMENU), likewise. */
        .section .text.bootmenu, "ax"
        ENTRY_C entry_bootmenu, handle_bootmenu

/* ------------------------------------------------------------------------
 * Reset and POST entry.
 * ------------------------------------------------------------------------ */
        .section .text.reset, "ax"
entry_post_impl:
        cli
        cld
        /* A soft reset (jump to F000:FFF0 with the shadow RAM still mapped)
         * finds post_done set: force a full platform reset instead, so that
         * the chipset (PAM) and devices start from a known state. */
        cmpb $0, %cs:post_done
        jne hard_reset
        /* CMOS shutdown status: 05h/0Ah mean "resume at 40:67" (used by
         * 286-era software to leave protected mode via a CPU reset). */
        movb $CMOS_NMI_OFF_SHUTDOWN, %al
        outb %al, $CMOS_INDEX
        inb $CMOS_DATA, %al
        movb %al, %bl
        cmpb $CMOS_SHUTDOWN_EOI_JUMP, %bl
        je 1f
        cmpb $CMOS_SHUTDOWN_JUMP, %bl
        jne 2f
1:      movb $CMOS_NMI_OFF_SHUTDOWN, %al
        outb %al, $CMOS_INDEX
        xorb %al, %al
        outb %al, $CMOS_DATA
        xorw %ax, %ax
        movw %ax, %ds
        cmpb $CMOS_SHUTDOWN_EOI_JUMP, %bl
        jne 5f
        movb $PIC_EOI, %al         /* EOI both PICs before resuming */
        outb %al, $PIC_SLAVE_CMD
        outb %al, $PIC_MASTER_CMD
5:      ljmpw *0x467
2:      /* Normal power-on: POST stack in conventional memory, A20 on, and
         * into 32-bit flat mode for the rest of POST. */
        xorw %ax, %ax
        movw %ax, %ss
        movl $POST_STACK_TOP, %esp
        movw %ax, %ds
        movw %ax, %es
        inb $SYSCTL_PORT_A, %al
        orb $SYSCTL_A20, %al
        andb $~SYSCTL_FAST_RESET, %al
        outb %al, $SYSCTL_PORT_A
        movl $post_entry32, %eax
        xorl %edx, %edx
        calll call32
        /* POST never returns; if it did, stop here. */
6:      hlt
        jmp 6b

        .global hard_reset
hard_reset:
        /* PIIX3/ICH9 reset control register: full reset (CPU + chipset). */
        movw $RESET_CTRL, %dx
        movb $RESET_CTRL_SYS, %al
        outb %al, %dx
        movb $RESET_CTRL_SYS_CPU, %al
        outb %al, %dx
        /* Fall back to the keyboard controller's reset line. */
        movb $I8042_PULSE_RESET, %al
        outb %al, $I8042_CMD
7:      hlt
        jmp 7b

/* Set by POST (through its flat alias) just before it write-protects the
 * F-segment; cleared in the ROM image itself. */
        .global post_done
post_done:
        .byte 0

/* Where the application processors stay after POST (src/fw/ap_trampoline.S
 * jumps here): interrupts off, halted; an NMI or SMI returns to the hlt. The
 * OS wakes them with INIT-SIPI-SIPI. */
        .section .text.ap_halt, "ax"
        .global entry_ap_halt
entry_ap_halt:
        cli
1:      hlt
        jmp 1b

/* Default handler for vectors nobody services: just return. */
        .global entry_iret
        .section .fixed.iret, "ax"
entry_iret:
        iretw

/* ------------------------------------------------------------------------
 * The fixed entry points. Code entries are near jumps (3 bytes) where a table
 * follows closely, so the tables stay at their standard offsets.
 * ------------------------------------------------------------------------ */
        .section .fixed.post, "ax"
        .global entry_post
entry_post:
        jmp entry_post_impl

        .section .fixed.nmi, "ax"
        .global entry_nmi
entry_nmi:
        iretw

        .section .fixed.int13, "ax"
        jmp entry_int13

        /* Fixed disk parameter table (AT "type 1" placeholder; drive 80h/81h
         * tables describing real disks live in the EBDA, INT 41h/46h). */
        .section .fixed.fdpt, "a"
        .global fixed_fdpt
fixed_fdpt:
        .word 306           /* cylinders */
        .byte 4             /* heads */
        .word 0, 128        /* reduced write current, write precomp */
        .byte 0             /* max ECC burst */
        .byte 0             /* control byte */
        .byte 0, 0, 0       /* timeouts */
        .word 305           /* landing zone */
        .byte 17            /* sectors per track */
        .byte 0

        .section .fixed.int19, "ax"
        jmp entry_int19

        /* Configuration table returned by INT 15h C0h. */
        .section .fixed.config_table, "a"
        .global bios_config_table
bios_config_table:
        .word 8             /* bytes that follow */
        .byte 0xFC          /* model: AT */
        .byte 0x00          /* submodel */
        .byte 0x01          /* BIOS revision */
        .byte 0x74          /* feature 1: 2nd PIC, RTC, INT 15h 4Fh hook, EBDA */
        .byte 0x40          /* feature 2: INT 16h 09h supported */
        .byte 0x00, 0x00, 0x00

        /* Divisors for 110..9600 baud (INT 14h AH=00h), 1.8432 MHz UART clock. */
        .section .fixed.baud_table, "a"
        .global baud_table
baud_table:
        .word 0x0417, 0x0300, 0x0180, 0x00C0, 0x0060, 0x0030, 0x0018, 0x000C

        .section .fixed.int14, "ax"
        jmp entry_int14
        .section .fixed.int16, "ax"
        jmp entry_int16
        .section .fixed.int09, "ax"
        jmp entry_int09
        .section .fixed.int40, "ax"
        jmp entry_int40
        .section .fixed.int0e, "ax"
        jmp entry_int0e

        /* Diskette parameter table (INT 1Eh): 1.44 MB, 3.5" */
        .section .fixed.diskette_table, "a"
        .global diskette_param_table
diskette_param_table:
        .byte 0xAF, 0x02    /* specify bytes: step rate/head unload, DMA */
        .byte 0x25          /* motor-off delay in ticks */
        .byte 0x02          /* 512 bytes per sector */
        .byte 18            /* sectors per track */
        .byte 0x1B          /* gap length */
        .byte 0xFF          /* data length */
        .byte 0x6C          /* format gap length */
        .byte 0xF6          /* format filler byte */
        .byte 0x0F          /* head settle time (ms) */
        .byte 0x08          /* motor start time (1/8 s) */

        .section .fixed.int17, "ax"
        jmp entry_int17
        .section .fixed.int10_funcs, "ax"
        jmp entry_int10
        .section .fixed.int10, "ax"
        jmp entry_int10

        /* MDA/CGA 6845 parameters (INT 1Dh): 40x25, 80x25, graphics, mono. */
        .section .fixed.video_table, "a"
        .global video_param_table
video_param_table:
        .byte 0x38,0x28,0x2D,0x0A,0x1F,0x06,0x19,0x1C,0x02,0x07,0x06,0x07,0,0,0,0
        .byte 0x71,0x50,0x5A,0x0A,0x1F,0x06,0x19,0x1C,0x02,0x07,0x06,0x07,0,0,0,0
        .byte 0x38,0x28,0x2D,0x0A,0x7F,0x06,0x64,0x70,0x02,0x01,0x06,0x07,0,0,0,0
        .byte 0x61,0x50,0x52,0x0F,0x19,0x06,0x19,0x19,0x02,0x0D,0x0B,0x0C,0,0,0,0
        .word 0x0800, 0x1000, 0x4000, 0x4000
        .byte 40, 40, 80, 80, 40, 40, 80, 80
        .byte 0x2C, 0x28, 0x2D, 0x29, 0x2A, 0x2E, 0x1E, 0x29

        .section .fixed.int12, "ax"
        jmp entry_int12
        .section .fixed.int11, "ax"
        jmp entry_int11
        .section .fixed.int15, "ax"
        jmp entry_int15
        .section .fixed.int1a, "ax"
        jmp entry_int1a
        .section .fixed.int08, "ax"
        jmp entry_int08
        .section .fixed.int05, "ax"
        .global entry_int05
entry_int05:
        iretw

        .section .fixed.reset, "ax"
        .global reset_vector
reset_vector:
        ljmpw $FSEG, $entry_post

        .section .fixed.date, "a"
        .global bios_date
bios_date:
        .ascii REEF_BIOS_DATE

        .section .fixed.model, "a"
        .global model_byte
model_byte:
        .byte 0xFC          /* model byte: PC/AT */
        .byte 0x00
