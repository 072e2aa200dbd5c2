// SPDX-License-Identifier: LGPL-3.0-or-later
// INT 10h: mode set (text modes 00h-03h, 07h; 320x200x256 mode 13h), cursor,
// pages, scrolling, characters, teletype, palette, fonts, alternate
// functions, display combination; VBE (AH=4Fh) in vgasrc/vbe.cc.
// docs/vga-bios.md has the table.
#include "lib/bda.h"
#include "vgasrc/fbcon.h"
#include "vgasrc/romlib.h"
#include "vgasrc/text.h"
#include "vgasrc/vgaconf.h"
#include "vgasrc/vgahw.h"
#include "vgasrc/vgarom.h"

namespace reef::vga {

namespace {

struct VgaRegs {
    u8 misc;
    u8 seq[4];   // 1-4
    u8 crtc[crtc::kCount];
    u8 attr[attr::kCount];
    u8 gc[9];
} PACKED;

enum RegSet : u8 { kRegs40x25, kRegs80x25, kRegsMono, kRegs320x200x256 };

// IBM VGA register values of the standard modes (720x400 / 360x400 text
// with 9x16 cells, 320x200 doubled to 640x400 for mode 13h).
ROMDATA const VgaRegs kRegs[] = {
    {0x67, {0x08, 0x03, 0x00, 0x02},
     {0x2D, 0x27, 0x28, 0x90, 0x2B, 0xA0, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00, 0x9C,
      0x8E, 0x8F, 0x14, 0x1F, 0x96, 0xB9, 0xA3, 0xFF},
     {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x0C,
      0x00, 0x0F, 0x08},
     {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF}},
    {0x67, {0x00, 0x03, 0x00, 0x02},
     {0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00, 0x9C,
      0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF},
     {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x0C,
      0x00, 0x0F, 0x08},
     {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF}},
    {0x66, {0x00, 0x03, 0x00, 0x02},
     {0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00, 0x9C,
      0x8E, 0x8F, 0x28, 0x0F, 0x96, 0xB9, 0xA3, 0xFF},
     {0x00, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x10, 0x18, 0x18, 0x18, 0x18, 0x18, 0x18, 0x18, 0x0E,
      0x00, 0x0F, 0x08},
     {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0A, 0x00, 0xFF}},
    {0x63, {0x01, 0x0F, 0x00, 0x0E},
     {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x9C,
      0x8E, 0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF},
     {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x41,
      0x00, 0x0F, 0x00},
     {0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF}},
};

struct LegacyMode {
    u8 mode;
    u8 regs;      // RegSet
    u8 cols, rows, char_height;
    u8 msr;       // BDA 65h: the CGA mode control value
    u16 seg;
    u16 pagesize;
} PACKED;

ROMDATA const LegacyMode kModes[] = {
    {0x00, kRegs40x25, 40, 25, 16, 0x2C, kSegColor, 0x0800},
    {0x01, kRegs40x25, 40, 25, 16, 0x28, kSegColor, 0x0800},
    {0x02, kRegs80x25, 80, 25, 16, 0x2D, kSegColor, 0x1000},
    {0x03, kRegs80x25, 80, 25, 16, 0x29, kSegColor, 0x1000},
    {0x07, kRegsMono, 80, 25, 16, 0x29, kSegMono, 0x1000},
    {0x13, kRegs320x200x256, 40, 25, 8, 0x09, kSegGraphics, 0x0000},
};

// Gray ramp of DAC entries 10h-1Fh in mode 13h.
ROMDATA const u8 kGrayRamp[16] = {0, 5, 8, 11, 14, 17, 20, 24, 28, 32, 36, 40, 45, 50, 56, 63};

constexpr u8 kModeNoClear = 0x80;
constexpr u8 kVideoCtlNoClear = 0x80, kVideoCtlNoCursorEmulation = 0x01;
constexpr u8 kModesetDefaultPaletteOff = 0x08;
constexpr u16 kEquipVideoMask = 0x30, kEquipColor80 = 0x20, kEquipMono = 0x30;
constexpr u8 kIntFont8Upper = 0x1F, kIntGraphicsFont = 0x43;

bool find_mode(u8 mode, LegacyMode* out) {
    for (unsigned i = 0; i < ARRAY_SIZE(kModes); i++) {
        if (rom_read(&kModes[i].mode) == mode) {
            rom_copy(out, &kModes[i], sizeof(*out));
            return true;
        }
    }
    return false;
}

void load_regs(const VgaRegs* romregs, u16 crtc_base) {
    VgaRegs r;
    rom_copy(&r, romregs, sizeof(r));
    seq_write(seq::kReset, seq::kResetSync);
    outb(r.misc, port::kMiscWrite);
    for (u8 i = 0; i < 4; i++) seq_write(u8(i + 1), r.seq[i]);
    seq_write(seq::kReset, seq::kResetRun);
    crtc_write(crtc_base, crtc::kVSyncEnd, u8(crtc_read(crtc_base, crtc::kVSyncEnd) & ~crtc::kProtect));
    for (u8 i = 0; i < crtc::kCount; i++) crtc_write(crtc_base, i, r.crtc[i]);
    inb(u16(crtc_base + 6));  // attribute flip-flop to index
    for (u8 i = 0; i < attr::kCount; i++) {
        outb(i, port::kAttrIndex);
        outb(r.attr[i], port::kAttrIndex);
    }
    outb(attr::kPaletteEnable, port::kAttrIndex);
    for (u8 i = 0; i < 9; i++) gc_write(i, r.gc[i]);
}

// One 6-bit DAC component of EGA colour i: `hi` the 2/3 bit, `lo` the 1/3 bit.
constexpr u8 ega_component(u8 i, u8 hi, u8 lo) { return u8(((i >> hi) & 1) * 0x2A + ((i >> lo) & 1) * 0x15); }

void dac_rgb(u8 r, u8 g, u8 b) {
    outb(r, port::kDacData);
    outb(g, port::kDacData);
    outb(b, port::kDacData);
}

void dac_ega(u8 i) { dac_rgb(ega_component(i, 2, 5), ega_component(i, 1, 4), ega_component(i, 0, 3)); }

// The 64 EGA colours as DAC red, green, blue: what text modes load, sent
// with one rep outsb.
struct EgaDac {
    u8 rgb[64 * 3];
};
constexpr EgaDac make_ega_dac() {
    EgaDac d{};
    for (u8 i = 0; i < 64; i++) {
        d.rgb[i * 3] = ega_component(i, 2, 5);
        d.rgb[i * 3 + 1] = ega_component(i, 1, 4);
        d.rgb[i * 3 + 2] = ega_component(i, 0, 3);
    }
    return d;
}
ROMDATA constinit const EgaDac kEgaDac = make_ega_dac();

void load_dac(u8 regset) {
    outb(0xFF, port::kPelMask);
    outb(0, port::kDacWriteIndex);
    if (regset == kRegsMono) {
        for (u8 i = 0; i < 64; i++) {
            u8 v = u8((i & 0x08 ? 0x2A : 0) + (i & 0x10 ? 0x15 : 0));
            dac_rgb(v, v, v);
        }
        return;
    }
    if (regset != kRegs320x200x256) {
        rom_outsb(port::kDacData, &kEgaDac, sizeof(kEgaDac));
        return;
    }
    // Mode 13h: the 16 CGA colours, a gray ramp, a 6x6x6 colour cube, black.
    for (u8 i = 0; i < 16; i++) dac_ega(u8(i < 8 ? (i == 6 ? 0x14 : i) : 0x30 + i));
    for (u8 i = 0; i < 16; i++) {
        u8 v = rom_read(&kGrayRamp[i]);
        dac_rgb(v, v, v);
    }
    for (u16 c = 0; c < 216; c++) dac_rgb(u8(c / 36 * 63 / 5), u8(c / 6 % 6 * 63 / 5), u8(c % 6 * 63 / 5));
    for (u8 i = 0; i < 8; i++) dac_rgb(0, 0, 0);
}

void set_font_vector(u8 vec, u16 seg, u16 off) {
    far_write<u16>(0, vec * 4u, off);
    far_write<u16>(0, vec * 4u + 2, seg);
}

}  // namespace

// ---- screen state -------------------------------------------------------

bool current_screen(Screen* s) {
    LegacyMode m;
    s->mode = BDA_GET(video_mode);
    if (!find_mode(s->mode, &m)) return false;
    s->seg = VGA_FB ? fb_text_seg() : m.seg;
    s->text = m.regs != kRegs320x200x256;
    s->cols = u8(BDA_GET(video_cols));
    s->rows = u8(BDA_GET(video_rows) + 1);
    s->char_height = u8(BDA_GET(char_height));
    s->pagesize = BDA_GET(video_pagesize);
    s->crtc = BDA_GET(crtc_address);
    s->page = BDA_GET(video_page);
    return true;
}

u16 cursor_get(u8 page) {
    return far_read<u16>(kBdaSeg, __builtin_offsetof(Bda, cursor_pos) + (page & 7) * 2u);
}

void cursor_set(const Screen& s, u8 page, u8 row, u8 col) {
    page &= 7;
    far_write<u16>(kBdaSeg, __builtin_offsetof(Bda, cursor_pos) + page * 2u, u16(row << 8 | col));
    if (page != s.page || !s.text || VGA_FB) return;  // the framebuffer console draws no cursor
    u16 pos = u16(BDA_GET(video_pagestart) / 2 + row * s.cols + col);
    crtc_write(s.crtc, crtc::kCursorHigh, u8(pos >> 8));
    crtc_write(s.crtc, crtc::kCursorLow, u8(pos));
}

// Plane 2 holds 32 bytes per character, whatever the font's height.
constexpr u16 kGlyphSlot = 32;

void load_font(u16 sseg, u16 soff, u8 height, u16 first, u16 count, u8 block) {
    if (VGA_FB) {
        VGA_LOG("vgafb: INT 10h AH=11h: the framebuffer console has only its own 8x16 font; not loaded");
        return;
    }
    if (height == 0 || height > kGlyphSlot) {
        VGA_LOG_HEX("vga: font with a character height beyond 32 lines; not loaded:", height);
        return;
    }
    bool mono = BDA_GET(crtc_address) == port::kCrtcMono;
    seq_write(seq::kMapMask, seq::kMapPlane2);
    seq_write(seq::kMemMode, seq::kMemSequentialExt);
    gc_write(gc::kReadMap, 2);
    gc_write(gc::kMode, 0x00);
    gc_write(gc::kMisc, gc::kMiscA000_64K);
    u16 base = u16(((block & 3) << 14) | ((block & 4) << 11));
    if (first < 256) {
        if (count > 256 - first) count = u16(256 - first);
        far_copy_strided(kSegGraphics, u16(base + first * kGlyphSlot), kGlyphSlot, sseg, soff, height, count);
    }
    seq_write(seq::kMapMask, 0x03);
    seq_write(seq::kMemMode, 0x02);
    gc_write(gc::kReadMap, 0);
    gc_write(gc::kMode, 0x10);
    gc_write(gc::kMisc, mono ? 0x0A : 0x0E);
}

const u8* rom_font(u8 height) {
    if (VGA_FB) return vga_font8x16;  // the framebuffer console's only font: the others are not linked in
    return height == 8 ? vga_font8x8 : height == 14 ? vga_font8x14 : vga_font8x16;
}

void load_default_dac() { load_dac(kRegs320x200x256); }

bool set_legacy_mode(u8 al) {
    LegacyMode m;
    u8 mode = al & 0x7F;
    bool text = find_mode(mode, &m) && m.regs != kRegs320x200x256;
    if (!text && (VGA_FB || !find_mode(mode, &m))) {
        VGA_LOG_HEX("vga: INT 10h AH=00h: video mode not supported; mode unchanged:", mode);
        return false;
    }
    u16 crtc_base = m.seg == kSegMono ? port::kCrtcMono : port::kCrtcColor;
    if (VGA_FB) {
        fb_set_text(m.cols, !(al & kModeNoClear));
    } else {
        vbe_disable();
        load_regs(&kRegs[m.regs], crtc_base);
        if (!(BDA_GET(modeset_ctl) & kModesetDefaultPaletteOff)) load_dac(m.regs);
        if (!(al & kModeNoClear)) {
            if (text) far_fill32(m.seg, 0, 0x07200720, 0x2000);
            else far_fill32(m.seg, 0, 0, 0x4000);
        }
    }
    BDA_SET(video_mode, mode);
    BDA_SET(video_cols, u16(m.cols));
    BDA_SET(video_pagesize, m.pagesize);
    BDA_SET(video_pagestart, u16(0));
    for (u8 p = 0; p < 8; p++) far_write<u16>(kBdaSeg, __builtin_offsetof(Bda, cursor_pos) + p * 2u, 0);
    BDA_SET(cursor_type, u16(0x0607));
    BDA_SET(video_page, u8(0));
    BDA_SET(crtc_address, crtc_base);
    BDA_SET(video_msr, m.msr);
    BDA_SET(video_pal, u8(0x30));
    BDA_SET(video_rows, u8(m.rows - 1));
    BDA_SET(char_height, u16(m.char_height));
    BDA_SET(video_ctl, u8(0x60 | (al & kModeNoClear ? kVideoCtlNoClear : 0)));
    BDA_SET(video_switches, u8(0xF9));
    BDA_SET(modeset_ctl, u8((BDA_GET(modeset_ctl) & kModesetDefaultPaletteOff) | 0x51));
    u16 equip = BDA_GET(equipment);
    BDA_SET(equipment, u16((equip & ~kEquipVideoMask) | (m.seg == kSegMono ? kEquipMono : kEquipColor80)));
    const u8* font = rom_font(m.char_height);
    if (text && !VGA_FB) load_font(rom_seg(), u16(u32(font)), m.char_height, 0, 256, 0);
    set_font_vector(kIntGraphicsFont, rom_seg(), u16(u32(font)));
    return true;
}

void set_cursor_shape(u16 cx) {
    BDA_SET(cursor_type, cx);
    u8 start = cx >> 8, end = cx & 0x1F;
    u8 h = u8(BDA_GET(char_height));
    if (!(BDA_GET(video_ctl) & kVideoCtlNoCursorEmulation) && h > 8 && !(start & crtc::kCursorOff) &&
        start < 8 && end < 8) {
        // CGA-style 8-line values, bottom lines kept at the bottom of the cell.
        if (start >= 4) start = u8(start + h - 9);
        if (end >= 4) end = u8(end + h - 9);
    }
    u16 base = BDA_GET(crtc_address);
    crtc_write(base, crtc::kCursorStart, start & 0x3F);
    crtc_write(base, crtc::kCursorEnd, end);
}

// ---- characters ---------------------------------------------------------

namespace {

u16 cell_offset(const Screen& s, u8 page, u8 row, u8 col) {
    return u16(page * s.pagesize + (row * s.cols + col) * 2);
}

// A glyph of the graphics font (INT 43h) at character cell (row, col) of mode 13h.
void draw_glyph(const Screen& s, u8 row, u8 col, u8 ch, u8 color) {
    u16 fseg = far_read<u16>(0, kIntGraphicsFont * 4u + 2), foff = far_read<u16>(0, kIntGraphicsFont * 4u);
    u8 h = s.char_height;
    u16 glyph = u16(foff + ch * h);
    u16 line = u16((row * h) * 320 + col * 8);
    for (u8 y = 0; y < h; y++, line = u16(line + 320)) {
        u8 bits = far_read<u8>(fseg, u16(glyph + y));
        for (u8 x = 0; x < 8; x++) {
            u16 px = u16(line + x);
            u8 on = (bits & (0x80 >> x)) ? (color & 0x7F) : 0;
            if (color & 0x80) far_write<u8>(kSegGraphics, px, u8(far_read<u8>(kSegGraphics, px) ^ on));
            else far_write<u8>(kSegGraphics, px, on);
        }
    }
}

}  // namespace

void put_cell(const Screen& s, u8 page, u8 row, u8 col, u8 ch, u8 attr_, bool with_attr) {
    if (!s.text) {
        draw_glyph(s, row, col, ch, attr_);
        return;
    }
    if (VGA_FB && page) return;  // the framebuffer console has one page
    u16 off = cell_offset(s, page, row, col);
    if (with_attr) far_write<u16>(s.seg, off, u16(attr_ << 8 | ch));
    else far_write<u8>(s.seg, off, ch);
    if (VGA_FB) fb_draw(s.cols, row, col, far_read<u16>(s.seg, off));
}

u16 get_cell(const Screen& s, u8 page, u8 row, u8 col) {
    if (!s.text) return 0;
    if (VGA_FB && page) return 0x0720;
    return far_read<u16>(s.seg, cell_offset(s, page, row, col));
}

void scroll(const Screen& s, bool up, u8 lines, u8 attr_, u8 top, u8 left, u8 bottom, u8 right) {
    if (bottom >= s.rows) bottom = u8(s.rows - 1);
    if (right >= s.cols) right = u8(s.cols - 1);
    if (top > bottom || left > right) return;
    u8 height = u8(bottom - top + 1), width = u8(right - left + 1);
    if (lines == 0 || lines > height) lines = height;
    u8 page = s.page;
    // One text row or one character row of scan lines (mode 13h) at a time.
    auto move_row = [&](u8 to, u8 from) {
        if (s.text) {
            far_move(s.seg, cell_offset(s, page, to, left), s.seg, cell_offset(s, page, from, left), u16(width * 2));
            return;
        }
        for (u8 y = 0; y < s.char_height; y++)
            far_move(s.seg, u16((to * s.char_height + y) * 320 + left * 8), s.seg,
                     u16((from * s.char_height + y) * 320 + left * 8), u16(width * 8));
    };
    auto blank_row = [&](u8 row) {
        if (s.text) {
            far_fill16(s.seg, cell_offset(s, page, row, left), u16(attr_ << 8 | ' '), width);
            return;
        }
        for (u8 y = 0; y < s.char_height; y++)
            far_fill16(s.seg, u16((row * s.char_height + y) * 320 + left * 8), u16(attr_ << 8 | attr_),
                       u16(width * 4));
    };
    if (VGA_FB && page) return;
    if (up) {
        for (u8 r = top; r + lines <= bottom; r++) move_row(r, u8(r + lines));
        for (u8 r = u8(bottom - lines + 1); r <= bottom && r >= top; r++) blank_row(r);
    } else {
        for (u8 r = bottom; r >= top + lines; r--) move_row(r, u8(r - lines));
        for (u8 r = top; r < top + lines; r++) blank_row(r);
    }
    if (VGA_FB) fb_scrolled(s.cols, up, lines, top, left, bottom, right);
}

void teletype(const Screen& s, u8 page, u8 ch, u8 attr_, bool with_attr) {
    u16 pos = cursor_get(page);
    u8 row = pos >> 8, col = pos & 0xFF;
    switch (ch) {
    case 7: break;  // bell: no speaker to drive
    case 8:
        if (col > 0) col--;
        break;
    case '\r': col = 0; break;
    case '\n': row++; break;
    default:
        put_cell(s, page, row, col, ch, attr_, with_attr);
        col++;
    }
    if (col >= s.cols) {
        col = 0;
        row++;
    }
    if (row >= s.rows) {
        row = u8(s.rows - 1);
        u8 fill = s.text ? u8(get_cell(s, page, row, col) >> 8) : 0;
        Screen on_page = s;
        on_page.page = page;
        scroll(on_page, true, 1, fill, 0, 0, u8(s.rows - 1), u8(s.cols - 1));
    }
    cursor_set(s, page, row, col);
}

}  // namespace reef::vga
