// SPDX-License-Identifier: LGPL-3.0-or-later
// ReefBIOS's own VGA ROMs inside the BIOS image (POST-only data), packed
// as RLZ1 (src/lib/lz.h): the framebuffer console ROM (vgasrc/, VGA_FB)
// for bochs-display and ramfb, and with CONFIG_VGA_PREFER_OURS the std VGA
// ROM; src/fw/optionrom.cc unpacks one to C0000h and runs it. Empty
// without CONFIG_VGA_BIOS. The Makefile passes the paths (VGA_FB_ROM,
// VGA_STD_ROM) and makes this object depend on the files.
#include "autoconf.h"
        .section .init.rodata.vgarom_embed, "a"
        .balign 4
        .globl vga_embedded_fb, vga_embedded_fb_end, vga_embedded_std, vga_embedded_std_end
vga_embedded_fb:
#if CONFIG_VGA_BIOS
        .incbin VGA_FB_ROM
#endif
vga_embedded_fb_end:
        .balign 4
vga_embedded_std:
#if CONFIG_VGA_BIOS && CONFIG_VGA_PREFER_OURS
        .incbin VGA_STD_ROM
#endif
vga_embedded_std_end:
