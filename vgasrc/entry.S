// SPDX-License-Identifier: LGPL-3.0-or-later
// The VGA option ROM's header and entry points (docs/vga-bios.md): the
// 55AAh header (PCI Firmware 3.0 / BIOS Boot Specification), the PCI data
// structure naming the device, init (far-called at ROM:0003 by the BIOS),
// the INT 10h entry and the VBE windowing function.
#include "vgasrc/vgaconf.h"

// Bochs DISPI and VGA DAC ports and indices (as in vgasrc/vgahw.h).
#define DISPI_INDEX 0x1CE
#define DISPI_BPP 3
#define DISPI_BANK 5
#define DISPI_VIRT_WIDTH 6
#define DISPI_X_OFFSET 8
#define DISPI_Y_OFFSET 9
#define DAC_WRITE_INDEX 0x3C8

        .code16
        .section .header, "ax"
        .globl vga_rom_start
vga_rom_start:
        .byte 0x55, 0xAA
        .byte 0                     // size in 512-byte blocks: scripts/vgarom.py
        jmp vga_init_entry          // ROM:0003
        .org 0x18
        .word vga_pcir
        .word 0                     // no PnP header: a display ROM has no boot vectors
        .org 0x1E
        .ascii "IBM"                // "IBM" at 1Eh: what some loaders look for in a VGA ROM
        .balign 4
vga_pcir:
        .ascii "PCIR"
        .word VGA_PCI_VENDOR, VGA_PCI_DEVICE
        .word 0                     // device list
        .word 0x18                  // length of this structure
        .byte 0                     // revision
        .byte 0x00, VGA_PCI_CLASS_SUB, 0x03  // class code 030000h VGA-compatible / 038000h other display
        .word 0                     // image length in 512-byte blocks: scripts/vgarom.py
        .word 1                     // code revision
        .byte 0                     // code type: x86
        .byte 0x80                  // last image
        .word 0                     // max runtime length
        .globl vga_product
vga_product:
        .asciz VGA_PRODUCT_NAME

// Saves the registers as a Regs16 frame (lib/regs16.h) below what the
// caller pushed, then sets DS = ES = SS, ESP's upper half to 0 (gcc's 16-bit
// code addresses the stack with ESP; the old ESP is kept on the stack) and
// the direction flag to ascending. C_LEAVE undoes it.
        .macro C_ENTER
        pushal
        pushw %ds
        pushw %es
        pushw %fs
        pushw %gs
        movl %esp, %ebx
        movzwl %sp, %esp
        pushl %ebx
        movw %ss, %bx
        movw %bx, %ds
        movw %bx, %es
        cld
        .endm
        .macro C_LEAVE
        popl %ebx
        movl %ebx, %esp
        popw %gs
        popw %fs
        popw %es
        popw %ds
        popal
        .endm

        .text
// Init: AX = PCI bus/devfn. Runs on the BIOS's stack; returns far.
vga_init_entry:
        C_ENTER
        movzwl %ax, %eax
        calll vga_init
        C_LEAVE
        lretw

// INT 10h: the register frame is lib/regs16.h's Regs16 (handler slot
// unused), on the caller's stack; DS = ES = SS while C++ runs, and ESP's
// upper half is zero (gcc's 16-bit code addresses the stack with ESP).
        .globl vga_int10_entry
vga_int10_entry:
        pushl $0                    // Regs16::handler
        C_ENTER
        leal 4(%esp), %eax          // Regs16*
        calll vga_int10
        C_LEAVE
        addw $4, %sp
        iretw

// VBE windowing function (ModeInfoBlock WinFuncPtr): as 4F05h, far-called
// with BX, DX as for 4F05h; AX is clobbered as the spec allows.
        .globl vga_vbe_winfunc
vga_vbe_winfunc:
        movw $0x4F05, %ax
        pushfw                      // an INT 10h frame: FLAGS, CS, IP
        pushw %cs
        callw vga_int10_entry
        lretw

// VBE protected-mode interface (4F0Ah): a table of offsets from its start
// to 32-bit code for 4F05h, 4F07h and 4F09h, and the I/O ports it uses. The
// caller copies it and near-calls the code in a 32-bit code segment, so it
// is position-independent and touches no data of the ROM.
        .section .romdata.pm, "a"
        .globl vga_pm_table, vga_pm_table_end
vga_pm_table:
        .word pm_set_window - vga_pm_table
        .word pm_set_start - vga_pm_table
        .word pm_set_palette - vga_pm_table
        .word pm_ports - vga_pm_table
        .code32
// 4F05h: BL = window (0), DX = bank.
pm_set_window:
        pushl %eax
        pushl %edx
        movl %edx, %eax
        movw $DISPI_INDEX, %dx
        pushl %eax
        movw $DISPI_BANK, %ax
        outw %ax, %dx
        popl %eax
        incw %dx
        outw %ax, %dx
        popl %edx
        popl %eax
        ret
// 4F07h: CX = bits 0-15, DX = bits 16-31 of the display start in
// double words (as VBE 2.0 defines it for this entry).
pm_set_start:
        pushal
        movzwl %cx, %eax
        shll $16, %edx
        orl %edx, %eax
        shll $2, %eax                // bytes
        movl %eax, %esi
        movw $DISPI_INDEX, %dx
        movw $DISPI_BPP, %ax
        outw %ax, %dx
        incw %dx
        inw %dx, %ax
        movzwl %ax, %ebx
        addl $7, %ebx
        shrl $3, %ebx                // bytes per pixel
        decw %dx
        movw $DISPI_VIRT_WIDTH, %ax
        outw %ax, %dx
        incw %dx
        inw %dx, %ax
        movzwl %ax, %ecx
        imull %ebx, %ecx             // pitch
        movl %esi, %eax
        xorl %edx, %edx
        divl %ecx                    // EAX = line, EDX = byte in the line
        movl %eax, %edi
        movl %edx, %eax
        xorl %edx, %edx
        divl %ebx                    // EAX = pixel in the line
        movl %eax, %esi
        movw $DISPI_INDEX, %dx
        movw $DISPI_X_OFFSET, %ax
        outw %ax, %dx
        incw %dx
        movl %esi, %eax
        outw %ax, %dx
        decw %dx
        movw $DISPI_Y_OFFSET, %ax
        outw %ax, %dx
        incw %dx
        movl %edi, %eax
        outw %ax, %dx
        popal
        ret
// 4F09h: BL = 0/80h, CX = count, DX = first entry, ES:EDI = table of
// blue, green, red, padding.
pm_set_palette:
        pushal
        movzwl %cx, %ecx
        movb %dl, %al
        movw $DAC_WRITE_INDEX, %dx
        outb %al, %dx
        incw %dx
        jecxz 2f
1:      movb %es:2(%edi), %al
        outb %al, %dx
        movb %es:1(%edi), %al
        outb %al, %dx
        movb %es:(%edi), %al
        outb %al, %dx
        addl $4, %edi
        loop 1b
2:      popal
        ret
pm_ports:
        .word DISPI_INDEX, DISPI_INDEX + 1, DAC_WRITE_INDEX, DAC_WRITE_INDEX + 1, 0xFFFF
        .word 0xFFFF                 // no memory ranges
vga_pm_table_end:
        .code16
