/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * kernel.S - the "kernel" of the -kernel row of `make bench` (scripts/bench.py).
 *
 * A Linux boot protocol 2.02 image (the boot sector's header, "HdrS",
 * LOADED_HIGH) whose real-mode setup is only this: the protocol's jump over
 * the header at offset 200h (the kernel's entry: the first instruction a
 * loader runs), then RDTSC, the second.  It copies the bench boot sector
 * (tests/payloads/bench/bench.S, appended by bench.py at file offset 400h)
 * to 0000:7C00 and enters it just after its own RDTSC with EDX:EAX = our
 * reading, so the report line is the same as for a disk boot, but its tsc is
 * reset -> kernel entry.
 *
 * Built by scripts/bench.py: gcc -m32 -c, ld -Ttext 0 --oformat binary.
 */
#define SETUP_SECTS     2       /* 200h-5FFh: this code, then the bench sector */
#define PROTOCOL        0x0202
#define LOADED_HIGH     0x01
#define SECTOR_IN_CS    0x200   /* file offset 400h, CS = setup segment + 20h */
#define BOOT_SECTOR     0x7c00
#define RDTSC_LEN       2       /* bench.S starts with RDTSC (0F 31) */

    .code16
    .text
    .globl _start
_start:
    .org 0x1f1
    .byte SETUP_SECTS
    .word 0                     /* root_flags */
    .long 0                     /* syssize */
    .word 0                     /* ram_size */
    .word 0                     /* vid_mode */
    .word 0                     /* root_dev */
    .word 0xaa55                /* boot_flag */
    /* 200h: the entry */
    jmp     entry
    .ascii  "HdrS"
    .word   PROTOCOL
    .long   0                   /* realmode_swtch */
    .word   0                   /* start_sys_seg */
    .word   0                   /* kernel_version */
    .byte   0                   /* type_of_loader */
    .byte   LOADED_HIGH         /* loadflags */
    .word   0                   /* setup_move_size */
    .long   0x100000            /* code32_start */
    .long   0                   /* ramdisk_image */
    .long   0                   /* ramdisk_size */
    .long   0                   /* bootsect_kludge */
    .word   0                   /* heap_end_ptr */
    .byte   0, 0                /* ext_loader_ver, ext_loader_type */
    .long   0                   /* cmd_line_ptr */
    .long   0x37ffffff          /* initrd_addr_max (2.03; loaders write it anyway) */
entry:
    rdtsc                       /* the kernel's second instruction */
    mov     %eax, %ebx
    mov     %edx, %ebp
    cli
    cld
    push    %cs
    pop     %ds
    xor     %ax, %ax
    mov     %ax, %es
    mov     $SECTOR_IN_CS, %si
    mov     $BOOT_SECTOR, %di
    mov     $256, %cx
    rep movsw
    mov     %ebx, %eax
    mov     %ebp, %edx
    ljmp    $0, $(BOOT_SECTOR + RDTSC_LEN)
    .org 0x400 - 1
    .byte 0
