/* SPDX-License-Identifier: LGPL-3.0-or-later
 * ReefBIOS image layout. Run through cpp (constants from src/layout.h and
 * src/fixed.h), then used by ld. docs/memory-layout.md has the picture;
 * scripts/checklayout.py verifies the result (fixed entry points, overlaps,
 * size) and scripts/checkrefs.py the references between the regions, after
 * every link.
 *
 * Objects are split by mode (src/sources.list): *.o16 are 16-bit objects
 * whose symbols carry the prefix _r16_ (objcopy --prefix-symbols) so the same
 * source can be built in both modes; 16-bit code is linked at offsets within
 * the F-segment (CS = 0xF000), 16-bit data at offsets within the runtime data
 * segment (DS = SS = RTDATA_SEG). *.o32 are 32-bit runtime objects and
 * *.oinit 32-bit POST-only objects (VMA = flat address), *.opi 32-bit
 * position-independent runtime objects (with the runtime ones). Sections named
 * .init.* in any 32-bit object (REEF_INIT in lib/mode.h) are POST-only too. */
#include "layout.h"
#include "fixed.h"

OUTPUT_FORMAT("elf32-i386", "elf32-i386", "elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(_r16_reset_vector)

SECTIONS
{
    /* ---- E-segment low part: 32-bit code ---- */
    /* Runtime 32-bit code and rodata: in the shadow RAM at its physical
     * address, read-only after POST. */
    .rt32text TEXT32_BASE : AT(TEXT32_BASE) {
        rt32_text_start = .;
        *.o32(.text .text.*)
        /* Position-independent runtime code (*.opi, src/lib/pi.h): the
         * BIOS32 entries and what they call. Its GOT base lives here too
         * (the GOT itself stays empty: checkrefs.py allows no GOT entries). */
        *.opi(.text .text.*)
        . = ALIGN(16);
        *.o32(.rodata .rodata.*)
        *.opi(.rodata .rodata.*)
        *(.got.plt .got .igot.plt)
        . = ALIGN(16);
        rt32_text_end = .;
    }
    /* POST-only code and rodata: the image's first half, never copied, run
     * in place from the high alias below 4 GiB (VMA = LMA + ROM_HIGH_DELTA). */
    .init32 (POST_IMAGE_BASE + ROM_HIGH_DELTA) : AT(POST_IMAGE_BASE) {
        init_text_start = .;
        KEEP(*(.text.entry32))
        *.oinit(.text .text.*)
        *(.init.text .init.text.*)
        . = ALIGN(16);
        *.oinit(.rodata .rodata.*)
        *(.init.rodata .init.rodata.*)
        . = ALIGN(16);
        init_text_end = .;
    }
    /* POST-only data and bss: conventional memory (handed to the OS). The
     * initialised part is copied from the image by post_entry32. */
    .initdata INIT_DATA_BASE : AT(init_text_end - ROM_HIGH_DELTA) {
        initdata_start = .;
        *.oinit(.data .data.*)
        *(.init.data .init.data.*)
        . = ALIGN(16);
        initdata_end = .;
    }
    .initbss (NOLOAD) : {
        initbss_start = .;
        *.oinit(.bss .bss.* COMMON)
        *(.init.bss .init.bss.*)
        . = ALIGN(16);
        initbss_end = .;
    }
    post_image_end = LOADADDR(.initdata) + SIZEOF(.initdata);
    initdata_load = LOADADDR(.initdata) + ROM_HIGH_DELTA;

    /* ---- E-segment top: the runtime data chunk (writable after POST) ----
     * 16-bit data is linked at offsets in segment RTDATA_SEG, 32-bit runtime
     * data at its flat address in the same chunk, so both modes reach all of
     * it (16-bit code: DS-relative; 32-bit code: flat). */
    .data16 0 : AT(RTDATA_BASE) {
        _r16_data16_start = .;
        /* Offset 0 holds no object, so a 16-bit pointer (or RtPtr) of 0
         * is always null. */
        LONG(0)
        *.o16(.rodata .rodata.*)
        . = ALIGN(4);
        *.o16(.data .data.*)
        . = ALIGN(16);
        _r16_data16_end = .;
    }
    .rt32data (RTDATA_BASE + SIZEOF(.data16)) : AT(RTDATA_BASE + SIZEOF(.data16)) {
        rt32_data_start = .;
        *.o32(.data .data.*)
        . = ALIGN(16);
        rt32_data_end = .;
    }
    .bss16 (rt32_data_end - RTDATA_BASE) (NOLOAD) : {
        _r16_bss16_start = .;
        *.o16(.bss .bss.* COMMON)
        . = ALIGN(16);
        _r16_bss16_end = .;
    }
    .rt32bss (RTDATA_BASE + _r16_bss16_end) (NOLOAD) : {
        rt32_bss_start = .;
        *.o32(.bss .bss.* COMMON)
        . = ALIGN(16);
        rt32_bss_end = .;
    }
    /* Linked at its flat address (no backwards move of the location
     * counter); the stack symbols are offsets in segment RTDATA_SEG. */
    .stacks rt32_bss_end (NOLOAD) : {
        _r16_rt_stack_bottom = ABSOLUTE(.) - RTDATA_BASE;
        . += RT_STACK_SIZE;
        _r16_rt_stack_top = ABSOLUTE(.) - RTDATA_BASE;
        _r16_rt32_stack_bottom = ABSOLUTE(.) - RTDATA_BASE;
        . += RT32_STACK_SIZE;
        _r16_rt32_stack_top = ABSOLUTE(.) - RTDATA_BASE;
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
#define REEF_PLACE_FIXED(off, tag, kind, sym, what) . = off; KEEP(*(.fixed.tag))
        REEF_FIXED_ENTRIES(REEF_PLACE_FIXED)
        . = 0x10000;
    }

    rtdata_chunk_start = RTDATA_BASE;
    rtdata_chunk_size = RTDATA_SIZE;

    /* Symbols that cross between the modes (see docs/mode-switching.md). */
    _r16_post_entry32 = post_entry32;
    asm_call16 = _r16_asm_call16 + FSEG_BASE;
    rtdata_bss_start = _r16_bss16_start + RTDATA_BASE;
    rtdata_bss_end = rt32_bss_end;
    rt_stack_bottom_flat = _r16_rt_stack_bottom + RTDATA_BASE;
    rt_stack_top_flat = _r16_rt_stack_top + RTDATA_BASE;
    rt32_stack_bottom_flat = _r16_rt32_stack_bottom + RTDATA_BASE;
    rt32_stack_top_flat = _r16_rt32_stack_top + RTDATA_BASE;
    fseg_pool_start = _r16_text16_end + FSEG_BASE;
    fseg_pool_end = _r16_fixed_start + FSEG_BASE;
    tmplow_start = ALIGN(initbss_end, 4096);

    ASSERT(rt32_text_end <= TEXT32_LIMIT, "layout: runtime 32-bit code overflows into the runtime data chunk")
    ASSERT(post_image_end <= POST_IMAGE_LIMIT, "layout: POST-only code and data overflow the image's first half")
    ASSERT(_r16_rt32_stack_top <= RTDATA_SIZE, "layout: runtime data + stacks exceed the runtime data chunk")
    ASSERT(_r16_text16_end <= FIXED_AREA_START, "layout: 16-bit code overflows into the fixed entry area")
    ASSERT(initbss_end <= INIT_DATA_LIMIT, "layout: POST data overflows its conventional-memory area")
    ASSERT(SIZEOF(.init_array) == 0, "layout: global constructors are not supported")

    .init_array : { *(.init_array .init_array.* .ctors .ctors.*) }
    /DISCARD/ : { *(.comment) *(.note .note.*) *(.eh_frame .eh_frame_hdr) *(.fini_array*) *(.dtors*) }
}
