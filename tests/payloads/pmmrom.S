/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * A test option ROM (tests/qemu/test_pmm.py hands it over as the fw_cfg
 * file genroms/pmmtest.bin) whose init exercises the POST Memory Manager
 * the way option ROMs use it (POST Memory Manager Specification 1.01):
 * it finds the $PMM structure by scanning F000:0000-FFF0 for the
 * signature with a valid checksum, far-calls its entry with the function
 * number and the arguments on the stack, and prints one line per check on
 * COM1:
 *     PMMTEST PASS <id> <values>      PMMTEST FAIL <id> <values>
 *     PMMTEST DONE <number of FAILs>
 * It leaves, for the boot sector that runs after POST, in the BDA's
 * inter-application area: 0:4F0 a permanent extended block, 0:4F4 a
 * temporary one, 0:4F8 a permanent conventional one, 0:4FC the entry
 * point. Linked at 0 (tests/payloads/pmmrom.ld), runs at any segment:
 * data is reached through CS. The test sets the size byte and checksum.
 */
#define COM1            0x3f8
#define COM1_LSR        0x3fd
#define LSR_THRE        0x20
#define FSEG            0xf000
#define PMM_SIG         0x4d4d5024
#define FN_ALLOC        0
#define FN_FIND         1
#define FN_FREE         2
#define CONV            1
#define EXT             2
#define ALIGN           4
#define PERM            8
#define NOT_SUPPORTED   0xffffffff
#define H1              0x31544652      /* "RFT1" */
#define H2              0x32544652      /* "RFT2" */
#define HP              0x50544652      /* "RFTP" */
#define HT              0x54544652      /* "RFTT" */
#define HC              0x43544652      /* "RFTC" */
#define IAC             0x4f0           /* BDA inter-application area */

        .code16
        .section .text, "ax"
        .globl _start
_start:
        .word   0xaa55
        .byte   0                       /* size: set by the test */
        jmp     init
        .org    0x18
        .word   0                       /* no PCI data structure */
        .word   0                       /* no PnP header */

/* Starts a line: "PMMTEST PASS|FAIL <id>" (id at %si); the verdict is in
 * ok (1 = pass). */
.macro RESULT id
        .pushsection .rodata
.Lid\@: .asciz  "\id"
        .popsection
        movw    $.Lid\@, %si
        call    result
.endm

/* Makes the check fail unless the flags say equal / below / ... */
.macro EXPECT cc
        j\cc    .Lok\@
        movb    $0, %cs:ok
.Lok\@:
.endm

/* A PMM call; result in EAX (DX:AX). Arguments are pushed last first. */
.macro CALLPMM argbytes
        lcallw  *%cs:pmm_entry
        addw    $\argbytes, %sp
        pushw   %dx
        pushw   %ax
        popl    %eax
.endm
.macro ALLOC len, handle, flags
        pushw   \flags
        pushl   \handle
        pushl   \len
        pushw   $FN_ALLOC
        CALLPMM 12
.endm
.macro FIND handle
        pushl   \handle
        pushw   $FN_FIND
        CALLPMM 6
.endm
.macro FREE addr
        pushl   \addr
        pushw   $FN_FREE
        CALLPMM 6
.endm

init:
        pushal
        pushw   %ds
        pushw   %es
        pushw   %fs
        pushw   %gs
        pushw   %cs
        popw    %ds
        cld
        movb    $0, fails

        /* found: the structure on a paragraph boundary in F000 */
        movw    $FSEG, %ax
        movw    %ax, %es
        xorw    %di, %di
1:      cmpl    $PMM_SIG, %es:(%di)
        jne     2f
        movzbw  %es:5(%di), %cx
        cmpw    $16, %cx
        jb      2f
        xorb    %al, %al
        movw    %di, %bx
3:      addb    %es:(%bx), %al
        incw    %bx
        loop    3b
        testb   %al, %al
        jz      4f
2:      addw    $16, %di
        jnz     1b
        movb    $0, ok
        RESULT  "found"
        call    line_end
        jmp     done
4:      movl    %es:7(%di), %eax
        movl    %eax, pmm_entry
        movb    $1, ok
        cmpb    $1, %es:4(%di)          /* revision 01h */
        EXPECT  e
        RESULT  "found"
        movzwl  %di, %eax
        addl    $0xf0000, %eax
        call    hex
        movl    pmm_entry, %eax
        call    hex

        /* query-conv, query-ext: length 0 = the largest free block */
        movb    $1, ok
        ALLOC   $0, $0, $CONV
        movl    %eax, conv_max
        testl   %eax, %eax
        EXPECT  nz
        RESULT  "query-conv"
        call    hex
        movb    $1, ok
        ALLOC   $0, $0, $EXT
        testl   %eax, %eax
        EXPECT  nz
        RESULT  "query-ext"
        call    hex

        /* conv-anon: 1 KiB below 640 KiB, paragraph aligned, writable */
        movb    $1, ok
        ALLOC   $0x40, $0, $CONV
        movl    %eax, blk_a
        call    check_conv
        movl    blk_a, %ebx
        movl    $0x400, %ecx
        call    check_memory
        RESULT  "conv-anon"
        movl    blk_a, %eax
        call    hex

        /* ext-handle: 64 KiB above 1 MiB with a handle, writable */
        movb    $1, ok
        ALLOC   $0x1000, $H1, $EXT
        movl    %eax, blk_b
        cmpl    $0x100000, %eax
        EXPECT  ae
        movl    blk_b, %ebx
        movl    $0x10000, %ecx
        call    check_memory
        RESULT  "ext-handle"
        movl    blk_b, %eax
        call    hex

        /* find: the handle gives the block back */
        movb    $1, ok
        FIND    $H1
        cmpl    blk_b, %eax
        EXPECT  e
        RESULT  "find"
        call    hex

        /* dup-refused: a second block with the same handle */
        movb    $1, ok
        ALLOC   $0x10, $H1, $EXT
        testl   %eax, %eax
        EXPECT  z
        RESULT  "dup-refused"
        call    hex
        testl   %eax, %eax              /* allowed (SeaBIOS): freed again */
        jz      1f
        FREE    %eax
1:

        /* align: 64 KiB aligned to its size */
        movb    $1, ok
        ALLOC   $0x1000, $0, $(EXT | ALIGN)
        movl    %eax, blk_c
        testl   %eax, %eax
        EXPECT  nz
        testw   %ax, %ax
        EXPECT  z
        RESULT  "align"
        movl    blk_c, %eax
        call    hex

        /* conv-handle: conventional with a handle, found again */
        movb    $1, ok
        ALLOC   $0x10, $H2, $CONV
        movl    %eax, blk_d
        call    check_conv
        FIND    $H2
        cmpl    blk_d, %eax
        EXPECT  e
        RESULT  "conv-handle"
        movl    blk_d, %eax
        call    hex

        /* free: deallocate returns 0, the handle is gone */
        movb    $1, ok
        FREE    blk_b
        testl   %eax, %eax
        EXPECT  z
        FIND    $H1
        testl   %eax, %eax
        EXPECT  z
        RESULT  "free"
        call    hex

        /* free-bad: not a block */
        movb    $1, ok
        FREE    $0x12345670
        testl   %eax, %eax
        EXPECT  nz
        RESULT  "free-bad"
        call    hex

        /* bad-function: FFFFFFFFh, not supported */
        movb    $1, ok
        pushl   $0
        pushl   $0
        pushw   $7
        CALLPMM 10
        cmpl    $NOT_SUPPORTED, %eax
        EXPECT  e
        RESULT  "bad-function"
        call    hex

        /* bad-flags: no memory type */
        movb    $1, ok
        ALLOC   $0x10, $0, $0
        testl   %eax, %eax
        EXPECT  z
        RESULT  "bad-flags"
        call    hex

        /* too-big: 4 GiB of extended memory, 1 MiB of conventional */
        movb    $1, ok
        ALLOC   $0x10000000, $0, $EXT
        testl   %eax, %eax
        EXPECT  z
        call    hex_note
        ALLOC   $0x10000, $0, $CONV
        testl   %eax, %eax
        EXPECT  z
        RESULT  "too-big"
        call    hex

        /* largest: what the size query reports now can be had (then freed) */
        movb    $1, ok
        ALLOC   $0, $0, $CONV
        movl    %eax, conv_max
        call    hex_note
        ALLOC   conv_max, $0, $CONV
        movl    %eax, blk_e
        testl   %eax, %eax
        EXPECT  nz
        FREE    blk_e
        testl   %eax, %eax
        EXPECT  z
        RESULT  "largest"
        movl    blk_e, %eax
        call    hex

        /* registers: any segment registers; all but DX:AX come back */
        movb    $1, ok
        call    check_registers
        RESULT  "registers"

        /* keep: blocks the boot sector looks at after POST */
        movb    $1, ok
        ALLOC   $0x100, $HP, $(EXT | PERM)
        movl    %eax, perm_ext
        ALLOC   $0x100, $HT, $EXT
        movl    %eax, tmp_ext
        ALLOC   $0x40, $HC, $(CONV | PERM)
        movl    %eax, perm_conv
        xorw    %ax, %ax
        movw    %ax, %es
        movl    perm_ext, %eax
        movl    %eax, %es:IAC
        testl   %eax, %eax
        EXPECT  nz
        call    hex_note
        movl    tmp_ext, %eax
        movl    %eax, %es:IAC+4
        testl   %eax, %eax
        EXPECT  nz
        call    hex_note
        movl    perm_conv, %eax
        movl    %eax, %es:IAC+8
        testl   %eax, %eax
        EXPECT  nz
        call    hex_note
        movl    pmm_entry, %eax
        movl    %eax, %es:IAC+12
        RESULT  "keep"
        call    flush_notes

done:   movw    $s_done, %si
        call    puts
        movzbl  fails, %eax
        call    dec
        call    line_end
        popw    %gs
        popw    %fs
        popw    %es
        popw    %ds
        popal
        lret

/* EAX: a conventional block: nonzero, below A0000h, paragraph aligned. */
check_conv:
        testl   %eax, %eax
        EXPECT  nz
        cmpl    $0xa0000, %eax
        EXPECT  b
        testb   $0x0f, %al
        EXPECT  z
        ret

/* Writes a pattern over [EBX, EBX + ECX) (flat, ES = 0, 32-bit offsets:
 * the flat real mode PMM returns in) and reads it back. */
check_memory:
        testl   %ebx, %ebx
        jz      2f
        pushw   %es
        xorw    %ax, %ax
        movw    %ax, %es
        movl    %ebx, %edi
        pushl   %ecx
        shrl    $2, %ecx
        movl    $0x5aa5c33c, %eax
        addr32 rep stosl
        popl    %ecx
        shrl    $2, %ecx
        movl    %ebx, %edi
        addr32 repe scasl
        popw    %es
        EXPECT  e
        ret
2:      movb    $0, ok
        ret

/* pmmFind(H2) with odd values in every register: the result and every
 * other register must come back as they were. */
check_registers:
        pushal
        pushw   %ds
        pushw   %es
        pushw   %fs
        pushw   %gs
        movw    $0x1234, %ax
        movw    %ax, %ds
        movw    $0x5678, %ax
        movw    %ax, %es
        movw    $0x9abc, %ax
        movw    %ax, %fs
        movw    $0xdef0, %ax
        movw    %ax, %gs
        movl    $0x11112222, %ebx
        movl    $0x33334444, %ecx
        movl    $0x55556666, %esi
        movl    $0x77778888, %edi
        movl    $0x9999aaaa, %ebp
        movl    $0xbbbbcccc, %eax
        movl    $0xddddeeee, %edx
        std
        pushl   $H2
        pushw   $FN_FIND
        lcallw  *%cs:pmm_entry
        addw    $6, %sp
        pushf
        cld
        popw    %cs:saved_flags
        pushw   %dx
        pushw   %ax
        popl    %cs:reg_result
        shrl    $16, %eax
        cmpw    $0xbbbb, %ax
        jne     8f
        shrl    $16, %edx
        cmpw    $0xdddd, %dx
        jne     8f
        cmpl    $0x11112222, %ebx
        jne     8f
        cmpl    $0x33334444, %ecx
        jne     8f
        cmpl    $0x55556666, %esi
        jne     8f
        cmpl    $0x77778888, %edi
        jne     8f
        cmpl    $0x9999aaaa, %ebp
        jne     8f
        movw    %ds, %ax
        cmpw    $0x1234, %ax
        jne     8f
        movw    %es, %ax
        cmpw    $0x5678, %ax
        jne     8f
        movw    %fs, %ax
        cmpw    $0x9abc, %ax
        jne     8f
        movw    %gs, %ax
        cmpw    $0xdef0, %ax
        jne     8f
        testw   $0x400, %cs:saved_flags /* DF as the caller left it */
        jz      8f
        movl    %cs:reg_result, %eax
        cmpl    %cs:blk_d, %eax
        je      9f
8:      movb    $0, %cs:ok
9:      popw    %gs
        popw    %fs
        popw    %es
        popw    %ds
        popal
        ret

/* ---- output on COM1 ------------------------------------------------------ */
/* "PMMTEST PASS|FAIL <id>", counting FAILs. */
result:
        pushw   %si
        movw    $s_pass, %si
        cmpb    $0, ok
        jne     1f
        incb    fails
        movw    $s_fail, %si
1:      call    puts
        popw    %si
        call    puts
        call    flush_notes
        ret

/* Values noted before the RESULT line are printed after it. */
hex_note:
        pushw   %bx
        movzbw  nnotes, %bx
        shlw    $2, %bx
        movl    %eax, notes(%bx)
        incb    nnotes
        popw    %bx
        ret
flush_notes:
        pushw   %bx
        pushl   %eax
        xorw    %bx, %bx
1:      cmpb    nnotes, %bl
        jae     2f
        pushw   %bx
        shlw    $2, %bx
        movl    notes(%bx), %eax
        popw    %bx
        call    hex
        incw    %bx
        jmp     1b
2:      movb    $0, nnotes
        popl    %eax
        popw    %bx
        ret

/* " " and EAX in hex, 8 digits; line_end: CR LF. */
hex:
        pushal
        movb    $' ', %al
        call    putc
        popal
        pushal
        movl    %eax, %edx
        movw    $8, %cx
1:      roll    $4, %edx
        movb    %dl, %al
        andb    $0x0f, %al
        addb    $'0', %al
        cmpb    $'9', %al
        jbe     2f
        addb    $('a' - '9' - 1), %al
2:      call    putc
        loop    1b
        popal
        ret
/* EAX (< 100) in decimal */
dec:
        pushal
        movb    $10, %cl
        divb    %cl
        testb   %al, %al
        jz      1f
        addb    $'0', %al
        pushw   %ax
        call    putc
        popw    %ax
1:      movb    %ah, %al
        addb    $'0', %al
        call    putc
        popal
        ret
line_end:
        pushw   %ax
        movb    $'\r', %al
        call    putc
        movb    $'\n', %al
        call    putc
        popw    %ax
        ret
/* Each RESULT line ends when the next starts (or at DONE). */
puts:
        pushw   %ax
1:      lodsb
        testb   %al, %al
        jz      2f
        call    putc
        jmp     1b
2:      popw    %ax
        ret
putc:
        pushw   %dx
        pushw   %ax
        movw    $COM1_LSR, %dx
1:      inb     %dx, %al
        testb   $LSR_THRE, %al
        jz      1b
        popw    %ax
        movw    $COM1, %dx
        outb    %al, %dx
        popw    %dx
        ret

        .section .rodata
s_pass: .asciz  "\r\nPMMTEST PASS "
s_fail: .asciz  "\r\nPMMTEST FAIL "
s_done: .asciz  "\r\nPMMTEST DONE "

        .section .data
pmm_entry:      .long 0
conv_max:       .long 0
blk_a:          .long 0
blk_b:          .long 0
blk_c:          .long 0
blk_d:          .long 0
blk_e:          .long 0
perm_ext:       .long 0
tmp_ext:        .long 0
perm_conv:      .long 0
reg_result:     .long 0
notes:          .long 0, 0, 0, 0
saved_flags:    .word 0
nnotes:         .byte 0
ok:             .byte 0
fails:          .byte 0
