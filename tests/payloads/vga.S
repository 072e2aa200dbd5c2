/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * vga.S - boot-sector payload that calls the video BIOS's INT 10h and VBE
 * functions and reports one line per function on COM1 (report.inc):
 *   PASS int10.<AH>[.<AL/BL>] ...   FAIL ... !<reason>
 *   PASS vbe.<AL> ...
 *   DONE <pass> <fail>, then QEMU leaves through isa-debug-exit (0x501).
 * tests/qemu/test_vga.py runs it on QEMU's std VGA with our VGA BIOS and
 * with SeaVGABIOS. The VBE checks use the 1024x768x32 mode found in the
 * mode list (numbers differ between BIOSes) and read the Bochs DISPI
 * registers back (ports 1CEh/1CFh) to see what a call did to the device.
 */
#define M_REEF          0x46454552      /* "REEF" */
#define M_VESA          0x41534556
#define M_VBE2          0x32454256
#define SEG_TEXT        0xb800
#define SEG_GFX         0xa000
#define DISPI_INDEX     0x1ce
#define DISPI_DATA      0x1cf

        .code16

#include "report.inc"

/* a 16-bit field of the last INTX's registers == want */
.macro EQW reg, want, text
        movzwl  \reg, %eax
        EQ      %eax, \want, "\text"
.endm
.macro EQB reg, want, text
        movzbl  \reg, %eax
        EQ      %eax, \want, "\text"
.endm
/* the word at SEG_TEXT:off == want */
.macro EQTEXT off, want, text
        push    %es
        mov     $SEG_TEXT, %ax
        mov     %ax, %es
        movzwl  %es:\off, %eax
        pop     %es
        EQ      %eax, \want, "\text"
.endm
/* the byte at 0040:off == want */
.macro EQBDA off, want, text
        movzbl  0x400 + \off, %eax
        EQ      %eax, \want, "\text"
.endm
/* the DISPI register idx == want */
.macro EQDISPI idx, want, text
        mov     $\idx, %ax
        call    dispi_read
        movzwl  %ax, %eax
        EQ      %eax, \want, "\text"
.endm
/* AX of the last INTX is 004Fh */
.macro VBEOK
        EQW     r_eax, $0x004f, "AX"
.endm
.macro CURSOR row, col
        mov     $0x02, %ah
        xor     %bh, %bh
        mov     $((\row << 8) | \col), %dx
        int     $0x10
.endm

        .section .mbr, "ax"
        MBR_LOAD_PROGRAM

        .text
main:
        PAYLOAD_MAIN "INFO vga payload"
        call    int10_tests
        call    vbe_tests
        /* back to text mode, for whoever looks at the screen */
        mov     $0x0003, %ax
        int     $0x10
        call    report_done
        jmp     qemu_exit

dispi_read:                             /* AX = index -> AX = value */
        push    %dx
        mov     $DISPI_INDEX, %dx
        out     %ax, %dx
        inc     %dx
        in      %dx, %ax
        pop     %dx
        ret

/* ======================================================================
 * INT 10h
 * ====================================================================== */
int10_tests:
        CHECK   int10.00
        mov     $0x0003, %ax
        INTX    0x10
        mov     $0x0f, %ah
        INTX    0x10
        EQB     r_eax, $0x03, "AH=0Fh AL"
        EQB     r_eax+1, $80, "AH=0Fh AH"
        EQBDA   0x49, $0x03, "BDA mode"
        EQBDA   0x84, $24, "BDA rows-1"
        EQBDA   0x85, $16, "BDA char height"
        EQTEXT  0, $0x0720, "cleared cell"
        TEND

        CHECK   int10.01
        mov     $0x01, %ah
        mov     $0x0607, %cx
        INTX    0x10
        mov     $0x03, %ah
        xor     %bh, %bh
        INTX    0x10
        EQW     r_ecx, $0x0607, "AH=03h CX"
        TEND

        CHECK   int10.02
        CURSOR  5, 10
        mov     $0x03, %ah
        xor     %bh, %bh
        INTX    0x10
        EQW     r_edx, $0x050a, "AH=03h DX"
        EQBDA   0x50, $10, "BDA column"
        EQBDA   0x51, $5, "BDA row"
        TEND

        CHECK   int10.05
        mov     $0x0501, %ax
        INTX    0x10
        EQBDA   0x62, $1, "BDA page"
        mov     $0x0f, %ah
        INTX    0x10
        EQB     r_ebx+1, $1, "AH=0Fh BH"
        mov     $0x0500, %ax
        int     $0x10
        TEND

        CHECK   int10.09
        CURSOR  0, 0
        mov     $0x0941, %ax
        mov     $0x001e, %bx
        mov     $3, %cx
        INTX    0x10
        EQTEXT  0, $0x1e41, "cell 0"
        EQTEXT  4, $0x1e41, "cell 2"
        EQTEXT  6, $0x0720, "cell 3"
        mov     $0x03, %ah
        xor     %bh, %bh
        INTX    0x10
        EQW     r_edx, $0x0000, "cursor moved"
        TEND

        CHECK   int10.0a
        mov     $0x0a42, %ax
        xor     %bx, %bx
        mov     $1, %cx
        INTX    0x10
        EQTEXT  0, $0x1e42, "cell 0"
        TEND

        CHECK   int10.08
        mov     $0x08, %ah
        xor     %bh, %bh
        INTX    0x10
        EQW     r_eax, $0x1e42, "AX"
        TEND

        CHECK   int10.0e
        CURSOR  1, 0
        mov     $0x0e43, %ax
        mov     $0x0007, %bx
        INTX    0x10
        EQTEXT  160, $0x0743, "cell 1,0"
        mov     $0x0e0d, %ax
        int     $0x10
        mov     $0x0e0a, %ax
        int     $0x10
        mov     $0x03, %ah
        xor     %bh, %bh
        INTX    0x10
        EQW     r_edx, $0x0200, "cursor after CR LF"
        TEND

        CHECK   int10.06
        push    %es
        mov     $SEG_TEXT, %ax
        mov     %ax, %es
        movw    $0x0758, %es:480        /* 'X' at row 3 */
        pop     %es
        mov     $0x0601, %ax
        mov     $0x17, %bh
        xor     %cx, %cx
        mov     $0x184f, %dx
        INTX    0x10
        EQTEXT  320, $0x0758, "X now on row 2"
        EQTEXT  3840, $0x1720, "new bottom row"
        TEND

        CHECK   int10.07
        mov     $0x0701, %ax
        mov     $0x17, %bh
        xor     %cx, %cx
        mov     $0x184f, %dx
        INTX    0x10
        EQTEXT  480, $0x0758, "X back on row 3"
        EQTEXT  0, $0x1720, "new top row"
        TEND

        CHECK   int10.0f
        mov     $0x0f, %ah
        INTX    0x10
        EQW     r_eax, $0x5003, "AX"
        EQB     r_ebx+1, $0, "BH"
        TEND

        CHECK   int10.13
        xor     %ax, %ax
        mov     %ax, %es
        mov     $str_hi, %bp
        mov     $0x1301, %ax
        mov     $0x001f, %bx
        mov     $2, %cx
        mov     $0x0a05, %dx
        INTX    0x10
        EQTEXT  1610, $0x1f48, "H"
        EQTEXT  1612, $0x1f69, "i"
        mov     $0x03, %ah
        xor     %bh, %bh
        INTX    0x10
        EQW     r_edx, $0x0a07, "cursor"
        TEND

        CHECK   int10.1a
        mov     $0x1a00, %ax
        INTX    0x10
        EQB     r_eax, $0x1a, "AL"
        EQB     r_ebx, $0x08, "BL (VGA colour)"
        TEND

        /* 1Bh: the dynamic state of mode 03h and the static functionality table */
        CHECK   int10.1b
        xor     %ax, %ax
        mov     %ax, %es
        mov     $state_buf, %di
        mov     $0x1b00, %ax
        xor     %bx, %bx
        INTX    0x10
        EQB     r_eax, $0x1b, "AL"
        EQB     state_buf+0x04, $3, "mode"
        EQW     state_buf+0x05, $80, "columns"
        EQB     state_buf+0x22, $25, "rows"
        EQW     state_buf+0x23, $16, "character height"
        EQB     state_buf+0x25, $0x08, "display combination"
        EQW     state_buf+0x27, $16, "colours"
        EQB     state_buf+0x29, $8, "pages"
        EQB     state_buf+0x2a, $2, "scan lines (400)"
        push    %es
        les     state_buf, %si
        movzbl  %es:(%si), %eax
        pop     %es
        and     $0x08, %eax
        EQ      %eax, $0x08, "static table: mode 03h"
        push    %es
        les     state_buf, %si
        movzbl  %es:2(%si), %eax
        pop     %es
        and     $0x08, %eax
        EQ      %eax, $0x08, "static table: mode 13h"
        TEND

        /* 1Ch: size, save, change the cursor and DAC entry 1, restore */
        CHECK   int10.1c
        mov     $0x1c00, %ax
        mov     $0x0007, %cx
        INTX    0x10
        EQB     r_eax, $0x1c, "AL (size)"
        movzwl  r_ebx, %eax
        RANGE   %eax, $1, $32, "BX (64-byte blocks)"
        CURSOR  5, 7
        xor     %ax, %ax
        mov     %ax, %es
        mov     $0x1c01, %ax
        mov     $0x0007, %cx
        mov     $state_buf, %bx
        INTX    0x10
        EQB     r_eax, $0x1c, "AL (save)"
        mov     $0x1010, %ax
        mov     $1, %bx
        mov     $0x3f3f, %cx
        mov     $0x3f, %dh
        int     $0x10
        CURSOR  0, 0
        xor     %ax, %ax
        mov     %ax, %es
        mov     $0x1c02, %ax
        mov     $0x0007, %cx
        mov     $state_buf, %bx
        INTX    0x10
        EQB     r_eax, $0x1c, "AL (restore)"
        movzwl  0x450, %eax
        EQ      %eax, $0x0507, "cursor after restore"
        mov     $0x1015, %ax
        mov     $1, %bx
        INTX    0x10
        EQB     r_edx+1, $0, "DAC 1 red after restore"
        EQB     r_ecx, $0x2a, "DAC 1 blue after restore"
        CURSOR  0, 0
        TEND

        CHECK   int10.12.10
        mov     $0x12, %ah
        mov     $0x10, %bl
        INTX    0x10
        EQB     r_ebx+1, $0, "BH (colour)"
        EQB     r_ebx, $3, "BL (256 KiB)"
        TEND

        CHECK   int10.11.30
        mov     $0x1130, %ax
        mov     $0x06, %bh
        INTX    0x10
        EQW     r_ecx, $16, "CX (char height)"
        EQB     r_edx, $24, "DL (rows-1)"
        push    %es
        mov     r_es, %ax
        mov     %ax, %es
        mov     r_ebp, %bx
        movl    %es:'A'*16+4(%bx), %eax /* the middle of the 8x16 'A' */
        pop     %es
        test    %eax, %eax
        OKIF    nz, "8x16 'A' blank"
        TEND

        CHECK   int10.11.12
        mov     $0x1112, %ax
        xor     %bl, %bl
        INTX    0x10
        EQBDA   0x84, $49, "BDA rows-1 (8x8)"
        EQBDA   0x85, $8, "BDA char height"
        mov     $0x1114, %ax
        xor     %bl, %bl
        INTX    0x10
        EQBDA   0x84, $24, "BDA rows-1 (8x16)"
        EQBDA   0x85, $16, "BDA char height"
        TEND

        CHECK   int10.10.10
        mov     $0x1010, %ax
        mov     $5, %bx
        mov     $0x11, %dh
        mov     $0x2233, %cx
        INTX    0x10
        mov     $0x1015, %ax
        mov     $5, %bx
        xor     %cx, %cx
        xor     %dx, %dx
        INTX    0x10
        EQB     r_edx+1, $0x11, "red"
        EQW     r_ecx, $0x2233, "green/blue"
        TEND

        CHECK   int10.10.00
        mov     $0x1000, %ax
        mov     $0x2101, %bx
        INTX    0x10
        mov     $0x1007, %ax
        mov     $0x0001, %bx
        INTX    0x10
        EQB     r_ebx+1, $0x21, "register 1"
        mov     $0x1000, %ax
        mov     $0x0101, %bx
        int     $0x10
        TEND

        CHECK   int10.00.13
        mov     $0x0013, %ax
        INTX    0x10
        mov     $0x0f, %ah
        INTX    0x10
        EQW     r_eax, $0x2813, "AH=0Fh AX"
        mov     $0x0c05, %ax
        xor     %bh, %bh
        mov     $10, %cx
        mov     $10, %dx
        INTX    0x10
        push    %es
        mov     $SEG_GFX, %ax
        mov     %ax, %es
        movzbl  %es:3210, %eax
        pop     %es
        EQ      %eax, $5, "pixel 10,10 in memory"
        mov     $0x0d00, %ax
        xor     %bh, %bh
        mov     $10, %cx
        mov     $10, %dx
        INTX    0x10
        EQB     r_eax, $5, "AH=0Dh AL"
        CURSOR  0, 0
        mov     $0x0e41, %ax
        mov     $0x000f, %bx
        INTX    0x10
        push    %es
        mov     $SEG_GFX, %ax
        mov     %ax, %es
        xor     %eax, %eax                  /* any pixel of the 'A' cell */
        xor     %bx, %bx
        mov     $8, %cx
1:      orl     %es:(%bx), %eax
        orl     %es:4(%bx), %eax
        add     $320, %bx
        loop    1b
        pop     %es
        test    %eax, %eax
        OKIF    nz, "teletype drew no pixel"
        mov     $0x0003, %ax
        int     $0x10
        TEND
        ret

/* ======================================================================
 * VBE
 * ====================================================================== */
vbe_tests:
        CHECK   vbe.00
        xor     %ax, %ax
        mov     %ax, %es
        movl    $M_VBE2, vbe_info
        mov     $vbe_info, %di
        mov     $0x4f00, %ax
        INTX    0x10
        VBEOK
        EQ      vbe_info, $M_VESA, "signature"
        movzwl  vbe_info+4, %eax
        RANGE   %eax, $0x0200, $0x03ff, "version"
        movzwl  vbe_info+0x12, %eax
        RANGE   %eax, $64, $4096, "memory (64 KiB units)"
        NOTE    "memory="
        DECN    %eax
        TEND

        /* find 1024x768x32 in the mode list with 4F01h */
        CHECK   vbe.01
        movw    $0xffff, mode_32
        les     vbe_info+0x0e, %si
        xor     %cx, %cx
1:      mov     %es:(%si), %dx
        cmp     $0xffff, %dx
        je      3f
        inc     %cx
        push    %es
        push    %si
        push    %cx
        push    %dx
        xor     %ax, %ax
        mov     %ax, %es
        mov     $mode_info, %di
        mov     %dx, %cx
        mov     $0x4f01, %ax
        int     $0x10
        pop     %dx
        pop     %cx
        pop     %si
        pop     %es
        cmp     $0x004f, %ax
        jne     2f
        cmpw    $1024, mode_info+0x12
        jne     2f
        cmpw    $768, mode_info+0x14
        jne     2f
        cmpb    $32, mode_info+0x19
        jne     2f
        mov     %dx, mode_32
2:      add     $2, %si
        cmp     $200, %cx
        jb      1b
3:      xor     %ax, %ax
        mov     %ax, %es
        NOTE    "modes="
        DECN    %ecx
        cmpw    $0xffff, mode_32
        jne     4f
        FAIL    "no 1024x768x32 mode"
        TEND
        ret                             /* the rest needs the mode */
4:      NOTE    " 1024x768x32="
        HEXW    mode_32
        mov     mode_32, %cx
        mov     $mode_info, %di
        mov     $0x4f01, %ax
        INTX    0x10
        VBEOK
        movzwl  mode_info, %eax
        and     $0x99, %eax
        EQ      %eax, $0x99, "attributes (supported, colour, graphics, LFB)"
        EQW     mode_info+0x10, $4096, "bytes per line"
        movl    mode_info+0x28, %eax
        test    %eax, %eax
        OKIF    nz, "PhysBasePtr 0"
        NOTE    " lfb="
        HEX     mode_info+0x28
        /* the display's BAR 0, through the PCI BIOS (class 030000h, first) */
        mov     $0xb103, %ax
        mov     $0x030000, %ecx
        xor     %si, %si
        int     $0x1a
        jc      5f
        mov     $0xb10a, %ax
        mov     $0x10, %di
        int     $0x1a
        jc      5f
        and     $0xfffffff0, %ecx
        EQ      mode_info+0x28, %ecx, "PhysBasePtr is not BAR 0"
        TEND
        jmp     6f
5:      FAIL    "PCI BIOS: no display device of class 030000h"
        TEND
6:

        CHECK   vbe.01.bad
        mov     $mode_info, %di
        mov     $0x01ff, %cx
        mov     $0x4f01, %ax
        INTX    0x10
        cmpw    $0x004f, r_eax
        OKIF    ne, "4F01h accepted mode 1FFh"
        TEND

        CHECK   vbe.02
        mov     mode_32, %bx
        or      $0x4000, %bx
        mov     $0x4f02, %ax
        INTX    0x10
        VBEOK
        EQDISPI 1, $1024, "DISPI xres"
        EQDISPI 2, $768, "DISPI yres"
        EQDISPI 3, $32, "DISPI bpp"
        mov     $4, %ax
        call    dispi_read
        and     $0x41, %ax
        movzwl  %ax, %eax
        EQ      %eax, $0x41, "DISPI enabled with LFB"
        TEND

        CHECK   vbe.02.bad
        mov     $0x01ff, %bx
        mov     $0x4f02, %ax
        INTX    0x10
        cmpw    $0x004f, r_eax
        OKIF    ne, "4F02h accepted mode 1FFh"
        EQDISPI 1, $1024, "the mode changed"
        TEND

        CHECK   vbe.03
        mov     $0x4f03, %ax
        INTX    0x10
        VBEOK
        movzwl  r_ebx, %eax
        and     $0x41ff, %eax
        movzwl  mode_32, %edx
        or      $0x4000, %edx
        EQ      %eax, %edx, "BX"
        TEND

        CHECK   vbe.04
        mov     $0x4f04, %ax
        xor     %dl, %dl
        mov     $0x000f, %cx
        INTX    0x10
        VBEOK
        movzwl  r_ebx, %eax
        RANGE   %eax, $1, $32, "BX (64-byte blocks)"
        mov     $0x4f04, %ax
        mov     $1, %dl
        mov     $0x000f, %cx
        mov     $state_buf, %bx
        INTX    0x10
        VBEOK
        mov     $0x4f04, %ax
        mov     $2, %dl
        mov     $0x000f, %cx
        mov     $state_buf, %bx
        INTX    0x10
        VBEOK
        EQDISPI 1, $1024, "DISPI xres after restore"
        EQDISPI 3, $32, "DISPI bpp after restore"
        TEND

        /* 4F15h: DDC capabilities, then EDID block 0 (QEMU's, at BAR 2) */
        CHECK   vbe.15
        xor     %ax, %ax
        mov     %ax, %es
        mov     $0x4f15, %ax
        xor     %bx, %bx
        xor     %cx, %cx
        xor     %di, %di
        INTX    0x10
        VBEOK
        mov     $0x4f15, %ax
        mov     $0x0001, %bx
        xor     %cx, %cx
        xor     %dx, %dx
        mov     $state_buf, %di
        INTX    0x10
        VBEOK
        EQ      state_buf, $0xffffff00, "EDID header"
        EQ      state_buf+4, $0x00ffffff, "EDID header"
        xor     %si, %si
        xor     %al, %al
1:      addb    state_buf(%si), %al
        inc     %si
        cmp     $128, %si
        jb      1b
        movzbl  %al, %eax
        EQ      %eax, $0, "EDID checksum"
        TEND

        CHECK   vbe.05
        mov     $0x4f05, %ax
        xor     %bx, %bx
        mov     $1, %dx
        INTX    0x10
        VBEOK
        EQDISPI 5, $1, "DISPI bank"
        mov     $0x4f05, %ax
        mov     $0x0100, %bx
        xor     %dx, %dx
        INTX    0x10
        VBEOK
        EQW     r_edx, $1, "DX"
        mov     $0x4f05, %ax
        xor     %bx, %bx
        xor     %dx, %dx
        int     $0x10
        TEND

        CHECK   vbe.06
        mov     $0x4f06, %ax
        mov     $0x01, %bl
        INTX    0x10
        VBEOK
        EQW     r_ebx, $4096, "BX (bytes)"
        EQW     r_ecx, $1024, "CX (pixels)"
        mov     $0x4f06, %ax
        mov     $0x00, %bl
        mov     $2048, %cx
        INTX    0x10
        VBEOK
        EQW     r_ecx, $2048, "CX after set"
        EQDISPI 6, $2048, "DISPI virtual width"
        mov     $0x4f06, %ax
        mov     $0x03, %bl
        INTX    0x10
        VBEOK
        mov     $0x4f06, %ax
        mov     $0x00, %bl
        mov     $1024, %cx
        int     $0x10
        TEND

        CHECK   vbe.07
        mov     $0x4f07, %ax
        xor     %bx, %bx
        xor     %cx, %cx
        mov     $10, %dx
        INTX    0x10
        VBEOK
        EQDISPI 9, $10, "DISPI y offset"
        mov     $0x4f07, %ax
        mov     $0x01, %bx
        INTX    0x10
        VBEOK
        EQW     r_edx, $10, "DX"
        mov     $0x4f07, %ax
        xor     %bx, %bx
        xor     %cx, %cx
        xor     %dx, %dx
        int     $0x10
        TEND

        CHECK   vbe.08
        mov     $0x4f08, %ax
        mov     $0x0800, %bx
        INTX    0x10
        VBEOK
        EQB     r_ebx+1, $8, "BH after set 8"
        mov     $0x4f08, %ax
        mov     $0x0001, %bx
        INTX    0x10
        VBEOK
        EQB     r_ebx+1, $8, "BH get"
        mov     $0x4f08, %ax
        mov     $0x0600, %bx
        INTX    0x10
        EQB     r_ebx+1, $6, "BH after set 6"
        TEND

        CHECK   vbe.09
        movl    $0x00030201, pal_in
        mov     $0x4f09, %ax
        xor     %bl, %bl
        mov     $1, %cx
        mov     $0x10, %dx
        mov     $pal_in, %di
        INTX    0x10
        VBEOK
        movl    $0, pal_out
        mov     $0x4f09, %ax
        mov     $1, %bl
        mov     $1, %cx
        mov     $0x10, %dx
        mov     $pal_out, %di
        INTX    0x10
        VBEOK
        movl    pal_out, %eax
        and     $0x00ffffff, %eax
        EQ      %eax, $0x00030201, "entry 10h read back"
        TEND

        CHECK   vbe.0a
        mov     $0x4f0a, %ax
        xor     %bl, %bl
        INTX    0x10
        VBEOK
        movzwl  r_ecx, %eax
        RANGE   %eax, $8, $4096, "CX (table length)"
        push    %es
        mov     r_es, %ax
        mov     %ax, %es
        mov     r_edi, %bx
        movzwl  %es:(%bx), %eax         /* offset of the 4F05h code */
        pop     %es
        movzwl  r_ecx, %edx
        RANGE   %eax, $8, %edx, "set-window offset"
        xor     %ax, %ax
        mov     %ax, %es
        TEND

        CHECK   vbe.10
        mov     $0x4f10, %ax
        xor     %bl, %bl
        INTX    0x10
        VBEOK
        mov     $0x4f10, %ax
        mov     $0x02, %bl
        INTX    0x10
        VBEOK
        EQB     r_ebx+1, $0, "BH (on)"
        TEND

        CHECK   vbe.02.text
        mov     $0x4f02, %ax
        mov     $0x0003, %bx
        INTX    0x10
        VBEOK
        mov     $4, %ax
        call    dispi_read
        and     $1, %ax
        movzwl  %ax, %eax
        EQ      %eax, $0, "DISPI still enabled"
        mov     $0x0f, %ah
        INTX    0x10
        EQB     r_eax, $0x03, "AH=0Fh AL"
        TEND
        ret

#include "report_text.inc"

        .section .rodata
str_hi: .ascii  "Hi"

        PAYLOAD_END
mode_32:        .skip 2
        .align  16
vbe_info:       .skip 512
mode_info:      .skip 256
state_buf:      .skip 2048
pal_in:         .skip 4
pal_out:        .skip 4
