/* SPDX-License-Identifier: LGPL-3.0-or-later
 * The memory layout of ReefBIOS: one source of truth for C++, assembly and the
 * linker script (which is run through cpp). docs/memory-layout.md explains it.
 * Only #defines here: this file is included from .S and .ld.S files too. */
#ifndef REEF_LAYOUT_H
#define REEF_LAYOUT_H

/* The image file: 256 KiB, mapped by QEMU at 4 GiB - 256 KiB (the high
 * alias). Its first half holds the POST-only code and data, which run in place
 * from the high alias and are never copied; linked with load addresses
 * 0xC0000-0xDFFFF so that one objcopy produces the whole file. */
#define IMAGE_SIZE        0x40000
#define IMAGE_HIGH_BASE   0xFFFC0000
#define POST_IMAGE_BASE   0xC0000
#define POST_IMAGE_LIMIT  0xE0000

/* Its second half, the runtime BIOS: QEMU also maps it at 0xE0000 (the low
 * alias, switched to shadow RAM by the PAM registers). */
#define ROM_SIZE          0x20000
#define ROM_BASE          0xE0000
#define ROM_HIGH_BASE     0xFFFE0000
/* high-alias address = load address + ROM_HIGH_DELTA, for both halves */
#define ROM_HIGH_DELTA    (ROM_HIGH_BASE - ROM_BASE)

/* E-segment, low 32 KiB: the runtime 32-bit code (read-only after POST). */
#define TEXT32_BASE       0xE0000
#define TEXT32_LIMIT      0xE8000

/* E-segment, top 32 KiB: the runtime data chunk, also the 16-bit runtime data
 * segment (DS = SS = RTDATA_SEG inside runtime services). Stays writable
 * after POST (it is e820-reserved with the rest of the BIOS area): 16-bit
 * and 32-bit runtime data, the runtime stacks, driver state. PAM granularity
 * in the E-segment is 16 KiB: two PAM chunks. */
#define RTDATA_BASE       0xE8000
#define RTDATA_SEG        0xE800
#define RTDATA_SIZE       0x8000
#define RT_STACK_SIZE     0xC00
/* The stack call32 gives 32-bit code called from a runtime service. */
#define RT32_STACK_SIZE   0x1000
/* The word at the bottom of each stack while CONFIG_STACK_CANARY is set. */
#define STACK_CANARY      0x57AC4B1D

/* F-segment: 16-bit code (CS = 0xF000), the fixed IBM entry points from
 * F000:E000 up, and the fseg allocation pool in between. */
#define FSEG_BASE         0xF0000
#define FSEG              0xF000
#define FIXED_AREA_START  0xE000

/* Conventional memory during POST. */
#define POST_STACK_TOP    0x7000
/* POST-only 32-bit data and bss. */
#define INIT_DATA_BASE    0x10000
#define INIT_DATA_LIMIT   0x60000
#define TMPLOW_BASE       0x60000
#define TMPLOW_LIMIT      0x90000
#define BOOT_SECTOR_ADDR  0x7C00

/* EBDA: 1 KiB just below 640 KiB, so INT 12h reports 639 KiB. */
#define EBDA_SIZE_KB      1
#define CONV_MEM_END      0xA0000

/* GDT selectors used by the call32/call16 trampolines (src/trampoline.S). */
#define SEL_CODE32        0x08
#define SEL_DATA32        0x10
#define SEL_CODE16        0x18   /* base FSEG_BASE, limit 64 KiB */
#define SEL_DATA16        0x20   /* base 0, limit 64 KiB (real-mode compatible) */

#endif
