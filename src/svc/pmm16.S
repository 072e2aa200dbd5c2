/* SPDX-License-Identifier: LGPL-3.0-or-later
 * The $PMM entry point (POST Memory Manager Specification 1.01;
 * docs/option-roms.md, "PMM"), which the $PMM structure (src/fw/pmm_fw.cc)
 * names: a real-mode far call with the function number and its arguments
 * on the caller's stack (large-model C), result in DX:AX.
 *
 * The functions are 32-bit POST code (src/fw/pmm.cc), reached through
 * call32 at the flat address POST leaves in g_pmm_call32 (0 once POST is
 * over: every call then returns FFFFFFFFh, "not supported"). Every other
 * register, the flags and the caller's segment registers come back as
 * they were, but DS, ES, FS and GS with 4 GiB limits ("flat real mode"):
 * callers reach the extended memory they got with 32-bit offsets (iPXE
 * copies itself there with ES = 0 and addr32 rep movsl). */
#include "asm-offsets.h"
#include "layout.h"

/* The caller's stack below %bp: its EBP, ECX, EDX, EAX, EFLAGS, the return
 * CS:IP, then the function number. */
#define SAVED_EDX       8
#define SAVED_EAX       12
#define ARGS            24
/* Below %bp, during the switch to flat limits: DS ES FS GS (8), GDTR (8). */
#define SAVED_GDTR      (-16)
#define PMM_NOT_SUPPORTED 0xFFFFFFFF

        .code16
        .section .text.pmm16, "ax"
        .global pmm_entry
pmm_entry:
        pushfl
        pushl %eax
        pushl %edx
        pushl %ecx
        pushl %ebp
        movw %sp, %bp
        cli
        cld
        pushw %ds
        movw $RTDATA_SEG, %ax
        movw %ax, %ds
        movl g_pmm_call32, %eax
        popw %ds
        testl %eax, %eax
        jz 1f
        movw %ss, %dx
        movzwl %dx, %edx
        shll $4, %edx
        movzwl %bp, %ecx
        leal ARGS(%edx,%ecx), %edx   /* flat address of the function number */
        calll call32                 /* EAX = the result */
        movl %eax, %ecx
        /* Flat real mode: load the flat data selector in protected mode,
         * then the caller's values again in real mode (the 4 GiB limits
         * stay). SS keeps its 64 KiB stack. */
        pushw %ds
        pushw %es
        pushw %fs
        pushw %gs
        subw $8, %sp
        sgdtl SAVED_GDTR(%bp)
        lgdtl %cs:reef_gdt_desc
        movl %cr0, %eax
        orb $1, %al
        movl %eax, %cr0
        movw $SEL_DATA32, %dx
        movw %dx, %ds
        movw %dx, %es
        movw %dx, %fs
        movw %dx, %gs
        andb $0xFE, %al
        movl %eax, %cr0
        lgdtl SAVED_GDTR(%bp)
        addw $8, %sp
        popw %gs
        popw %fs
        popw %es
        popw %ds
        movl %ecx, %eax
        jmp 2f
1:      movl $PMM_NOT_SUPPORTED, %eax
2:      movw %ax, SAVED_EAX(%bp)     /* AX: the result's low half */
        shrl $16, %eax
        movw %ax, SAVED_EDX(%bp)     /* DX: its high half */
        popl %ebp
        popl %ecx
        popl %edx
        popl %eax
        popfl
        lretw
