// SPDX-License-Identifier: LGPL-3.0-or-later
// The framebuffer console of the bochs-display and ramfb ROMs (VGA_FB,
// vgasrc/vgaconf.h): the text modes drawn into a 720x400 32-bit framebuffer
// with 9x16 cells, the cells kept in a text buffer in conventional memory.
// docs/vga-bios.md, "Framebuffer console".
#pragma once
#include "lib/types.h"

namespace reef::vga {

// Init: finds bochs-display at `bdf` or else ramfb through fw_cfg, and the
// memory; false (logged) when there is neither.
bool fb_init(u16 bdf);
u16 fb_text_seg();                      // the text buffer (one page of 80x25 cells)
void fb_set_text(u8 cols, bool clear);  // 720x400, the cells `cols` across
void fb_draw(u8 cols, u8 row, u8 col, u16 cell);
// After the text buffer's window scrolled: the framebuffer follows.
void fb_scrolled(u8 cols, bool up, u8 lines, u8 top, u8 left, u8 bottom, u8 right);

}  // namespace reef::vga
