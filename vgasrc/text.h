// SPDX-License-Identifier: LGPL-3.0-or-later
// The legacy VGA modes and the character console on them (vgasrc/int10.cc).
#pragma once
#include "lib/types.h"

namespace reef::vga {

// The current legacy mode as the BDA describes it.
struct Screen {
    u8 mode;
    bool text;
    u8 cols, rows, char_height;
    u8 page;       // active page
    u16 seg;       // video memory
    u16 pagesize;  // bytes
    u16 crtc;      // CRTC index port
};

// BDA 49h while a VBE mode is set: no legacy mode, no BIOS text output.
constexpr u8 kBdaVbeMode = 0xFF;

bool current_screen(Screen* s);  // false: not a legacy mode we set
bool set_legacy_mode(u8 al);     // AL as for INT 10h AH=00h
void set_cursor_shape(u16 cx);
u16 cursor_get(u8 page);
void cursor_set(const Screen& s, u8 page, u8 row, u8 col);
void put_cell(const Screen& s, u8 page, u8 row, u8 col, u8 ch, u8 attr, bool with_attr);
u16 get_cell(const Screen& s, u8 page, u8 row, u8 col);
void scroll(const Screen& s, bool up, u8 lines, u8 attr, u8 top, u8 left, u8 bottom, u8 right);
void teletype(const Screen& s, u8 page, u8 ch, u8 attr, bool with_attr);
// Loads `count` glyphs of `height` bytes from sseg:soff into character
// map block `block` from character `first` on.
void load_font(u16 sseg, u16 soff, u8 height, u16 first, u16 count, u8 block);
const u8* rom_font(u8 height);  // 8, 14 or 16
void load_default_dac();        // the 256-colour palette of mode 13h

}  // namespace reef::vga
