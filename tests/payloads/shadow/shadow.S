/* SPDX-License-Identifier: LGPL-3.0-or-later
 * Boot sector for tests/qemu/test_shadow.py: once the BIOS has handed over,
 * try to write into the shadowed BIOS and option ROM areas and report, one
 * line per address on COM1:
 *     RO <linear> PASS|FAIL     (must be read-only: the write must not stick)
 *     RW <linear> PASS|FAIL     (must stay writable: the runtime data chunk)
 * then "DONE", and halts (interrupts off) for the test to inspect memory. */
        .code16
        .text
        .globl _start
_start:
        cli
        xorw %ax, %ax
        movw %ax, %ds
        movw %ax, %ss
        movw $0x7000, %sp
        cld
        movw $table, %bx
next:   movw (%bx), %ax            /* segment; 0 ends the table */
        testw %ax, %ax
        jz done
        movw %ax, %es
        movw 2(%bx), %di           /* offset */
        movb 4(%bx), %cl           /* 1 = must be writable */
        movb %es:(%di), %al        /* original */
        movb %al, %ah
        notb %ah
        movb %ah, %es:(%di)        /* try to change it */
        wbinvd
        movb %es:(%di), %dl        /* what stuck */
        movb %al, %es:(%di)        /* restore (if it was writable) */
        /* Decide first: read-only passes if the write did not stick,
         * writable passes if it did. */
        movw $msg_pass, %bp
        cmpb %ah, %dl
        sete %ch                   /* 1 = the write stuck */
        cmpb %cl, %ch
        je 2f
        movw $msg_fail, %bp
2:      movw $msg_ro, %si
        testb %cl, %cl
        jz 1f
        movw $msg_rw, %si
1:      call puts
        movw (%bx), %ax            /* linear address = seg * 16 + off */
        movw %ax, %dx
        shrw $12, %dx              /* top nibble */
        shlw $4, %ax
        addw 2(%bx), %ax
        adcw $0, %dx
        pushw %ax
        movb %dl, %al
        call hexnib
        popw %ax
        call hex16
        movw %bp, %si
3:      call puts
        addw $5, %bx
        jmp next
done:   movw $msg_done, %si
        call puts
        /* Stay here: the test reads guest memory through the monitor. */
8:      hlt
        jmp 8b

/* The table: segment, offset, must-be-writable. */
table:
        .word 0xF000, 0x0000
        .byte 0                    /* 16-bit code */
        .word 0xF000, 0xFFF0
        .byte 0                    /* reset vector */
        .word 0xF000, 0xE3FE
        .byte 0                    /* INT 13h fixed entry */
        .word 0xE000, 0x0000
        .byte 0                    /* 32-bit runtime code */
        .word 0xE000, 0x7FF0
        .byte 0                    /* end of the 32-bit runtime code */
        .word 0xC000, 0x0000
        .byte 0                    /* VGA option ROM */
        .word 0xE800, 0x0010
        .byte 1                    /* runtime data chunk, first PAM chunk: writable */
        .word 0xE800, 0x7FF0
        .byte 1                    /* runtime data/stack chunk, second PAM chunk: writable */
        .word 0

puts:   pushw %ax
        pushw %dx
4:      lodsb
        testb %al, %al
        jz 5f
        call putc
        jmp 4b
5:      popw %dx
        popw %ax
        ret
putc:   pushw %dx
        pushw %ax
        movw $0x3FD, %dx
6:      inb %dx, %al
        testb $0x20, %al
        jz 6b
        popw %ax
        movw $0x3F8, %dx
        outb %al, %dx
        popw %dx
        ret
hex16:  pushw %ax
        movb %ah, %al
        shrb $4, %al
        call hexnib
        popw %ax
        pushw %ax
        movb %ah, %al
        call hexnib
        popw %ax
        pushw %ax
        shrb $4, %al
        call hexnib
        popw %ax
        pushw %ax
        call hexnib
        popw %ax
        ret
hexnib: pushw %ax
        andb $0x0F, %al
        addb $'0', %al
        cmpb $'9', %al
        jbe 7f
        addb $7, %al
7:      call putc
        popw %ax
        ret

msg_ro:   .asciz "RO "
msg_rw:   .asciz "RW "
msg_pass: .asciz " PASS\r\n"
msg_fail: .asciz " FAIL\r\n"
msg_done: .asciz "DONE\r\n"

        .org 510
        .word 0xAA55
