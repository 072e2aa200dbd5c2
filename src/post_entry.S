/* SPDX-License-Identifier: LGPL-3.0-or-later
 * First 32-bit code of POST (a POST-only object: it runs in place from the
 * ROM's high alias below 4 GiB, like the rest of the POST code). Entered
 * through call32 from the reset path with the low alias at 0xE0000 still
 * ROM (PAM = "PCI"). Opens the shadow RAM, copies into it the parts of the
 * image that run after POST, sets up the POST-only data and jumps to
 * post_main. */
#include "asm-offsets.h"
#include "layout.h"

        .code32
        .section .text.entry32, "ax"
        .global post_entry32
post_entry32:
        /* The host bridge at 00:00.0 says where the PAM registers are:
         * i440FX at 59h-5Fh, Q35's MCH at 90h-96h, same layout (both from
         * src/fw/chipset.h). Anything else: no shadowing (logged by POST). */
        movl $PCI_CONF_ENABLE, %eax
        movw $PCI_CONF_ADDR, %dx
        outl %eax, %dx
        movw $PCI_CONF_DATA, %dx
        inl %dx, %eax
        movl $(PCI_CONF_ENABLE | PAM0_I440FX), %ebx
        cmpl $PCI_ID_I440FX, %eax
        je 2f
        movl $(PCI_CONF_ENABLE | PAM0_Q35), %ebx
        cmpl $PCI_ID_Q35_MCH, %eax
        jne 1f
2:      movl %ebx, %eax
        call shadow_copy
1:      /* Shadow RAM is writable now. The POST-only data from the image; the
         * bss areas cleared: POST-only, then the runtime chunk's (16-bit and
         * 32-bit runtime bss, contiguous). */
        cld
        movl $initdata_load, %esi      /* its image bytes, in the high alias */
        movl $initdata_start, %edi
        movl $initdata_end, %ecx
        subl %edi, %ecx
        call block_copy
        movl $initbss_start, %edi
        movl $initbss_end, %ecx
        subl %edi, %ecx
        call block_zero
        movl $rtdata_bss_start, %edi
        movl $rtdata_bss_end, %ecx
        subl %edi, %ecx
        call block_zero
        jmp post_main

/* The copies and clears of POST's first steps, ~170 KiB. Plain string
 * instructions, no SSE: under KVM without unrestricted-guest support (nested
 * KVM, some hosts) this code is run by KVM's instruction emulator, which
 * has no pxor/psadbw and stops the VM ("KVM internal error ... emulation
 * failure"); on hardware and first-level KVM, rep movs/stos is the fastest
 * copy anyway.
 *   block_copy: ESI source, EDI destination, ECX bytes (a multiple of 4)
 *   block_zero: EDI destination, ECX bytes (a multiple of 4)
 * Both leave ESI/EDI past the end; they clobber EAX and ECX. */
block_copy:
        shrl $2, %ecx
        rep movsl
        ret

block_zero:
        xorl %eax, %eax
        shrl $2, %ecx
        rep stosl
        ret

/* void shadow_copy(u32 pam0_conf_addr): opens 0xC0000-0xFFFFF as read/write
 * RAM (PAM0 high nibble, PAM1-6 both nibbles) and copies into it, from the
 * high alias, only the parts of the image that are used after POST: the
 * runtime 32-bit code, the runtime data chunk's initialised part, the 16-bit
 * code and the fixed area. (POST-only code stays in the ROM; the fseg pool,
 * like every allocator zone, holds whatever was there: callers of the
 * allocator initialise what they get.) */
shadow_copy:
        movl %eax, %ebx
        movb $PAM_RW_F_SEG, %cl      /* PAM0: only bits 5:4 (the F-segment) */
        call pam_write
        movl $6, %esi
2:      incl %ebx
        movb $PAM_RW_BOTH, %cl       /* PAM1-6: both 16 KiB halves */
        call pam_write
        decl %esi
        jnz 2b
        cld
        movl $(ROM_HIGH_BASE + (TEXT32_BASE - ROM_BASE)), %esi
        movl $TEXT32_BASE, %edi
        movl $rt32_text_end, %ecx
        subl %edi, %ecx
        call block_copy
        movl $(ROM_HIGH_BASE + (RTDATA_BASE - ROM_BASE)), %esi
        movl $RTDATA_BASE, %edi
        movl $rt32_data_end, %ecx
        subl %edi, %ecx
        call block_copy
        movl $(ROM_HIGH_BASE + (FSEG_BASE - ROM_BASE)), %esi
        movl $FSEG_BASE, %edi
        movl $_r16_text16_end, %ecx
        andl $~3, %ecx
        call block_copy
        movl $(ROM_HIGH_BASE + (FSEG_BASE - ROM_BASE) + FIXED_AREA_START), %esi
        movl $(FSEG_BASE + FIXED_AREA_START), %edi
        movl $(0x10000 - FIXED_AREA_START), %ecx
        call block_copy
        ret

/* Writes byte CL to the PCI config register whose CF8 address is EBX. */
pam_write:
        movw $PCI_CONF_ADDR, %dx
        movl %ebx, %eax
        andl $0xFFFFFFFC, %eax
        outl %eax, %dx
        movl %ebx, %eax
        andl $3, %eax
        movw $PCI_CONF_DATA, %dx
        addw %ax, %dx
        movb %cl, %al
        outb %al, %dx
        ret
