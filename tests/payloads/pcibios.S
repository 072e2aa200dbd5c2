/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * pcibios.S - boot-sector payload that exercises the PCI BIOS twice: through
 * INT 1Ah AX=B1xxh in real mode, then through the BIOS32 Service Directory
 * and its "$PCI" entry in 32-bit protected mode with paging, the way 32-bit
 * Linux calls them. Reports on COM1 (tests/qemu/test_pcibios.py reads it).
 *
 * Build (what the test does, through reefqemu.build_payload):
 *   gcc -m32 -c pcibios.S -o pcibios.o
 *   ld -m elf_i386 -T pcibios.ld pcibios.o -o pcibios.elf
 *   objcopy -O binary pcibios.elf pcibios.bin
 * The binary goes at LBA 0 of a raw disk: the MBR loads the rest (LBA 1...)
 * to 0:7E00 with INT 13h AH=02h.
 *
 * ---- What the checks compare against -------------------------------------
 * Nothing is hard-coded about the machine: the payload first walks bus 0
 * itself through ports CF8h/CFCh (INFO dev lines, which the test compares
 * with QEMU's `info pci`), finds the $PIR by scanning the F-segment (INFO
 * pir / pirslot lines) and the BIOS32 directory by scanning 0xE0000-0xFFFFF,
 * and checks the BIOS's answers against those:
 *   b101      CF=0 AH=0, EDX "PCI ", AL bit 0, BX 0210h, CL = 0 (no bridges)
 *   b102      every function found by (device, vendor, index), at its bdf;
 *             .notfound: the next index and an absent id give 86h;
 *             .badvendor: DX=FFFFh gives 83h
 *   b103      every function found by class code and index; .notfound:
 *             class FFFFFFh gives 86h; .highbyte: ECX bits 31-24 are ignored
 *   b106      81h (AL of B101h announces no special cycles)
 *   b108-b10a every function's ids, header type, pin, class, as read directly
 *   cfg.badreg  misaligned or beyond-FFh registers give 87h
 *   b10b-b10d writes to the Interrupt Line of the last function with a pin
 *             show up in a direct read (restored afterwards); cfgw.badreg:
 *             a misaligned write gives 87h and changes nothing
 *   b10e      .small: size 0 gives 89h and the needed size = the $PIR's
 *             slot bytes, buffer untouched; b10e: the $PIR's slot entries
 *             byte for byte, BX = its exclusive IRQs, nothing written past
 *             them; .devices: each function's pin has a link whose bitmap
 *             holds the function's Interrupt Line; .wrap (real mode): a
 *             buffer crossing its segment's end gives 89h, no write at all
 *   b10f      steering a routed pin's link to another IRQ of its bitmap
 *             shows up in the router's register (read directly; restored);
 *             .bad: a bad pin, an IRQ outside the bitmap, a device without
 *             an entry give 88h and change nothing
 *   unknown   AL=FFh and 07h give 81h
 *   regs      registers the call does not return are kept (protected mode:
 *             DS and ES too)
 * Each id is reported as rm.<id> (INT 1Ah) and pm.<id> ($PCI entry), plus
 * pir, bios32, pm.dir (the directory finds "$PCI": AL=0, base + length
 * within 1 MiB, the entry inside, equal to B101h's EDI when set),
 * pm.dir.unknown (AL=80h), pm.dir.func (EBX=1: AL=81h).
 *
 * ---- Protected mode --------------------------------------------------------
 * Flat code/data segments (08h/10h), paging with 0xC0000000-0xC03FFFFF
 * mapped to physical 0-4 MiB and an identity map of 0x1000-0x9FFFF only
 * (the payload, its stack and page tables): the BIOS area (and page 0) is
 * reachable only at PAGE_OFFSET + physical, as under 32-bit Linux, so a
 * BIOS that uses an absolute address faults. Both entries are far-called
 * at 0xC0000000 + their physical address. An IDT catches CPU exceptions:
 *   FAIL <id> !CPU exception <vector> error=... eip=... cr2=...
 * and the payload ends there.
 *
 * ---- Serial protocol ---------------------------------------------------------
 *   INFO dev bdf=<4 hex> id=<8> class=<8> hdr=<2> pin=<1> line=<2>
 *   INFO pir at=<8> size=<4> router=<4> excl=<4> compat=<8>
 *   INFO pirslot bus=<2> devfn=<2> links=<ll/bbbb x4> slot=<2>
 *   PASS/FAIL lines (report.inc), then DONE <n-pass> <n-fail>
 * and QEMU ends through isa-debug-exit at 0x501: value 0 when every check
 * passed (exit status 1), 1 otherwise (3), 7Fh after a CPU exception (255).
 */

#define SEL_CODE32      0x08
#define SEL_DATA32      0x10
#define SEL_CODE16      0x18
#define SEL_DATA16      0x20
#define PAGE_OFFSET     0xc0000000
#define PD_SEG          0x2000          /* page directory 0x20000, PTs after */
#define PD_ADDR         0x20000
#define WRAP_SEG        0x5000          /* b10e.wrap: 5000:FFF8 */
#define MAXDEV          64
#define BUF_SIZE        0x500

#define M_PIR           0x52495024      /* "$PIR" */
#define M_32            0x5f32335f      /* "_32_" */
#define M_PCI           0x49435024      /* "$PCI" */
#define M_PCISIG        0x20494350      /* "PCI " */
#define M_REEF          0x46454552      /* "REEF" */

        .code16

#include "report.inc"

/* start a check: rm.<id> or pm.<id> by the current call mode */
.macro CHECKM id
        .pushsection .rodata
.Lr\@:  .asciz "rm.\id"
.Lp\@:  .asciz "pm.\id"
        .popsection
        mov     $.Lr\@, %si
        cmpb    $0, call_mode
        je      .Lc\@
        mov     $.Lp\@, %si
.Lc\@:  call    test_begin
.endm

/* one PCI BIOS call, AX = B1<fn>h; the other arguments are 32-bit
 * registers, immediates or memory; ES comes from in_es */
.macro PCI fn, b=$0, c=$0, d=$0, s=$0, di=$0
        pushl   \b
        popl    in_ebx
        pushl   \c
        popl    in_ecx
        pushl   \d
        popl    in_edx
        pushl   \s
        popl    in_esi
        pushl   \di
        popl    in_edi
        movl    $(0xb100 + \fn), in_eax
        call    pcall
.endm

/* read register `reg` of the function in EBX with B1<fn>h: success, and
 * CL/CX/ECX (widened with `ext`: movzbl, movzwl or movl) equals `field` */
.macro RDCHK fn, reg, ext, field, text
        PCI     \fn, %ebx, $0, $0, $0, $\reg
        call    cf0
        call    ah0
        \ext    r_ecx, %eax
        \ext    \field, %edx
        EQ      %eax, %edx, "\text"
.endm

/* write `value` (ECX) to the Interrupt Line (3Ch) of the function in EBX
 * with B1<fn>h: success, and a direct read of 3Ch gives `want` */
.macro WRCHK fn, value, want, text
        PCI     \fn, %ebx, \value, $0, $0, $0x3c
        call    cf0
        call    ah0
        mov     $0x3c, %cl
        call    cfg_rd8
        EQ      %eax, $\want, "\text"
.endm

/* ======================================================================
 * MBR (LBA 0, runs at 0:7C00)
 * ====================================================================== */
        .section .mbr, "ax"
        MBR_LOAD_PROGRAM

/* ======================================================================
 * Program (LBA 1.., runs at 0:7E00)
 * ====================================================================== */
        .text
main:
        xor     %ax, %ax
        mov     %ax, %ds
        mov     %ax, %es
        cld
        sti
        movw    $0, n_pass
        movw    $0, n_fail
        SAY     "INFO ReefBIOS PCI BIOS payload"
        call    scan
        call    find_pir
        movb    $0, call_mode
        movw    $0, in_es
        call    t_suite
        call    pm_part
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
        xor     %al, %al
        cmpw    $0, n_fail
        je      1f
        mov     $1, %al
1:      mov     $DEBUG_EXIT, %dx
        out     %al, %dx
        cli
2:      hlt
        jmp     2b

/* ======================================================================
 * Direct configuration access (mechanism #1): BX = bdf, CL = register
 * ====================================================================== */
/* EAX = the dword holding register CL */
cfg_rd32:
        push    %dx
        push    %cx
        movzwl  %bx, %eax
        shl     $8, %eax
        or      $0x80000000, %eax
        and     $0xfc, %cl
        or      %cl, %al
        mov     $0xcf8, %dx
        out     %eax, %dx
        mov     $0xcfc, %dx
        in      %dx, %eax
        pop     %cx
        pop     %dx
        ret
/* EAX = byte / word at register CL */
cfg_rd8:
        call    cfg_rd32
        push    %cx
        and     $3, %cl
        shl     $3, %cl
        shr     %cl, %eax
        pop     %cx
        movzbl  %al, %eax
        ret
cfg_rd16:
        call    cfg_rd32
        push    %cx
        and     $2, %cl
        shl     $3, %cl
        shr     %cl, %eax
        pop     %cx
        movzwl  %ax, %eax
        ret
/* AL -> register CL */
cfg_wr8:
        pushal
        push    %ax
        movzwl  %bx, %eax
        shl     $8, %eax
        or      $0x80000000, %eax
        mov     %cl, %dl
        and     $0xfc, %dl
        or      %dl, %al
        mov     $0xcf8, %dx
        out     %eax, %dx
        pop     %ax
        movzbw  %cl, %dx
        and     $3, %dx
        add     $0xcfc, %dx
        out     %al, %dx
        popal
        ret

/* ======================================================================
 * Bus 0 as the payload sees it: devtab, 16 bytes a function:
 *   +0 bdf  +2 header type  +3 pin  +4 id dword  +8 class dword (reg 08h)
 *   +12 Interrupt Line  +13 index among equal ids  +14 among equal classes
 * ====================================================================== */
scan:
        movw    $0, ndev
        mov     $devtab, %di
        movb    $0, s_dev
1:      movb    $1, s_nfn
        movb    $0, s_fn
2:      movzbw  s_dev, %bx
        shl     $3, %bx
        or      s_fn, %bl
        xor     %cl, %cl
        call    cfg_rd32
        cmp     $0xffff, %ax
        je      5f
        test    %ax, %ax
        je      5f
        cmpw    $MAXDEV, ndev
        jae     9f
        mov     %bx, 0(%di)
        mov     %eax, 4(%di)
        mov     $0x0e, %cl
        call    cfg_rd8
        mov     %al, 2(%di)
        cmpb    $0, s_fn
        jne     3f
        test    $0x80, %al
        jz      3f
        movb    $8, s_nfn
3:      mov     $0x3d, %cl
        call    cfg_rd8
        mov     %al, 3(%di)
        mov     $0x08, %cl
        call    cfg_rd32
        mov     %eax, 8(%di)
        mov     $0x3c, %cl
        call    cfg_rd8
        mov     %al, 12(%di)
        /* indices among the earlier entries with the same id / class */
        movw    $0, 13(%di)
        mov     $devtab, %si
4:      cmp     %di, %si
        jae     6f
        mov     4(%si), %eax
        cmp     4(%di), %eax
        jne     7f
        incb    13(%di)
7:      mov     8(%si), %eax
        xor     8(%di), %eax
        shr     $8, %eax
        jnz     8f
        incb    14(%di)
8:      add     $16, %si
        jmp     4b
6:      call    info_dev
        add     $16, %di
        incw    ndev
        jmp     10f
        /* absent; function 0 absent: the whole device is */
5:      cmpb    $0, s_fn
        je      11f
10:     incb    s_fn
        mov     s_fn, %al
        cmp     s_nfn, %al
        jb      2b
11:     incb    s_dev
        cmpb    $32, s_dev
        jb      1b
9:      ret

/* INFO dev line for the devtab entry at DI */
info_dev:
        call    info_begin
        NOTE    "dev bdf="
        movzwl  0(%di), %eax
        HEXD    %eax, 4
        NOTE    " id="
        HEXD    4(%di), 8
        NOTE    " class="
        HEXD    8(%di), 8
        NOTE    " hdr="
        movzbl  2(%di), %eax
        HEXD    %eax, 2
        NOTE    " pin="
        movzbl  3(%di), %eax
        HEXD    %eax, 1
        NOTE    " line="
        movzbl  12(%di), %eax
        HEXD    %eax, 2
        call    info_end
        ret

/* ZF=1 if the CX bytes at FS:SI add up to 0 (a valid table) */
fs_sum:
        push    %si
        push    %cx
        push    %ax
        xor     %al, %al
1:      add     %fs:(%si), %al
        inc     %si
        loop    1b
        test    %al, %al
        pop     %ax
        pop     %cx
        pop     %si
        ret

/* ======================================================================
 * $PIR: scan F000:0000-FFF0 for a valid table; pir_off, pir_size
 * ====================================================================== */
find_pir:
        CHECK   "pir"
        push    %fs
        mov     $0xf000, %ax
        mov     %ax, %fs
        movw    $0, pir_size
        xor     %si, %si
1:      cmpl    $M_PIR, %fs:(%si)
        jne     2f
        movzwl  %fs:6(%si), %ecx
        cmp     $32, %cx
        jb      2f
        test    $15, %cx
        jnz     2f
        call    fs_sum
        jnz     2f
        mov     %si, pir_off
        movzwl  %fs:6(%si), %eax
        mov     %ax, pir_size
        jmp     4f
2:      add     $16, %si
        jnz     1b
        FAIL    "no $PIR with a valid checksum in the F-segment"
        jmp     8f
4:      NOTE    "$PIR at 0xf"
        movzwl  pir_off, %eax
        HEXD    %eax, 4
        NOTE    " slots="
        movzwl  pir_size, %eax
        sub     $32, %eax
        shr     $4, %eax
        DECN    %eax
        movzwl  %fs:4(%si), %eax
        EQ      %eax, $0x0100, "version"
        TEND
        call    info_begin
        NOTE    "pir at="
        movzwl  pir_off, %eax
        add     $0xf0000, %eax
        HEXD    %eax, 8
        NOTE    " size="
        movzwl  pir_size, %eax
        HEXD    %eax, 4
        NOTE    " router="
        movzwl  %fs:8(%si), %eax
        xchg    %al, %ah                /* bus:devfn as a bdf */
        HEXD    %eax, 4
        NOTE    " excl="
        movzwl  %fs:10(%si), %eax
        HEXD    %eax, 4
        NOTE    " compat="
        HEXD    %fs:12(%si), 8
        call    info_end
        /* one INFO line a slot entry */
        movzwl  pir_size, %ecx
        sub     $32, %cx
        shr     $4, %cx
        jz      9f
        add     $32, %si
5:      call    info_begin
        NOTE    "pirslot bus="
        movzbl  %fs:(%si), %eax
        HEXD    %eax, 2
        NOTE    " devfn="
        movzbl  %fs:1(%si), %eax
        HEXD    %eax, 2
        NOTE    " links="
        xor     %bx, %bx
6:      movzbl  %fs:2(%bx,%si), %eax
        HEXD    %eax, 2
        NOTE    "/"
        movzwl  %fs:3(%bx,%si), %eax
        HEXD    %eax, 4
        NOTE    " "
        add     $3, %bx
        cmp     $12, %bx
        jb      6b
        NOTE    "slot="
        movzbl  %fs:14(%si), %eax
        HEXD    %eax, 2
        call    info_end
        add     $16, %si
        dec     %cx
        jnz     5b
9:      pop     %fs
        ret
8:      pop     %fs
        TEND
        ret

/* ======================================================================
 * One PCI BIOS call with in_*; results in r_* (registers preserved)
 * ====================================================================== */
pcall:
        cmpb    $0, call_mode
        jne     pm_call
        pushal
        push    %es
        mov     in_es, %es
        mov     in_ebx, %ebx
        mov     in_ecx, %ecx
        mov     in_edx, %edx
        mov     in_esi, %esi
        mov     in_edi, %edi
        mov     in_eax, %eax
        int     $0x1a
        call    save_regs
        pop     %es
        popal
        ret

/* ======================================================================
 * The function tests, in either call mode
 * ====================================================================== */
t_suite:
        call    t_b101
        call    t_b102
        call    t_b103
        call    t_b106
        call    t_read
        call    t_write
        call    t_b10e
        call    t_b10f
        call    t_unknown
        call    t_regs
        ret

t_b101:
        CHECKM  "b101"
        PCI     0x01
        call    cf0
        call    ah0
        EQ      r_edx, $M_PCISIG, "EDX signature"
        testb   $1, r_eax
        OKIF    nz, "AL bit 0 (configuration mechanism #1) clear"
        movzwl  r_ebx, %eax
        EQ      %eax, $0x0210, "BX interface level"
        movzbl  r_ecx, %eax
        EQ      %eax, $0, "CL last bus"
        NOTE    "AL="
        HEXB    r_eax
        NOTE    " EDI="
        HEX     r_edi
        mov     r_eax, %al
        mov     %al, hw_mech
        cmpb    $0, call_mode
        jne     1f
        mov     r_edi, %eax
        mov     %eax, b101_edi
1:      TEND
        ret

/* calls the routine at AX for every devtab entry, with DI = the entry and
 * EBX = its bdf (registers preserved) */
each_dev:
        pushal
        mov     $devtab, %di
        mov     ndev, %cx
        jcxz    2f
1:      movzwl  0(%di), %ebx
        pushal
        call    *%ax
        popal
        add     $16, %di
        dec     %cx
        jnz     1b
2:      popal
        ret

t_b102:
        CHECKM  "b102"
        mov     $1f, %ax
        call    each_dev
        NOTE    "functions="
        movzwl  ndev, %eax
        DECN    %eax
        TEND
        jmp     2f
1:      movzwl  6(%di), %eax            /* device id */
        movzwl  4(%di), %edx            /* vendor id */
        movzbl  13(%di), %esi
        PCI     0x02, $0, %eax, %edx, %esi
        jmp     found_here
2:
        CHECKM  "b102.notfound"
        /* the next index of the first function's id */
        mov     $devtab, %si
        xor     %dx, %dx
        mov     ndev, %cx
        mov     4(%si), %eax
        mov     $devtab, %di
4:      cmp     4(%di), %eax
        jne     5f
        inc     %dx
5:      add     $16, %di
        loop    4b
        movzwl  6(%si), %eax
        movzwl  4(%si), %ecx
        movzwl  %dx, %edx
        PCI     0x02, $0, %eax, %ecx, %edx
        ERR     0x86
        NOTE    "index past the last; "
        PCI     0x02, $0, $0xfff0, $0x8086, $0
        ERR     0x86
        NOTE    "8086:fff0"
        TEND

        CHECKM  "b102.badvendor"
        PCI     0x02, $0, $0xffff, $0xffff, $0
        ERR     0x83
        TEND
        ret

/* the last call found the function at DI */
found_here:
        call    cf0
        call    ah0
        movzwl  r_ebx, %eax
        movzwl  0(%di), %edx
        EQ      %eax, %edx, "BX for the function"
        ret

t_b103:
        CHECKM  "b103"
        mov     $1f, %ax
        call    each_dev
        TEND
        jmp     2f
1:      mov     8(%di), %eax
        shr     $8, %eax
        movzbl  14(%di), %esi
        PCI     0x03, $0, %eax, $0, %esi
        jmp     found_here
2:
        CHECKM  "b103.notfound"
        PCI     0x03, $0, $0xffffff, $0, $0
        ERR     0x86
        TEND

        CHECKM  "b103.highbyte"
        mov     $devtab, %di
        mov     8(%di), %eax
        shr     $8, %eax
        or      $0xa5000000, %eax
        PCI     0x03, $0, %eax, $0, $0
        call    cf0
        call    ah0
        movzwl  r_ebx, %eax
        movzwl  0(%di), %edx
        EQ      %eax, %edx, "BX with ECX bits 31-24 set"
        TEND
        ret

t_b106:
        CHECKM  "b106"
        testb   $0x30, hw_mech
        jz      1f
        NOTE    "special cycles announced; not exercised"
        jmp     2f
1:      PCI     0x06, $0, $0, $0, $0
        ERR     0x81
2:      TEND
        ret

/* reads: every function's registers against the direct reads */
t_read:
        CHECKM  "b10a"
        mov     $1f, %ax
        call    each_dev
        TEND
        CHECKM  "b109"
        mov     $2f, %ax
        call    each_dev
        TEND
        CHECKM  "b108"
        mov     $3f, %ax
        call    each_dev
        TEND
        jmp     4f
1:      RDCHK   0x0a, 0x00, movl, 4(%di), "ECX at 00h"
        RDCHK   0x0a, 0x08, movl, 8(%di), "ECX at 08h"
        ret
2:      RDCHK   0x09, 0x00, movzwl, 4(%di), "CX at 00h"
        RDCHK   0x09, 0x02, movzwl, 6(%di), "CX at 02h"
        mov     $0x0e, %cl
        call    cfg_rd16
        mov     %eax, rd_direct
        RDCHK   0x09, 0x0e, movzwl, rd_direct, "CX at 0Eh"
        ret
3:      RDCHK   0x08, 0x0e, movzbl, 2(%di), "CL at 0Eh (header type)"
        RDCHK   0x08, 0x3d, movzbl, 3(%di), "CL at 3Dh (interrupt pin)"
        RDCHK   0x08, 0x03, movzbl, 7(%di), "CL at 03h"
        ret
4:
        CHECKM  "cfg.badreg"
        movzwl  devtab, %ebx
        PCI     0x09, %ebx, $0, $0, $0, $1
        ERR     0x87
        PCI     0x0a, %ebx, $0, $0, $0, $2
        ERR     0x87
        PCI     0x09, %ebx, $0, $0, $0, $0xff
        ERR     0x87
        PCI     0x08, %ebx, $0, $0, $0, $0x100
        ERR     0x87
        PCI     0x0a, %ebx, $0, $0, $0, $0x100
        ERR     0x87
        TEND
        ret

/* writes: the Interrupt Line (3Ch) of the last function with a pin */
t_write:
        mov     $devtab, %si
        mov     ndev, %cx
        xor     %di, %di
1:      cmpb    $0, 3(%si)
        je      2f
        mov     %si, %di
2:      add     $16, %si
        loop    1b
        CHECKM  "b10b"
        test    %di, %di
        jnz     3f
        FAIL    "no function with an interrupt pin"
        TEND
        ret
3:      movzwl  0(%di), %ebx
        mov     $0x3c, %cl
        call    cfg_rd8
        mov     %al, w_orig
        NOTE    "bdf="
        HEXW    %bx
        WRCHK   0x0b, $0xdeadbe5a, 0x5a, "Interrupt Line after writing CL=5Ah"
        TEND

        CHECKM  "b10c"
        WRCHK   0x0c, $0xdead00a5, 0xa5, "Interrupt Line after writing CX=00A5h"
        mov     $0x3d, %cl
        call    cfg_rd8
        movzbl  3(%di), %edx
        EQ      %eax, %edx, "Interrupt Pin (read-only) after the word write"
        TEND

        CHECKM  "b10d"
        mov     $0x3c, %cl
        call    cfg_rd32
        and     $0xffffff00, %eax
        or      $0x3c, %eax
        WRCHK   0x0d, %eax, 0x3c, "Interrupt Line after the dword write"
        TEND

        CHECKM  "cfgw.badreg"
        PCI     0x0c, %ebx, $0x7777, $0, $0, $0x3d
        ERR     0x87
        PCI     0x0d, %ebx, $0x77777777, $0, $0, $0x3e
        ERR     0x87
        PCI     0x0b, %ebx, $0x77, $0, $0, $0x100
        ERR     0x87
        mov     $0x3c, %cl
        call    cfg_rd8
        EQ      %eax, $0x3c, "Interrupt Line changed by a refused write"
        TEND
        mov     $0x3c, %cl
        mov     w_orig, %al
        call    cfg_wr8
        ret

/* ======================================================================
 * B10Eh: the routing options
 * ====================================================================== */
/* fill the buffer with CCh */
buf_guard:
        pushal
        mov     $buf, %di
        mov     $0xcc, %al
        mov     $BUF_SIZE, %cx
        rep stosb
        popal
        ret
/* ZF=1 if buf[SI..SI+CX) is all CCh */
buf_untouched:
        pushal
1:      jcxz    2f
        cmpb    $0xcc, buf(%si)
        jne     2f
        inc     %si
        dec     %cx
        jmp     1b
2:      popal
        ret
/* the options block for a buffer of AX bytes at `buf`; the call's ES:EDI */
set_opts:
        mov     %ax, opts
        cmpb    $0, call_mode
        jne     1f
        movw    $buf, opts+2
        movw    $0, opts+4
        movw    $0, in_es
        ret
1:      movl    $buf, opts+2
        movw    $SEL_DATA32, opts+6
        movw    $SEL_DATA32, in_es
        ret
/* the size the $PIR's slot entries take */
pir_need:
        movzwl  pir_size, %eax
        test    %eax, %eax
        jz      1f
        sub     $32, %eax
1:      ret

t_b10e:
        CHECKM  "b10e.small"
        call    buf_guard
        xor     %ax, %ax
        call    set_opts
        PCI     0x0e, $0, $0, $0, $0, $opts
        ERR     0x89
        movzwl  opts, %eax
        call    pir_need
        mov     %eax, %edx
        movzwl  opts, %eax
        EQ      %eax, %edx, "size written back (the $PIR's slot bytes)"
        call    pir_need
        dec     %ax
        jz      1f
        call    buf_guard
        call    set_opts
        PCI     0x0e, $0, $0, $0, $0, $opts
        ERR     0x89
        NOTE    "size-1 too"
1:      xor     %si, %si
        mov     $64, %cx
        call    buf_untouched
        OKIF    z, "buffer written although too small"
        TEND

        CHECKM  "b10e"
        call    buf_guard
        mov     $0x400, %ax
        call    set_opts
        PCI     0x0e, $0, $0, $0, $0, $opts
        call    cf0
        call    ah0
        call    pir_need
        mov     %eax, %edx
        movzwl  opts, %eax
        EQ      %eax, %edx, "size returned"
        NOTE    "bytes="
        DECN    %edx
        /* the entries are the $PIR's, byte for byte */
        push    %fs
        mov     $0xf000, %ax
        mov     %ax, %fs
        mov     pir_off, %si
        add     $32, %si
        xor     %bx, %bx
        mov     %dx, %cx
        jcxz    3f
2:      mov     %fs:(%bx,%si), %al
        cmp     buf(%bx), %al
        jne     4f
        inc     %bx
        loop    2b
        jmp     3f
4:      FAIL    "buffer differs from the $PIR's slot entries at byte "
        HEXW    %bx
        NOTE    " got="
        mov     buf(%bx), %eax
        HEX     %eax, 8
        NOTE    " want="
        mov     %fs:(%bx,%si), %eax
        HEX     %eax, 8
3:      mov     pir_off, %si
        movzwl  %fs:10(%si), %eax
        pop     %fs
        movzwl  r_ebx, %ecx
        EQ      %ecx, %eax, "BX vs the $PIR's exclusive IRQs"
        mov     %dx, %si
        mov     $32, %cx
        call    buf_untouched
        OKIF    z, "bytes written past the entries"
        TEND

        /* every function's pin has a link whose bitmap holds its line */
        CHECKM  "b10e.devices"
        call    pir_need
        shr     $4, %ax
        mov     %ax, nslots
        mov     $5f, %ax
        call    each_dev
        TEND
        jmp     19f
5:      movzbw  3(%di), %bx
        test    %bx, %bx
        jz      8f
        cmp     $4, %bx
        ja      8f
        mov     $buf, %si
        mov     nslots, %dx
6:      test    %dx, %dx
        jz      7f
        cmpb    $0, (%si)
        jne     9f
        mov     1(%si), %al
        xor     0(%di), %al
        and     $0xf8, %al
        jz      10f
9:      add     $16, %si
        dec     %dx
        jmp     6b
7:      FAIL    "no slot entry for "
        HEXW    0(%di)
        ret
10:     dec     %bx
        imul    $3, %bx, %bx
        cmpb    $0, 2(%bx,%si)
        jne     11f
        FAIL    "link 0 for the pin of "
        HEXW    0(%di)
        ret
11:     movzwl  3(%bx,%si), %eax
        movzbl  12(%di), %edx
        cmp     $15, %dx
        ja      12f
        bt      %edx, %eax
        jc      8f
12:     FAIL    "Interrupt Line not in the pin's IRQ bitmap: "
        HEXW    0(%di)
        NOTE    " line="
        HEXB    12(%di)
        NOTE    " bitmap="
        HEXW    %ax
8:      ret
19:
        cmpb    $0, call_mode
        jne     20f
        /* real mode only: a buffer that crosses the end of its segment */
        CHECKM  "b10e.wrap"
        push    %fs
        mov     $WRAP_SEG, %ax
        mov     %ax, %fs
        xor     %bx, %bx
13:     movb    $0xcc, %fs:(%bx)
        inc     %bx
        cmp     $0x100, %bx
        jb      13b
        mov     $0xfff8, %bx
14:     movb    $0xcc, %fs:(%bx)
        inc     %bx
        jnz     14b
        movw    $0x400, opts
        movw    $0xfff8, opts+2
        movw    $WRAP_SEG, opts+4
        movw    $0, in_es
        PCI     0x0e, $0, $0, $0, $0, $opts
        ERR     0x89
        xor     %bx, %bx
15:     cmpb    $0xcc, %fs:(%bx)
        jne     16f
        inc     %bx
        cmp     $0x100, %bx
        jb      15b
        mov     $0xfff8, %bx
17:     cmpb    $0xcc, %fs:(%bx)
        jne     16f
        inc     %bx
        jnz     17b
        jmp     18f
16:     FAIL    "written at 5000:"
        HEXW    %bx
18:     pop     %fs
        TEND
20:     call    flat_es
        ret

/* in_es for calls that take no buffer */
flat_es:
        movw    $0, in_es
        cmpb    $0, call_mode
        je      1f
        movw    $SEL_DATA32, in_es
1:      ret

/* ======================================================================
 * B10Fh: steer a routed pin's link
 * ====================================================================== */
/* the $PIR link and bitmap of the first function with a pin that has one:
 * f_bdf, f_pin (1-4), f_link, f_bitmap; f_link = 0 if none */
find_routed:
        pushal
        push    %fs
        mov     $0xf000, %ax
        mov     %ax, %fs
        movb    $0, f_link
        mov     $devtab, %di
        mov     ndev, %cx
1:      movzbw  3(%di), %bx
        test    %bx, %bx
        jz      4f
        cmp     $4, %bx
        ja      4f
        mov     pir_off, %si
        call    pir_need
        shr     $4, %ax
        mov     %ax, %dx
        add     $32, %si
2:      test    %dx, %dx
        jz      4f
        cmpb    $0, %fs:(%si)
        jne     3f
        mov     %fs:1(%si), %al
        xor     0(%di), %al
        and     $0xf8, %al
        jnz     3f
        mov     %bx, %ax
        dec     %bx
        imul    $3, %bx, %bx
        cmpb    $0, %fs:2(%bx,%si)
        je      4f
        mov     %al, f_pin
        mov     %fs:2(%bx,%si), %al
        mov     %al, f_link
        mov     %fs:3(%bx,%si), %ax
        mov     %ax, f_bitmap
        mov     0(%di), %ax
        mov     %ax, f_bdf
        mov     pir_off, %si
        mov     %fs:8(%si), %ax         /* router bus, devfn */
        xchg    %al, %ah
        mov     %ax, f_router
        jmp     9f
3:      add     $16, %si
        dec     %dx
        jmp     2b
4:      add     $16, %di
        loop    1b
9:      pop     %fs
        popal
        ret

/* EAX = the router's register for f_link */
router_reg:
        push    %bx
        push    %cx
        mov     f_router, %bx
        mov     f_link, %cl
        call    cfg_rd8
        pop     %cx
        pop     %bx
        ret

t_b10f:
        CHECKM  "b10f"
        call    find_routed
        cmpb    $0, f_link
        jne     1f
        FAIL    "no function with a routed pin in the $PIR"
        TEND
        ret
1:      call    router_reg
        mov     %al, f_orig
        /* another IRQ of the bitmap: 10 or 11 if possible */
        and     $0x0f, %ax
        mov     %ax, %dx
        movzwl  f_bitmap, %ecx
        mov     $10, %bx
        cmp     %bx, %dx
        je      2f
        bt      %bx, %cx
        jc      4f
2:      mov     $11, %bx
        cmp     %bx, %dx
        je      3f
        bt      %bx, %cx
        jc      4f
3:      mov     $3, %bx
5:      cmp     %bx, %dx
        je      6f
        bt      %bx, %cx
        jc      4f
6:      inc     %bx
        cmp     $16, %bx
        jb      5b
        FAIL    "no other IRQ in the bitmap"
        TEND
        ret
4:      mov     %bl, f_new
        NOTE    "bdf="
        HEXW    f_bdf
        NOTE    " pin="
        HEXB    f_pin
        NOTE    " link="
        HEXB    f_link
        NOTE    " irq "
        HEXB    f_orig
        NOTE    "->"
        HEXB    f_new
        movzwl  f_bdf, %ebx
        movzbl  f_new, %ecx
        shl     $8, %ecx
        mov     f_pin, %cl
        add     $9, %cl                 /* 0Ah = INTA# */
        PCI     0x0f, %ebx, %ecx, $0, $0, $0
        call    cf0
        call    ah0
        call    router_reg
        movzbl  f_new, %edx
        EQ      %eax, %edx, "router register after B10Fh"
        /* back */
        movzbl  f_orig, %ecx
        and     $0x0f, %cl
        shl     $8, %ecx
        mov     f_pin, %cl
        add     $9, %cl
        PCI     0x0f, %ebx, %ecx, $0, $0, $0
        call    cf0
        call    router_reg
        movzbl  f_orig, %edx
        EQ      %eax, %edx, "router register after steering back"
        push    %bx
        push    %cx
        mov     f_router, %bx
        mov     f_link, %cl
        mov     f_orig, %al
        call    cfg_wr8
        pop     %cx
        pop     %bx
        TEND

        CHECKM  "b10f.bad"
        movzwl  f_bdf, %ebx
        /* pin 0Eh */
        movzbl  f_new, %ecx
        shl     $8, %ecx
        mov     $0x0e, %cl
        PCI     0x0f, %ebx, %ecx, $0, $0, $0
        ERR     0x88
        /* an IRQ outside the bitmap */
        movzwl  f_bitmap, %edx
        xor     %ecx, %ecx
7:      bt      %ecx, %edx
        jnc     8f
        inc     %ecx
        jmp     7b
8:      shl     $8, %ecx
        mov     f_pin, %cl
        add     $9, %cl
        PCI     0x0f, %ebx, %ecx, $0, $0, $0
        ERR     0x88
        /* a device the $PIR has no entry for: 00:1e.0 */
        movzbl  f_new, %ecx
        shl     $8, %ecx
        mov     $0x0a, %cl
        PCI     0x0f, $0x00f0, %ecx, $0, $0, $0
        ERR     0x88
        call    router_reg
        movzbl  f_orig, %edx
        EQ      %eax, %edx, "router register changed by a refused call"
        TEND
        ret

t_unknown:
        CHECKM  "unknown"
        PCI     0xff
        ERR     0x81
        PCI     0x07
        ERR     0x81
        TEND
        ret

/* registers a call does not return stay as they were */
t_regs:
        CHECKM  "regs"
        movzwl  devtab, %ebx
        mov     $0x1234abcd, %ebp
        PCI     0x0a, %ebx, $0, $0x11223344, $0x55667788, $0x99aa0000
        call    cf0
        call    ah0
        EQ      r_ecx, devtab+4, "ECX (dword 00h, DI = 0000h with EDI bits 31-16 set)"
        EQ      r_ebx, %ebx, "EBX"
        EQ      r_edx, $0x11223344, "EDX"
        EQ      r_esi, $0x55667788, "ESI"
        EQ      r_edi, $0x99aa0000, "EDI"
        EQ      r_ebp, $0x1234abcd, "EBP"
        movzwl  r_ds, %eax
        movzwl  r_es, %edx
        cmpb    $0, call_mode
        jne     1f
        EQ      %eax, $0, "DS"
        EQ      %edx, $0, "ES"
        jmp     2f
1:      EQ      %eax, $SEL_DATA32, "DS"
        EQ      %edx, $SEL_DATA32, "ES"
2:      TEND
        ret

/* ======================================================================
 * Protected mode: the BIOS32 directory and the $PCI entry
 * ====================================================================== */
/* scan 0xE0000-0xFFFF0 for "_32_"; dir_entry (0 if none) */
find_bios32:
        CHECK   "bios32"
        push    %fs
        movl    $0, dir_entry
        mov     $0xe000, %ax
1:      mov     %ax, %fs
        xor     %si, %si
2:      cmpl    $M_32, %fs:(%si)
        jne     4f
        movzbw  %fs:9(%si), %cx
        shl     $4, %cx
        jz      4f
        call    fs_sum
        jnz     4f
        jmp     6f
4:      add     $16, %si
        jnz     2b
        mov     %fs, %ax
        add     $0x1000, %ax
        jnz     1b
        FAIL    "no _32_ header with a valid checksum in 0xE0000-0xFFFFF"
        jmp     9f
6:      NOTE    "at "
        mov     %fs, %ax
        movzwl  %ax, %eax
        shl     $4, %eax
        movzwl  %si, %edx
        add     %edx, %eax
        HEX     %eax
        movzbl  %fs:8(%si), %eax
        EQ      %eax, $0, "revision"
        movzbl  %fs:9(%si), %eax
        EQ      %eax, $1, "length in paragraphs"
        mov     %fs:4(%si), %eax
        NOTE    " entry "
        HEX     %eax
        RANGE   %eax, $0xe0000, $0xfffff, "entry address"
        jc      9f
        mov     %eax, dir_entry
9:      pop     %fs
        TEND
        ret

build_paging:
        pushal
        push    %es
        mov     $PD_SEG, %ax
        mov     %ax, %es
        xor     %di, %di
        xor     %eax, %eax
        mov     $(3 * 4096 / 4), %cx
        rep stosl
        movl    $(PD_ADDR + 0x1000 + 3), %es:0
        movl    $(PD_ADDR + 0x2000 + 3), %es:((PAGE_OFFSET >> 22) * 4)
        /* identity: 0x1000-0x9FFFF only */
        mov     $1, %ebx
1:      mov     %ebx, %eax
        shl     $12, %eax
        or      $3, %eax
        mov     %eax, %es:0x1000(,%ebx,4)
        inc     %ebx
        cmp     $0xa0, %ebx
        jb      1b
        /* PAGE_OFFSET: all of the first 4 MiB */
        xor     %ebx, %ebx
2:      mov     %ebx, %eax
        shl     $12, %eax
        or      $3, %eax
        mov     %eax, %es:0x2000(,%ebx,4)
        inc     %ebx
        cmp     $1024, %ebx
        jb      2b
        pop     %es
        /* the IDT: interrupt gates to exc_N */
        mov     $idt, %di
        mov     $exc_table, %si
        mov     $32, %cx
3:      mov     (%si), %eax
        mov     %ax, (%di)
        movw    $SEL_CODE32, 2(%di)
        movw    $0x8e00, 4(%di)
        shr     $16, %eax
        mov     %ax, 6(%di)
        add     $4, %si
        add     $8, %di
        loop    3b
        popal
        ret

pm_part:
        call    find_bios32
        cmpl    $0, dir_entry
        je      9f
        call    build_paging
        movb    $1, call_mode
        movw    $SEL_DATA32, in_es
        mov     dir_entry, %eax
        add     $PAGE_OFFSET, %eax
        mov     %eax, pm_target
        movw    $SEL_CODE32, pm_target+4

        CHECK   "pm.dir"
        movl    $M_PCI, in_eax
        movl    $0, in_ebx
        call    pm_call
        movzbl  r_eax, %eax
        EQ      %eax, $0, "AL for $PCI"
        jc      8f
        mov     r_ebx, %eax
        NOTE    " base="
        HEX     %eax
        NOTE    " length="
        HEX     r_ecx
        NOTE    " offset="
        HEX     r_edx
        add     r_ecx, %eax
        RANGE   %eax, $1, $0x100000, "base + length (Linux: at most 1 MiB)"
        mov     r_edx, %eax
        RANGE   %eax, $0, r_ecx, "offset within the length"
        mov     r_ebx, %eax
        add     r_edx, %eax
        mov     %eax, pci_entry
        RANGE   %eax, $0xe0000, $0xfffff, "base + offset"
        cmpl    $0, b101_edi
        je      8f
        EQ      b101_edi, %eax, "B101h EDI vs the $PCI entry"
8:      TEND

        CHECK   "pm.dir.unknown"
        movl    $0x57585958, in_eax     /* "XYXW" */
        movl    $0, in_ebx
        call    pm_call
        movzbl  r_eax, %eax
        EQ      %eax, $0x80, "AL for an unknown service"
        TEND

        CHECK   "pm.dir.func"
        movl    $M_PCI, in_eax
        movl    $1, in_ebx
        call    pm_call
        movzbl  r_eax, %eax
        EQ      %eax, $0x81, "AL for function 1"
        TEND

        cmpl    $0, pci_entry
        je      9f
        mov     pci_entry, %eax
        add     $PAGE_OFFSET, %eax
        mov     %eax, pm_target
        call    t_suite
9:      ret

/* in_* -> the far call at pm_target in 32-bit protected mode with paging
 * -> r_*; all registers preserved */
pm_call:
        pushal
        push    %ds
        push    %es
        push    %fs
        push    %gs
        cli
        lgdtl   gdt_desc
        lidtl   pm_idt_desc
        mov     %cr0, %eax
        or      $1, %eax
        mov     %eax, %cr0
        ljmpl   $SEL_CODE32, $1f
        .code32
1:      mov     $SEL_DATA32, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %fs
        mov     %ax, %gs
        mov     %ax, %ss
        movzwl  %sp, %esp
        mov     $PD_ADDR, %eax
        mov     %eax, %cr3
        mov     %cr0, %eax
        or      $0x80000000, %eax
        mov     %eax, %cr0
        jmp     2f
2:      mov     in_es, %ax
        mov     %ax, %es
        mov     in_ebx, %ebx
        mov     in_ecx, %ecx
        mov     in_edx, %edx
        mov     in_esi, %esi
        mov     in_edi, %edi
        mov     in_eax, %eax
        lcall   *pm_target
        pushfl
        pushl   %eax
        movw    %ds, %ax
        movw    %ax, %ss:r_ds
        movw    $SEL_DATA32, %ax
        movw    %ax, %ds
        popl    %eax
        mov     %eax, r_eax
        mov     %ebx, r_ebx
        mov     %ecx, r_ecx
        mov     %edx, r_edx
        mov     %esi, r_esi
        mov     %edi, r_edi
        mov     %ebp, r_ebp
        movw    %es, r_es
        popl    %eax
        movw    %ax, r_flags
        mov     $SEL_DATA32, %ax
        mov     %ax, %es
        mov     %cr0, %eax
        and     $0x7fffffff, %eax
        mov     %eax, %cr0
        xor     %eax, %eax
        mov     %eax, %cr3
        ljmp    $SEL_CODE16, $3f
        .code16
3:      mov     $SEL_DATA16, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %fs
        mov     %ax, %gs
        mov     %ax, %ss
        mov     %cr0, %eax
        and     $0xfffffffe, %eax
        mov     %eax, %cr0
        ljmp    $0, $4f
4:      xor     %ax, %ax
        mov     %ax, %ds
        mov     %ax, %ss
        lidtl   rm_idt_desc
        pop     %gs
        pop     %fs
        pop     %es
        pop     %ds
        popal
        sti
        ret

/* ---- CPU exceptions in protected mode: report and stop ------------------ */
        .code32
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
exc_\n: pushl   $\n
        jmp     exc_common
        .endr
exc_common:
        mov     $SEL_DATA32, %ax
        mov     %ax, %ds
        popl    %ebx                    /* vector */
        xor     %ecx, %ecx
        mov     $0x27d00, %eax          /* the vectors with an error code */
        bt      %ebx, %eax
        jnc     1f
        popl    %ecx
1:      popl    %edx                    /* EIP */
        mov     $s_fail, %esi
        call    puts32
        movzwl  t_id, %esi
        call    puts32
        mov     $s_exc1, %esi
        call    puts32
        mov     %ebx, %eax
        call    hex32
        mov     $s_exc2, %esi
        call    puts32
        mov     %ecx, %eax
        call    hex32
        mov     $s_exc3, %esi
        call    puts32
        mov     %edx, %eax
        call    hex32
        mov     $s_exc4, %esi
        call    puts32
        mov     %cr2, %eax
        call    hex32
        mov     $s_crlf, %esi
        call    puts32
        mov     $DEBUG_EXIT, %dx
        mov     $0x7f, %al
        out     %al, %dx
2:      cli
        hlt
        jmp     2b

putc32:
        push    %edx
        push    %ecx
        push    %eax
        mov     $COM1 + 5, %dx
        mov     $0x10000, %ecx
1:      in      %dx, %al
        test    $0x20, %al
        jnz     2f
        loop    1b
2:      pop     %eax
        mov     $COM1, %dx
        out     %al, %dx
        pop     %ecx
        pop     %edx
        ret
puts32:
        push    %eax
1:      lodsb
        test    %al, %al
        jz      2f
        call    putc32
        jmp     1b
2:      pop     %eax
        ret
hex32:
        push    %ecx
        push    %eax
        mov     $8, %ecx
1:      rol     $4, %eax
        push    %eax
        and     $15, %al
        add     $'0', %al
        cmp     $'9', %al
        jbe     2f
        add     $'a' - '9' - 1, %al
2:      call    putc32
        pop     %eax
        loop    1b
        pop     %eax
        pop     %ecx
        ret
        .code16

#include "report_text.inc"

        .section .rodata
s_exc1: .asciz  " !CPU exception "
s_exc2: .asciz  " error="
s_exc3: .asciz  " eip="
s_exc4: .asciz  " cr2="
        .align  4
exc_table:
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .long   exc_\n
        .endr

        .data
        .align  8
gdt:    .quad   0
        .quad   0x00cf9a000000ffff      /* 08: code, 32-bit, flat */
        .quad   0x00cf92000000ffff      /* 10: data, flat */
        .quad   0x00009a000000ffff      /* 18: code, 16-bit, base 0, 64 KiB */
        .quad   0x000092000000ffff      /* 20: data, base 0, 64 KiB */
gdt_desc:
        .word   5 * 8 - 1
        .long   gdt
pm_idt_desc:
        .word   32 * 8 - 1
        .long   idt
rm_idt_desc:
        .word   0x3ff
        .long   0

        PAYLOAD_END
in_eax:         .skip 4
in_ebx:         .skip 4
in_ecx:         .skip 4
in_edx:         .skip 4
in_esi:         .skip 4
in_edi:         .skip 4
in_es:          .skip 2
call_mode:      .skip 1
hw_mech:        .skip 1
b101_edi:       .skip 4
dir_entry:      .skip 4
pci_entry:      .skip 4
pm_target:      .skip 6
ndev:           .skip 2
nslots:         .skip 2
pir_off:        .skip 2
pir_size:       .skip 2
s_dev:          .skip 1
s_fn:           .skip 1
s_nfn:          .skip 1
w_orig:         .skip 1
        .align  4
rd_direct:      .skip 4
f_bdf:          .skip 2
f_router:       .skip 2
f_bitmap:       .skip 2
f_pin:          .skip 1
f_link:         .skip 1
f_orig:         .skip 1
f_new:          .skip 1
        .align  4
opts:           .skip 8
        .align  16
devtab:         .skip MAXDEV * 16
idt:            .skip 32 * 8
buf:            .skip BUF_SIZE
