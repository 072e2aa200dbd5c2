/* SPDX-License-Identifier: LGPL-3.0-or-later
 * The one pair of mode-switching trampolines (docs/mode-switching.md):
 *
 *   call32:     16-bit real mode  -> 32-bit flat function -> back.
 *   asm_call16: 32-bit flat mode  -> 16-bit real-mode far call or INT -> back.
 *
 * Both keep running on the caller's stack (the same bytes, addressed as
 * SS:SP in real mode and as flat ESP = SS*16 + SP in protected mode), run
 * with interrupts off while in protected mode, and restore the caller's
 * segment registers, GDTR and IDTR. Lives in the F-segment (16-bit object):
 * labels are F-segment offsets, hence the "+ FSEG_BASE" in 32-bit far jumps. */
#include "asm-offsets.h"
#include "layout.h"

/* struct Regs16 offsets (R_EAX, ...): out/asm-offsets.h, from src/lib/regs16.h. */

        .section .text.trampoline, "ax"

/* The mode-switch steps both trampolines share. */

/* Loads selector (or segment) \sel into DS, ES, FS, GS and SS through
 * the register \r32 (and its low half \r16). */
        .macro SET_DATA_SEGS sel, r32, r16
        movl $\sel, \r32
        movw \r16, %ds
        movw \r16, %es
        movw \r16, %fs
        movw \r16, %gs
        movw \r16, %ss
        .endm

/* Real mode -> 32-bit flat code at \label (a 16-bit label). */
        .macro ENTER_FLAT label, r32, r8
        lgdtl %cs:reef_gdt_desc
        movl %cr0, \r32
        orb $1, \r8
        movl \r32, %cr0
        ljmpl $SEL_CODE32, $(\label + FSEG_BASE)
        .endm

/* 16-bit protected mode (CS = SEL_CODE16) -> real mode at F000:\label,
 * with real-mode limits loaded into the data segment registers first. */
        .macro LEAVE_PROTECTED label, r32, r16, r8
        SET_DATA_SEGS SEL_DATA16, \r32, \r16
        movl %cr0, \r32
        andb $0xFE, \r8
        movl \r32, %cr0
        ljmpw $FSEG, $\label
        .endm

        .balign 8
        .global reef_gdt
reef_gdt:
        .quad 0
        .quad 0x00CF9B000000FFFF    /* 0x08: code32, flat 4 GiB */
        .quad 0x00CF93000000FFFF    /* 0x10: data32, flat 4 GiB */
        .quad 0x00009B0F0000FFFF    /* 0x18: code16, base 0xF0000, 64 KiB */
        .quad 0x000093000000FFFF    /* 0x20: data16, base 0, 64 KiB */
reef_gdt_end:
        .global reef_gdt_desc
reef_gdt_desc:
        .word reef_gdt_end - reef_gdt - 1
        .long reef_gdt + FSEG_BASE
rmode_idt_desc:
        .word 0x03FF
        .long 0

/* ------------------------------------------------------------------------
 * u32 call32(u32 func_flat, u32 arg)      16-bit, regparm: EAX, EDX
 * Calls func_flat(arg) (32-bit, regparm) in flat protected mode and returns
 * its EAX. The 32-bit code runs on its own stack (g_call32_stack; during
 * POST, which has a stack of its own, on the caller's). Callable from real
 * mode only (not vm86).
 * ------------------------------------------------------------------------ */
        .code16
        .global call32
call32:
        pushfl
        cli
        pushl %ebx
        pushl %esi
        pushl %edi
        pushl %ebp
        pushw %ds
        pushw %es
        pushw %fs
        pushw %gs
        subw $12, %sp
        movw %sp, %bp
        sgdtl 0(%bp)
        sidtl 6(%bp)
        movl %eax, %edi              /* the function */
        movw %ss, %si                /* caller SS: ESI survives the C call */
        movzwl %si, %ecx
        shll $4, %ecx
        movzwl %sp, %ebx
        addl %ecx, %ebx              /* caller's flat ESP */
        /* The 32-bit code's stack: g_call32_stack, unless it is 0 (POST)
         * or we are already on it (a nested call32). */
        movw $RTDATA_SEG, %cx
        movw %cx, %ds
        movl g_call32_stack, %ecx
        testl %ecx, %ecx
        jz 4f
        cmpl %ecx, %ebx
        ja 5f
        leal -RT32_STACK_SIZE(%ecx), %eax
        cmpl %eax, %ebx
        ja 4f
        jmp 5f
4:      movl %ebx, %ecx
5:      ENTER_FLAT 1f, %eax, %al
        .code32
1:      SET_DATA_SEGS SEL_DATA32, %eax, %ax
        movl %ecx, %esp
        pushl %ebx                   /* back to the caller's stack after */
        movl %edx, %eax
        calll *%edi
        popl %esp
        ljmpl $SEL_CODE16, $2f
        .code16
2:      LEAVE_PROTECTED 3f, %ecx, %cx, %cl
3:      movw %si, %ss
        movzwl %si, %ecx
        shll $4, %ecx
        subl %ecx, %esp
        movw %sp, %bp
        lgdtl 0(%bp)
        lidtl 6(%bp)
        addw $12, %sp
        popw %gs
        popw %fs
        popw %es
        popw %ds
        popl %ebp
        popl %edi
        popl %esi
        popl %ebx
        popfl
        retl

/* ------------------------------------------------------------------------
 * void asm_call16(Regs16 *r, u32 kind)    32-bit flat, regparm: EAX, EDX
 * r must live on the current stack (call16() in src/lib/call16.cc copies it
 * there). Loads the registers from *r, enters real mode and transfers to
 * r->cs:r->ip with r->flags. kind 0: the target returns with RETF (option
 * ROM entry); kind 1: with IRET (an interrupt handler). Stores the
 * registers and flags back into *r and returns in flat mode.
 * The real-mode stack segment is RTDATA_SEG for a stack in the runtime data
 * chunk, else the 64 KiB-aligned one holding ESP.
 * ------------------------------------------------------------------------ */
        .code32
        .global asm_call16
asm_call16:
        pushl %ebp
        pushl %ebx
        pushl %esi
        pushl %edi
        pushfl
        cli
        movl %eax, %esi
        /* The real-mode SS: the runtime data segment when the stack lies in
         * its 64 KiB (the runtime 32-bit stack: an IRQ let in by yield()
         * then nests there, see irqentry_common), else the 64 KiB-aligned
         * segment holding ESP (the POST stack). */
        movl %esp, %ecx
        subl $RTDATA_BASE, %ecx
        cmpl $0x10000, %ecx
        jae 6f
        movl $RTDATA_SEG, %ecx
        jmp 7f
6:      movl %esp, %ecx
        shrl $4, %ecx
        andl $0xF000, %ecx
7:      movl %ecx, %ebx
        shll $4, %ebx                /* its base */
        subl %ebx, %esi              /* r as an SS offset */
        ljmpl $SEL_CODE16, $1f
        .code16
1:      LEAVE_PROTECTED 2f, %eax, %ax, %al
2:      movw %cx, %ss
        subl %ebx, %esp
        lidtl %cs:rmode_idt_desc
        movw %cx, %ds
        pushw %si                    /* keep r for the way back */
        testl %edx, %edx
        jz 3f
        pushfw                       /* IRET-style target pops flags too */
3:      pushw %cs
        pushw $4f
        pushw R_FLAGS(%si)
        pushw R_CS(%si)
        pushw R_IP(%si)
        movl R_EAX(%si), %eax
        movl R_EBX(%si), %ebx
        movl R_ECX(%si), %ecx
        movl R_EDX(%si), %edx
        movl R_EDI(%si), %edi
        movl R_EBP(%si), %ebp
        movw R_ES(%si), %es
        movw R_FS(%si), %fs
        movw R_GS(%si), %gs
        pushw R_DS(%si)
        movl R_ESI(%si), %esi
        popw %ds
        iretw
4:      pushfw
        cli
        cld
        pushw %ds
        pushl %esi
        movw %ss, %si
        movw %si, %ds
        movw %sp, %si
        movw 8(%si), %si             /* r (below it: esi, ds, flags) */
        movl %eax, R_EAX(%si)
        movl %ebx, R_EBX(%si)
        movl %ecx, R_ECX(%si)
        movl %edx, R_EDX(%si)
        movl %edi, R_EDI(%si)
        movl %ebp, R_EBP(%si)
        movw %es, R_ES(%si)
        movw %fs, R_FS(%si)
        movw %gs, R_GS(%si)
        popl R_ESI(%si)
        popw R_DS(%si)
        popw R_FLAGS(%si)
        addw $2, %sp                 /* drop r */
        movw %ss, %cx
        movzwl %cx, %ebx
        shll $4, %ebx
        ENTER_FLAT 5f, %eax, %al
        .code32
5:      SET_DATA_SEGS SEL_DATA32, %eax, %ax
        movzwl %sp, %esp
        addl %ebx, %esp
        popfl
        popl %edi
        popl %esi
        popl %ebx
        popl %ebp
        retl

/* ------------------------------------------------------------------------
 * yield_rm: the real-mode half of yield() from 32-bit code (src/lib/yield.cc):
 * entered by asm_call16 (far call) with IF set, so pending IRQs are taken
 * before the first instruction here; returns with them off again.
 * ------------------------------------------------------------------------ */
        .code16
        .global halt_rm
/* halt_rm: waits for the next interrupt with IF set (POST's AP start-up
 * arms the local APIC timer first, src/fw/smp.cc); returns with IF clear. */
halt_rm:
        sti
        hlt
        cli
        lretw

        .global yield_rm
yield_rm:
        nop
        cli
        lretw
