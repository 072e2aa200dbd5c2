/* SPDX-License-Identifier: LGPL-3.0-or-later
 * First 32-bit code of POST (a 32-bit object; VMA = physical address).
 * Entered through call32 from the reset path with the ROM still mapped at
 * 0xE0000 (PAM = "PCI"). Before any global is written, the image is copied
 * into shadow RAM: that copy runs from the ROM's high alias below 4 GiB, as
 * the low alias stops being ROM in the middle of it. */
#include "layout.h"

        .code32
        .section .text.entry32, "ax"
        .global post_entry32
post_entry32:
        /* The host bridge at 00:00.0 says where the PAM registers are:
         * i440FX (8086:1237) at 59h-5Fh, Q35's MCH (8086:29C0) at 90h-96h,
         * same layout. Anything else: no shadowing (logged by POST). */
        movl $0x80000000, %eax
        movw $0xCF8, %dx
        outl %eax, %dx
        movw $0xCFC, %dx
        inl %dx, %eax
        movl $0x80000059, %ebx       /* config address of PAM0 */
        cmpl $0x12378086, %eax
        je 2f
        movl $0x80000090, %ebx
        cmpl $0x29C08086, %eax
        jne 1f
2:      movl %ebx, %eax
        movl $(shadow_copy + ROM_HIGH_DELTA), %ecx
        calll *%ecx
1:      /* Shadow RAM is writable now: clear both bss areas. */
        xorl %eax, %eax
        movl $bss32_start, %edi
        movl $bss32_end, %ecx
        subl %edi, %ecx
        shrl $2, %ecx
        rep stosl
        movl $rtdata_bss_start, %edi
        movl $rtdata_bss_end, %ecx
        subl %edi, %ecx
        shrl $2, %ecx
        rep stosl
        jmp post_main

/* void shadow_copy(u32 pam0_conf_addr): runs from the high alias. Opens
 * 0xC0000-0xFFFFF as read/write RAM (PAM0 high nibble, PAM1-6 both nibbles)
 * and copies the 128 KiB image from the high alias into it. Position
 * independent: no absolute data references. */
shadow_copy:
        movl %eax, %ebx
        movb $0x30, %cl              /* PAM0: only bits 5:4 (the F-segment) */
        call pam_write
        movl $6, %esi
2:      incl %ebx
        movb $0x33, %cl              /* PAM1-6: both 16 KiB halves */
        call pam_write
        decl %esi
        jnz 2b
        /* Copy only the parts of the image that hold something: the
         * 32-bit code, the 16-bit data, the 16-bit code and the fixed area.
         * (.bss areas are cleared by the caller; the fseg pool, like every
         * allocator zone, holds whatever was there: callers of the allocator
         * initialise what they get.) */
        cld
        movl $ROM_HIGH_BASE, %esi
        movl $ROM_BASE, %edi
        movl $text32_end, %ecx
        subl $ROM_BASE, %ecx
        shrl $2, %ecx
        rep movsl
        movl $(ROM_HIGH_BASE + (RTDATA_BASE - ROM_BASE)), %esi
        movl $RTDATA_BASE, %edi
        movl $_r16_data16_end, %ecx
        shrl $2, %ecx
        rep movsl
        movl $(ROM_HIGH_BASE + (FSEG_BASE - ROM_BASE)), %esi
        movl $FSEG_BASE, %edi
        movl $_r16_text16_end, %ecx
        shrl $2, %ecx
        rep movsl
        movl $(ROM_HIGH_BASE + (FSEG_BASE - ROM_BASE) + FIXED_AREA_START), %esi
        movl $(FSEG_BASE + FIXED_AREA_START), %edi
        movl $((0x10000 - FIXED_AREA_START) / 4), %ecx
        rep movsl
        ret

/* Writes byte CL to the PCI config register whose CF8 address is EBX
 * (position independent, like shadow_copy). */
pam_write:
        movw $0xCF8, %dx
        movl %ebx, %eax
        andl $0xFFFFFFFC, %eax
        outl %eax, %dx
        movl %ebx, %eax
        andl $3, %eax
        movw $0xCFC, %dx
        addw %ax, %dx
        movb %cl, %al
        outb %al, %dx
        ret
