// SPDX-License-Identifier: LGPL-3.0-or-later
// The serial console at runtime (docs/serial-console.md): INT 10h calls
// that change the text screen are mirrored to the sercon UART as plain text
// and a few ANSI sequences (entry_sercon10 in src/entry16.S chains to the
// video BIOS afterwards); bytes received on it become INT 16h keys
// (sercon_poll, from INT 16h and the timer IRQ). Without a video BIOS this
// is INT 10h itself: it keeps the BDA's mode and cursor fields.
#include "hw/uart.h"
#include "lib/bda.h"
#include "lib/log.h"
#include "lib/rtvars.h"
#include "lib/sercon.h"
#include "svc/handlers.h"

using namespace reef;

namespace {

// INT 10h functions (AH).
namespace fn {
constexpr u8 kSetMode = 0x00, kCursorShape = 0x01, kSetCursor = 0x02, kGetCursor = 0x03, kSetPage = 0x05,
             kScrollUp = 0x06, kScrollDown = 0x07, kReadChar = 0x08, kWriteCharAttr = 0x09, kWriteChar = 0x0A,
             kTeletype = 0x0E, kGetMode = 0x0F, kWriteString = 0x13;
}
constexpr u8 kModeNoClear = 0x80;              // AL bit 7 of a mode set: keep the screen
constexpr u8 kStrUpdateCursor = 0x01, kStrAttrs = 0x02;  // AL of 13h
constexpr u16 kBlankCell = 0x0720;             // what 08h reads without a screen: space, grey on black
constexpr u8 kMaxPages = 8;
// LSR polls before a byte is sent anyway (a stuck UART must not hang us).
constexpr u32 kTxPolls = 100000;
// Bytes taken from the UART per poll (its FIFO is 16).
constexpr int kRxPerPoll = 16;

SerconState& st() { return g_sercon; }

void tx(char c) {
    u16 port = st().port;
    for (u32 i = 0; i < kTxPolls; i++)
        if (uart::Lsr::read(port) & uart::kLsrThrEmpty) break;
    uart::Thr::write(port, u8(c));
}

void send(SerconSeq& s) {
    for (u8 i = 0; i < s.n; i++) tx(s.b[i]);
    s.n = 0;
}

u16 bda_cursor(u8 page) { return far_read<u16>(kBdaSeg, __builtin_offsetof(Bda, cursor_pos) + 2u * (page & 7)); }
void set_bda_cursor(u8 page, u8 row, u8 col) {
    far_write<u16>(kBdaSeg, __builtin_offsetof(Bda, cursor_pos) + 2u * (page & 7), u16(row << 8 | col));
}
bool visible(u8 page) { return page == BDA_GET(video_page); }

// The terminal's cursor to where the screen's is on `page`.
void sync(u8 page, SerconSeq& out) {
    u16 pos = bda_cursor(page);
    sercon_goto(st().shadow, u8(pos >> 8), u8(pos), out);
}

// Without a video BIOS the terminal is the screen: its cursor is the BDA's.
void follow(u8 page) {
    if (st().alone) set_bda_cursor(page, st().shadow.row, st().shadow.col);
}

// `count` characters `ch` at (row, col), the cursor left where it was.
void write_chars(u8 row, u8 col, u8 ch, u16 count, SerconSeq& out) {
    SerconShadow& s = st().shadow;
    sercon_goto(s, row, col, out);
    send(out);
    char c = sercon_glyph(ch);
    u16 n = sercon_after_chars(s, count);
    for (u16 i = 0; i < n; i++) tx(c);
}

// The 09h/0Ah character held back, if any, to the terminal.
void flush_pending(SerconSeq& out) {
    SerconState& c = st();
    if (!c.pend) return;
    c.pend = 0;
    write_chars(c.pend_row, c.pend_col, c.pend_char, 1, out);
}

// 06h/07h: a cleared window or a whole-screen scroll up (lines at the
// bottom); other scrolls of part of the screen are not mirrored.
void scroll(Regs16* r, SerconSeq& out) {
    SerconShadow& s = st().shadow;
    u8 top = r->ch, left = r->cl, bottom = r->dh, right = r->dl;
    if (bottom >= kSerconRows) bottom = kSerconRows - 1;
    if (right >= kSerconCols) right = kSerconCols - 1;
    if (top > bottom || left > right) return;
    bool whole = top == 0 && left == 0 && bottom == kSerconRows - 1 && right == kSerconCols - 1;
    u8 lines = r->al;
    if (lines > bottom - top) lines = 0;  // as many lines as the window: cleared
    if (!lines && whole) {
        sercon_clear(s, out);
        send(out);
        return;
    }
    if (!lines) {
        for (u8 row = top; row <= bottom; row++) {
            sercon_goto(s, row, left, out);
            if (right == kSerconCols - 1) {
                sercon_erase_eol(out);
                send(out);
                continue;
            }
            send(out);
            u16 n = sercon_after_chars(s, u16(right - left + 1));
            for (u16 i = 0; i < n; i++) tx(' ');
        }
        return;
    }
    if (whole && r->ah == fn::kScrollUp) {
        sercon_goto(s, kSerconRows - 1, 0, out);
        send(out);
        for (u8 i = 0; i < lines; i++) tx('\n');
    }
}

void write_string(Regs16* r, SerconSeq& out) {
    if (!visible(r->bh)) return;
    SerconShadow& s = st().shadow;
    sercon_goto(s, r->dh, r->dl, out);
    send(out);
    u16 step = (r->al & kStrAttrs) ? 2 : 1;
    for (u16 i = 0; i < r->cx; i++) {
        sercon_tty(s, far_read<u8>(r->es, u16(r->bp + i * step)), out);
        send(out);
    }
    if (r->al & kStrUpdateCursor) follow(r->bh);
}

// What only the lone INT 10h answers (a video BIOS does after us).
void alone_only(Regs16* r) {
    switch (r->ah) {
    case fn::kCursorShape: BDA_SET(cursor_type, r->cx); break;
    case fn::kGetCursor:
        r->dx = bda_cursor(r->bh);
        r->cx = BDA_GET(cursor_type);
        break;
    case fn::kSetPage:
        if (r->al < kMaxPages) BDA_SET(video_page, r->al);
        break;
    case fn::kReadChar: r->ax = kBlankCell; break;
    case fn::kGetMode:
        r->al = BDA_GET(video_mode);
        r->ah = u8(BDA_GET(video_cols));
        r->bh = BDA_GET(video_page);
        break;
    default: break;
    }
}

}  // namespace

HANDLER(handle_sercon10) {
    if (!CONFIG_SERCON || !st().port) return;
    SerconSeq out{};
    SerconShadow& s = st().shadow;
    if (r->ah != fn::kTeletype) flush_pending(out);
    switch (r->ah) {
    case fn::kSetMode:
        if (!(r->al & kModeNoClear)) {
            sercon_clear(s, out);
            send(out);
        }
        if (st().alone) {
            BDA_SET(video_mode, u8(r->al & ~kModeNoClear));
            for (u8 p = 0; p < kMaxPages; p++) set_bda_cursor(p, 0, 0);
            BDA_SET(video_page, u8(0));
        }
        break;
    case fn::kSetCursor:
        if (st().alone) set_bda_cursor(r->bh, r->dh, r->dl);
        if (visible(r->bh)) {
            sercon_goto(s, r->dh, r->dl, out);
            send(out);
        }
        break;
    case fn::kSetPage:
        s.known = 0;  // another page's text: not on the terminal
        break;
    case fn::kScrollUp:
    case fn::kScrollDown: scroll(r, out); break;
    case fn::kWriteCharAttr:
    case fn::kWriteChar: {
        if (!visible(r->bh)) break;
        u16 pos = bda_cursor(r->bh);
        if (r->cx == 1) {
            st().pend = 1;
            st().pend_char = r->al;
            st().pend_row = u8(pos >> 8);
            st().pend_col = u8(pos);
            break;
        }
        write_chars(u8(pos >> 8), u8(pos), r->al, r->cx, out);
        break;
    }
    case fn::kTeletype: {
        u8 page = BDA_GET(video_page);
        u16 pos = bda_cursor(page);
        if (st().pend && st().pend_char == r->al && st().pend_row == u8(pos >> 8) && st().pend_col == u8(pos))
            st().pend = 0;  // the same character at the same place: sent once, below
        flush_pending(out);
        sync(page, out);
        sercon_tty(s, r->al, out);
        send(out);
        follow(page);
        break;
    }
    case fn::kWriteString: write_string(r, out); break;
    default: break;
    }
    if (st().alone) alone_only(r);
}

namespace reef {

void sercon_poll(bool flush) {
    if (!CONFIG_SERCON) return;
    SerconState& c = st();
    if (!c.port) return;
    if (flush) {
        SerconSeq out{};
        flush_pending(out);
    }
    // A guest in the middle of programming the UART has the divisor latch
    // where the receive buffer is: not now.
    if (uart::Lcr::read(c.port) & uart::kLcrDlab) return;
    u32 now = BDA_GET(timer_counter);
    u16 keys[kSerconMaxKeys];
    for (int i = 0; i < kRxPerPoll; i++) {
        u8 lsr = uart::Lsr::read(c.port);
        if (lsr == uart::kLsrAbsent || !(lsr & uart::kLsrDataReady)) break;
        int n = sercon_key_feed(c.keys, uart::Rbr::read(c.port), now, keys);
        for (int k = 0; k < n; k++)
            if (!kbd_store_key(keys[k])) dlog(3, "sercon: keyboard buffer full, key 0x%x dropped\n", keys[k]);
    }
    if (sercon_key_timeout(c.keys, now, keys) && !kbd_store_key(keys[0]))
        dlog(3, "sercon: keyboard buffer full, ESC dropped\n");
}

}  // namespace reef
