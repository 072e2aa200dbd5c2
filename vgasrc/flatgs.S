// SPDX-License-Identifier: LGPL-3.0-or-later
// Memory above 1 MiB from the VGA ROM's real-mode code (vgasrc/fbcon.cc):
// "big real mode" for GS. docs/vga-bios.md, "Framebuffer console".
        .code16

// u32 vga_flat_gs(void): called with interrupts off. In real mode, loads
// GS through a flat descriptor of a two-entry GDT in the ROM (protected
// mode for the two instructions it takes), back in real mode sets GS to 0:
// base 0, and the 4 GiB limit stays with the segment until something
// reloads it in protected mode. The caller's GDTR comes back. Returns 1;
// returns 0 in virtual-8086 mode (CR0.PE reads 1 there: a limit cannot be
// changed), where the caller uses INT 15h AH=87h instead.
        .section .text.vga_flat_gs, "ax"
        .globl vga_flat_gs
vga_flat_gs:
        smsw %ax
        testb $1, %al
        jnz 2f
        pushl %ebx
        subw $12, %sp
        movw %sp, %bx
        sgdtl %ss:(%bx)                 // the caller's GDTR at 0(%bx)
        movw $15, %ss:6(%bx)            // ours at 6(%bx): two descriptors
        xorl %eax, %eax
        movw %cs, %ax
        shll $4, %eax
        addl $vga_flat_gdt, %eax
        movl %eax, %ss:8(%bx)
        lgdtl %ss:6(%bx)
        movl %cr0, %eax
        orb $1, %al
        movl %eax, %cr0
        jmp 1f
1:      movw $8, %dx
        movw %dx, %gs
        andb $0xFE, %al
        movl %eax, %cr0
        jmp 1f
1:      xorw %dx, %dx
        movw %dx, %gs
        lgdtl %ss:(%bx)
        addw $12, %sp
        popl %ebx
        movl $1, %eax
        retl
2:      xorl %eax, %eax
        retl

        .section .romdata.vga_flat_gdt, "a"
        .balign 8
vga_flat_gdt:
        .quad 0
        .quad 0x00CF93000000FFFF        // data, read/write, base 0, limit 4 GiB
