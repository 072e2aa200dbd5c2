// SPDX-License-Identifier: LGPL-3.0-or-later
// The INT 10h dispatcher (docs/vga-bios.md lists every function).
#include "lib/bda.h"
#include "vgasrc/romlib.h"
#include "vgasrc/text.h"
#include "vgasrc/vgaconf.h"
#include "vgasrc/vgahw.h"
#include "vgasrc/vgarom.h"

namespace reef::vga {

namespace {

constexpr u8 kIntFont8Upper = 0x1F, kIntGraphicsFont = 0x43;
constexpr u8 kDccVgaColor = 0x08, kDccVgaMono = 0x07;
constexpr u8 kFunctionOk = 0x12;      // AL of a supported AH=12h function
constexpr u8 kDccFunction = 0x1A;     // AL of a supported AH=1Ah function
constexpr u8 kAttrBlink = 0x08;       // attribute mode control: blink instead of intensity

u16 status1_port() { return u16(BDA_GET(crtc_address) + 6); }

void attr_write(u8 index, u8 v) {
    inb(status1_port());
    outb(index, port::kAttrIndex);
    outb(v, port::kAttrIndex);
    outb(attr::kPaletteEnable, port::kAttrIndex);
}

u8 attr_read(u8 index) {
    inb(status1_port());
    outb(index, port::kAttrIndex);
    u8 v = inb(port::kAttrRead);
    inb(status1_port());
    outb(attr::kPaletteEnable, port::kAttrIndex);
    return v;
}

void palette(Regs16* r) {
    switch (r->al) {
    case 0x00: attr_write(r->bl & 0x0F, r->bh); break;
    case 0x01: attr_write(attr::kOverscan, r->bh); break;
    case 0x02:
        for (u8 i = 0; i < 16; i++) attr_write(i, far_read<u8>(r->es, u16(r->dx + i)));
        attr_write(attr::kOverscan, far_read<u8>(r->es, u16(r->dx + 16)));
        break;
    case 0x03: {
        u8 mc = attr_read(attr::kModeControl);
        attr_write(attr::kModeControl, u8(r->bl ? mc | kAttrBlink : mc & ~kAttrBlink));
        break;
    }
    case 0x07: r->bh = attr_read(r->bl & 0x1F); break;
    case 0x08: r->bh = attr_read(attr::kOverscan); break;
    case 0x09:
        for (u8 i = 0; i < 16; i++) far_write<u8>(r->es, u16(r->dx + i), attr_read(i));
        far_write<u8>(r->es, u16(r->dx + 16), attr_read(attr::kOverscan));
        break;
    case 0x10:
        outb(r->bl, port::kDacWriteIndex);
        outb(r->dh, port::kDacData);
        outb(r->ch, port::kDacData);
        outb(r->cl, port::kDacData);
        break;
    case 0x12:
        outb(r->bl, port::kDacWriteIndex);
        for (u16 i = 0; i < r->cx * 3u && i < 768; i++) outb(far_read<u8>(r->es, u16(r->dx + i)), port::kDacData);
        break;
    case 0x15:
        outb(r->bl, port::kDacReadIndex);
        r->dh = inb(port::kDacData);
        r->ch = inb(port::kDacData);
        r->cl = inb(port::kDacData);
        break;
    case 0x17:
        outb(r->bl, port::kDacReadIndex);
        for (u16 i = 0; i < r->cx * 3u && i < 768; i++) far_write<u8>(r->es, u16(r->dx + i), inb(port::kDacData));
        break;
    case 0x18: outb(r->bl, port::kPelMask); break;
    case 0x19: r->bl = inb(port::kPelMask); break;
    case 0x1A: r->bx = 0; break;  // paging mode 0, page 0
    default: VGA_LOG_HEX("vga: INT 10h AH=10h: subfunction not supported:", r->al);
    }
}

// Text-mode font reload with new character height (AL=1xh): rows and cursor follow.
void set_char_height(u8 h) {
    u16 base = BDA_GET(crtc_address);
    crtc_write(base, crtc::kMaxScanLine, u8((crtc_read(base, crtc::kMaxScanLine) & 0xE0) | (h - 1)));
    crtc_write(base, crtc::kCursorStart, u8(h - 3));
    crtc_write(base, crtc::kCursorEnd, u8(h - 2));
    u8 rows = u8(400 / h);
    BDA_SET(video_rows, u8(rows - 1));
    BDA_SET(char_height, u16(h));
    u16 cols = BDA_GET(video_cols);
    BDA_SET(video_pagesize, u16(((rows * cols * 2) + 0xFF) & ~0xFF));
}

void fonts(Regs16* r) {
    u8 fn = r->al;
    switch (fn) {
    case 0x00:
    case 0x10:
        load_font(r->es, r->bp, r->bh, r->dx, r->cx, r->bl);
        if (fn == 0x10) set_char_height(r->bh);
        break;
    case 0x01: case 0x02: case 0x04:
    case 0x11: case 0x12: case 0x14: {
        u8 h = (fn & 0x0F) == 1 ? 14 : (fn & 0x0F) == 2 ? 8 : 16;
        load_font(rom_seg(), u16(u32(rom_font(h))), h, 0, 256, r->bl);
        if (fn & 0x10) set_char_height(h);
        break;
    }
    case 0x03: seq_write(seq::kCharMap, r->bl); break;
    case 0x20:
        far_write<u16>(0, kIntFont8Upper * 4u, r->bp);
        far_write<u16>(0, kIntFont8Upper * 4u + 2, r->es);
        break;
    case 0x21: case 0x22: case 0x23: case 0x24: {
        u16 seg = r->es, off = r->bp;
        u8 h = u8(r->cx);
        if (fn != 0x21) {
            h = fn == 0x22 ? 14 : fn == 0x23 ? 8 : 16;
            seg = rom_seg();
            off = u16(u32(rom_font(h)));
        }
        far_write<u16>(0, kIntGraphicsFont * 4u, off);
        far_write<u16>(0, kIntGraphicsFont * 4u + 2, seg);
        BDA_SET(char_height, u16(h));
        u8 rows = r->bl == 1 ? 14 : r->bl == 2 ? 25 : r->bl == 3 ? 43 : u8(r->dl);
        if (rows) BDA_SET(video_rows, u8(rows - 1));
        break;
    }
    case 0x30: {
        u16 seg = rom_seg(), off;
        switch (r->bh) {
        case 0x00:
            seg = far_read<u16>(0, kIntFont8Upper * 4u + 2);
            off = far_read<u16>(0, kIntFont8Upper * 4u);
            break;
        case 0x01:
            seg = far_read<u16>(0, kIntGraphicsFont * 4u + 2);
            off = far_read<u16>(0, kIntGraphicsFont * 4u);
            break;
        case 0x02: case 0x05: off = u16(u32(rom_font(14))); break;
        case 0x04: off = u16(u32(rom_font(8) + 128 * 8)); break;
        case 0x06: case 0x07: off = u16(u32(vga_font8x16)); break;
        default: off = u16(u32(rom_font(8))); break;
        }
        r->es = seg;
        r->bp = off;
        r->cx = BDA_GET(char_height);
        r->dl = BDA_GET(video_rows);
        break;
    }
    default: VGA_LOG_HEX("vga: INT 10h AH=11h: subfunction not supported:", fn);
    }
}

void alternate(Regs16* r) {
    switch (r->bl) {
    case 0x10:
        r->bh = BDA_GET(crtc_address) == port::kCrtcMono ? 1 : 0;
        r->bl = 3;  // 256 KiB
        r->ch = 0;
        r->cl = BDA_GET(video_switches) & 0x0F;
        break;
    case 0x20: r->al = kFunctionOk; break;  // alternate print screen: nothing to install
    case 0x30: case 0x32: case 0x33: r->al = kFunctionOk; break;
    case 0x31: {
        u8 m = BDA_GET(modeset_ctl);
        BDA_SET(modeset_ctl, u8(r->al ? m | 0x08 : m & ~0x08));
        r->al = kFunctionOk;
        break;
    }
    case 0x34: {
        u8 c = BDA_GET(video_ctl);
        BDA_SET(video_ctl, u8(r->al ? c | 0x01 : c & ~0x01));
        r->al = kFunctionOk;
        break;
    }
    case 0x36: {
        u8 clk = seq_read(seq::kClocking);
        seq_write(seq::kClocking, u8(r->al ? clk | seq::kClockScreenOff : clk & ~seq::kClockScreenOff));
        r->al = kFunctionOk;
        break;
    }
    default: VGA_LOG_HEX("vga: INT 10h AH=12h: subfunction not supported:", r->bl);
    }
}

// AH=1Bh: the static functionality table (IBM PS/2 and VGA technical
// references) and the 64-byte dynamic state at ES:DI.
namespace state {
// Modes 00h-07h (bits 0-7 of byte 0), 08h-0Fh, 10h-17h we set.
constexpr u8 kModes0 = 0x8F, kModes1 = 0x00, kModes2 = VGA_FB ? 0x00 : 0x08;  // 00h-03h, 07h; 13h
constexpr u8 kScanLines400 = 0x04;   // byte 07h: 400 scan lines (every mode of ours)
constexpr u8 kMiscFonts = 0x04, kMiscDefaultPalette = 0x08, kMiscCursorEmulation = 0x10, kMiscEgaPalette = 0x20,
             kMiscColorRegisters = 0x40;
constexpr u8 kMisc2SaveState = 0x02, kMisc2Blink = 0x04, kMisc2Dcc = 0x08;
}  // namespace state
ROMDATA const u8 kStaticFunctionality[16] = {
    state::kModes0, state::kModes1, state::kModes2, 0, 0, 0, 0, state::kScanLines400,
    VGA_FB ? 1 : 8, VGA_FB ? 1 : 2,  // character blocks in text modes, active at once
    state::kMiscDefaultPalette | state::kMiscCursorEmulation | state::kMiscEgaPalette | state::kMiscColorRegisters |
        (VGA_FB ? 0 : state::kMiscFonts),
    u8((VGA_FB ? 0 : state::kMisc2SaveState) | state::kMisc2Blink | state::kMisc2Dcc), 0, 0, 0, 0};

void functionality(Regs16* r) {
    if (r->bx != 0) {
        VGA_LOG_HEX("vga: INT 10h AH=1Bh: implementation type not 0, BX =", r->bx);
        return;
    }
    u16 seg = r->es, off = r->di;
    far_fill16(seg, off, 0, 32);
    far_write<u16>(seg, off, u16(u32(kStaticFunctionality)));
    far_write<u16>(seg, u16(off + 2), rom_seg());
    far_move(seg, u16(off + 0x04), kBdaSeg, 0x49, 0x1E);  // BDA 49h-66h: mode to CGA palette
    Screen s;
    bool legacy = current_screen(&s);
    far_write<u8>(seg, u16(off + 0x22), u8(BDA_GET(video_rows) + 1));
    far_write<u16>(seg, u16(off + 0x23), BDA_GET(char_height));
    bool mono = BDA_GET(crtc_address) == port::kCrtcMono;
    far_write<u8>(seg, u16(off + 0x25), mono ? kDccVgaMono : kDccVgaColor);
    u16 colours = !legacy ? 0 : !s.text ? 256 : mono ? 0 : 16;
    far_write<u16>(seg, u16(off + 0x27), colours);
    far_write<u8>(seg, u16(off + 0x29), u8(!legacy ? 1 : s.text && !VGA_FB ? 8 : 1));
    far_write<u8>(seg, u16(off + 0x2A), 2);  // 400 scan lines
    u8 charmap = VGA_FB ? 0 : seq_read(seq::kCharMap);
    far_write<u8>(seg, u16(off + 0x2B), u8((charmap >> 2 & 3) | (charmap >> 3 & 4)));  // map A: attribute bit 3 set
    far_write<u8>(seg, u16(off + 0x2C), u8((charmap & 3) | (charmap >> 2 & 4)));       // map B
    u8 flags = u8((BDA_GET(modeset_ctl) & 0x08) | (mono ? 0x04 : 0) |
                  (BDA_GET(video_ctl) & 0x01 ? 0 : 0x10)  /* AH=12h BL=34h: emulation off */ | (BDA_GET(video_msr) & 0x20));
    far_write<u8>(seg, u16(off + 0x2D), flags);
    far_write<u8>(seg, u16(off + 0x31), 3);  // 256 KiB
    r->al = 0x1B;
}

void write_string(const Screen& s, Regs16* r) {
    u8 page = r->bh & 7;
    u16 saved = cursor_get(page);
    cursor_set(s, page, r->dh, r->dl);
    bool attrs = r->al & 2;
    u16 off = r->bp;
    for (u16 i = 0; i < r->cx; i++) {
        u8 ch = far_read<u8>(r->es, off++);
        u8 a = r->bl;
        if (attrs) a = far_read<u8>(r->es, off++);
        teletype(s, page, ch, a, true);
    }
    if (!(r->al & 1)) cursor_set(s, page, u8(saved >> 8), u8(saved));
}

}  // namespace

void int10_dispatch(Regs16* r) {
    u8 fn = r->ah;
    if (fn == 0x00) {
        set_legacy_mode(r->al);
        u8 m = BDA_GET(video_mode);
        r->al = m == 0x06 ? 0x3F : m <= 0x07 ? 0x30 : 0x20;  // what IBM's BIOS leaves in AL
        return;
    }
    if (fn == 0x4F) {
        vbe_dispatch(r);
        return;
    }
    if (fn == 0x1A) {
        if (r->al == 0x00) {
            r->bx = BDA_GET(crtc_address) == port::kCrtcMono ? kDccVgaMono : kDccVgaColor;
            r->al = kDccFunction;
        } else if (r->al == 0x01) {
            r->al = kDccFunction;
        }
        return;
    }
    if (fn == 0x1B) return functionality(r);
    if (fn == 0x1C) {
        if (VGA_FB) return;  // no VGA registers to save
        return video_state(r);
    }
    if (fn == 0x10) return palette(r);
    if (fn == 0x11) return fonts(r);
    if (fn == 0x12) return alternate(r);
    if (fn == 0x01) return set_cursor_shape(r->cx);
    Screen s;
    if (!current_screen(&s)) {
        if (fn == 0x0F) {
            r->al = BDA_GET(video_mode);
            r->ah = u8(BDA_GET(video_cols));
            r->bh = BDA_GET(video_page);
        }
        return;  // a VBE mode: no BIOS text output
    }
    switch (fn) {
    case 0x02: cursor_set(s, r->bh, r->dh, r->dl); break;
    case 0x03:
        r->dx = cursor_get(r->bh);
        r->cx = BDA_GET(cursor_type);
        break;
    case 0x04: r->ah = 0; break;  // no light pen
    case 0x05: {
        u8 pages = s.text && !VGA_FB ? 8 : 1;
        if (r->al >= pages) {
            VGA_LOG_HEX("vga: INT 10h AH=05h: no such page:", r->al);
            break;
        }
        BDA_SET(video_page, r->al);
        u16 start = u16(r->al * s.pagesize);
        BDA_SET(video_pagestart, start);
        crtc_write(s.crtc, crtc::kStartHigh, u8((start / 2) >> 8));
        crtc_write(s.crtc, crtc::kStartLow, u8(start / 2));
        s.page = r->al;
        u16 pos = cursor_get(s.page);
        cursor_set(s, s.page, u8(pos >> 8), u8(pos));
        break;
    }
    case 0x06:
    case 0x07: scroll(s, fn == 0x06, r->al, r->bh, r->ch, r->cl, r->dh, r->dl); break;
    case 0x08: r->ax = get_cell(s, r->bh & 7, u8(cursor_get(r->bh) >> 8), u8(cursor_get(r->bh))); break;
    case 0x09:
    case 0x0A: {
        u8 page = r->bh & 7;
        u16 pos = cursor_get(page);
        u8 row = pos >> 8, col = pos & 0xFF;
        for (u16 i = 0; i < r->cx && row < s.rows; i++) {
            put_cell(s, page, row, col, r->al, r->bl, fn == 0x09 || !s.text);
            if (++col >= s.cols) col = 0, row++;
        }
        break;
    }
    case 0x0B: break;  // CGA palette: no CGA graphics modes
    case 0x0C:
        if (!s.text && r->cx < 320 && r->dx < 200) {
            u16 px = u16(r->dx * 320 + r->cx);
            u8 v = r->al & 0x80 ? u8(far_read<u8>(s.seg, px) ^ (r->al & 0x7F)) : r->al;
            far_write<u8>(s.seg, px, v);
        }
        break;
    case 0x0D: r->al = !s.text && r->cx < 320 && r->dx < 200 ? far_read<u8>(s.seg, u16(r->dx * 320 + r->cx)) : 0; break;
    case 0x0E: teletype(s, s.page, r->al, r->bl, !s.text); break;
    case 0x0F:
        r->al = u8(s.mode | (BDA_GET(video_ctl) & 0x80));
        r->ah = s.cols;
        r->bh = s.page;
        break;
    case 0x13: write_string(s, r); break;
    default: VGA_LOG_HEX("vga: INT 10h: function not supported, AH =", fn);
    }
}

}  // namespace reef::vga

extern "C" void vga_int10(reef::Regs16* r) { reef::vga::int10_dispatch(r); }
