/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * mouse.S - boot-sector payload for the pointing-device BIOS: INT 11h's
 * pointing-device bit, every INT 15h AX=C2xxh function (valid and bad
 * input), and the packets the BIOS hands to the C207h handler while the
 * harness moves the mouse. Reports on COM1 (tests/qemu/test_mouse.py).
 *
 * Build: reefqemu.build_payload("mouse") (gcc -m32 -c, ld -T mouse.ld,
 * objcopy -O binary); the binary goes at LBA 0 of a raw disk and the MBR
 * loads the rest to 0:7E00.
 *
 * ---- Checks (ids) -----------------------------------------------------------
 *   int11          AX bit 2 (pointing device) set
 *   c207.clear     ES:BX = 0:0 removes the handler: CF=0 AH=0
 *   c200.nohandler enable without a handler: CF=1 AH=05h
 *   c201           reset: CF=0, BL=AAh (BAT), BH=00h (standard mouse)
 *   c205 c205.bad  initialise, BH=3: ok; BH=0 and BH=9: CF=1 AH=02h
 *   c202 c202.bad  sample rate BH=3 (60/s): ok; BH=7: CF=1 AH=02h
 *   c203 c203.bad  resolution BH=1 (2/mm): ok; BH=4: CF=1 AH=02h
 *   c204           device ID: BH=00h
 *   c206.scale21   BH=2: ok; c206.status: BL scaling bit 4 set, enabled
 *                  bit 5 and remote bit 6 clear, CL=01h, DL=60
 *   c206.scale11   BH=1: ok, and the status's bit 4 clear again
 *   c206.bad       BH=3: CF=1, AH nonzero (INFO line says which)
 *   c2.unknown     AX=C210h: CF=1 AH=01h
 *   c207 c200.on   handler installed, reporting on: ok; the status's bit 5
 *   c200.bad       BH=2: CF=1, AH nonzero
 *   packets        after "WAITMOUSE 4": four packets within 10 s, each line
 *                  "MOUSE n=<i> status=<hex> x=<hex> y=<hex> w4=<hex>" (the
 *                  four words on the handler's stack); the harness checks
 *                  them against the moves it made; bit 3 of every status set
 *   kbd.clean      the moves put nothing in the keyboard buffer (16h AH=01h)
 *   c200.off       BH=0: ok; c200.quiet: after "WAITMOUSE 0" (the harness
 *                  moves the mouse) no packet arrives within ~1 s
 *   kbd.key        after "WAITKEY a": INT 16h gives 1E61h (the keyboard
 *                  still works next to the mouse)
 * Then DONE <pass> <fail> and the QEMU exit (isa-debug-exit, port 0x501).
 */
#define BDA_TICKS       0x46c
#define MAX_PKTS        16

        .code16

#include "report.inc"

/* INT 15h AX=C2<fn>h with BH = bh (ES:BX set by the caller for C207h) */
.macro C2 fn, bh=0
        mov     $\bh, %bh
        mov     $(0xc200 + \fn), %ax
        INTX    0x15
.endm

/* expect CF=1 and some nonzero AH (noted) from the last call */
.macro ANYERR
        call    cf1
        cmpb    $0, r_eax+1
        OKIF    ne, "AH=0"
        NOTE    "ah="
        HEXB    r_eax+1
.endm

/* expect success from the last call */
.macro OK
        call    cf0
        call    ah0
.endm

        .section .mbr, "ax"
        MBR_LOAD_PROGRAM

        .text
main:
        PAYLOAD_MAIN "INFO ReefBIOS mouse payload"

        CHECK   int11
        INTX    0x11
        testb   $0x04, r_eax
        OKIF    nz, "AX bit 2 (pointing device) clear"
        NOTE    "ax="
        HEXW    r_eax
        TEND

        CHECK   c207.clear
        xor     %bx, %bx
        mov     %bx, %es
        mov     $0xc207, %ax
        INTX    0x15
        OK
        TEND

        CHECK   c200.nohandler
        C2      0, 1
        ERR     0x05
        TEND

        CHECK   c201
        C2      1
        OK
        movzbl  r_ebx, %eax
        EQ      %eax, $0xaa, "BL"
        movzbl  r_ebx+1, %eax
        EQ      %eax, $0x00, "BH"
        TEND

        CHECK   c205
        C2      5, 3
        OK
        TEND
        CHECK   c205.bad
        C2      5, 0
        ERR     0x02
        C2      5, 9
        ERR     0x02
        TEND

        CHECK   c202
        C2      2, 3
        OK
        TEND
        CHECK   c202.bad
        C2      2, 7
        ERR     0x02
        TEND

        CHECK   c203
        C2      3, 1
        OK
        TEND
        CHECK   c203.bad
        C2      3, 4
        ERR     0x02
        TEND

        CHECK   c204
        C2      4
        OK
        movzbl  r_ebx+1, %eax
        EQ      %eax, $0x00, "BH (device ID)"
        TEND

        CHECK   c206.scale21
        C2      6, 2
        OK
        TEND
        CHECK   c206.status
        C2      6, 0
        OK
        movzbl  r_ebx, %eax
        and     $0x70, %al
        EQ      %eax, $0x10, "BL bits 6-4 (remote, enabled, 2:1)"
        movzbl  r_ecx, %eax
        EQ      %eax, $0x01, "CL (resolution)"
        movzbl  r_edx, %eax
        EQ      %eax, $60, "DL (rate)"
        NOTE    "bl="
        HEXB    r_ebx
        TEND
        CHECK   c206.scale11
        C2      6, 1
        OK
        C2      6, 0
        OK
        testb   $0x10, r_ebx
        OKIF    z, "BL bit 4 (2:1) still set"
        TEND
        CHECK   c206.bad
        C2      6, 3
        ANYERR
        TEND

        CHECK   c2.unknown
        mov     $0xc210, %ax
        INTX    0x15
        ERR     0x01
        TEND

        CHECK   c207
        xor     %ax, %ax
        mov     %ax, %es
        mov     $mouse_handler, %bx
        mov     $0xc207, %ax
        INTX    0x15
        OK
        TEND

        CHECK   c200.on
        C2      0, 1
        OK
        C2      6, 0
        OK
        testb   $0x20, r_ebx
        OKIF    nz, "status BL bit 5 (enabled) clear"
        TEND
        CHECK   c200.bad
        C2      0, 2
        ANYERR
        TEND

        /* the harness moves the mouse and presses a button */
        movw    $0, pkt_count
        SAY     "WAITMOUSE 4"
        mov     $4, %cx
        mov     $182, %dx
        call    wait_packets
        CHECK   packets
        call    print_packets
        movzwl  pkt_count, %eax
        EQ      %eax, $4, "packets"
        TEND

        CHECK   kbd.clean
        mov     $0x01, %ah
        INTX    0x16
        ZF_SET
        jnz     1f
        FAIL    "a key in the buffer: AX="
        HEXW    r_eax
1:      TEND

        CHECK   c200.off
        C2      0, 0
        OK
        TEND
        CHECK   c200.quiet
        movw    $0, pkt_count
        SAY     "WAITMOUSE 0"
        mov     $1, %cx
        mov     $18, %dx
        call    wait_packets
        movzwl  pkt_count, %eax
        EQ      %eax, $0, "packets after C200h BH=0"
        TEND

        CHECK   kbd.key
        SAY     "WAITKEY a"
        mov     $182, %dx
        call    wait_key
        jc      2f
        xor     %ah, %ah
        INTX    0x16
        movzwl  r_eax, %eax
        EQ      %eax, $0x1e61, "key"
        jmp     3f
2:      FAIL    "no key within 10 s"
3:      TEND

        call    report_done
        xor     %al, %al
        cmpw    $0, n_fail
        je      4f
        mov     $1, %al
4:      mov     $DEBUG_EXIT, %dx
        out     %al, %dx
        cli
5:      hlt
        jmp     5b

/* wait (interrupts on) until CX packets arrived or DX timer ticks passed */
wait_packets:
        sti
        mov     BDA_TICKS, %bx
1:      cmp     %cx, pkt_count
        jae     2f
        mov     BDA_TICKS, %ax
        sub     %bx, %ax
        cmp     %dx, %ax
        jae     2f
        hlt
        jmp     1b
2:      ret

/* wait up to DX ticks for a key (INT 16h AH=01h); CF=1 on timeout */
wait_key:
        sti
        mov     BDA_TICKS, %bx
1:      mov     $0x01, %ah
        int     $0x16
        jnz     2f
        mov     BDA_TICKS, %ax
        sub     %bx, %ax
        cmp     %dx, %ax
        jae     3f
        hlt
        jmp     1b
2:      clc
        ret
3:      stc
        ret

/* one MOUSE line per packet; FAIL on a status without bit 3 */
print_packets:
        xor     %di, %di
1:      cmp     pkt_count, %di
        jae     3f
        cmp     $MAX_PKTS, %di
        jae     3f
        mov     %di, %bx
        shl     $3, %bx
        push    %di
        mov     $s_mouse, %si
        call    puts
        movzwl  %di, %eax
        call    ser_dec
        mov     $s_status, %si
        call    puts
        movzwl  pkts(%bx), %eax
        call    ser_hex4
        mov     $s_x, %si
        call    puts
        movzwl  pkts+2(%bx), %eax
        call    ser_hex4
        mov     $s_y, %si
        call    puts
        movzwl  pkts+4(%bx), %eax
        call    ser_hex4
        mov     $s_w4, %si
        call    puts
        movzwl  pkts+6(%bx), %eax
        call    ser_hex4
        mov     $s_crlf, %si
        call    puts
        pop     %di
        testb   $0x08, pkts(%bx)
        jnz     2f
        FAIL    "status bit 3 clear in packet"
        DECN    %edi
2:      inc     %di
        jmp     1b
3:      ret

/* EAX as 4 hex digits straight to serial */
ser_hex4:
        push    %bx
        mov     lb_direct, %bl
        movb    $1, lb_direct
        pushal
        mov     $4, %bx
        call    lb_hexd
        popal
        mov     %bl, lb_direct
        pop     %bx
        ret

/* The C207h handler: FAR-called with (from the top) the return address,
 * the zero word, Y, X, status; records them, leaves the stack as it is. */
mouse_handler:
        push    %bp
        mov     %sp, %bp
        push    %ds
        push    %ax
        push    %bx
        xor     %ax, %ax
        mov     %ax, %ds
        mov     pkt_count, %bx
        cmp     $MAX_PKTS, %bx
        jae     1f
        shl     $3, %bx
        mov     12(%bp), %ax
        mov     %ax, pkts(%bx)
        mov     10(%bp), %ax
        mov     %ax, pkts+2(%bx)
        mov     8(%bp), %ax
        mov     %ax, pkts+4(%bx)
        mov     6(%bp), %ax
        mov     %ax, pkts+6(%bx)
1:      incw    pkt_count
        pop     %bx
        pop     %ax
        pop     %ds
        pop     %bp
        lret

#include "report_text.inc"

        .section .rodata
s_mouse:  .asciz "MOUSE n="
s_status: .asciz " status="
s_x:      .asciz " x="
s_y:      .asciz " y="
s_w4:     .asciz " w4="

        PAYLOAD_END
pkt_count:      .skip 2
pkts:           .skip MAX_PKTS * 8
