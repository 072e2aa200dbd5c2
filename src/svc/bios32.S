/* SPDX-License-Identifier: LGPL-3.0-or-later
 * The 32-bit protected-mode entries: the BIOS32 Service Directory's entry
 * point and the "$PCI" service entry (docs/pci-bios.md).
 *
 * Both are far-called (lcall, return with lret) by 32-bit code with a flat
 * 32-bit code segment, and must work wherever the caller maps the BIOS:
 * 32-bit Linux calls them at PAGE_OFFSET + physical address (CS base 0,
 * paging on, the BIOS not identity-mapped). So this is position-independent
 * code (pi32): nothing here or in what it calls uses an absolute address of
 * code or data; it finds itself with call/pop (the GOT base, src/lib/pi.h),
 * which scripts/checkrefs.py checks. Only the caller's stack is used: the
 * $PCI entry puts a Regs16 frame (52 bytes with EFLAGS) on it and calls C++
 * (scripts/stackcheck.py checks the whole against 1 KiB, what the PCI BIOS
 * specification lets a BIOS ask for). DS and SS must share a base (they do
 * for every flat caller); ES:EDI and the B10Eh buffer go through the
 * caller's selectors, ES is DS while the C++ code runs.
 */
#include "layout.h"
#include "lib/regs16_asm.h"

#define SERVICE_PCI             0x49435024      /* "$PCI" (svc/pcibios.h) */
#define NOT_PRESENT             0x80
#define BAD_FUNCTION            0x81

        .code32
        .section .text.bios32, "ax"

/* ------------------------------------------------------------------------
 * bios32_directory_entry: EAX = service id, EBX = 0 (the only function).
 * Found: AL = 0, EBX = physical base of the service, ECX = its length,
 * EDX = the entry point's offset from the base. AL = 80h for an unknown
 * service, 81h for a function other than 0. Other registers are kept.
 * ------------------------------------------------------------------------ */
        .globl bios32_directory_entry
bios32_directory_entry:
        testb %bl, %bl
        jnz 2f
        cmpl $SERVICE_PCI, %eax
        jne 1f
        call 3f
3:      popl %ecx
        addl $_GLOBAL_OFFSET_TABLE_ + (. - 3b), %ecx
        /* Run-time address of the entry minus how far we run from our link
         * address (the run-time address of offset 0 of the runtime data
         * segment, whose link address is 0: lib/mode.h) = its physical
         * address. */
        leal pcibios32_entry@GOTOFF(%ecx), %edx
        leal _r16_data16_start@GOTOFF(%ecx), %ecx
        subl %ecx, %edx
        subl $ROM_BASE, %edx
        movl $ROM_BASE, %ebx
        movl $ROM_SIZE, %ecx
        xorb %al, %al
        lret
1:      movb $NOT_PRESENT, %al
        lret
2:      movb $BAD_FUNCTION, %al
        lret

/* ------------------------------------------------------------------------
 * pcibios32_entry: AX = B1xxh and the registers of the INT 1Ah call (32-bit
 * B10Eh: ES:EDI -> {u16 size; u32 offset; u16 selector}). Returns AH = the
 * status, CF set on error, the outputs in their registers, everything else
 * (segment registers, EFLAGS but CF) as it came.
 * ------------------------------------------------------------------------ */
        .globl pcibios32_entry
pcibios32_entry:
        /* struct Regs16 (lib/regs16.h), low to high: gs fs es ds, pushal,
         * handler, ip cs, flags; with all of EFLAGS at the top (52 bytes). */
        pushfl
        subl $8, %esp
        PUSH_REGS16_GPRS_SEGS
        cld
        /* gcc's string instructions assume ES = DS; the caller's ES is in
         * the frame for B10Eh. */
        pushl %ds
        popl %es
        movl %esp, %eax
        call bios32_pcibios
        /* Give the caller its FS (far_read/far_write load it, lib/far.h)
         * and ES back; DS, SS and GS were not touched. */
        movw 2(%esp), %fs
        movw 4(%esp), %es
        addl $8, %esp
        popal
        addl $8, %esp
        popfl                           /* with CF as the C++ side left it */
        lret

/* 16-bit code reports the entry's physical address (B101h, EDI). */
        .globl _r16_pcibios32_entry
        .set _r16_pcibios32_entry, pcibios32_entry
