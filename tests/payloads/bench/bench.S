/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * bench.S - boot sector for `make bench` (scripts/bench.py).
 *
 * Its first instruction is RDTSC: under `qemu -icount shift=0,sleep=off`
 * that is the virtual time, in nanoseconds, from reset to the boot sector,
 * i.e. the POST cost of whatever firmware loaded it.  Then it collects what
 * the firmware hands to the OS and prints one line on COM1 (UART written
 * directly, no BIOS call), and ends QEMU through isa-debug-exit at port
 * 0x501 with value 0x10 (QEMU exit status 33).
 *
 *   REEFBENCH1 tsc=<16 hex> int12=<8> ebdaseg=<8> ebdakb=<8> cmos34=<8>
 *              e820n=<8> e820ok=<8> usable=<16> acpi=<16> other=<16> end
 *
 *   tsc       RDTSC at 0000:7C00 (the first instruction)
 *   int12     INT 12h AX: conventional memory, KiB
 *   ebdaseg   the word at 40:0E; ebdakb the byte at ebdaseg:0000 (0 if no EBDA)
 *   cmos34    CMOS 35h:34h, 64 KiB blocks of RAM above 16 MiB and below
 *             4 GiB: written by QEMU, not by the firmware, so it tells how
 *             much RAM the machine has below 4 GiB (machines of 16 MiB or
 *             more)
 *   e820n     INT 15h E820 entries read; e820ok 1 if the walk ended normally
 *             (EBX = 0 or CF after the last entry), 0 if the call failed
 *             on the first entry or the 64-entry limit was hit
 *   usable, acpi, other
 *             bytes of e820 type 1, type 3 and every other type, each
 *             range clipped to [0, 4 GiB); 64-bit sums
 *
 * Built by scripts/bench.py (gcc -m32 -c, ld -Ttext 0x7c00, objcopy -O binary).
 */
    .code16
    .text
    .globl _start
_start:
    rdtsc                       /* must stay the first instruction */
    mov     %eax, %esi
    mov     %edx, %ebp
    cli
    xor     %ax, %ax
    mov     %ax, %ds
    mov     %ax, %es
    mov     %ax, %ss
    mov     $0x7c00, %sp
    ljmp    $0, $1f             /* CS = 0 whatever the firmware used */
1:  sti
    cld
    mov     $bss_start, %di
    mov     $(bss_end - bss_start), %cx
    rep stosb                   /* AL = 0 */
    mov     %esi, tsc_lo
    mov     %ebp, tsc_hi

    /* INT 12h (the 16-bit values go into zeroed dwords) */
    int     $0x12
    mov     %ax, v_int12

    /* EBDA segment (40:0E) and its size byte */
    mov     0x40e, %ax
    mov     %ax, v_ebdaseg
    test    %ax, %ax
    jz      1f
    push    %ds
    mov     %ax, %ds
    mov     0, %al
    pop     %ds
    mov     %al, v_ebdakb
1:
    /* CMOS 34h/35h (set by QEMU) */
    mov     $0x35, %al
    call    cmos_word
    mov     %cx, v_cmos34

    /* INT 15h E820 */
    xor     %ebx, %ebx
e820_next:
    cmpl    $64, v_e820n
    jae     e820_done
    mov     $entry, %di
    movl    $1, 20(%di)         /* ACPI 3.0 extended attributes: valid */
    mov     $0xe820, %eax
    mov     $24, %ecx
    mov     $0x534d4150, %edx   /* 'SMAP' */
    int     $0x15
    jc      e820_cf
    cmp     $0x534d4150, %eax
    jne     e820_done
    incl    v_e820n
    call    e820_add
    test    %ebx, %ebx
    jnz     e820_next
    movl    $1, v_e820ok
    jmp     e820_done
e820_cf:                        /* CF on a later call ends the list too */
    cmpl    $0, v_e820n
    je      e820_done
    movl    $1, v_e820ok
e820_done:

    /* the report line */
    mov     $msg, %si
    mov     $vals, %bx
print_loop:
    call    puts                /* the text up to the next value */
    cmpb    $0, (%si)           /* double NUL: end of the text */
    je      print_end
    mov     (%bx), %eax         /* next value: 8 or 16 hex digits */
    cmpb    $'@', (%si)
    jne     1f
    inc     %si
    mov     4(%bx), %eax        /* '@': 64-bit, high dword first */
    call    hex32
    mov     (%bx), %eax
    add     $4, %bx
1:  add     $4, %bx
    call    hex32
    jmp     print_loop
print_end:

    mov     $0x10, %al          /* isa-debug-exit: QEMU exits with 33 */
    mov     $0x501, %dx
    out     %al, %dx
    cli
2:  hlt
    jmp     2b

/* Clip the entry at `entry` to [0, 4 GiB) and add its length to the sum of
 * its type.  Keeps EBX (the E820 continuation value). */
e820_add:
    cmpl    $0, entry+4         /* base >= 4 GiB: nothing below */
    jne     9f
    mov     entry+8, %eax       /* EDX:EAX = length */
    mov     entry+12, %edx
    mov     entry, %ecx         /* end = base + length, carry into ECX-high */
    add     %eax, %ecx
    mov     %edx, %ecx
    adc     $0, %ecx
    jz      1f                  /* ends below 4 GiB */
    xor     %eax, %eax          /* EDX:EAX = 4 GiB - base */
    sub     entry, %eax
    xor     %edx, %edx
    cmpl    $0, entry
    sete    %dl
1:  mov     $s_other, %bp
    mov     entry+16, %ecx
    cmp     $1, %ecx
    jne     2f
    mov     $s_usable, %bp
2:  cmp     $3, %ecx
    jne     3f
    mov     $s_acpi, %bp
3:  add     %eax, (%bp)
    adc     %edx, 4(%bp)
9:  ret

/* AL = high register; returns CX = (CMOS[AL] << 8) | CMOS[AL-1] */
cmos_word:
    mov     %al, %cl
    out     %al, $0x70
    in      $0x71, %al
    mov     %al, %ch
    mov     %cl, %al
    dec     %al
    out     %al, $0x70
    in      $0x71, %al
    mov     %al, %cl
    ret

/* print the NUL-terminated string at SI; SI ends past the NUL */
puts:
    lodsb
    test    %al, %al
    jz      1f
    call    putc
    jmp     puts
1:  ret

/* print EAX as 8 hex digits */
hex32:
    mov     $8, %cx
1:  rol     $4, %eax
    push    %eax
    and     $0xf, %al
    add     $'0', %al
    cmp     $'9', %al
    jbe     2f
    add     $('a' - '0' - 10), %al
2:  call    putc
    pop     %eax
    loop    1b
    ret

/* AL to COM1, waiting for the transmit holding register */
putc:
    push    %dx
    push    %ax
    mov     $0x3fd, %dx
1:  in      %dx, %al
    test    $0x20, %al
    jz      1b
    pop     %ax
    mov     $0x3f8, %dx
    out     %al, %dx
    pop     %dx
    ret

/* Text between values; '@' before a NUL-free tail marks a 64-bit value. */
msg:
    .asciz  "REEFBENCH1 tsc="
    .asciz  "@ int12="
    .asciz  " ebdaseg="
    .asciz  " ebdakb="
    .asciz  " cmos34="
    .asciz  " e820n="
    .asciz  " e820ok="
    .asciz  " usable="
    .asciz  "@ acpi="
    .asciz  "@ other="
    .asciz  "@ end\r\n"
    .byte   0

    .org    510
    .byte   0x55, 0xaa

/* Above the sector, zeroed at start (the firmware loaded only 512 bytes). */
    .bss
    .balign 4
bss_start:
vals:
tsc_lo:     .long 0
tsc_hi:     .long 0
v_int12:    .long 0
v_ebdaseg:  .long 0
v_ebdakb:   .long 0
v_cmos34:   .long 0
v_e820n:    .long 0
v_e820ok:   .long 0
s_usable:   .long 0, 0
s_acpi:     .long 0, 0
s_other:    .long 0, 0
entry:      .fill 24, 1, 0
bss_end:
