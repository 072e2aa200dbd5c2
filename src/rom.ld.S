/* SPDX-License-Identifier: LGPL-3.0-or-later
 * ReefBIOS image layout. Run through cpp (constants from src/layout.h), then
 * used by ld. docs/memory-layout.md has the picture; scripts/checklayout.py
 * verifies the result (fixed entry points, overlaps, size) after every link.
 *
 * Objects are split by mode: *.o32 are 32-bit flat objects (VMA = physical
 * address), *.o16 are 16-bit objects whose symbols carry the prefix _r16_
 * (objcopy --prefix-symbols) so the same source can be built in both modes.
 * 16-bit code is linked at offsets within the F-segment (CS = 0xF000); 16-bit
 * data at offsets within the runtime data segment (DS = SS = RTDATA_SEG). */
#include "layout.h"

OUTPUT_FORMAT("elf32-i386", "elf32-i386", "elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(_r16_reset_vector)

SECTIONS
{
    /* ---- E-segment low part: 32-bit flat POST code and its data ---- */
    .text32 TEXT32_BASE : AT(TEXT32_BASE) {
        text32_start = .;
        KEEP(*(.text.entry32))
        *.o32(.text .text.*)
        . = ALIGN(16);
        *.o32(.rodata .rodata.*)
        . = ALIGN(16);
        *.o32(.data .data.*)
        . = ALIGN(16);
        text32_end = .;
    }
    /* POST-only zero-initialised 32-bit data lives in conventional memory. */
    .bss32 BSS32_BASE (NOLOAD) : {
        bss32_start = .;
        *.o32(.bss .bss.* COMMON)
        . = ALIGN(16);
        bss32_end = .;
    }

    /* ---- E-segment top 16 KiB: 16-bit runtime data segment ---- */
    .data16 0 : AT(RTDATA_BASE) {
        _r16_data16_start = .;
        *.o16(.rodata .rodata.*)
        . = ALIGN(4);
        *.o16(.data .data.*)
        . = ALIGN(16);
        _r16_data16_end = .;
    }
    .bss16 _r16_data16_end (NOLOAD) : {
        _r16_bss16_start = .;
        *.o16(.bss .bss.* COMMON)
        . = ALIGN(16);
        _r16_bss16_end = .;
        _r16_rt_stack_bottom = .;
        . += RT_STACK_SIZE;
        _r16_rt_stack_top = .;
        . += RT32_STACK_SIZE;
        _r16_rt32_stack_top = .;
    }

    /* ---- F-segment: 16-bit code, fseg pool, fixed IBM entry points ---- */
    .text16 0 : AT(FSEG_BASE) {
        _r16_text16_start = .;
        *.o16(.text .text.*)
        . = ALIGN(16);
        _r16_text16_end = .;
        /* Everything from here to the fixed area is the fseg allocation pool. */
        . = FIXED_AREA_START;
        _r16_fixed_start = .;
        . = 0xE05B; KEEP(*(.fixed.e05b))   /* POST entry */
        . = 0xE2C3; KEEP(*(.fixed.e2c3))   /* NMI (INT 02h) */
        . = 0xE3FE; KEEP(*(.fixed.e3fe))   /* INT 13h fixed disk */
        . = 0xE401; KEEP(*(.fixed.e401))   /* fixed disk parameter table */
        . = 0xE6F2; KEEP(*(.fixed.e6f2))   /* INT 19h boot load */
        . = 0xE6F5; KEEP(*(.fixed.e6f5))   /* configuration table (INT 15h C0h) */
        . = 0xE729; KEEP(*(.fixed.e729))   /* baud rate table */
        . = 0xE739; KEEP(*(.fixed.e739))   /* INT 14h serial */
        . = 0xE82E; KEEP(*(.fixed.e82e))   /* INT 16h keyboard */
        . = 0xE987; KEEP(*(.fixed.e987))   /* INT 09h keyboard IRQ */
        . = 0xEC59; KEEP(*(.fixed.ec59))   /* INT 40h diskette */
        . = 0xEF57; KEEP(*(.fixed.ef57))   /* INT 0Eh diskette IRQ */
        . = 0xEFC7; KEEP(*(.fixed.efc7))   /* diskette parameter table */
        . = 0xEFD2; KEEP(*(.fixed.efd2))   /* INT 17h printer */
        . = 0xF045; KEEP(*(.fixed.f045))   /* INT 10h functions 0-0Fh */
        . = 0xF065; KEEP(*(.fixed.f065))   /* INT 10h video */
        . = 0xF0A4; KEEP(*(.fixed.f0a4))   /* MDA/CGA video parameter table */
        . = 0xF841; KEEP(*(.fixed.f841))   /* INT 12h memory size */
        . = 0xF84D; KEEP(*(.fixed.f84d))   /* INT 11h equipment */
        . = 0xF859; KEEP(*(.fixed.f859))   /* INT 15h system services */
        . = 0xFE6E; KEEP(*(.fixed.fe6e))   /* INT 1Ah time of day */
        . = 0xFEA5; KEEP(*(.fixed.fea5))   /* INT 08h timer IRQ */
        . = 0xFF53; KEEP(*(.fixed.ff53))   /* dummy IRET */
        . = 0xFF54; KEEP(*(.fixed.ff54))   /* INT 05h print screen */
        . = 0xFFF0; KEEP(*(.fixed.fff0))   /* reset vector */
        . = 0xFFF5; KEEP(*(.fixed.fff5))   /* BIOS date */
        . = 0xFFFE; KEEP(*(.fixed.fffe))   /* model byte */
        . = 0x10000;
    }

    /* Symbols that cross between the modes (see docs/mode-switching.md). */
    _r16_post_entry32 = post_entry32;
    asm_call16 = _r16_asm_call16 + FSEG_BASE;
    rtdata_bss_start = _r16_bss16_start + RTDATA_BASE;
    rtdata_bss_end = _r16_bss16_end + RTDATA_BASE;
    rt_stack_top_flat = _r16_rt_stack_top + RTDATA_BASE;
    rt32_stack_top_flat = _r16_rt32_stack_top + RTDATA_BASE;
    fseg_pool_start = _r16_text16_end + FSEG_BASE;
    fseg_pool_end = _r16_fixed_start + FSEG_BASE;
    tmplow_start = ALIGN(bss32_end, 4096);

    ASSERT(text32_end <= TEXT32_LIMIT, "layout: 32-bit POST code overflows into the runtime data chunk")
    ASSERT(_r16_rt32_stack_top <= RTDATA_SIZE, "layout: 16-bit runtime data + stacks exceed 16 KiB")
    ASSERT(_r16_text16_end <= FIXED_AREA_START, "layout: 16-bit code overflows into the fixed entry area")
    ASSERT(bss32_end <= BSS32_LIMIT, "layout: POST bss overflows its conventional-memory area")
    ASSERT(SIZEOF(.init_array) == 0, "layout: global constructors are not supported")

    .init_array : { *(.init_array .init_array.* .ctors .ctors.*) }
    /DISCARD/ : { *(.comment) *(.note .note.*) *(.eh_frame .eh_frame_hdr) *(.fini_array*) *(.dtors*) }
}
