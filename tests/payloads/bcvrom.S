/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * A test disk ROM (tests/qemu/test_diskrom.py hands it over as the fw_cfg
 * file genroms/diskrom.bin): a PnP option ROM whose Boot Connection Vector
 * (BIOS Boot Specification 1.01) hooks INT 13h for one hard disk, the next
 * drive number (80h + BDA 40:75, which it then counts), served from the
 * ROM itself: one sector, its boot sector (linked at 0:7C00, below), which
 * prints "DISKROM-BOOTED DL=<drive>" on COM1 and reads itself again through
 * INT 13h with that DL. Other drives go to the INT 13h handler it found.
 * Linked at 0 (tests/payloads/bcvrom.ld), runs at any segment; the test
 * sets the size byte and the checksums.
 */
#define COM1            0x3f8
#define COM1_LSR        0x3fd
#define LSR_THRE        0x20
#define BDA_HDCOUNT     0x475
#define INT13_VECTOR    (0x13 * 4)
#define CF              1

        .code16
        .section .text, "ax"
        .globl _start
_start:
        .word   0xaa55
        .byte   0                       /* size: set by the test */
        jmp     init
        .org    0x18
        .word   0                       /* no PCI data structure */
        .word   pnp                     /* PnP expansion header */

        .balign 16
pnp:    .ascii  "$PnP"
        .byte   1                       /* revision */
        .byte   2                       /* length: 32 bytes */
        .word   0                       /* no next header */
        .byte   0
        .byte   0                       /* checksum: set by the test */
        .long   0                       /* device id */
        .word   0                       /* manufacturer */
        .word   product
        .byte   1, 0, 0                 /* mass storage, SCSI-like */
        .byte   0x14                    /* device indicator: IPL, BCV capable */
        .word   bcv                     /* boot connection vector */
        .word   0                       /* disconnect vector */
        .word   0                       /* no BEV */
        .word   0
        .word   0                       /* static resource information */
product:
        .asciz  "ReefBIOS test disk ROM"

init:   xorw    %ax, %ax
        lret

/* The BCV: takes the next hard disk number and hooks INT 13h. */
bcv:    pushw   %ds
        pushw   %ax
        xorw    %ax, %ax
        movw    %ax, %ds
        movb    BDA_HDCOUNT, %al
        addb    $0x80, %al
        movb    %al, %cs:drive
        incb    BDA_HDCOUNT
        cli
        movl    INT13_VECTOR, %eax
        movl    %eax, %cs:old13
        movw    $int13, INT13_VECTOR
        movw    %cs, INT13_VECTOR + 2
        sti
        popw    %ax
        popw    %ds
        lret

/* INT 13h for our drive: reset, read CHS 0/0/1, parameters, type; the
 * rest "bad command". */
int13:  cmpb    %cs:drive, %dl
        je      1f
        ljmp    *%cs:old13
1:      pushw   %bp
        movw    %sp, %bp
        cmpb    $0x00, %ah
        je      ok
        cmpb    $0x02, %ah
        je      read
        cmpb    $0x08, %ah
        je      params
        cmpb    $0x15, %ah
        je      type
        movb    $0x01, %ah              /* bad command */
        jmp     fail
read:   cmpb    $1, %al
        jne     bad_sector
        cmpw    $0x0001, %cx
        jne     bad_sector
        testb   %dh, %dh
        jnz     bad_sector
        pushw   %si
        pushw   %di
        pushw   %cx
        pushw   %ds
        pushw   %cs
        popw    %ds
        movw    $sector_image, %si
        movw    %bx, %di
        movw    $256, %cx
        cld
        rep movsw
        popw    %ds
        popw    %cx
        popw    %di
        popw    %si
        movw    $0x0001, %ax            /* AH 0, AL 1 sector */
        jmp     done
bad_sector:
        movb    $0x04, %ah              /* sector not found */
        jmp     fail
params: movw    $0x0001, %cx            /* 1 cylinder, 1 sector per track */
        movb    $0, %dh                 /* 1 head */
        movb    $1, %dl                 /* drives: ours */
ok:     xorb    %ah, %ah
        jmp     done
type:   movb    $0x03, %ah              /* fixed disk */
        xorw    %cx, %cx
        movw    $1, %dx                 /* 1 sector */
        andb    $~CF, 6(%bp)
        popw    %bp
        iret
done:   andb    $~CF, 6(%bp)
        popw    %bp
        iret
fail:   orb     $CF, 6(%bp)
        popw    %bp
        iret

        .section .data
old13:  .long   0
drive:  .byte   0

/* The disk's only sector, run at 0:7C00. */
        .section .bootsect, "ax"
boot:   cli
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movb    %dl, bootdl
        movw    $s_booted, %si
        call    puts
        movb    bootdl, %al
        call    hexb
        /* Read ourselves again through INT 13h, to 0:0600. */
        movw    $0x0201, %ax
        movw    $0x0001, %cx
        movb    $0, %dh
        movb    bootdl, %dl
        movw    $0x600, %bx
        int     $0x13
        jc      1f
        movw    $0x600, %si             /* the code (bootdl below changed) */
        movw    $0x7c00, %di
        movw    $8, %cx
        repe cmpsw
        jne     1f
        movw    $s_reread, %si
        call    puts
1:      movw    $s_end, %si
        call    puts
2:      hlt
        jmp     2b
hexb:   pushw   %ax
        shrb    $4, %al
        call    nib
        popw    %ax
nib:    andb    $15, %al
        addb    $'0', %al
        cmpb    $'9', %al
        jbe     putc
        addb    $7, %al
putc:   pushw   %dx
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
puts:   lodsb
        testb   %al, %al
        jz      1f
        call    putc
        jmp     puts
1:      ret
s_booted: .asciz "DISKROM-BOOTED DL="
s_reread: .asciz " REREAD-OK"
s_end:  .asciz  "\r\n"
bootdl: .byte   0
        .org    510
        .word   0xaa55
