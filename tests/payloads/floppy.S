/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * floppy.S - boot sector payload for diskette images: checks the INT 13h
 * diskette functions on the drive it was booted from and reports on COM1
 * (tests/qemu/test_floppy.py builds the image and reads the report).
 *
 * Image: LBA 0 this boot sector, LBA 1..7 the program (loaded with
 * INT 13h AH=02h from CHS 0/0/2), every sector n >= 8 holds the pattern
 * "FLPY", u32 n, then byte i = (i + n) & 0xFF.
 *
 * Lines (report.inc): PASS/FAIL <id> <text>; values as key=value so the
 * harness can compare them per medium:
 *   fd.boot   dl=         the boot drive
 *   fd.08     bl= c= h= s= dl= dpt=    AH=08h (max cylinder/head/sector)
 *   fd.15     ah=         AH=15h
 *   fd.16     ah= cf=     AH=16h after reads on several cylinders
 *   fd.last, fd.multi, fd.dma64k, fd.high, fd.write, fd.verify,
 *   fd.reset, fd.badsec   transfer checks (PASS/FAIL only)
 *   DONE <pass> <fail>
 */
        .code16
#include "report.inc"

#define PAT_FIRST       8
#define BUF_SEG         0x1000          /* reads, 64 sectors max */
#define BOUND_SEG       0x1ff0          /* 1FF0:0000 = 0x1FF00: the 2nd sector straddles 0x20000 */
#define HIGH_SEG        0x9000          /* 0x90000, just below the EBDA */
#define WBUF_SEG        0x3000
#define M_FLPY          0x59504c46

        .section .mbr, "ax"
        MBR_START
        mov     $LOAD_SECTORS, %al
        mov     $0x02, %ah
        mov     $0x0002, %cx
        xor     %dh, %dh
        mov     boot_dl, %dl
        mov     $0x7e00, %bx
        int     $0x13
        jc      1f
        jmp     main
1:      mov     $mbr_fail_msg, %si
        call    puts
        jmp     qemu_exit
#include "report_mbr.inc"
mbr_fail_msg:
        .asciz  "FAIL fd.load INT 13h AH=02h of the program failed\r\n"
        .org    510
        .word   0xaa55

        .text
main:
        xor     %ax, %ax
        mov     %ax, %ds
        mov     %ax, %es
        cld
        sti

        CHECK   "fd.boot"
        NOTE    "dl="
        HEXB    boot_dl
        TEND

        /* ---- AH=08h: geometry, type, DPT ---- */
        CHECK   "fd.08"
        xor     %di, %di
        mov     %di, %es
        mov     $0x08, %ah
        mov     boot_dl, %dl
        INTX    0x13
        call    cf0
        mov     r_ecx, %cx
        mov     %cl, %al
        and     $0x3f, %ax
        mov     %ax, g_spt
        mov     %cl, %al
        shl     $2, %ax
        and     $0x300, %ax
        mov     %ch, %al
        mov     %ax, g_maxcyl
        movzbw  r_edx+1, %ax
        inc     %ax
        mov     %ax, g_heads
        mulw    g_spt
        mov     %ax, g_hs
        mov     g_maxcyl, %cx
        inc     %cx
        mul     %cx
        mov     %ax, g_total
        NOTE    "bl="
        HEXB    r_ebx
        NOTE    " c="
        movzwl  g_maxcyl, %eax
        DECN    %eax
        NOTE    " h="
        movzbl  r_edx+1, %eax
        DECN    %eax
        NOTE    " s="
        movzwl  g_spt, %eax
        DECN    %eax
        NOTE    " dl="
        movzbl  r_edx, %eax
        DECN    %eax
        /* the DPT's sectors-per-track byte (offset 4) */
        mov     r_es, %es
        mov     r_edi, %di
        NOTE    " dpt.spt="
        movzbl  %es:4(%di), %eax
        DECN    %eax
        NOTE    " dpt.n="
        movzbl  %es:3(%di), %eax
        DECN    %eax
        xor     %ax, %ax
        mov     %ax, %es
        TEND

        /* ---- the last sector ---- */
        CHECK   "fd.last"
        movzwl  g_total, %eax
        dec     %eax
        mov     $1, %cx
        mov     $BUF_SEG, %bx
        call    read_check
        TEND

        /* ---- two tracks (both heads of cylinder 1) in one call ---- */
        CHECK   "fd.multi"
        movzwl  g_hs, %eax
        mov     g_hs, %cx
        mov     $BUF_SEG, %bx
        call    read_check
        TEND

        /* ---- a read across a 64 KiB boundary (mid-sector) ---- */
        CHECK   "fd.dma64k"
        mov     $20, %eax
        mov     $3, %cx
        mov     $BOUND_SEG, %bx
        call    read_check
        TEND

        /* ---- into 0x90000 (high in conventional memory) ---- */
        CHECK   "fd.high"
        movzwl  g_hs, %eax
        shl     $1, %eax
        add     $3, %eax
        mov     $4, %cx
        mov     $HIGH_SEG, %bx
        call    read_check
        TEND

        /* ---- write a sector, read it back ---- */
        CHECK   "fd.write"
        mov     $WBUF_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        mov     $512, %cx
1:      mov     %di, %ax
        xor     $0x5a, %al
        stosb
        loop    1b
        movzwl  g_total, %eax
        sub     $2, %eax
        call    lba_chs
        mov     $0x0301, %ax
        xor     %bx, %bx
        mov     boot_dl, %dl
        INTX    0x13
        call    cf0
        movzwl  g_total, %eax
        sub     $2, %eax
        call    lba_chs
        mov     $BUF_SEG, %bx
        mov     %bx, %es
        mov     $0x0201, %ax
        xor     %bx, %bx
        mov     boot_dl, %dl
        INTX    0x13
        call    cf0
        push    %ds
        mov     $WBUF_SEG, %ax
        mov     %ax, %ds
        xor     %si, %si
        xor     %di, %di
        mov     $512, %cx
        repe cmpsb
        pop     %ds
        OKIF    e, "read-back differs"
        xor     %ax, %ax
        mov     %ax, %es
        TEND

        /* ---- verify one cylinder ---- */
        CHECK   "fd.verify"
        movzwl  g_hs, %eax
        shl     $2, %eax
        call    lba_chs
        mov     g_spt, %ax
        mov     $0x04, %ah
        mov     boot_dl, %dl
        INTX    0x13
        call    cf0
        movzbl  r_eax, %eax
        movzwl  g_spt, %ecx
        EQ      %eax, %ecx, "AL="
        TEND

        /* ---- media change status after reads on other cylinders ---- */
        CHECK   "fd.16"
        mov     $0x16, %ah
        mov     boot_dl, %dl
        INTX    0x13
        NOTE    "ah="
        HEXB    r_eax+1
        NOTE    " cf="
        mov     r_flags, %eax
        and     $1, %eax
        DECN    %eax
        TEND

        CHECK   "fd.15"
        mov     $0x15, %ah
        mov     boot_dl, %dl
        INTX    0x13
        call    cf0
        NOTE    "ah="
        HEXB    r_eax+1
        TEND

        /* ---- reset, then a read still works ---- */
        CHECK   "fd.reset"
        xor     %ax, %ax
        mov     boot_dl, %dl
        INTX    0x13
        call    cf0
        mov     $PAT_FIRST, %eax
        mov     $2, %cx
        mov     $BUF_SEG, %bx
        call    read_check
        TEND

        /* ---- a sector number past the track: an error, no hang ---- */
        CHECK   "fd.badsec"
        mov     $BUF_SEG, %bx
        mov     %bx, %es
        xor     %bx, %bx
        mov     g_spt, %cx
        inc     %cx
        xor     %dh, %dh
        mov     boot_dl, %dl
        mov     $0x0201, %ax
        INTX    0x13
        call    cf1
        xor     %ax, %ax
        mov     %ax, %es
        TEND

        SAY     "INFO done"
        mov     $s_done, %si
        call    puts
        movzwl  n_pass, %eax
        call    ser_dec
        mov     $' ', %al
        call    putc
        movzwl  n_fail, %eax
        call    ser_dec
        mov     $s_crlf, %si
        call    puts
        jmp     qemu_exit

/* EAX = LBA -> CX/DH for INT 13h (cylinder < 256 on diskettes) */
lba_chs:
        push    %eax
        push    %bx
        xor     %edx, %edx
        movzwl  g_hs, %ebx
        div     %ebx                    /* eax = cylinder, edx = rest */
        mov     %al, %ch
        mov     %edx, %eax
        xor     %edx, %edx
        movzwl  g_spt, %ebx
        div     %ebx                    /* eax = head, edx = sector - 1 */
        mov     %al, %dh
        inc     %dl
        mov     %dl, %cl
        pop     %bx
        pop     %eax
        ret

/* EAX = first LBA, CX = count, BX = buffer segment (offset 0): INT 13h
 * AH=02h, then the header of every sector checked */
read_check:
        pushal
        mov     %eax, rc_lba
        mov     %cx, rc_n
        mov     %bx, rc_seg
        call    lba_chs
        mov     rc_seg, %ax
        mov     %ax, %es
        xor     %bx, %bx
        mov     rc_n, %ax
        mov     $0x02, %ah
        mov     boot_dl, %dl
        INTX    0x13
        xor     %ax, %ax
        mov     %ax, %es
        call    cf0
        movzbl  r_eax, %eax
        movzwl  rc_n, %ecx
        EQ      %eax, %ecx, "AL="
        jc      9f
        /* headers: sector k at rc_seg:k*512 */
        mov     rc_seg, %ax
        mov     %ax, %fs
        xor     %si, %si
        mov     rc_lba, %edx
        mov     rc_n, %cx
1:      cmpl    $M_FLPY, %fs:(%si)
        jne     2f
        cmp     %edx, %fs:4(%si)
        jne     2f
        add     $512, %si
        jnz     3f
        mov     %fs, %ax                /* next 64 KiB */
        add     $0x1000, %ax
        mov     %ax, %fs
3:      inc     %edx
        loop    1b
        jmp     9f
2:      FAIL    "wrong data at lba "
        DECN    %edx
9:      popal
        ret

#include "report_text.inc"

        .section .bss
boot_dl:  .byte 0
        .align 4
g_spt:    .word 0
g_heads:  .word 0
g_hs:     .word 0
g_maxcyl: .word 0
g_total:  .word 0
rc_lba:   .long 0
rc_n:     .word 0
rc_seg:   .word 0
