/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * services.S - ReefBIOS boot-sector payload that exercises legacy BIOS
 * services (INT 10h/11h/12h/13h/15h/16h/18h/19h/1Ah) and reports on COM1.
 *
 * Build (what tests/qemu/test_services.py does):
 *   gcc -m32 -c services.S -o services.o
 *   ld -m elf_i386 -T services.ld services.o -o services.elf
 *   objcopy -O binary services.elf services.bin
 * and the test writes services.bin at LBA 0 of a sparse raw disk image,
 * then the config sector at LBA 1 and the data patterns (below).
 *
 * ---- Disk layout ----------------------------------------------------------
 *   LBA 0      MBR: loads LBA 1..LOAD_SECTORS to 0:7E00 with INT 13h AH=02h
 *              (CHS 0/0/2, DL as passed by the BIOS) and jumps to main.
 *   LBA 1      config sector (little endian), written by the test:
 *                00 "REEFCFG1"   08 u64 disk size in sectors
 *                10 u32 RAM size in MiB (the -m value)
 *                14 7 x BCD: century, year, month, day, hour, min, sec
 *                   (the -rtc base= value)
 *                1B u8 number of hard disks
 *                20 4 x { u64 first LBA, u32 count, u32 0 }: regions that
 *                   hold the read pattern (0 = low, 1 = around LBA 2^28,
 *                   2 = near the end of the disk; count 0 = absent)
 *   LBA 2      state sector: zero on a fresh image; "REEFST19", stage
 *              byte (08), pass/fail counts (0A, 0C), token (10), written
 *              by the payload itself with INT 13h AH=03h before INT 19h
 *              (stage 1) and INT 18h (stage 2).  The same token goes to
 *              RAM at 7000:0000 ("REEFRAM1" + token): RAM is zero after
 *              power-on and INT 19h does not clear memory, so a matching
 *              token tells a re-entry through INT 19h/18h from a fresh
 *              boot of a reused image (which then simply starts over).
 *   LBA 3..    the program.
 *   Read pattern of sector n (tag 0): "RFPT", u64 n, u32 ~n,
 *     then byte i (16..511) = (i + 7*n) & 0xFF.
 *   Payload-written sectors: "RFWR", u64 n, u32 tag, then byte i
 *     (16..511) = (i ^ tag) & 0xFF.  Every write is announced on serial
 *     as "WROTE lba=0x.. n=.. tag=0x.." so the host can check the image.
 *   The last 8 sectors of the disk and whole cylinders past the low
 *   pattern region are scratch space for the write tests.
 *
 * ---- Serial protocol (COM1, 8N1, written through the UART directly) --------
 *   PASS <id> <text>      one line per check group of one service call
 *   FAIL <id> <text> !<reason> ...
 *   INFO <text>           informational (E820 map, geometry, ...)
 *   WROTE lba=0x<hex> n=<dec> tag=0x<hex>
 *   WAITKEY <sendkey arguments>
 *       the payload now waits (10 s; 3 s once a key never came) for the
 *       key(s); the harness sends
 *       "sendkey <arguments>" on the HMP monitor for each such line, in order.
 *   CALL int19            about to call INT 19h; after the BIOS has loaded
 *                         the MBR again, "PASS int19 ..." follows.
 *   DONE <n-pass> <n-fail>
 *   CALL int18            last line of the payload: INT 18h is invoked and
 *                         must not return.  The BIOS is then expected to
 *                         report the boot failure ("No bootable device"
 *                         style message); if INT 18h returns, the payload
 *                         prints "FAIL int18 ..." and exits QEMU; if the
 *                         BIOS boots this disk again it prints
 *                         "FAIL int18 ..." too.
 *   The payload ends QEMU through isa-debug-exit (port 0x501) only on
 *   those failure paths; normally the BIOS owns the machine after INT 18h.
 *
 * ---- Flow ---------------------------------------------------------------
 *   stage 1: INT 10h, 11h, 12h, 13h, 15h, 1Ah checks; marker; INT 19h.
 *   stage 2: PASS int19; INT 16h checks (keys from the harness); INT 15h
 *            AH=86h (last, so that a wait which never returns hides as
 *            little as possible); DONE; INT 18h.
 *   A BIOS call that never returns leaves the remaining ids unreported;
 *   the harness ends the run when the serial output stalls for 20 s.
 *
 * ---- Expected behaviour chosen where the references leave room -------------
 *   13h/05h  fixed disk, valid cylinder/head, AL = sectors per track,
 *            ES:BX -> F,N table: CF=0 AH=0 (nothing is checked on the
 *            track afterwards).  Head beyond the geometry: CF=1.
 *   13h/45h  if 41h CX bit 1 (locking/ejecting subset) is set: a fixed
 *            disk returns success for lock, unlock and status (EDD-4
 *            8.18) and AL is a lock state (00h or 01h) - checked under
 *            the separate id int13.45.al.  If bit 1 is clear: CF=1 AH=01h.
 *   13h/46h  fixed disk: CF=1 AH=B2h (media not removable) with bit 1
 *            set, CF=1 AH=01h without it.
 *   13h/42h  on an error before any transfer the DAP block count must be
 *            0 (RBIL: "block count field set to number of blocks
 *            successfully transferred") - separate id int13.42.errcount.
 *   16h/00h  extended-only keys (F11/F12) are discarded (IBM/RBIL) -
 *            separate id int16.00.ext.
 *   15h/24xx the A20 state is checked physically (0000:0500 vs FFFF:0510),
 *            not through port 92h.
 *
 * Nothing here depends on INT 10h/14h for output.
 */


#define CFG             0x7e00
#define CFG_TOTAL       (CFG + 0x08)
#define CFG_MEM         (CFG + 0x10)
#define CFG_RTC         (CFG + 0x14)
#define CFG_NHD         (CFG + 0x1b)
#define CFG_REG         (CFG + 0x20)
#define CFG_IFACE       (CFG + 0x60)    /* EDD interface type, first 4 chars */
#define CFG_PCICLASS    (CFG + 0x64)    /* the disk controller's PCI class */
#define STATE           0x8000
#define RAMTOK_SEG      0x7000          /* RAM token, 7000:0000 */

#define BUF_A_SEG       0x1000          /* disk write source / misc */
#define BUF_B_SEG       0x1800          /* disk read destination */
#define E820_SEG        0x2000
#define MOVE_SEG        0x3000
#define BIG_SEG         0x4000          /* 64-sector reads */

#define TAG_03          0x13030001
#define TAG_03_LAST     0x13030002
#define TAG_CYLHI       0x13020003
#define TAG_43          0x13430004
#define TAG_87_A        0x15870001
#define TAG_87_B        0x15870002
#define TAG_87_C        0x15870003

#define M_REEF          0x46454552      /* "REEF" */
#define M_ST19          0x39315453      /* "ST19" */
#define M_CFG1          0x31474643      /* "CFG1" */
#define M_RAM1          0x314d4152      /* "RAM1" */
#define M_SMAP          0x534d4150

        .code16

/* ======================================================================
 * Macros
 * ====================================================================== */

#include "report.inc"

/* ask the harness for keys */
.macro WAITKEY keys
        SAY     "WAITKEY \keys"
.endm

/* ======================================================================
 * MBR (LBA 0, runs at 0:7C00)
 * ====================================================================== */
        .section .mbr, "ax"
        MBR_START
        /* INT 13h AH=02h: config + state + program, CHS 0/0/2 -> 0:7E00 */
        mov     $LOAD_SECTORS, %ax
        mov     $0x02, %ah
        mov     $0x0002, %cx
        xor     %dh, %dh
        mov     boot_dl, %dl
        mov     $0x7e00, %bx
        int     $0x13
        pushf
        pop     mbr_flags
        mov     %ax, mbr_ax
        xor     %bx, %bx
        mov     %bx, %ds
        mov     %bx, %es
        sti
        testb   $1, mbr_flags
        jnz     1f
        cmpl    $M_REEF, trailer_magic
        jne     1f
        cmpl    $0x21444e45, trailer_magic+4    /* "END!" */
        jne     1f
        jmp     main
1:      mov     $mbr_fail_msg, %si
        call    puts
        jmp     qemu_exit

#include "report_mbr.inc"

mbr_fail_msg:
        .asciz  "FAIL int13.02 boot load of the payload (INT 13h AH=02h) failed\r\n"

        .org    510
        .word   0xaa55

/* ======================================================================
 * Program (LBA 3.., runs at 0:8200)
 * ====================================================================== */
        .text
main:
        xor     %ax, %ax
        mov     %ax, %ds
        mov     %ax, %es
        cld
        sti
        mov     boot_dl, %al
        mov     %al, drive
        movb    $1, ram_ok
        cmpl    $M_REEF, STATE
        jne     fresh
        cmpl    $M_ST19, STATE+4
        jne     fresh
        /* RAM token: zero after power-on, kept by INT 19h/18h */
        mov     $RAMTOK_SEG, %ax
        mov     %ax, %es
        mov     STATE+16, %eax
        cmpl    $M_REEF, %es:0
        jne     1f
        cmpl    $M_RAM1, %es:4
        jne     1f
        cmp     %es:8, %eax
        jne     1f
        xor     %ax, %ax
        mov     %ax, %es
        cmpb    $1, STATE+8
        je      stage2
        SAY     "FAIL int18 INT 18h booted the same disk again (state marker says INT 18h was called)"
        jmp     qemu_exit
1:      xor     %ax, %ax
        mov     %ax, %es
        movb    $0, ram_ok
        cmpb    $1, STATE+8
        je      stage2
        SAY     "INFO state sector of an earlier run ignored (no RAM token): fresh start"

fresh:
        movw    $0, n_pass
        movw    $0, n_fail
        cmpl    $M_REEF, CFG
        jne     1f
        cmpl    $M_CFG1, CFG+4
        je      2f
1:      SAY     "FAIL cfg config sector (LBA 1) missing: write the image with the test harness"
        jmp     qemu_exit
2:      SAY     "INFO ReefBIOS services payload, stage 1"
        call    load_cfg
        call    t_boot
        call    t_int10
        call    t_int11
        call    t_int12
        call    t_int13
        call    t_int15
        call    t_int1a
        jmp     int19_go

stage2:
        mov     STATE+10, %ax
        mov     %ax, n_pass
        mov     STATE+12, %ax
        mov     %ax, n_fail
        call    load_cfg
        SAY     "INFO stage 2 (after INT 19h)"
        CHECK   "int19"
        cmpb    $0, ram_ok
        jne     1f
        FAIL    "RAM token at 7000:0000 lost across INT 19h (or a reused image of an aborted run: rebuild it)"
1:      NOTE    "INT 19h loaded and ran the MBR again, state marker and RAM token found, dl="
        movzbl  boot_dl, %eax
        HEX     %eax, 2
        EQ      %eax, $0x80, "boot drive DL"
        NOTE    " loaded n="
        movzbl  mbr_ax, %eax
        DECN    %eax
        TEND
        call    t_int16
        call    t15_86                  /* last: a wait that never ends */
        /* DONE */                      /* hides only DONE and INT 18h */
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
        jmp     int18_go

/* ---- INT 19h / INT 18h ------------------------------------------------ */
int19_go:
        movb    $1, %al
        call    write_state
        jnc     1f
        CHECK   "int19"
        FAIL    "cannot write the state marker with INT 13h AH=03h"
        TEND
        jmp     qemu_exit
1:      SAY     "CALL int19"
        int     $0x19
        CHECK   "int19"
        FAIL    "INT 19h returned"
        TEND
        jmp     qemu_exit

int18_go:
        movb    $2, %al
        call    write_state
        SAY     "CALL int18"
        int     $0x18
        sti
        xor     %ax, %ax
        mov     %ax, %ds
        SAY     "FAIL int18 INT 18h returned to the caller"
        jmp     qemu_exit

/* AL = stage; writes the state sector (LBA 2 = CHS 0/0/3) from 0:8000
 * and the RAM token (a new one for stage 1) */
write_state:
        cmp     $1, %al
        jne     1f
        mov     0x46c, %ebx
        xor     $0x5eed0000, %ebx
        or      $1, %ebx
        mov     %ebx, STATE+16
1:      mov     $RAMTOK_SEG, %bx
        mov     %bx, %es
        movl    $M_REEF, %es:0
        movl    $M_RAM1, %es:4
        mov     STATE+16, %ebx
        mov     %ebx, %es:8
        xor     %bx, %bx
        mov     %bx, %es
        movl    $M_REEF, STATE
        movl    $M_ST19, STATE+4
        mov     %al, STATE+8
        mov     n_pass, %ax
        mov     %ax, STATE+10
        mov     n_fail, %ax
        mov     %ax, STATE+12
        xor     %ax, %ax
        mov     %ax, %es
        mov     $STATE, %bx
        mov     $0x0301, %ax
        mov     $0x0003, %cx
        xor     %dh, %dh
        mov     drive, %dl
        INTX    0x13
        CF_SET
        jz      2f
        stc
        ret
2:      clc
        ret

/* config values into variables */
load_cfg:
        mov     CFG_TOTAL, %eax
        mov     %eax, total_lo
        mov     CFG_TOTAL+4, %eax
        mov     %eax, total_hi
        mov     CFG_MEM, %eax
        shl     $10, %eax
        mov     %eax, mem_kib
        ret

/* ======================================================================
 * Boot load (done by the MBR)
 * ====================================================================== */
t_boot:
        CHECK   "int13.02"
        NOTE    "boot load c/h/s=0/0/2 n="
        mov     $LOAD_SECTORS, %eax
        DECN    %eax
        NOTE    " to 0:7e00, dl="
        movzbl  boot_dl, %eax
        HEX     %eax, 2
        EQ      %eax, $0x80, "boot drive DL"
        movzbl  mbr_ax+1, %eax
        EQ      %eax, $0, "AH"
        movzbl  mbr_ax, %eax
        mov     $LOAD_SECTORS, %edx
        EQ      %eax, %edx, "AL (sectors transferred)"
        NOTE    ", trailer ok"
        TEND
        ret

/* ======================================================================
 * INT 10h
 * ====================================================================== */
t_int10:
        CHECK   "int10.0f"
        mov     $0x0f, %ah
        INTX    0x10
        NOTE    "mode="
        HEXB    r_eax
        NOTE    " cols="
        movzbl  r_eax+1, %eax
        DECN    %eax
        movzbl  r_eax, %eax
        EQ      %eax, $3, "video mode"
        movzbl  r_eax+1, %eax
        EQ      %eax, $80, "columns"
        movzbl  r_ebx+1, %eax
        EQ      %eax, $0, "active page BH"
        movzbl  0x449, %eax
        movzbl  r_eax, %edx
        EQ      %eax, %edx, "BDA 40:49 vs AL"
        movzwl  0x44a, %eax
        movzbl  r_eax+1, %edx
        EQ      %eax, %edx, "BDA 40:4A vs AH"
        TEND

        CHECK   "int10.03"
        mov     $0x02, %ah
        xor     %bh, %bh
        mov     $0x050a, %dx
        int     $0x10
        mov     $0x03, %ah
        xor     %bh, %bh
        INTX    0x10
        NOTE    "after AH=02h row 5 col 10: dx="
        HEXW    r_edx
        movzwl  r_edx, %eax
        EQ      %eax, $0x050a, "DX (row/col)"
        movzwl  0x450, %eax
        EQ      %eax, $0x050a, "BDA 40:50 cursor"
        movzwl  0x460, %eax
        movzwl  r_ecx, %edx
        EQ      %eax, %edx, "CX vs BDA 40:60 cursor shape"
        TEND

        CHECK   "int10.0e"
        NOTE    "teletype RB! at 5,10"
        mov     $'R', %al
        call    tty
        mov     $'B', %al
        call    tty
        mov     $'!', %al
        call    tty
        mov     $s_crlf, %si            /* ends a line if the BIOS mirrors */
        call    puts                    /* INT 10h output to serial */
        mov     $0x03, %ah
        xor     %bh, %bh
        INTX    0x10
        NOTE    ", cursor now dx="
        HEXW    r_edx
        movzwl  r_edx, %eax
        EQ      %eax, $0x050d, "cursor after 3 characters"
        push    %es
        mov     $0xb800, %ax
        mov     %ax, %es
        mov     $(5 * 80 + 10) * 2, %di
        mov     %es:(%di), %al
        mov     %es:2(%di), %ah
        mov     %es:4(%di), %bl
        pop     %es
        cmp     $'R' | ('B' << 8), %ax
        jne     1f
        cmp     $'!', %bl
        jne     1f
        NOTE    ", vram ok"
        jmp     2f
1:      FAIL    "RB! not in video memory at B800:0334"
2:      TEND
        ret

tty:    mov     $0x0e, %ah
        mov     $0x0007, %bx
        int     $0x10
        ret

/* ======================================================================
 * INT 11h / INT 12h
 * ====================================================================== */
t_int11:
        CHECK   "int11"
        INTX    0x11
        NOTE    "ax="
        HEXW    r_eax
        movzwl  r_eax, %eax
        movzwl  0x410, %edx
        EQ      %eax, %edx, "AX vs BDA 40:10"
        /* x87 present? */
        movw    $0x5a5a, fpu_sw
        fninit
        fnstsw  fpu_sw
        xor     %edx, %edx
        cmpb    $0, fpu_sw
        jne     1f
        inc     %dx
1:      movzwl  r_eax, %eax
        shr     $1, %eax
        and     $1, %eax
        EQ      %eax, %edx, "bit 1 (x87) vs FPU probe"
        movzwl  r_eax, %eax
        shr     $4, %eax
        and     $3, %eax
        EQ      %eax, $2, "bits 5-4 (initial video 80x25 colour)"
        /* serial ports vs 40:00..40:06 */
        xor     %edx, %edx
        mov     $0x400, %si
        mov     $4, %cx
2:      cmpw    $0, (%si)
        je      3f
        inc     %dx
3:      add     $2, %si
        loop    2b
        movzwl  r_eax, %eax
        shr     $9, %eax
        and     $7, %eax
        EQ      %eax, %edx, "bits 11-9 vs BDA COM table"
        movzwl  0x400, %eax
        EQ      %eax, $0x3f8, "BDA 40:00 COM1"
        /* parallel ports vs 40:08..40:0C */
        xor     %edx, %edx
        mov     $0x408, %si
        mov     $3, %cx
4:      cmpw    $0, (%si)
        je      5f
        inc     %dx
5:      add     $2, %si
        loop    4b
        movzwl  r_eax, %eax
        shr     $14, %eax
        EQ      %eax, %edx, "bits 15-14 vs BDA LPT table"
        TEND
        ret

t_int12:
        CHECK   "int12"
        INTX    0x12
        movzwl  r_eax, %eax
        mov     %eax, int12_kib
        NOTE    "ax="
        DECN    %eax
        NOTE    " KiB"
        movzwl  0x413, %edx
        EQ      %eax, %edx, "AX vs BDA 40:13"
        RANGE   %eax, $639, $640, "conventional memory KiB"
        cmp     $640, %eax
        jae     1f
        shl     $6, %eax
        movzwl  0x40e, %edx
        EQ      %edx, %eax, "EBDA segment 40:0E vs top of memory"
1:      TEND
        ret

/* ======================================================================
 * INT 13h helpers
 * ====================================================================== */

ok13:   call    cf0
        jmp     ah0

/* EAX = LBA (< 2^32, inside CHS range) -> io_c, io_h, io_s */
lba_to_chs:
        pushal
        xor     %edx, %edx
        divl    g_hs
        mov     %ax, io_c
        mov     %edx, %eax
        xor     %edx, %edx
        movzwl  g_spt, %ecx
        div     %ecx
        mov     %al, io_h
        inc     %dl
        mov     %dl, io_s
        popal
        ret

/* io_c/io_h/io_s -> EAX = LBA */
chs_to_lba:
        push    %edx
        push    %ecx
        movzwl  io_c, %eax
        mull    g_hs
        movzbl  io_h, %ecx
        imul    g_spt_d, %ecx
        add     %ecx, %eax
        movzbl  io_s, %ecx
        dec     %ecx
        add     %ecx, %eax
        pop     %ecx
        pop     %edx
        ret

/* AH = function, AL = count, ES:BX = buffer, CHS from io_c/io_h/io_s */
chs_op:
        pushal
        push    %es
        push    %ax
        mov     io_c, %cx
        xchg    %cl, %ch
        shl     $6, %cl
        or      io_s, %cl
        mov     io_h, %dh
        mov     drive, %dl
        pop     %ax
        INTX    0x13
        pop     %es
        popal
        ret

/* AH = function, AL = flags; DAP from io_lba/io_lba_hi/io_n/io_seg:io_off */
ext_op:
        pushal
        push    %es
        movw    $0x0010, dap
        mov     io_n, %cx
        mov     %cx, dap+2
        mov     io_off, %cx
        mov     %cx, dap+4
        mov     io_seg, %cx
        mov     %cx, dap+6
        mov     io_lba, %ecx
        mov     %ecx, dap+8
        mov     io_lba_hi, %ecx
        mov     %ecx, dap+12
        mov     $dap, %si
        mov     drive, %dl
        INTX    0x13
        pop     %es
        popal
        ret

/* note "c/h/s=c/h/s" */
note_chs:
        pushal
        NOTE    "c/h/s="
        movzwl  io_c, %eax
        DECN    %eax
        NOTE    "/"
        movzbl  io_h, %eax
        DECN    %eax
        NOTE    "/"
        movzbl  io_s, %eax
        DECN    %eax
        popal
        ret

/* note "lba=0x.." for io_lba_hi:io_lba */
note_lba:
        NOTE    "lba="
        pushal
        mov     io_lba, %eax
        mov     io_lba_hi, %edx
        call    lb_hex64
        popal
        ret

/* expbuf <- expected sector for LBA EDX:EAX, tag EBX (0 = read pattern) */
mk_pat:
        pushal
        mov     $expbuf, %di
        mov     %eax, 4(%di)
        mov     %edx, 8(%di)
        test    %ebx, %ebx
        jnz     2f
        movl    $0x54504652, (%di)      /* "RFPT" */
        mov     %eax, %ecx
        not     %ecx
        mov     %ecx, 12(%di)
        imul    $7, %eax, %eax          /* k = 7*n (low byte used) */
        mov     $16, %bx
1:      mov     %bl, %cl
        add     %al, %cl
        mov     %cl, (%bx,%di)
        inc     %bx
        cmp     $512, %bx
        jb      1b
        popal
        ret
2:      movl    $0x52574652, (%di)      /* "RFWR" */
        mov     %ebx, 12(%di)
        mov     %bl, %al
        mov     $16, %bx
3:      mov     %bl, %cl
        xor     %al, %cl
        mov     %cl, (%bx,%di)
        inc     %bx
        cmp     $512, %bx
        jb      3b
        popal
        ret

/*
 * Fill CX sectors at ES:DI with the pattern for io_lba.., tag EBX.
 */
fill_sectors:
        pushal
        mov     io_lba, %eax
        mov     io_lba_hi, %edx
1:      call    mk_pat
        push    %cx
        mov     $expbuf, %si
        mov     $256, %cx
        rep movsw
        pop     %cx
        add     $1, %eax
        adc     $0, %edx
        loop    1b
        popal
        ret

/*
 * Check CX sectors at ES:DI against the pattern for io_lba.., tag EBX.
 * FAILs with the first bad LBA and offset; CF=1 on mismatch.
 */
chk_sectors:
        pushal
        mov     io_lba, %eax
        mov     io_lba_hi, %edx
1:      call    mk_pat
        push    %cx
        push    %di
        mov     $expbuf, %si
        mov     $512, %cx
        repe cmpsb
        pop     %di
        jne     2f
        pop     %cx
        add     $512, %di
        add     $1, %eax
        adc     $0, %edx
        loop    1b
        popal
        clc
        ret
2:      pop     %cx
        mov     %si, %bx
        sub     $expbuf+1, %bx
        FAIL    "data mismatch at lba="
        pushal
        call    lb_hex64
        popal
        NOTE    " offset="
        movzwl  %bx, %ebx
        HEX     %ebx
        popal
        stc
        ret

/* clear CX sectors at ES:DI to 0 */
clr_sectors:
        pushal
        shl     $8, %cx
        xor     %ax, %ax
        rep stosw
        popal
        ret

/* serial: WROTE lba=0x.. n=.. tag=0x.. for io_lba, CX sectors, EBX tag */
say_wrote:
        pushal
        movb    $1, lb_direct
        NOTE    "WROTE lba="
        mov     io_lba, %eax
        mov     io_lba_hi, %edx
        call    lb_hex64
        NOTE    " n="
        movzwl  %cx, %eax
        DECN    %eax
        NOTE    " tag="
        HEX     %ebx, 8
        NOTE    "\r\n"
        movb    $0, lb_direct
        popal
        ret

/* io_lba_hi:io_lba <- region i (AL) start + EDX offset; ECX <- count */
region_lba:
        push    %bx
        movzbw  %al, %bx
        shl     $4, %bx
        mov     CFG_REG(%bx), %eax
        mov     CFG_REG+8(%bx), %ecx
        add     %edx, %eax
        mov     %eax, io_lba
        mov     CFG_REG+4(%bx), %eax
        adc     $0, %eax
        mov     %eax, io_lba_hi
        pop     %bx
        ret

/* io_lba <- total - EAX */
lba_from_end:
        push    %edx
        mov     total_lo, %edx
        sub     %eax, %edx
        mov     %edx, io_lba
        mov     total_hi, %edx
        sbb     $0, %edx
        mov     %edx, io_lba_hi
        pop     %edx
        ret

/*
 * Read CX sectors at LBA EAX with AH=02h into BUF_B and check the read
 * pattern (tag 0).  CX is clipped to the end of the track.
 */
chs_read_check:
        pushal
        mov     %eax, io_lba
        movl    $0, io_lba_hi
        call    lba_to_chs
        movzbw  io_s, %bx
        mov     g_spt, %dx
        sub     %bx, %dx
        inc     %dx                     /* sectors left on the track */
        cmp     %dx, %cx
        jbe     1f
        mov     %dx, %cx
1:      NOTE    " ["
        call    note_chs
        NOTE    " n="
        movzwl  %cx, %eax
        DECN    %eax
        NOTE    " lba="
        HEX     io_lba
        NOTE    "]"
        push    %cx
        mov     $BUF_B_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        call    clr_sectors
        xor     %bx, %bx
        mov     %cl, %al
        mov     $0x02, %ah
        call    chs_op
        pop     %cx
        call    ok13
        movzbl  r_eax, %eax
        movzwl  %cx, %edx
        EQ      %eax, %edx, "AL (sectors read)"
        mov     $BUF_B_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        xor     %ebx, %ebx
        call    chk_sectors
        xor     %ax, %ax
        mov     %ax, %es
        popal
        ret

/*
 * Extended read of CX sectors at io_lba into io_seg:io_off, checked
 * against tag EBX; checks CF/AH and the DAP count.
 */
ext_read_check:
        pushal
        NOTE    " ["
        call    note_lba
        NOTE    " n="
        movzwl  %cx, %eax
        DECN    %eax
        NOTE    "]"
        mov     %cx, io_n
        mov     io_seg, %ax
        mov     %ax, %es
        mov     io_off, %di
        call    clr_sectors
        mov     $0x4200, %ax
        call    ext_op
        call    ok13
        movzwl  dap+2, %eax
        movzwl  %cx, %edx
        EQ      %eax, %edx, "DAP block count after read"
        mov     io_seg, %ax
        mov     %ax, %es
        mov     io_off, %di
        call    chk_sectors
        xor     %ax, %ax
        mov     %ax, %es
        popal
        ret

/* ======================================================================
 * INT 13h tests
 * ====================================================================== */
t_int13:
        call    t13_08
        call    t13_15
        call    t13_00
        call    t13_02
        call    t13_41
        call    t13_03
        call    t13_04
        call    t13_05
        call    t13_0c
        call    t13_0d
        call    t13_10
        call    t13_11
        call    t13_42
        call    t13_43
        call    t13_44
        call    t13_45
        call    t13_46
        call    t13_47
        call    t13_48
        call    t13_err
        ret

t13_08:
        CHECK   "int13.08"
        xor     %di, %di
        mov     %di, %es
        mov     $0x08, %ah
        mov     drive, %dl
        INTX    0x13
        call    ok13
        mov     r_ecx, %cx
        mov     %cl, %al
        and     $0x3f, %ax
        mov     %ax, g_spt
        movzwl  %ax, %eax
        mov     %eax, g_spt_d
        mov     %cl, %al
        shl     $2, %ax
        and     $0x300, %ax
        mov     %ch, %al
        mov     %ax, g_maxcyl
        movzbw  r_edx+1, %ax
        inc     %ax
        mov     %ax, g_heads
        mulw    g_spt
        movzwl  %ax, %eax
        mov     %eax, g_hs
        movzwl  g_maxcyl, %ecx
        inc     %ecx
        mul     %ecx
        mov     %eax, g_chs_total
        NOTE    "max c/h/s="
        movzwl  g_maxcyl, %eax
        DECN    %eax
        NOTE    "/"
        movzbl  r_edx+1, %eax
        DECN    %eax
        NOTE    "/"
        movzwl  g_spt, %eax
        DECN    %eax
        NOTE    " drives="
        movzbl  r_edx, %eax
        DECN    %eax
        NOTE    " chs-sectors="
        DECN    g_chs_total
        movzbl  r_edx, %eax
        movzbl  0x475, %edx
        EQ      %eax, %edx, "DL vs BDA 40:75"
        movzbl  CFG_NHD, %edx
        EQ      %eax, %edx, "DL vs number of disks"
        movzwl  g_spt, %eax
        RANGE   %eax, $1, $63, "sectors per track"
        /* cap = min(total, 1024*H*S); want cap-2*H*S < chs_total <= cap */
        mov     g_hs, %eax
        shl     $10, %eax
        cmpl    $0, total_hi
        jne     1f
        cmp     total_lo, %eax
        jbe     1f
        mov     total_lo, %eax
1:      mov     %eax, %edx
        mov     g_hs, %ecx
        shl     $1, %ecx
        sub     %ecx, %eax
        inc     %eax
        RANGE   g_chs_total, %eax, %edx, "CHS capacity vs disk size"
        TEND
        /* scratch cylinder: first cylinder after the low pattern region */
        mov     CFG_REG, %eax
        add     CFG_REG+8, %eax
        xor     %edx, %edx
        divl    g_hs
        add     $1, %ax
        mov     %ax, c_scratch
        ret

t13_15:
        CHECK   "int13.15"
        mov     $0x15, %ah
        mov     drive, %dl
        INTX    0x13
        call    cf0
        NOTE    "ah="
        HEXB    r_eax+1
        NOTE    " cx:dx="
        mov     r_ecx, %ax
        shl     $16, %eax
        mov     r_edx, %ax
        DECN    %eax
        movzbl  r_eax+1, %edx
        EQ      %edx, $3, "AH (fixed disk)"
        EQ      %eax, g_chs_total, "CX:DX vs (max cyl + 1) * heads * spt from AH=08h"
        TEND
        ret

t13_00:
        CHECK   "int13.00"
        xor     %ah, %ah
        mov     drive, %dl
        INTX    0x13
        call    ok13
        NOTE    "reset ok"
        TEND
        ret

t13_02:
        CHECK   "int13.02"
        NOTE    "read pattern:"
        mov     CFG_REG, %eax           /* region 0 start ... */
        add     g_spt_d, %eax           /* ... + one track: head >= 1 */
        mov     $4, %cx
        call    chs_read_check
        mov     g_hs, %eax              /* cylinder 1 head 0 sector 1 */
        mov     CFG_REG, %edx
        add     CFG_REG+8, %edx
        cmp     %edx, %eax
        jae     1f
        mov     $1, %cx
        call    chs_read_check
1:      mov     CFG_REG, %eax           /* last sector of the region */
        add     CFG_REG+8, %eax
        dec     %eax
        mov     $1, %cx
        call    chs_read_check
        TEND

        /* cylinder with bits 9:8 set: write with 43h, read back with 02h */
        CHECK   "int13.02"
        mov     $0x2a5, %ax
        cmp     g_maxcyl, %ax
        jbe     2f
        mov     g_maxcyl, %ax
2:      mov     %ax, io_c
        movb    $1, io_h
        cmpw    $2, g_heads
        jae     3f
        movb    $0, io_h
3:      movb    $7, io_s
        cmpw    $7, g_spt
        jae     4f
        mov     g_spt, %al
        mov     %al, io_s
4:      call    chs_to_lba
        mov     %eax, io_lba
        movl    $0, io_lba_hi
        NOTE    "high cylinder "
        call    note_chs
        NOTE    " "
        call    note_lba
        mov     $BUF_A_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        mov     $TAG_CYLHI, %ebx
        mov     $1, %cx
        call    fill_sectors
        movw    $1, io_n
        movw    $BUF_A_SEG, io_seg
        movw    $0, io_off
        mov     $0x4300, %ax
        call    ext_op
        call    ok13
        mov     $1, %cx
        call    say_wrote
        mov     $BUF_B_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        call    clr_sectors
        xor     %bx, %bx
        mov     $0x0201, %ax
        call    chs_op
        call    ok13
        mov     $BUF_B_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        mov     $TAG_CYLHI, %ebx
        mov     $1, %cx
        call    chk_sectors
        xor     %ax, %ax
        mov     %ax, %es
        TEND
        ret

t13_03:
        /* two sectors at the start of the scratch cylinder */
        CHECK   "int13.03"
        mov     c_scratch, %ax
        mov     %ax, io_c
        movb    $0, io_h
        movb    $1, io_s
        call    chs_to_lba
        mov     %eax, io_lba
        movl    $0, io_lba_hi
        NOTE    "write "
        call    note_chs
        NOTE    " n=2 "
        call    note_lba
        mov     $2, %cx
        mov     $TAG_03, %ebx
        call    chs_write_verify
        TEND

        /* the last CHS-addressable sector */
        CHECK   "int13.03"
        mov     g_maxcyl, %ax
        mov     %ax, io_c
        mov     g_heads, %ax
        dec     %ax
        mov     %al, io_h
        mov     g_spt, %al
        mov     %al, io_s
        call    chs_to_lba
        mov     %eax, io_lba
        movl    $0, io_lba_hi
        NOTE    "write last "
        call    note_chs
        NOTE    " "
        call    note_lba
        mov     g_chs_total, %edx
        dec     %edx
        EQ      %eax, %edx, "last CHS LBA"
        mov     $1, %cx
        mov     $TAG_03_LAST, %ebx
        call    chs_write_verify
        TEND
        ret

/* write CX sectors (tag EBX) at io_c/h/s (= io_lba) with 03h, read back
 * with 02h and with 42h */
chs_write_verify:
        pushal
        mov     $BUF_A_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        call    fill_sectors
        push    %bx
        xor     %bx, %bx
        mov     %cl, %al
        mov     $0x03, %ah
        call    chs_op
        pop     %bx
        call    ok13
        movzbl  r_eax, %eax
        movzwl  %cx, %edx
        EQ      %eax, %edx, "AL (sectors written)"
        call    say_wrote
        /* read back with 02h */
        mov     $BUF_B_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        call    clr_sectors
        push    %bx
        xor     %bx, %bx
        mov     %cl, %al
        mov     $0x02, %ah
        call    chs_op
        pop     %bx
        call    ok13
        mov     $BUF_B_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        call    chk_sectors
        NOTE    ", 02h readback"
        /* and with 42h at the LBA */
        mov     %cx, io_n
        movw    $BUF_B_SEG, io_seg
        movw    $0, io_off
        mov     $BUF_B_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        call    clr_sectors
        mov     $0x4200, %ax
        call    ext_op
        call    ok13
        mov     $BUF_B_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        call    chk_sectors
        NOTE    ", 42h readback"
        xor     %ax, %ax
        mov     %ax, %es
        popal
        ret

t13_04:
        CHECK   "int13.04"
        mov     CFG_REG, %eax
        add     $5, %eax
        call    lba_to_chs
        NOTE    "verify "
        call    note_chs
        NOTE    " n=3"
        mov     $BUF_B_SEG, %ax
        mov     %ax, %es
        xor     %bx, %bx
        mov     $0x0403, %ax
        call    chs_op
        xor     %ax, %ax
        mov     %ax, %es
        call    ok13
        movzbl  r_eax, %eax
        EQ      %eax, $3, "AL (sectors verified)"
        TEND
        ret

t13_05:
        CHECK   "int13.05"
        mov     c_scratch, %ax
        inc     %ax
        cmp     g_maxcyl, %ax
        jbe     1f
        mov     g_maxcyl, %ax
1:      mov     %ax, io_c
        movb    $0, io_h
        movb    $1, io_s
        NOTE    "format track "
        call    note_chs
        NOTE    " al=spt"
        /* F,N table: 00h (good), sector number */
        mov     $BUF_A_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        mov     $1, %cx
        call    clr_sectors
        mov     $1, %al
2:      movb    $0, %es:(%di)
        mov     %al, %es:1(%di)
        add     $2, %di
        inc     %al
        cmp     g_spt, %al
        jbe     2b
        xor     %bx, %bx
        mov     g_spt, %al
        mov     $0x05, %ah
        call    chs_op
        call    ok13
        mov     $0x01, %ah
        mov     drive, %dl
        INTX    0x13
        movzbl  r_eax+1, %eax
        EQ      %eax, $0, "status (AH=01h) after format"
        /* head beyond the geometry must fail */
        cmpw    $256, g_heads
        jae     3f
        NOTE    ", head=heads fails"
        mov     g_heads, %ax
        mov     %al, io_h
        mov     $BUF_A_SEG, %ax
        mov     %ax, %es
        xor     %bx, %bx
        mov     g_spt, %al
        mov     $0x05, %ah
        call    chs_op
        call    cf1
3:      xor     %ax, %ax
        mov     %ax, %es
        TEND
        ret

t13_0c:
        CHECK   "int13.0c"
        NOTE    "seek to max cylinder and to 0"
        mov     g_maxcyl, %ax
        mov     %ax, io_c
        movb    $0, io_h
        movb    $1, io_s
        mov     $0x0c00, %ax
        call    chs_op
        call    ok13
        movw    $0, io_c
        mov     $0x0c00, %ax
        call    chs_op
        call    ok13
        TEND
        ret

t13_0d:
        CHECK   "int13.0d"
        NOTE    "alternate reset"
        mov     $0x0d, %ah
        mov     drive, %dl
        INTX    0x13
        call    ok13
        TEND
        ret

t13_10:
        CHECK   "int13.10"
        NOTE    "drive ready"
        mov     $0x10, %ah
        mov     drive, %dl
        INTX    0x13
        call    ok13
        TEND
        ret

t13_11:
        CHECK   "int13.11"
        NOTE    "recalibrate"
        mov     $0x11, %ah
        mov     drive, %dl
        INTX    0x13
        call    ok13
        TEND
        ret

t13_41:
        CHECK   "int13.41"
        mov     $0x41, %ah
        mov     $0x55aa, %bx
        mov     drive, %dl
        INTX    0x13
        call    cf0
        mov     r_ecx, %ax
        mov     %ax, ext_cx
        NOTE    "version ah="
        HEXB    r_eax+1
        NOTE    " cx="
        HEXW    r_ecx
        movzwl  r_ebx, %eax
        EQ      %eax, $0xaa55, "BX signature"
        mov     r_eax+1, %al
        cmp     $0x20, %al
        je      1f
        cmp     $0x21, %al
        je      1f
        cmp     $0x30, %al
        je      1f
        FAIL    "unknown version (20h/21h/30h expected)"
1:      testb   $1, ext_cx
        OKIF    nz, "CX bit 0 (fixed disk access subset) clear"
        testb   $4, ext_cx
        OKIF    nz, "CX bit 2 (EDD subset) clear"
        TEND
        ret

t13_42:
        CHECK   "int13.42"
        NOTE    "low:"
        movw    $BUF_B_SEG, io_seg
        movw    $0, io_off
        mov     $0, %al
        mov     $100, %edx
        call    region_lba
        mov     $3, %cx
        xor     %ebx, %ebx
        call    ext_read_check
        /* 64 sectors in one call */
        movw    $BIG_SEG, io_seg
        mov     $0, %al
        mov     $200, %edx
        call    region_lba
        mov     $64, %cx
        call    ext_read_check
        /* unaligned buffer address */
        movw    $BUF_B_SEG, io_seg
        movw    $0x0123, io_off
        mov     $0, %al
        mov     $7, %edx
        call    region_lba
        mov     $1, %cx
        call    ext_read_check
        NOTE    " (to 1800:0123)"
        movw    $0, io_off
        TEND

        CHECK   "int13.42"
        NOTE    "high:"
        mov     $1, %al                 /* across the LBA 2^28 boundary */
        xor     %edx, %edx
        call    region_lba
        test    %ecx, %ecx
        jz      1f
        shr     $1, %ecx
        sub     $2, %ecx
        mov     %ecx, %edx
        mov     $1, %al
        call    region_lba
        mov     $4, %cx
        xor     %ebx, %ebx
        call    ext_read_check
1:      mov     $2, %al                 /* end of the disk */
        xor     %edx, %edx
        call    region_lba
        test    %ecx, %ecx
        jz      2f
        sub     $4, %ecx
        mov     %ecx, %edx
        mov     $2, %al
        call    region_lba
        mov     $4, %cx
        xor     %ebx, %ebx
        call    ext_read_check
2:      TEND
        ret

t13_43:
        CHECK   "int13.43"
        mov     $8, %eax
        call    lba_from_end
        NOTE    "write "
        call    note_lba
        NOTE    " n=3 al=0"
        mov     $BUF_A_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        mov     $3, %cx
        mov     $TAG_43, %ebx
        call    fill_sectors
        movw    $3, io_n
        movw    $BUF_A_SEG, io_seg
        movw    $0, io_off
        mov     $0x4300, %ax
        call    ext_op
        call    ok13
        movzwl  dap+2, %eax
        EQ      %eax, $3, "DAP block count after write"
        mov     $3, %cx
        call    say_wrote
        movw    $BUF_B_SEG, io_seg
        call    ext_read_check
        TEND
        ret

t13_44:
        CHECK   "int13.44"
        mov     $2, %al
        xor     %edx, %edx
        call    region_lba
        NOTE    "verify "
        call    note_lba
        NOTE    " n=4"
        movw    $4, io_n
        movw    $BUF_B_SEG, io_seg
        movw    $0, io_off
        mov     $0x4400, %ax
        call    ext_op
        call    ok13
        movzwl  dap+2, %eax
        EQ      %eax, $4, "DAP block count after verify"
        TEND
        ret

/* one 45h call with AL = op; result checks depend on 41h CX bit 1 */
lock_call:
        mov     $0x45, %ah
        mov     drive, %dl
        INTX    0x13
        testb   $2, ext_cx
        jz      1f
        call    ok13
        mov     r_eax, %al
        mov     %al, lock_al
        movb    $0, lock_cf
        CF_SET
        jz      2f
        movb    $1, lock_cf
2:      ret
1:      call    cf1
        movzbl  r_eax+1, %eax
        EQ      %eax, $1, "AH (function not supported)"
        ret

t13_45:
        CHECK   "int13.45"
        movb    $0, lock_bad
        testb   $2, ext_cx
        jnz     1f
        NOTE    "41h CX bit 1 clear: expect AH=01h"
        jmp     2f
1:      NOTE    "fixed disk: lock, status, unlock succeed"
2:      mov     $0, %al
        call    lock_call
        call    lock_al_chk
        mov     $2, %al
        call    lock_call
        call    lock_al_chk
        mov     $1, %al
        call    lock_call
        call    lock_al_chk
        TEND
        CHECK   "int13.45.al"
        testb   $2, ext_cx
        jnz     3f
        NOTE    "not applicable: 41h CX bit 1 clear"
        jmp     4f
3:      NOTE    "AL is a lock state (00h/01h) after lock/status/unlock"
        cmpb    $0, lock_bad
        je      4f
        FAIL    "AL reserved value returned, last AL="
        HEXB    lock_bad_al
4:      TEND
        ret

lock_al_chk:
        testb   $2, ext_cx
        jz      1f
        cmpb    $0, lock_cf             /* AL means nothing after an error */
        jne     1f
        NOTE    " al="
        HEXB    lock_al
        cmpb    $1, lock_al
        jbe     1f
        movb    $1, lock_bad
        mov     lock_al, %al
        mov     %al, lock_bad_al
1:      ret

t13_46:
        CHECK   "int13.46"
        NOTE    "eject fixed disk: ah="
        mov     $0x4600, %ax
        mov     drive, %dl
        INTX    0x13
        HEXB    r_eax+1
        call    cf1
        movzbl  r_eax+1, %eax
        testb   $2, ext_cx
        jz      1f
        EQ      %eax, $0xb2, "AH (B2h media not removable)"
        jmp     2f
1:      EQ      %eax, $0x01, "AH (01h function not supported)"
2:      TEND
        ret

t13_47:
        CHECK   "int13.47"
        mov     $2, %al
        xor     %edx, %edx
        call    region_lba
        NOTE    "seek "
        call    note_lba
        movw    $0, io_n
        mov     $0x4700, %ax
        call    ext_op
        call    ok13
        TEND
        ret

/* 48h with the buffer size in AX; buffer at p48 pre-filled with EEh */
edd48:
        push    %ax
        push    %es
        xor     %cx, %cx
        mov     %cx, %es
        mov     $p48, %di
        mov     $0xee, %al
        mov     $96, %cx
        rep stosb
        pop     %es
        pop     %ax
        mov     %ax, p48
        movw    $0, p48+2
        mov     $p48, %si
        mov     $0x48, %ah
        mov     drive, %dl
        INTX    0x13
        ret

/* FAIL if bytes p48+AX .. p48+95 are not all EEh */
edd48_tail:
        pushal
        mov     $p48, %si
        add     %ax, %si
        mov     $96, %cx
        sub     %ax, %cx
1:      cmpb    $0xee, (%si)
        jne     2f
        inc     %si
        loop    1b
        popal
        ret
2:      FAIL    "BIOS wrote past the buffer size"
        popal
        ret

/* common 1Ah part of the 48h result */
edd48_common:
        NOTE    " sectors="
        HEX     p48+16
        NOTE    " bps="
        movzwl  p48+24, %eax
        DECN    %eax
        mov     p48+16, %eax
        EQ      %eax, total_lo, "sector count (low)"
        mov     p48+20, %eax
        EQ      %eax, total_hi, "sector count (high)"
        movzwl  p48+24, %eax
        EQ      %eax, $512, "bytes per sector"
        /* more than 15,482,880 sectors: flags bit 1 (CHS valid) clear */
        cmpl    $0, total_hi
        jne     1f
        cmpl    $15482880, total_lo
        jbe     2f
1:      testb   $2, p48+2
        OKIF    z, "flags bit 1 (CHS valid) set for a disk > 15,482,880 sectors"
2:      ret

t13_48:
        CHECK   "int13.48"
        NOTE    "size 1Ah:"
        mov     $0x1a, %ax
        call    edd48
        call    ok13
        movzwl  p48, %eax
        EQ      %eax, $0x1a, "returned size"
        call    edd48_common
        mov     $0x1a, %ax
        call    edd48_tail
        TEND

        CHECK   "int13.48"
        NOTE    "size 1Eh:"
        mov     $0x1e, %ax
        call    edd48
        call    ok13
        movzwl  p48, %eax
        EQ      %eax, $0x1e, "returned size"
        call    edd48_common
        mov     $0x1e, %ax
        call    edd48_tail
        NOTE    " dpte="
        HEXW    p48+28
        NOTE    ":"
        HEXW    p48+26
        cmpl    $0xffffffff, p48+26
        je      9f
        /* DPTE */
        push    %es
        les     p48+26, %di
        mov     %es:14(%di), %al
        mov     %al, dpte_rev
        mov     %es:(%di), %ax
        mov     %ax, dpte_io
        mov     %es:2(%di), %ax
        mov     %ax, dpte_ctl
        mov     %es:4(%di), %al
        mov     %al, dpte_head
        mov     %es:6(%di), %al
        mov     %al, dpte_irq
        xor     %al, %al
        mov     $16, %cx
1:      add     %es:(%di), %al
        inc     %di
        loop    1b
        mov     %al, dpte_sum
        pop     %es
        NOTE    " rev="
        HEXB    dpte_rev
        movzbl  dpte_rev, %eax
        EQ      %eax, $0x11, "DPTE revision"
        movzbl  dpte_sum, %eax
        EQ      %eax, $0, "DPTE checksum"
        movzwl  dpte_io, %eax
        EQ      %eax, $0x1f0, "DPTE I/O base"
        movzwl  dpte_ctl, %eax
        EQ      %eax, $0x3f6, "DPTE control port"
        movzbl  dpte_head, %eax
        and     $0xb0, %eax
        EQ      %eax, $0xa0, "DPTE head prefix (master)"
        movzbl  dpte_irq, %eax
        and     $0x0f, %eax
        EQ      %eax, $14, "DPTE IRQ"
9:      TEND

        CHECK   "int13.48"
        NOTE    "size 42h (EDD 3.0):"
        mov     $0x42, %ax
        call    edd48
        call    ok13
        call    edd48_common
        mov     $0x42, %ax
        call    edd48_tail
        NOTE    " size="
        HEXW    p48
        movzwl  p48, %eax
        cmp     $0x42, %ax
        je      1f
        cmp     $0x1e, %ax
        OKIF    e, "returned size (1Eh or 42h)"
1:      movzwl  p48+0x1e, %eax
        EQ      %eax, $0xbedd, "key BEDDh"
        movzbl  p48+0x20, %eax
        EQ      %eax, $0x24, "device path info length"
        cmpl    $0x20494350, p48+0x24   /* "PCI " */
        OKIF    e, "host bus is not PCI"
        mov     CFG_IFACE, %eax         /* "ATA ", "SCSI", ... */
        cmpl    %eax, p48+0x28
        OKIF    e, "interface type is not the expected one"
        cmpl    $0x20202020, p48+0x2c
        OKIF    e, "interface type not space padded"
        /* checksum over 1Eh..41h */
        xor     %al, %al
        mov     $p48+0x1e, %si
        mov     $0x24, %cx
2:      add     (%si), %al
        inc     %si
        loop    2b
        movzbl  %al, %eax
        EQ      %eax, $0, "device path checksum"
        /* interface path: bus, slot, function of a PCI IDE controller */
        NOTE    " pci="
        HEXB    p48+0x30
        NOTE    ":"
        HEXB    p48+0x31
        NOTE    "."
        HEXB    p48+0x32
        movzbl  p48+0x30, %eax
        shl     $16, %eax
        movzbl  p48+0x31, %edx
        shl     $11, %edx
        or      %edx, %eax
        movzbl  p48+0x32, %edx
        and     $7, %edx
        shl     $8, %edx
        or      %edx, %eax
        or      $0x80000008, %eax
        mov     $0xcf8, %dx
        out     %eax, %dx
        mov     $0xcfc, %dx
        in      %dx, %eax
        shr     $16, %eax
        movzwl  CFG_PCICLASS, %edx
        EQ      %eax, %edx, "PCI class of the interface path"
        movzbl  p48+0x38, %eax
        EQ      %eax, $0, "device path (master)"
        TEND

        CHECK   "int13.48"
        NOTE    "size 10h fails"
        mov     $0x10, %ax
        call    edd48
        call    cf1
        TEND
        ret

t13_err:
        /* status after a good operation */
        CHECK   "int13.01"
        xor     %ah, %ah
        mov     drive, %dl
        int     $0x13
        mov     $0x01, %ah
        mov     drive, %dl
        INTX    0x13
        NOTE    "after reset: ah="
        HEXB    r_eax+1
        call    ok13
        movzbl  0x474, %eax
        EQ      %eax, $0, "BDA 40:74"
        TEND

        CHECK   "int13.err"
        NOTE    "42h at lba=total: ah="
        mov     $0, %eax
        call    lba_from_end
        movw    $1, io_n
        movw    $BUF_B_SEG, io_seg
        movw    $0, io_off
        mov     $0x4200, %ax
        call    ext_op
        HEXB    r_eax+1
        call    cf1
        mov     r_eax+1, %al
        mov     %al, last_err
        mov     0x474, %al              /* before AH=01h: it may reset it */
        mov     %al, st_bda
        mov     dap+2, %ax
        mov     %ax, err_count
        cmpb    $0, last_err
        OKIF    ne, "AH=0 on error"

        /* status of that failure */
        mov     $0x01, %ah
        mov     drive, %dl
        INTX    0x13
        mov     r_eax+1, %al
        mov     %al, st_ah
        mov     r_flags, %ax
        mov     %ax, st_flags

        NOTE    ", across the end: "
        mov     $2, %eax
        call    lba_from_end
        movw    $4, io_n
        mov     $0x4200, %ax
        call    ext_op
        call    cf1
        NOTE    "count="
        movzwl  dap+2, %eax
        DECN    %eax
        RANGE   %eax, $0, $2, "DAP count after a read across the end"

        NOTE    ", 02h dl=85h"
        mov     $BUF_B_SEG, %ax
        mov     %ax, %es
        xor     %bx, %bx
        mov     $0x0201, %ax
        mov     $0x0001, %cx
        xor     %dh, %dh
        mov     $0x85, %dl
        INTX    0x13
        call    cf1

        NOTE    ", 41h dl=85h"
        mov     $0x41, %ah
        mov     $0x55aa, %bx
        mov     $0x85, %dl
        INTX    0x13
        CF_SET
        jnz     1f
        cmpw    $0xaa55, r_ebx
        OKIF    ne, "41h reports extensions for a missing drive"
1:
        NOTE    ", 48h dl=85h"
        movw    $0x1a, p48
        mov     $p48, %si
        mov     $0x48, %ah
        mov     $0x85, %dl
        INTX    0x13
        call    cf1

        NOTE    ", 08h dl=80h+disks"
        xor     %di, %di
        mov     %di, %es
        mov     $0x08, %ah
        mov     drive, %dl
        add     CFG_NHD, %dl
        INTX    0x13
        call    cf1

        NOTE    ", 02h sector 0"
        mov     $BUF_B_SEG, %ax
        mov     %ax, %es
        xor     %bx, %bx
        movw    $0, io_c
        movb    $0, io_h
        movb    $0, io_s
        mov     $0x0201, %ax
        call    chs_op
        call    cf1

        cmpw    $256, g_heads
        jae     2f
        NOTE    ", 02h head=heads"
        mov     g_heads, %ax
        mov     %al, io_h
        movb    $1, io_s
        mov     $0x0201, %ax
        call    chs_op
        call    cf1
2:
        NOTE    ", 44h/47h at lba=total"
        mov     $0, %eax
        call    lba_from_end
        movw    $1, io_n
        mov     $0x4400, %ax
        call    ext_op
        call    cf1
        movw    $0, io_n
        mov     $0x4700, %ax
        call    ext_op
        call    cf1
        xor     %ax, %ax
        mov     %ax, %es
        TEND

        CHECK   "int13.42.errcount"
        NOTE    "DAP count after a failed read at lba=total: "
        movzwl  err_count, %eax
        DECN    %eax
        EQ      %eax, $0, "blocks transferred"
        TEND

        CHECK   "int13.01"
        NOTE    "after the failed read: ah="
        HEXB    st_ah
        testb   $1, st_flags
        OKIF    nz, "CF=0"
        movzbl  st_ah, %eax
        movzbl  last_err, %edx
        EQ      %eax, %edx, "AH vs the error of the last call"
        movzbl  st_bda, %eax
        EQ      %eax, %edx, "BDA 40:74 (before AH=01h) vs the error"
        TEND
        /* leave the drive in a clean state */
        xor     %ah, %ah
        mov     drive, %dl
        int     $0x13
        ret

/* ======================================================================
 * INT 15h
 * ====================================================================== */
t_int15:
        call    t15_e820
        call    t15_e801
        call    t15_88
        call    t15_c0
        call    t15_a20
        call    t15_87
        ret

/*
 * Collect the E820 map into E820_SEG:BX (24-byte stride) with request
 * size CX.  Returns AX = entries; FAILs on protocol errors.  e820_ecx =
 * ECX of the first answer, e820_ecx_mix = 1 if answers differed.
 */
e820_collect:
        mov     %bx, e820_dst
        mov     %cx, e820_req
        movw    $0, e820_cnt
        movb    $0, e820_ecx_mix
        xor     %ebx, %ebx
        mov     %ebx, e820_cont
1:      mov     $E820_SEG, %ax
        mov     %ax, %es
        mov     e820_cnt, %ax
        mov     $24, %dx
        mul     %dx
        add     e820_dst, %ax
        mov     %ax, %di
        movl    $0xdeadbeef, %es:20(%di)
        mov     $0xe820, %eax
        mov     $M_SMAP, %edx
        movzwl  e820_req, %ecx
        mov     e820_cont, %ebx
        INTX    0x15
        CF_SET
        jz      2f
        FAIL    "CF=1 at entry "
        movzwl  e820_cnt, %eax
        DECN    %eax
        jmp     9f
2:      cmpl    $M_SMAP, r_eax
        je      3f
        FAIL    "EAX is not SMAP"
        jmp     9f
3:      mov     r_ecx, %eax
        cmpw    $0, e820_cnt
        jne     4f
        mov     %ax, e820_ecx
4:      cmp     e820_ecx, %ax
        je      5f
        movb    $1, e820_ecx_mix
5:      cmp     $20, %eax
        jb      6f
        cmp     e820_req, %ax
        jbe     7f
6:      FAIL    "bad ECX="
        HEX     r_ecx
        jmp     9f
7:      incw    e820_cnt
        mov     r_ebx, %ebx
        mov     %ebx, e820_cont
        test    %ebx, %ebx
        jz      9f
        cmpw    $64, e820_cnt
        jb      1b
        FAIL    "more than 64 entries"
9:      xor     %ax, %ax
        mov     %ax, %es
        mov     e820_cnt, %ax
        ret

t15_e820:
        CHECK   "int15.e820"
        xor     %bx, %bx
        mov     $20, %cx
        call    e820_collect
        mov     %ax, e820_n
        NOTE    "20-byte entries="
        movzwl  %ax, %eax
        DECN    %eax
        RANGE   %eax, $2, $64, "entry count"
        jc      99f
        /* print the map */
        movb    $1, lb_direct
        mov     $E820_SEG, %ax
        mov     %ax, %fs
        xor     %si, %si
        xor     %cx, %cx
1:      NOTE    "INFO e820["
        movzwl  %cx, %eax
        DECN    %eax
        NOTE    "] base="
        mov     %fs:(%si), %eax
        mov     %fs:4(%si), %edx
        call    lb_hex64
        NOTE    " len="
        mov     %fs:8(%si), %eax
        mov     %fs:12(%si), %edx
        call    lb_hex64
        NOTE    " type="
        DECN    %fs:16(%si)
        NOTE    "\r\n"
        add     $24, %si
        inc     %cx
        cmp     e820_n, %cx
        jb      1b
        movb    $0, lb_direct

        /* walk: sorted, no overlap, sums */
        xor     %si, %si
        xor     %cx, %cx
        movl    $0, prev_end
        movl    $0, prev_end+4
        movl    $0, usable_kib
        movl    $0, hi_start
        movl    $0, contig_end
        /* entry 0 */
        cmpl    $0, %fs:(%si)
        OKIF    e, "first entry does not start at 0"
        cmpl    $0, %fs:4(%si)
        OKIF    e, "first entry does not start at 0"
        cmpl    $1, %fs:16(%si)
        OKIF    e, "first entry is not type 1"
        mov     %fs:8(%si), %eax
        mov     int12_kib, %edx
        shl     $10, %edx
        EQ      %eax, %edx, "first entry length vs INT 12h"
2:      mov     %fs:(%si), %eax         /* base */
        mov     %fs:4(%si), %edx
        mov     %fs:8(%si), %ebx        /* len */
        mov     %fs:12(%si), %ebp
        mov     %ebx, %edi
        or      %ebp, %edi
        jnz     3f
        FAIL    "zero-length entry "
        movzwl  %cx, %edi
        DECN    %edi
3:      cmpl    $0, %fs:16(%si)
        jne     4f
        FAIL    "type 0 entry "
        movzwl  %cx, %edi
        DECN    %edi
4:      /* base >= prev_end ? */
        cmp     prev_end+4, %edx
        ja      6f
        jb      5f
        cmp     prev_end, %eax
        jae     6f
5:      FAIL    "entry overlaps or is out of order: "
        movzwl  %cx, %edi
        DECN    %edi
6:      /* end = base + len */
        add     %eax, %ebx
        adc     %edx, %ebp
        mov     %ebx, prev_end
        mov     %ebp, prev_end+4
        cmpl    $1, %fs:16(%si)
        jne     8f
        /* usable: sum in KiB */
        mov     %fs:8(%si), %edi
        shr     $10, %edi
        mov     %fs:12(%si), %ebp
        shl     $22, %ebp
        or      %ebp, %edi
        add     %edi, usable_kib
        /* usable overlapping A0000-FFFFF? (only low entries matter) */
        test    %edx, %edx
        jnz     7f
        cmp     $0x100000, %eax
        jae     7f
        cmpl    $0, prev_end+4
        jne     71f
        cmpl    $0xa0000, prev_end
        jbe     7f
71:     FAIL    "usable RAM overlaps A0000-FFFFF"
7:      /* contiguous usable RAM from 1 MiB */
        test    %edx, %edx
        jnz     8f
        cmp     $0x100000, %eax
        jne     72f
        movl    $1, hi_start
        mov     prev_end, %edi
        mov     %edi, contig_end
        jmp     8f
72:     cmp     contig_end, %eax
        jne     8f
        cmpl    $0, contig_end
        je      8f
        mov     prev_end, %edi
        mov     %edi, contig_end
8:      add     $24, %si
        inc     %cx
        cmp     e820_n, %cx
        jb      2b
        cmpl    $1, hi_start
        OKIF    e, "no usable entry at 1 MiB"
        NOTE    " usable="
        DECN    usable_kib
        NOTE    "KiB"
        mov     mem_kib, %eax
        sub     $4096, %eax
        RANGE   usable_kib, %eax, mem_kib, "usable RAM vs -m (at most 4 MiB less)"
        /* last entry ends with EBX = 0 (e820_collect stopped on it) */
99:     TEND

        CHECK   "int15.e820"
        NOTE    "24-byte requests: ecx="
        mov     $0x1000, %bx
        mov     $24, %cx
        call    e820_collect
        movzwl  e820_ecx, %edx
        DECN    %edx
        movzwl  %ax, %eax
        movzwl  e820_n, %edx
        EQ      %eax, %edx, "entry count vs 20-byte pass"
        jc      9f
        cmpb    $0, e820_ecx_mix
        OKIF    e, "ECX differs between entries"
        mov     $E820_SEG, %ax
        mov     %ax, %fs
        xor     %si, %si
        xor     %cx, %cx
1:      mov     %fs:(%si), %eax
        cmp     %fs:0x1000(%si), %eax
        jne     2f
        mov     %fs:4(%si), %eax
        cmp     %fs:0x1004(%si), %eax
        jne     2f
        mov     %fs:8(%si), %eax
        cmp     %fs:0x1008(%si), %eax
        jne     2f
        mov     %fs:12(%si), %eax
        cmp     %fs:0x100c(%si), %eax
        jne     2f
        mov     %fs:16(%si), %eax
        cmp     %fs:0x1010(%si), %eax
        jne     2f
        mov     %fs:0x1014(%si), %eax
        cmpw    $24, e820_ecx
        je      3f
        cmp     $0xdeadbeef, %eax
        OKIF    e, "ECX=20 but bytes 20-23 were written"
        jmp     4f
3:      test    $1, %al
        OKIF    nz, "extended attributes bit 0 (enabled) clear"
4:      add     $24, %si
        inc     %cx
        cmp     e820_n, %cx
        jb      1b
        cmpw    $24, e820_ecx
        jne     9f
        NOTE    " (ACPI 3.0 attributes ok)"
        jmp     9f
2:      FAIL    "entry differs from the 20-byte pass: "
        movzwl  %cx, %eax
        DECN    %eax
9:      TEND

        CHECK   "int15.e820"
        NOTE    "EDX not SMAP fails"
        mov     $E820_SEG, %ax
        mov     %ax, %es
        mov     $0x2000, %di
        mov     $0xe820, %eax
        xor     %edx, %edx
        mov     $20, %ecx
        xor     %ebx, %ebx
        INTX    0x15
        xor     %ax, %ax
        mov     %ax, %es
        call    cf1
        TEND
        ret

t15_e801:
        CHECK   "int15.e801"
        mov     $0xe801, %ax
        xor     %bx, %bx
        xor     %cx, %cx
        xor     %dx, %dx
        INTX    0x15
        call    cf0
        NOTE    "ax="
        HEXW    r_eax
        NOTE    " bx="
        HEXW    r_ebx
        NOTE    " cx="
        HEXW    r_ecx
        NOTE    " dx="
        HEXW    r_edx
        movzwl  r_eax, %eax
        movzwl  r_ebx, %ebx
        mov     %eax, %edx
        or      %ebx, %edx
        jnz     1f
        movzwl  r_ecx, %eax
        movzwl  r_edx, %ebx
1:      RANGE   %eax, $0, $0x3c00, "KiB between 1 and 16 MiB"
        cmp     $0x3c00, %eax
        je      2f
        EQ      %ebx, $0, "64K blocks above 16 MiB while below-16M is not full"
2:      shl     $6, %ebx
        add     %ebx, %eax
        mov     %eax, e801_kib
        NOTE    " ext="
        DECN    %eax
        NOTE    "KiB"
        /* E820 contiguous RAM from 1 MiB, in KiB above 1 MiB */
        mov     contig_end, %edx
        sub     $0x100000, %edx
        shr     $10, %edx
        mov     %edx, %ecx
        sub     $64, %ecx
        mov     mem_kib, %edx
        sub     $1024, %edx
        RANGE   %eax, %ecx, %edx, "E801 total vs E820 RAM at 1 MiB and -m"
        TEND
        ret

t15_88:
        CHECK   "int15.88"
        mov     $0x88, %ah
        INTX    0x15
        call    cf0
        NOTE    "ax="
        HEXW    r_eax
        movzwl  r_eax, %eax
        mov     e801_kib, %edx
        cmp     $0x3c00, %edx
        jae     1f
        EQ      %eax, %edx, "KiB above 1 MiB vs E801"
        jmp     9f
1:      cmp     %edx, %eax
        OKIF    be, "more than E801 reports"
        cmp     $0x3c00, %eax
        je      2f
        cmp     $0xfc00, %eax
        je      2f
        cmp     $0xffff, %edx
        jb      3f
        mov     $0xffff, %edx
3:      cmp     %edx, %eax
        je      2f
        FAIL    "not min(E801 total, cap) for a 3C00h/FC00h/FFFFh cap"
        jmp     9f
2:      NOTE    " (capped)"
9:      TEND
        ret

t15_c0:
        CHECK   "int15.c0"
        mov     $0xc0, %ah
        INTX    0x15
        call    ok13
        NOTE    "es:bx="
        HEXW    r_es
        NOTE    ":"
        HEXW    r_ebx
        movzwl  r_es, %eax
        EQ      %eax, $0xf000, "ES"
        movzwl  r_ebx, %eax
        EQ      %eax, $0xe6f5, "BX"
        push    %es
        mov     r_ebx, %di
        mov     r_es, %ax
        mov     %ax, %es
        mov     %es:(%di), %ax
        mov     %ax, c0_len
        mov     %es:2(%di), %ax
        mov     %ax, c0_model
        mov     %es:5(%di), %al
        mov     %al, c0_feat
        pop     %es
        NOTE    " len="
        movzwl  c0_len, %eax
        DECN    %eax
        NOTE    " model="
        HEXB    c0_model
        NOTE    " sub="
        HEXB    c0_model+1
        NOTE    " feat1="
        HEXB    c0_feat
        movzwl  c0_len, %eax
        RANGE   %eax, $8, $0x100, "table length"
        movzbl  c0_model, %eax
        EQ      %eax, $0xfc, "model byte"
        testb   $0x40, c0_feat
        OKIF    nz, "feature 1 bit 6 (second 8259) clear"
        testb   $0x20, c0_feat
        OKIF    nz, "feature 1 bit 5 (RTC) clear"
        testb   $0x02, c0_feat
        OKIF    z, "feature 1 bit 1 (Micro Channel) set"
        testb   $0x04, c0_feat
        jz      1f
        cmpw    $0, 0x40e
        OKIF    ne, "feature 1 says EBDA but 40:0E is 0"
1:      TEND
        ret

/* AL = 1 if A20 is enabled (FFFF:0510 is not 0000:0500), 0 if it wraps */
a20_probe:
        push    %es
        push    %ebx
        push    %ecx
        push    %edx
        mov     $0xffff, %ax
        mov     %ax, %es
        cli
        mov     0x500, %ebx
        mov     %es:0x510, %ecx
        movl    $0x5a5a1234, 0x500
        movl    $0xa5a54321, %es:0x510
        mov     0x500, %edx
        mov     %ecx, %es:0x510
        mov     %ebx, 0x500
        sti
        mov     $1, %al
        cmp     $0x5a5a1234, %edx
        je      1f
        mov     $0, %al
        cmp     $0xa5a54321, %edx
        je      1f
        mov     $2, %al
1:      pop     %edx
        pop     %ecx
        pop     %ebx
        pop     %es
        ret

a20_query:
        mov     $0x2402, %ax
        INTX    0x15
        call    ok13
        movzbl  r_eax, %eax
        ret

t15_a20:
        CHECK   "int15.2403"
        mov     $0x2403, %ax
        INTX    0x15
        call    ok13
        NOTE    "bx="
        HEXW    r_ebx
        testb   $3, r_ebx
        OKIF    nz, "no A20 method reported"
        TEND

        CHECK   "int15.2402"
        call    a20_probe
        mov     %al, a20_initial
        NOTE    "initial: memory says "
        movzbl  %al, %eax
        DECN    %eax
        call    a20_query
        NOTE    ", al="
        DECN    %eax
        movzbl  a20_initial, %edx
        EQ      %eax, %edx, "status vs wraparound test"
        TEND

        CHECK   "int15.2400"
        mov     $0x2400, %ax
        INTX    0x15
        call    ok13
        call    a20_probe
        movzbl  %al, %eax
        NOTE    "disable: enabled="
        DECN    %eax
        EQ      %eax, $0, "FFFF:0510 does not wrap to 0000:0500"
        call    a20_query
        EQ      %eax, $0, "AH=02h status after disable"
        TEND

        CHECK   "int15.2401"
        mov     $0x2401, %ax
        INTX    0x15
        call    ok13
        call    a20_probe
        movzbl  %al, %eax
        NOTE    "enable: enabled="
        DECN    %eax
        EQ      %eax, $1, "FFFF:0510 still wraps to 0000:0500"
        call    a20_query
        EQ      %eax, $1, "AH=02h status after enable"
        TEND
        ret

/* 87h: copy CX words from EAX (phys) to EBX (phys) */
bmove:
        pushal
        push    %es
        push    %eax
        xor     %ax, %ax
        mov     %ax, %es
        mov     $gdt87, %di
        push    %cx
        mov     $24, %cx
        rep stosw
        pop     %cx
        pop     %eax
        movw    $0xffff, gdt87+0x10
        mov     %eax, gdt87+0x12        /* base 23:0 (+ byte 0x15 overwritten) */
        movb    $0x93, gdt87+0x15
        shr     $24, %eax
        mov     %al, gdt87+0x17
        movw    $0xffff, gdt87+0x18
        mov     %ebx, gdt87+0x1a
        movb    $0x93, gdt87+0x1d
        shr     $24, %ebx
        mov     %bl, gdt87+0x1f
        mov     $gdt87, %si
        mov     $0x87, %ah
        INTX    0x15
        pop     %es
        popal
        call    ok13
        ret

/* fill 512 bytes at MOVE_SEG:DI with pattern tag EBX */
mv_fill:
        pushal
        mov     $MOVE_SEG, %ax
        mov     %ax, %es
        xor     %eax, %eax
        xor     %edx, %edx
        mov     %eax, io_lba
        mov     %edx, io_lba_hi
        mov     $1, %cx
        call    fill_sectors
        xor     %ax, %ax
        mov     %ax, %es
        popal
        ret

/* check 512 bytes at MOVE_SEG:DI for tag EBX; CCh sentinel after it */
mv_check:
        pushal
        mov     $MOVE_SEG, %ax
        mov     %ax, %es
        movl    $0, io_lba
        movl    $0, io_lba_hi
        mov     $1, %cx
        call    chk_sectors
        cmpw    $0xcccc, %es:512(%di)
        OKIF    e, "87h wrote past the requested length"
        xor     %ax, %ax
        mov     %ax, %es
        popal
        ret

/* clear MOVE_SEG:DI 1 KiB with CCh */
mv_clear:
        pushal
        mov     $MOVE_SEG, %ax
        mov     %ax, %es
        mov     $1024, %cx
        mov     $0xcc, %al
        rep stosb
        xor     %ax, %ax
        mov     %ax, %es
        popal
        ret

t15_87:
        CHECK   "int15.87"
        NOTE    "30000h -> 200000h -> 31000h, 256 words"
        xor     %di, %di
        mov     $TAG_87_A, %ebx
        call    mv_fill
        mov     $0x1000, %di
        call    mv_clear
        mov     $0x30000, %eax
        mov     $0x200000, %ebx
        mov     $256, %cx
        call    bmove
        mov     $0x200000, %eax
        mov     $0x31000, %ebx
        call    bmove
        mov     $0x1000, %di
        mov     $TAG_87_A, %ebx
        call    mv_check
        TEND

        CHECK   "int15.87"
        NOTE    "above 16 MiB: 30000h -> 1123400h -> 31000h"
        mov     $0x1000, %di
        call    mv_clear
        mov     $0x30000, %eax
        mov     $0x1123400, %ebx
        mov     $256, %cx
        call    bmove
        mov     $0x1123400, %eax
        mov     $0x31000, %ebx
        call    bmove
        mov     $0x1000, %di
        mov     $TAG_87_A, %ebx
        call    mv_check
        TEND

        CHECK   "int15.87"
        NOTE    "with A20 disabled: 200000h and 300000h stay apart"
        mov     $0x800, %di
        mov     $TAG_87_B, %ebx
        call    mv_fill
        mov     $0xc00, %di
        mov     $TAG_87_C, %ebx
        call    mv_fill
        mov     $0x2400, %ax
        int     $0x15
        mov     $0x30800, %eax
        mov     $0x200000, %ebx
        mov     $256, %cx
        call    bmove
        mov     $0x30c00, %eax
        mov     $0x300000, %ebx
        call    bmove
        mov     $0x2401, %ax
        int     $0x15
        call    a20_probe
        cmp     $1, %al
        OKIF    e, "A20 did not come back on"
        mov     $0x1000, %di
        call    mv_clear
        mov     $0x200000, %eax
        mov     $0x31000, %ebx
        mov     $256, %cx
        call    bmove
        mov     $0x1000, %di
        mov     $TAG_87_B, %ebx
        call    mv_check
        mov     $0x1000, %di
        call    mv_clear
        mov     $0x300000, %eax
        mov     $0x31000, %ebx
        call    bmove
        mov     $0x1000, %di
        mov     $TAG_87_C, %ebx
        call    mv_check
        TEND
        /* restore the initial A20 state */
        cmpb    $0, a20_initial
        jne     1f
        mov     $0x2400, %ax
        int     $0x15
1:      ret

t15_86:
        CHECK   "int15.86"
        call    tick_edge
        call    ticks
        mov     %eax, t0
        mov     $0x86, %ah
        mov     $0x000f, %cx
        mov     $0x4240, %dx            /* 1,000,000 us */
        INTX    0x15
        call    ticks
        sub     t0, %eax
        call    cf0
        NOTE    "1 s wait took "
        DECN    %eax
        NOTE    " ticks"
        /* at least 1 s (18.2 ticks, one lost to granularity); the upper
         * bound is loose: an RTC-interrupt countdown overshoots under TCG */
        RANGE   %eax, $17, $36, "ticks (at least 1 s, at most 2 s)"
        TEND
        ret

/* ======================================================================
 * Timing helpers
 * ====================================================================== */
ticks:  mov     0x46c, %eax
        ret

/*
 * Timeouts that do not depend on the BIOS or on interrupts: count changes
 * of the CMOS seconds register, read directly (interrupts off so that no
 * handler moves the index port in between).  A timeout of N seconds
 * expires after N+1 changes, i.e. after N..N+1 seconds.
 * to_start/to_check use one timer; tick_edge has its own.
 */
cmos_sec:
        pushf
        cli
        mov     $0x00, %al
        out     %al, $0x70
        in      $0x71, %al
        popf
        ret

/* SI = timer (left, last), AL = seconds */
tmo_start:
        push    %ax
        inc     %al
        mov     %al, (%si)
        call    cmos_sec
        mov     %al, 1(%si)
        pop     %ax
        ret

/* SI = timer; CF=1 once expired */
tmo_check:
        cmpb    $0, (%si)
        je      2f
        push    %ax
        call    cmos_sec
        cmp     1(%si), %al
        je      1f
        mov     %al, 1(%si)
        decb    (%si)
1:      pop     %ax
        cmpb    $0, (%si)
        je      2f
        clc
        ret
2:      stc
        ret

/*
 * Throttle for polling loops: a register-only delay, so that the loops
 * do not hammer I/O ports (under TCG that starves QEMU's timers and the
 * tick count falls behind).  Not calibrated; it only spaces the polls.
 */
idle:
        push    %cx
        mov     $2000, %cx
1:      pause
        loop    1b
        pop     %cx
        ret

/* AL = seconds */
to_start:
        push    %si
        mov     $tmo_a, %si
        call    tmo_start
        pop     %si
        ret

/* CF=1 once expired */
to_check:
        push    %si
        mov     $tmo_a, %si
        call    tmo_check
        pop     %si
        ret

/* wait for the next timer tick (at most 2 s); CF=1 on timeout */
tick_edge:
        push    %eax
        push    %si
        mov     $tmo_b, %si
        mov     $2, %al
        call    tmo_start
        mov     0x46c, %eax
1:      sti
        call    idle
        cmp     0x46c, %eax
        jne     2f
        call    tmo_check
        jnc     1b
        pop     %si
        pop     %eax
        stc
        ret
2:      pop     %si
        pop     %eax
        clc
        ret

/* wait CX ticks; gives up (CF=1) when the tick does not advance */
wait_ticks:
        jcxz    2f
1:      call    tick_edge
        jc      3f
        loop    1b
2:      clc
3:      ret

/* DH <- RTC seconds via INT 1Ah AH=02h (registers except DX kept) */
rtc_sec:
        push    %ax
        push    %cx
        mov     $0x02, %ah
        int     $0x1a
        pop     %cx
        pop     %ax
        ret

/* wait until the INT 1Ah seconds change (at most 2 s); CF=1 on timeout */
rtc_edge:
        pushal
        call    rtc_sec
        mov     %dh, %bl
        mov     $2, %al
        call    to_start
1:      call    rtc_sec
        cmp     %dh, %bl
        jne     2f
        call    to_check
        jc      3f
        sti
        call    idle
        jmp     1b
2:      popal
        clc
        ret
3:      popal
        stc
        ret

bcd2bin:                        /* AL BCD -> AL binary */
        push    %cx
        mov     %al, %cl
        shr     $4, %al
        mov     $10, %ch
        mul     %ch
        and     $0x0f, %cl
        add     %cl, %al
        pop     %cx
        ret

/* EAX <- seconds of day from CH:CL:DH (BCD) */
bcd_sod:
        push    %ebx
        push    %edx
        mov     %ch, %al
        call    bcd2bin
        movzbl  %al, %eax
        imul    $3600, %eax, %ebx
        mov     %cl, %al
        call    bcd2bin
        movzbl  %al, %eax
        imul    $60, %eax, %eax
        add     %eax, %ebx
        pop     %edx
        push    %edx
        mov     %dh, %al
        call    bcd2bin
        movzbl  %al, %eax
        add     %ebx, %eax
        pop     %edx
        pop     %ebx
        ret

/* INT 4Ah hook (RTC alarm) */
int4a_hook:
        incw    %cs:alarm_count
        iret

/* ======================================================================
 * INT 1Ah
 * ====================================================================== */
t_int1a:
        CHECK   "int1a.02"
        mov     $0x02, %ah
        INTX    0x1a
        call    cf0
        NOTE    "time="
        HEXW    r_ecx
        NOTE    ":"
        HEXB    r_edx+1
        mov     r_ecx, %cx
        mov     r_edx, %dx
        call    bcd_sod
        mov     %eax, %ebx
        mov     CFG_RTC+4, %ch
        mov     CFG_RTC+5, %cl
        mov     CFG_RTC+6, %dh
        call    bcd_sod
        sub     %eax, %ebx
        NOTE    " (rtc base + "
        DECN    %ebx
        NOTE    " s)"
        RANGE   %ebx, $0, $120, "seconds since the -rtc base"
        TEND

        CHECK   "int1a.04"
        mov     $0x04, %ah
        INTX    0x1a
        call    cf0
        NOTE    "date="
        HEXW    r_ecx
        NOTE    "-"
        HEXB    r_edx+1
        NOTE    "-"
        HEXB    r_edx
        movzwl  r_ecx, %eax
        movzbl  CFG_RTC, %edx
        shl     $8, %edx
        mov     CFG_RTC+1, %dl
        EQ      %eax, %edx, "century/year vs -rtc base"
        movzwl  r_edx, %eax
        movzbl  CFG_RTC+2, %edx
        shl     $8, %edx
        mov     CFG_RTC+3, %dl
        EQ      %eax, %edx, "month/day vs -rtc base"
        TEND

        CHECK   "int1a.00"
        xor     %ah, %ah
        INTX    0x1a
        NOTE    "cx:dx="
        mov     r_ecx, %ax
        shl     $16, %eax
        mov     r_edx, %ax
        HEX     %eax
        mov     0x46c, %edx
        sub     %eax, %edx
        RANGE   %edx, $0, $1, "vs BDA 40:6C"
        /* tick rate against the RTC: 2 s */
        call    rtc_edge
        OKIF    nc, "RTC seconds do not advance"
        xor     %ah, %ah
        int     $0x1a
        mov     %cx, %ax
        shl     $16, %eax
        mov     %dx, %ax
        mov     %eax, t0
        call    rtc_edge
        call    rtc_edge
        xor     %ah, %ah
        int     $0x1a
        mov     %cx, %ax
        shl     $16, %eax
        mov     %dx, %ax
        sub     t0, %eax
        NOTE    ", 2 RTC seconds = "
        DECN    %eax
        NOTE    " ticks"
        RANGE   %eax, $33, $40, "ticks per 2 RTC seconds"
        TEND

        CHECK   "int1a.01"
        mov     $0x01, %ah
        mov     $0x0012, %cx
        mov     $0x3456, %dx
        INTX    0x1a
        xor     %ah, %ah
        INTX    0x1a
        NOTE    "set 123456h, read "
        mov     r_ecx, %ax
        shl     $16, %eax
        mov     r_edx, %ax
        HEX     %eax
        sub     $0x123456, %eax
        RANGE   %eax, $0, $3, "ticks after set"
        movzbl  r_eax, %eax
        EQ      %eax, $0, "AL midnight flag"
        TEND

        CHECK   "int1a.00"
        NOTE    "midnight: set 1800AEh, "
        mov     $0x01, %ah
        mov     $0x0018, %cx
        mov     $0x00ae, %dx
        int     $0x1a
        mov     $6, %cx
        call    wait_ticks
        xor     %ah, %ah
        INTX    0x1a
        NOTE    "read al="
        HEXB    r_eax
        NOTE    " cx:dx="
        mov     r_ecx, %ax
        shl     $16, %eax
        mov     r_edx, %ax
        HEX     %eax
        RANGE   %eax, $0, $10, "ticks after midnight"
        cmpb    $0, r_eax
        OKIF    ne, "AL=0 (midnight flag not reported)"
        xor     %ah, %ah
        INTX    0x1a
        cmpb    $0, r_eax
        OKIF    e, "midnight flag not cleared by the read"
        TEND

        CHECK   "int1a.03"
        mov     $0x03, %ah
        mov     $0x1234, %cx
        mov     $0x5600, %dx
        INTX    0x1a
        call    cf0
        mov     $0x02, %ah
        INTX    0x1a
        NOTE    "set 12:34:56, read "
        HEXW    r_ecx
        NOTE    ":"
        HEXB    r_edx+1
        movzwl  r_ecx, %eax
        EQ      %eax, $0x1234, "hours/minutes"
        movzbl  r_edx+1, %eax
        RANGE   %eax, $0x56, $0x58, "seconds"
        TEND

        CHECK   "int1a.05"
        mov     $0x05, %ah
        mov     $0x2031, %cx
        mov     $0x1225, %dx
        INTX    0x1a
        call    cf0
        mov     $0x04, %ah
        INTX    0x1a
        call    cf0
        NOTE    "set 2031-12-25, read "
        HEXW    r_ecx
        NOTE    "-"
        HEXW    r_edx
        movzwl  r_ecx, %eax
        EQ      %eax, $0x2031, "century/year"
        movzwl  r_edx, %eax
        EQ      %eax, $0x1225, "month/day"
        TEND

        /* alarm */
        mov     $0x07, %ah
        int     $0x1a
        cli
        mov     0x4a*4, %eax
        mov     %eax, old4a
        movw    $int4a_hook, 0x4a*4
        movw    $0, 0x4a*4+2
        movw    $0, alarm_count
        sti

        CHECK   "int1a.06"
        mov     $0x03, %ah
        mov     $0x1234, %cx
        mov     $0x5600, %dx
        int     $0x1a
        mov     $0x06, %ah
        mov     $0x1234, %cx
        mov     $0x5800, %dx
        INTX    0x1a
        NOTE    "alarm 12:34:58 at 12:34:56"
        call    cf0
        call    ticks
        mov     %eax, t0
        mov     $0x06, %ah
        mov     $0x1234, %cx
        mov     $0x5900, %dx
        INTX    0x1a
        NOTE    ", second set fails"
        call    cf1
        /* wait up to 5 s for INT 4Ah */
        mov     $5, %al
        call    to_start
1:      cmpw    $0, alarm_count
        jne     2f
        call    to_check
        jc      3f
        sti
        call    idle
        jmp     1b
2:      call    ticks
        sub     t0, %eax
        NOTE    ", INT 4Ah after "
        DECN    %eax
        NOTE    " ticks"
        RANGE   %eax, $9, $60, "ticks until the alarm"
        jmp     4f
3:      FAIL    "INT 4Ah not called within 5 s"
4:      TEND

        CHECK   "int1a.07"
        mov     $0x07, %ah
        INTX    0x1a
        call    cf0
        mov     $0x0b, %al
        out     %al, $0x70
        in      $0x71, %al
        mov     %al, rtc_b
        NOTE    "reset; reg B="
        HEXB    rtc_b
        testb   $0x20, rtc_b
        OKIF    z, "alarm interrupt (AIE) still enabled"
        mov     $0x06, %ah
        mov     $0x2359, %cx
        mov     $0x5900, %dx
        INTX    0x1a
        NOTE    ", set again ok"
        call    cf0
        mov     $0x07, %ah
        INTX    0x1a
        call    cf0
        TEND
        cli
        mov     old4a, %eax
        mov     %eax, 0x4a*4
        sti
        ret

/* ======================================================================
 * INT 16h (stage 2)
 * ====================================================================== */
kbd_flush:
        mov     $0x11, %ah
        int     $0x16
        jz      1f
        mov     $0x10, %ah
        int     $0x16
        jmp     kbd_flush
1:      ret

/* poll AH=fn (01h/11h) until a key is available, max 10 s; CF=1 on
 * timeout (and FAILs) */
kbd_wait:
        mov     %ah, kw_fn
        call    key_timeout
1:      mov     kw_fn, %ah
        INTX    0x16
        ZF_SET
        jnz     4f
        movb    $1, kbd_alive
        jmp     2f
4:
        call    to_check
        jc      3f
        sti
        call    idle
        jmp     1b
2:      clc
        ret
3:      FAIL    "no key in time"
        movb    $1, kbd_dead
        stc
        ret

/* start the key timeout: 10 s, or 3 s once a key has failed to arrive */
key_timeout:
        mov     $10, %al
        cmpb    $0, kbd_dead
        je      1f
        mov     $3, %al
1:      jmp     to_start

t_int16:
        call    kbd_flush
        movb    $0, kbd_alive
        movb    $0, kbd_dead
        CHECK   "int16.01"
        NOTE    "empty buffer: ZF=1"
        mov     $0x01, %ah
        INTX    0x16
        ZF_SET
        OKIF    nz, "ZF=0 with an empty buffer"
        TEND
        CHECK   "int16.11"
        NOTE    "empty buffer: ZF=1"
        mov     $0x11, %ah
        INTX    0x16
        ZF_SET
        OKIF    nz, "ZF=0 with an empty buffer"
        TEND

        CHECK   "int16.01"
        WAITKEY "a"
        mov     $0x01, %ah
        call    kbd_wait
        jc      1f
        NOTE    "key a: ax="
        HEXW    r_eax
        movzwl  r_eax, %eax
        EQ      %eax, $0x1e61, "AX"
        mov     $0x01, %ah
        INTX    0x16
        ZF_SET
        OKIF    z, "key vanished on the second AH=01h"
        movzwl  r_eax, %eax
        EQ      %eax, $0x1e61, "AX on the second call (key must stay)"
1:      TEND

        CHECK   "int16.00"
        cmpb    $0, kbd_alive
        jne     1f
        FAIL    "not called: no keystroke has arrived, AH=00h would block"
        jmp     2f
1:      xor     %ah, %ah
        INTX    0x16
        NOTE    "read ax="
        HEXW    r_eax
        movzwl  r_eax, %eax
        EQ      %eax, $0x1e61, "AX"
        mov     $0x01, %ah
        INTX    0x16
        ZF_SET
        OKIF    nz, "key still in the buffer after AH=00h"
2:      TEND

        CHECK   "int16.10"
        WAITKEY "shift-b"
        cmpb    $0, kbd_alive
        jne     1f
        FAIL    "not called: no keystroke has arrived, AH=10h would block"
        jmp     2f
1:      mov     $0x10, %ah
        INTX    0x16                    /* blocking */
        NOTE    "blocking read shift-b: ax="
        HEXW    r_eax
        movzwl  r_eax, %eax
        EQ      %eax, $0x3042, "AX"
        mov     $0x11, %ah
        INTX    0x16
        ZF_SET
        OKIF    nz, "buffer not empty afterwards"
2:      TEND

        CHECK   "int16.11"
        WAITKEY "up"
        mov     $0x11, %ah
        call    kbd_wait
        jc      1f
        NOTE    "grey up arrow: ax="
        HEXW    r_eax
        movzwl  r_eax, %eax
        EQ      %eax, $0x48e0, "AX (E0 prefix kept)"
        mov     $0x11, %ah
        INTX    0x16
        ZF_SET
        OKIF    z, "key vanished on the second AH=11h"
        mov     $0x10, %ah
        INTX    0x16
        movzwl  r_eax, %eax
        EQ      %eax, $0x48e0, "AH=10h result"
1:      TEND

        CHECK   "int16.00"
        WAITKEY "up"
        mov     $0x01, %ah
        call    kbd_wait
        jc      1f
        NOTE    "grey up arrow translated: ax="
        HEXW    r_eax
        movzwl  r_eax, %eax
        EQ      %eax, $0x4800, "AH=01h result"
        xor     %ah, %ah
        INTX    0x16
        movzwl  r_eax, %eax
        EQ      %eax, $0x4800, "AH=00h result"
1:      TEND

        CHECK   "int16.10"
        WAITKEY "f12"
        mov     $0x11, %ah
        call    kbd_wait
        jc      1f
        NOTE    "F12: ax="
        HEXW    r_eax
        movzwl  r_eax, %eax
        EQ      %eax, $0x8600, "AH=11h result"
        mov     $0x10, %ah
        INTX    0x16
        movzwl  r_eax, %eax
        EQ      %eax, $0x8600, "AH=10h result"
1:      TEND

        CHECK   "int16.00.ext"
        WAITKEY "f12"
        WAITKEY "a"
        mov     $0x11, %ah
        call    kbd_wait
        jc      1f
        xor     %ah, %ah
        INTX    0x16                    /* blocking; F12 must be skipped */
        NOTE    "F12 then a, AH=00h: ax="
        HEXW    r_eax
        movzwl  r_eax, %eax
        EQ      %eax, $0x1e61, "AX (F12 must be discarded)"
1:      mov     $5, %cx
        call    wait_ticks
        call    kbd_flush
        TEND

        CHECK   "int16.02"
        mov     $0x02, %ah
        INTX    0x16
        NOTE    "idle al="
        HEXB    r_eax
        movzbl  r_eax, %eax
        and     $0x0f, %eax
        EQ      %eax, $0, "modifier bits while idle"
        WAITKEY "shift-ctrl 2000"
        call    key_timeout
1:      mov     $0x02, %ah
        INTX    0x16
        mov     r_eax, %al
        and     $0x06, %al
        cmp     $0x06, %al
        je      2f
        call    to_check
        jc      3f
        sti
        call    idle
        jmp     1b
3:      FAIL    "left shift + ctrl never seen"
        jmp     4f
2:      NOTE    ", held al="
        HEXB    r_eax
        movzbl  r_eax, %eax
        and     $0x0f, %eax
        EQ      %eax, $0x06, "AL bits 3-0 (left shift + ctrl)"
        movzbl  0x417, %edx
        and     $0x0f, %edx
        EQ      %eax, %edx, "BDA 40:17"
4:      TEND

        CHECK   "int16.12"
        mov     $0x12, %ah
        INTX    0x16
        NOTE    "held ax="
        HEXW    r_eax
        movzbl  r_eax, %eax
        and     $0x0f, %eax
        EQ      %eax, $0x06, "AL bits 3-0"
        movzbl  r_eax+1, %eax
        and     $0x0f, %eax
        EQ      %eax, $0x01, "AH bits 3-0 (left ctrl)"
        mov     $6, %al
        call    to_start
1:      mov     $0x02, %ah
        INTX    0x16
        testb   $0x0f, r_eax
        jz      2f
        call    to_check
        jc      3f
        sti
        call    idle
        jmp     1b
3:      FAIL    "modifiers not released within 6 s"
        jmp     4f
2:      mov     $0x12, %ah
        INTX    0x16
        NOTE    ", released ax="
        HEXW    r_eax
        movzwl  r_eax, %eax
        and     $0x0f0f, %eax
        EQ      %eax, $0, "AH/AL modifier bits after release"
        mov     $0x11, %ah
        INTX    0x16
        ZF_SET
        OKIF    nz, "modifiers alone put a key into the buffer"
4:      TEND
        ret

#include "report_text.inc"

        .section .trailer, "a"
trailer_magic:
        .ascii  "REEFEND!"

/* ======================================================================
 * Variables (.bss, not on disk; the MBR variables first)
 * ====================================================================== */
        .section .bss
        .align  4
boot_dl:        .skip 1
drive:          .skip 1
mbr_flags:      .skip 2
mbr_ax:         .skip 2
        .align  4
total_lo:       .skip 4
total_hi:       .skip 4
mem_kib:        .skip 4
int12_kib:      .skip 4
g_hs:           .skip 4
g_chs_total:    .skip 4
g_spt_d:        .skip 4
g_maxcyl:       .skip 2
g_heads:        .skip 2
g_spt:          .skip 2
c_scratch:      .skip 2
io_c:           .skip 2
io_h:           .skip 1
io_s:           .skip 1
io_lba:         .skip 4
io_lba_hi:      .skip 4
io_n:           .skip 2
io_seg:         .skip 2
io_off:         .skip 2
ext_cx:         .skip 2
        .align  4
dap:            .skip 16
p48:            .skip 96
expbuf:         .skip 512
gdt87:          .skip 48
prev_end:       .skip 8
usable_kib:     .skip 4
hi_start:       .skip 4
contig_end:     .skip 4
e801_kib:       .skip 4
e820_cont:      .skip 4
e820_dst:       .skip 2
e820_req:       .skip 2
e820_cnt:       .skip 2
e820_n:         .skip 2
e820_ecx:       .skip 2
e820_ecx_mix:   .skip 1
a20_initial:    .skip 1
ram_ok:         .skip 1
kbd_alive:      .skip 1
kbd_dead:       .skip 1
t0:             .skip 4
old4a:          .skip 4
tmo_a:          .skip 2
tmo_b:          .skip 2
alarm_count:    .skip 2
c0_len:         .skip 2
c0_model:       .skip 2
c0_feat:        .skip 1
rtc_b:          .skip 1
kw_fn:          .skip 1
fpu_sw:         .skip 2
lock_al:        .skip 1
lock_bad:       .skip 1
lock_bad_al:    .skip 1
lock_cf:        .skip 1
last_err:       .skip 1
err_count:      .skip 2
st_ah:          .skip 1
st_bda:         .skip 1
st_flags:       .skip 2
dpte_rev:       .skip 1
dpte_head:      .skip 1
dpte_irq:       .skip 1
dpte_sum:       .skip 1
dpte_io:        .skip 2
dpte_ctl:       .skip 2
