/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * cdboot.S - El Torito boot payload (tests/qemu/test_cdrom.py). The same
 * binary is the boot image of a no-emulation CD (the catalog's load count
 * covers all of it), and the first sectors of an emulated 1.2M/1.44M/2.88M
 * floppy or an emulated hard disk (then the BIOS loads only the boot
 * sector, which reads the rest with INT 13h AH=02h from the emulated
 * drive; for a hard disk the image's sector 0 also holds a partition table,
 * written by the test).
 *
 * The test stamps every 512-byte sector of the image from LBA 16 on with
 * "RSEC" and its LBA (dword at 4), and the payload reads them back:
 *   dl          INFO: the boot drive (E0h+ no emulation, 00h floppy, 80h disk)
 *   4b01        AX=4B01h: CF=0, packet size 13h, the drive = DL; INFO of
 *               media/lba/load segment/count
 *   no emulation (DL >= E0h):
 *   cd.41       BX=AA55h, CX bit 1 (locking/ejecting) and bit 2 (EDD)
 *   cd.48       2048 bytes per sector, the sector count (INFO)
 *   cd.42       its own image at the packet's LBA equals what is at 7C00
 *   cd.43       a write: CF=1, AH=03h
 *   cd.45       lock, status (AL=1), eject refused (B1h), unlock
 *   emulation (DL = 00h/80h):
 *   emu.08      the geometry (INFO), BL = drive type for a floppy
 *   emu.last    the last sector through CHS: its stamp
 *   emu.span    sectors 17..23 in one CHS read (starts and ends inside CD
 *               sectors): each stamp
 *   emu.03      a write: CF=1, AH=03h
 *   emu.4b00    AX=4B00h ends the emulation: CF=0, then DL no longer
 *               reads the image (a real drive there may answer)
 * then DONE <pass> <fail> and the QEMU exit.
 */
#include "report.inc"
#define M_REEF          0x46454552      /* "REEF" */
#define M_RSEC          0x43455352      /* "RSEC" */
#define BUF             0x2000          /* 0200:0000 .. reads land here */

        .code16
        .section .mbr, "ax"
        MBR_START
        cmpb    $0xe0, boot_dl
        jae     2f                      /* no emulation: all of it is loaded */
        mov     $(0x0200 + LOAD_SECTORS), %ax
        mov     $0x0002, %cx
        mov     boot_dl, %dl
        xor     %dh, %dh
        mov     $0x7e00, %bx
        int     $0x13
        jc      1f
2:      cmpl    $M_REEF, trailer_magic
        jne     1f
        jmp     main
1:      mov     $mbr_fail_msg, %si
        call    puts
        jmp     qemu_exit

#include "report_mbr.inc"

mbr_fail_msg:
        .asciz  "FAIL load the payload failed\r\n"
        .org    446                     /* the partition table (hard disk) */
        .org    510
        .word   0xaa55

        .text
main:
        PAYLOAD_MAIN "INFO ReefBIOS El Torito payload"
        CHECK   "dl"
        NOTE    "dl="
        HEXB    boot_dl
        TEND
        call    t_4b01
        cmpb    $0xe0, boot_dl
        jb      1f
        call    t_cd
        jmp     2f
1:      call    t_emu
2:      call    report_done
        jmp     qemu_exit

/* ---- 4B01h ------------------------------------------------------------ */
t_4b01:
        CHECK   "4b01"
        mov     $packet, %di
        mov     $0xcc, %al
        mov     $0x20, %cx
        rep stosb
        mov     $0x4b01, %ax
        mov     boot_dl, %dl
        mov     $packet, %si
        INTX    0x13
        CF_SET
        OKIF    z, "CF set"
        movzbl  packet, %eax
        EQ      %eax, $0x13, "packet size"
        movzbl  packet+2, %eax
        movzbl  boot_dl, %edx
        EQ      %eax, %edx, "packet drive vs DL"
        NOTE    " media="
        HEXB    packet+1
        NOTE    " lba="
        HEX     packet+4
        NOTE    " loadseg="
        HEXW    packet+12
        NOTE    " count="
        HEXW    packet+14
        movzbl  packet+0x13, %eax
        EQ      %eax, $0xcc, "byte after the packet written"
        TEND
        ret

/* ---- no emulation: the CD itself ----------------------------------- */
t_cd:
        CHECK   "cd.41"
        mov     $0x4100, %ax
        mov     $0x55aa, %bx
        mov     boot_dl, %dl
        INTX    0x13
        CF_SET
        OKIF    z, "CF set"
        movzwl  r_ebx, %eax
        EQ      %eax, $0xaa55, "BX"
        movzwl  r_ecx, %eax
        and     $6, %eax
        EQ      %eax, $6, "CX bits 1-2"
        TEND

        CHECK   "cd.48"
        movw    $0x42, edd
        mov     $0x4800, %ax
        mov     boot_dl, %dl
        mov     $edd, %si
        INTX    0x13
        CF_SET
        OKIF    z, "CF set"
        movzwl  edd+0x18, %eax
        EQ      %eax, $2048, "bytes per sector"
        NOTE    " sectors="
        HEX     edd+0x10
        TEND

        CHECK   "cd.42"
        movw    $0x10, dap
        movw    $1, dap+2
        movw    $0, dap+4
        movw    $(BUF >> 4), dap+6
        mov     packet+4, %eax
        mov     %eax, dap+8
        movl    $0, dap+12
        mov     $0x4200, %ax
        mov     boot_dl, %dl
        mov     $dap, %si
        INTX    0x13
        CF_SET
        OKIF    z, "CF set"
        mov     $0x7c00, %si
        mov     $BUF, %di
        mov     $2048, %cx
        repe cmpsb
        OKIF    e, "the image read back differs from 7C00"
        TEND

        CHECK   "cd.43"
        movw    $1, dap+2
        mov     $0x4300, %ax
        mov     boot_dl, %dl
        mov     $dap, %si
        INTX    0x13
        call    expect_wp
        TEND

        CHECK   "cd.45"
        mov     $0x4500, %ax            /* lock */
        mov     boot_dl, %dl
        INTX    0x13
        CF_SET
        OKIF    z, "lock: CF set"
        mov     $0x4502, %ax            /* status */
        mov     boot_dl, %dl
        INTX    0x13
        movzbl  r_eax, %eax
        EQ      %eax, $1, "status AL"
        mov     $0x4600, %ax            /* eject while locked */
        mov     boot_dl, %dl
        INTX    0x13
        movzbl  r_eax+1, %eax
        EQ      %eax, $0xb1, "eject locked: AH"
        mov     $0x4501, %ax            /* unlock */
        mov     boot_dl, %dl
        INTX    0x13
        CF_SET
        OKIF    z, "unlock: CF set"
        movzbl  r_eax, %eax
        EQ      %eax, $0, "unlocked AL"
        TEND
        ret

/* the call just made was refused as a write to read-only media */
expect_wp:
        CF_SET
        OKIF    nz, "CF clear"
        movzbl  r_eax+1, %eax
        EQ      %eax, $3, "AH"
        ret

/* ---- emulation ------------------------------------------------------ */
/* CHS of the LBA in %eax into CX/DH for AH=02h (geometry in heads/spt) */
lba_chs:
        push    $0                      /* AH=08h on a floppy returned ES = the DPT's */
        pop     %es
        xor     %edx, %edx
        movzwl  spt, %ecx
        div     %ecx                    /* eax = lba / spt, edx = sector - 1 */
        inc     %dx
        mov     %dx, %bx                /* sector */
        xor     %edx, %edx
        movzwl  heads, %ecx
        div     %ecx                    /* eax = cylinder, edx = head */
        mov     %dl, %dh
        mov     %al, %ch
        mov     %bl, %cl
        shl     $6, %ah
        or      %ah, %cl
        ret

/* checks the stamp of the sector at %di (LBA in %eax) */
stamp:
        cmpl    $M_RSEC, (%di)
        jne     1f
        cmp     %eax, 4(%di)
        jne     1f
        clc
        ret
1:      FAIL    "bad stamp at lba "
        HEX     %eax
        stc
        ret

t_emu:
        CHECK   "emu.08"
        mov     $0x0800, %ax
        mov     boot_dl, %dl
        xor     %di, %di
        mov     %di, %es
        INTX    0x13
        CF_SET
        OKIF    z, "CF set"
        movzbl  r_ecx+1, %eax           /* CH: cylinder bits 7-0 */
        movzbl  r_ecx, %edx
        and     $0xc0, %dl
        shl     $2, %edx
        or      %edx, %eax
        inc     %eax
        mov     %eax, cyls
        movzbl  r_edx+1, %eax
        inc     %eax
        mov     %eax, heads
        movzbl  r_ecx, %eax
        and     $0x3f, %eax
        mov     %eax, spt
        NOTE    " chs="
        DECN    cyls
        NOTE    "/"
        DECN    heads
        NOTE    "/"
        DECN    spt
        NOTE    " bl="
        HEXB    r_ebx
        TEND

        CHECK   "emu.last"
        movzwl  cyls, %eax
        movzwl  heads, %edx
        imul    %edx, %eax
        movzwl  spt, %edx
        imul    %edx, %eax
        dec     %eax
        mov     %eax, last
        call    lba_chs
        mov     $0x0201, %ax
        mov     boot_dl, %dl
        mov     $BUF, %bx
        INTX    0x13
        CF_SET
        OKIF    z, "CF set"
        mov     last, %eax
        mov     $BUF, %di
        call    stamp
        NOTE    " lba="
        HEX     last
        TEND

        CHECK   "emu.span"
        mov     $17, %eax
        call    lba_chs
        mov     $0x0207, %ax
        mov     boot_dl, %dl
        mov     $BUF, %bx
        INTX    0x13
        CF_SET
        OKIF    z, "CF set"
        movzbl  r_eax, %eax
        EQ      %eax, $7, "AL"
        mov     $17, %eax
        mov     $BUF, %di
1:      call    stamp
        jc      2f
        inc     %eax
        add     $512, %di
        cmp     $24, %eax
        jb      1b
2:      TEND

        CHECK   "emu.03"
        mov     $16, %eax
        call    lba_chs
        mov     $0x0301, %ax
        mov     boot_dl, %dl
        mov     $BUF, %bx
        INTX    0x13
        call    expect_wp
        TEND

        CHECK   "emu.4b00"
        mov     $0x4b00, %ax
        mov     boot_dl, %dl
        mov     $packet, %si
        INTX    0x13
        CF_SET
        OKIF    z, "CF set"
        mov     $17, %eax               /* the image is gone from DL */
        call    lba_chs
        mov     $0x0201, %ax
        mov     boot_dl, %dl
        mov     $BUF, %bx
        movl    $0, BUF
        INTX    0x13
        CF_SET
        jnz     1f                      /* no such drive any more: fine */
        cmpl    $M_RSEC, BUF
        jne     1f
        FAIL    "the drive still reads the CD image"
1:      TEND
        ret

#include "report_text.inc"

        .section .trailer, "a"
trailer_magic:
        .long   M_REEF

        .bss
boot_dl: .skip  4
packet: .skip   0x20
edd:    .skip   0x42
dap:    .skip   0x10
cyls:   .skip   4
heads:  .skip   4
spt:    .skip   4
last:   .skip   4
