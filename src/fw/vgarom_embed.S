// SPDX-License-Identifier: LGPL-3.0-or-later
// ReefBIOS's own VGA ROM inside the BIOS image (POST-only data): the
// framebuffer console ROM (vgasrc/, VGA_FB) for bochs-display and ramfb,
// which src/fw/optionrom.cc copies to C0000h and runs. Empty without
// CONFIG_VGA_BIOS. The Makefile passes the ROM's path (VGA_FB_ROM) and
// makes this object depend on it.
#include "autoconf.h"
        .section .init.rodata.vgarom_embed, "a"
        .balign 16
        .globl vga_embedded_fb, vga_embedded_fb_end
vga_embedded_fb:
#if CONFIG_VGA_BIOS
        .incbin VGA_FB_ROM
#endif
vga_embedded_fb_end:
