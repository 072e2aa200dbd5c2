// SPDX-License-Identifier: LGPL-3.0-or-later
// The serial console's pure logic (src/lib/sercon.cc): etc/sercon-port's
// forms, the cursor moves and teletype bytes sent to the terminal, serial
// bytes and escape sequences to key codes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lib/sercon.h"

using namespace reef;

namespace {

SerconPortStatus parse(const std::string& data, u16* port) {
    return sercon_parse_port(reinterpret_cast<const u8*>(data.data()), s32(data.size()), port);
}

std::string str(const SerconSeq& s) { return std::string(s.b, s.n); }

std::string go(SerconShadow& s, u8 row, u8 col) {
    SerconSeq out{};
    sercon_goto(s, row, col, out);
    return str(out);
}

std::string tty(SerconShadow& s, const std::string& text) {
    std::string all;
    for (char c : text) {
        SerconSeq out{};
        sercon_tty(s, u8(c), out);
        all += str(out);
    }
    return all;
}

// Feeds `bytes` at tick `now`; the keys that came out.
std::vector<u16> feed(SerconKeyState& k, const std::string& bytes, u32 now = 100) {
    std::vector<u16> got;
    for (char c : bytes) {
        u16 keys[kSerconMaxKeys];
        int n = sercon_key_feed(k, u8(c), now, keys);
        EXPECT_LE(n, kSerconMaxKeys);
        got.insert(got.end(), keys, keys + n);
    }
    return got;
}

std::vector<u16> timeout(SerconKeyState& k, u32 now) {
    u16 keys[kSerconMaxKeys];
    int n = sercon_key_timeout(k, now, keys);
    return std::vector<u16>(keys, keys + n);
}

}  // namespace

TEST(SerconPort, Binary) {
    u16 port = 1;
    EXPECT_EQ(parse(std::string("\xf8\x03", 2), &port), SerconPortStatus::kOk);
    EXPECT_EQ(port, 0x3F8);
    EXPECT_EQ(parse(std::string("\xf8\x02\x00\x00", 4), &port), SerconPortStatus::kOk);
    EXPECT_EQ(port, 0x2F8);
    EXPECT_EQ(parse(std::string("\xe8\x03\0\0\0\0\0\0", 8), &port), SerconPortStatus::kOk);
    EXPECT_EQ(port, 0x3E8);
    EXPECT_EQ(parse(std::string("\x00", 1), &port), SerconPortStatus::kOk);
    EXPECT_EQ(port, 0);  // off
    EXPECT_EQ(parse(std::string("\x00\x00", 2), &port), SerconPortStatus::kOk);
    EXPECT_EQ(port, 0);
}

TEST(SerconPort, Text) {
    u16 port = 0;
    EXPECT_EQ(parse("0x3f8", &port), SerconPortStatus::kOk);
    EXPECT_EQ(port, 0x3F8);
    EXPECT_EQ(parse("0X2F8\n", &port), SerconPortStatus::kOk);
    EXPECT_EQ(port, 0x2F8);
    EXPECT_EQ(parse(std::string("1016\0", 5), &port), SerconPortStatus::kOk);
    EXPECT_EQ(port, 1016);
    // Four digits are text, not a 4-byte integer (which would be 0x36313031).
    EXPECT_EQ(parse("1016", &port), SerconPortStatus::kOk);
    EXPECT_EQ(port, 1016);
    EXPECT_EQ(parse("0", &port), SerconPortStatus::kOk);
    EXPECT_EQ(port, 0);
    EXPECT_EQ(parse("65535", &port), SerconPortStatus::kOk);
    EXPECT_EQ(port, 0xFFFF);
}

TEST(SerconPort, Bad) {
    u16 port = 7;
    EXPECT_EQ(parse(std::string("\x10\x27\x00", 3), &port), SerconPortStatus::kBadSize);
    EXPECT_EQ(parse("zzz", &port), SerconPortStatus::kBadSize);
    EXPECT_EQ(parse("0x3fz", &port), SerconPortStatus::kBadSize);
    EXPECT_EQ(parse("3f8", &port), SerconPortStatus::kBadText);  // hex without 0x
    EXPECT_EQ(parse("0x", &port), SerconPortStatus::kBadText);
    EXPECT_EQ(parse("x3f8", &port), SerconPortStatus::kBadText);
    EXPECT_EQ(parse("0x0x3", &port), SerconPortStatus::kBadText);
    EXPECT_EQ(parse("65536", &port), SerconPortStatus::kTooLarge);
    EXPECT_EQ(parse("0xfffff", &port), SerconPortStatus::kTooLarge);
    EXPECT_EQ(parse("99999999999999999999999", &port), SerconPortStatus::kTooLarge);
    EXPECT_EQ(parse(std::string("\xf8\x03\x01\x00", 4), &port), SerconPortStatus::kTooLarge);
    EXPECT_EQ(parse(std::string("\xf8\x03\0\0\0\0\0\x80", 8), &port), SerconPortStatus::kTooLarge);
    EXPECT_EQ(parse("", &port), SerconPortStatus::kBadSize);
    EXPECT_EQ(sercon_parse_port(nullptr, -1, &port), SerconPortStatus::kBadSize);
    EXPECT_EQ(parse(std::string("\0\0\0", 3), &port), SerconPortStatus::kBadSize);
    EXPECT_EQ(port, 7);  // untouched on failure
    for (SerconPortStatus s : {SerconPortStatus::kOk, SerconPortStatus::kBadSize, SerconPortStatus::kBadText,
                               SerconPortStatus::kTooLarge})
        EXPECT_STRNE(sercon_port_status_text(s), "?");
}

TEST(SerconScreen, MovesOnlyWhenNeeded) {
    SerconShadow s{3, 10, 1};
    EXPECT_EQ(go(s, 3, 10), "");
    EXPECT_EQ(go(s, 3, 0), "\r");
    EXPECT_EQ(go(s, 4, 0), "\r\n");
    EXPECT_EQ(go(s, 4, 5), "\x1b[5;6H");
    EXPECT_EQ(go(s, 0, 0), "\x1b[1;1H");
    EXPECT_EQ(go(s, 24, 79), "\x1b[25;80H");
    EXPECT_EQ(s.row, 24);
    EXPECT_EQ(s.col, 79);
    // Past the screen: clamped.
    EXPECT_EQ(go(s, 200, 200), "");
    // Unknown: always absolute, then known.
    s.known = 0;
    EXPECT_EQ(go(s, 24, 79), "\x1b[25;80H");
    EXPECT_EQ(s.known, 1);
    s.known = 0;
    EXPECT_EQ(go(s, 24, 0), "\x1b[25;1H");
}

TEST(SerconScreen, TeletypeIsPlainText) {
    SerconShadow s{0, 0, 1};
    EXPECT_EQ(tty(s, "Hello\r\n"), "Hello\r\n");
    EXPECT_EQ(s.row, 1);
    EXPECT_EQ(s.col, 0);
    // After that, the cursor the screen has is where the terminal is.
    EXPECT_EQ(go(s, 1, 0), "");
    // Backspace stops at column 0; BEL prints nothing.
    EXPECT_EQ(tty(s, "ab\b\b\b\a"), "ab\b\b");
    EXPECT_EQ(s.col, 0);
    // LF on the last row scrolls: the row stays.
    s = SerconShadow{24, 3, 1};
    EXPECT_EQ(tty(s, "\n"), "\n");
    EXPECT_EQ(s.row, 24);
}

TEST(SerconScreen, LastColumnWrapsLikeTheScreen) {
    SerconShadow s{5, 78, 1};
    EXPECT_EQ(tty(s, "xy"), "xy\r\n");
    EXPECT_EQ(s.row, 6);
    EXPECT_EQ(s.col, 0);
    s = SerconShadow{24, 79, 1};
    EXPECT_EQ(tty(s, "z"), "z\r\n");
    EXPECT_EQ(s.row, 24);
}

TEST(SerconScreen, CharsWithoutCursorMove) {
    SerconShadow s{2, 10, 1};
    EXPECT_EQ(sercon_after_chars(s, 3), 3);
    EXPECT_EQ(s.col, 13);
    EXPECT_EQ(s.known, 1);
    // Not past the last column; the terminal's cursor is then unknown.
    EXPECT_EQ(sercon_after_chars(s, 1000), 80 - 13);
    EXPECT_EQ(s.known, 0);
    EXPECT_EQ(go(s, 2, 79), "\x1b[3;80H");
}

TEST(SerconScreen, ClearAndErase) {
    SerconShadow s{7, 7, 0};
    SerconSeq out{};
    sercon_clear(s, out);
    EXPECT_EQ(str(out), "\x1b[0m\x1b[2J\x1b[1;1H");
    EXPECT_EQ(s.row, 0);
    EXPECT_EQ(s.col, 0);
    EXPECT_EQ(s.known, 1);
    out = SerconSeq{};
    sercon_erase_eol(out);
    EXPECT_EQ(str(out), "\x1b[K");
}

TEST(SerconScreen, Glyphs) {
    for (int c = 0x20; c < 0x7F; c++) EXPECT_EQ(sercon_glyph(u8(c)), char(c));
    EXPECT_EQ(sercon_glyph(0xC4), '-');
    EXPECT_EQ(sercon_glyph(0xCD), '-');
    EXPECT_EQ(sercon_glyph(0xB3), '|');
    EXPECT_EQ(sercon_glyph(0xBA), '|');
    EXPECT_EQ(sercon_glyph(0xDA), '+');
    EXPECT_EQ(sercon_glyph(0xC9), '+');
    EXPECT_EQ(sercon_glyph(0xDB), '#');
    EXPECT_EQ(sercon_glyph(0x10), '>');
    EXPECT_EQ(sercon_glyph(0x00), ' ');
    // Nothing that is not printable ASCII ever reaches the terminal.
    for (int c = 0; c < 256; c++) {
        char g = sercon_glyph(u8(c));
        EXPECT_TRUE(g >= 0x20 && g < 0x7F) << c;
    }
}

TEST(SerconKeys, SingleBytes) {
    EXPECT_EQ(sercon_ascii_key('\r'), 0x1C0D);
    EXPECT_EQ(sercon_ascii_key('\n'), 0x1C0A);
    EXPECT_EQ(sercon_ascii_key(0x1B), 0x011B);
    EXPECT_EQ(sercon_ascii_key(0x7F), 0x0E08);
    EXPECT_EQ(sercon_ascii_key('\b'), 0x0E08);
    EXPECT_EQ(sercon_ascii_key('\t'), 0x0F09);
    EXPECT_EQ(sercon_ascii_key(' '), 0x3920);
    EXPECT_EQ(sercon_ascii_key('1'), 0x0231);
    EXPECT_EQ(sercon_ascii_key('2'), 0x0332);
    EXPECT_EQ(sercon_ascii_key('0'), 0x0B30);
    EXPECT_EQ(sercon_ascii_key('a'), 0x1E61);
    EXPECT_EQ(sercon_ascii_key('A'), 0x1E41);
    EXPECT_EQ(sercon_ascii_key('q'), 0x1071);
    EXPECT_EQ(sercon_ascii_key('z'), 0x2C7A);
    EXPECT_EQ(sercon_ascii_key('!'), 0x0221);
    EXPECT_EQ(sercon_ascii_key('/'), 0x352F);
    EXPECT_EQ(sercon_ascii_key('\\'), 0x2B5C);
    EXPECT_EQ(sercon_ascii_key('|'), 0x2B7C);
    EXPECT_EQ(sercon_ascii_key('~'), 0x297E);
    EXPECT_EQ(sercon_ascii_key(0x03), 0x2E03);  // Ctrl-C
    EXPECT_EQ(sercon_ascii_key(0x01), 0x1E01);  // Ctrl-A
    EXPECT_EQ(sercon_ascii_key(0x00), 0x0300);  // Ctrl-@
    EXPECT_EQ(sercon_ascii_key(0xE9), 0x00E9);
    // Every byte gives a key with that byte as its ASCII (DEL: backspace's).
    for (int b = 0; b < 256; b++)
        if (b != 0x7F && b != 0) {
            EXPECT_EQ(sercon_ascii_key(u8(b)) & 0xFF, b) << b;
        }
}

TEST(SerconKeys, EscapeSequences) {
    SerconKeyState k{};
    EXPECT_EQ(feed(k, "\x1b[A"), std::vector<u16>{0x4800});
    EXPECT_EQ(feed(k, "\x1b[B"), std::vector<u16>{0x5000});
    EXPECT_EQ(feed(k, "\x1b[C"), std::vector<u16>{0x4D00});
    EXPECT_EQ(feed(k, "\x1b[D"), std::vector<u16>{0x4B00});
    EXPECT_EQ(feed(k, "\x1bOA"), std::vector<u16>{0x4800});
    EXPECT_EQ(feed(k, "\x1bOP"), std::vector<u16>{0x3B00});
    EXPECT_EQ(feed(k, "\x1bOS"), std::vector<u16>{0x3E00});
    EXPECT_EQ(feed(k, "\x1b[24~"), std::vector<u16>{0x8600});
    EXPECT_EQ(feed(k, "\x1b[23~"), std::vector<u16>{0x8500});
    EXPECT_EQ(feed(k, "\x1b[11~"), std::vector<u16>{0x3B00});
    EXPECT_EQ(feed(k, "\x1b[21~"), std::vector<u16>{0x4400});
    EXPECT_EQ(feed(k, "\x1b[2~"), std::vector<u16>{0x5200});
    EXPECT_EQ(feed(k, "\x1b[3~"), std::vector<u16>{0x5300});
    EXPECT_EQ(feed(k, "\x1b[5~"), std::vector<u16>{0x4900});
    EXPECT_EQ(feed(k, "\x1b[6~"), std::vector<u16>{0x5100});
    EXPECT_EQ(feed(k, "\x1b[H"), std::vector<u16>{0x4700});
    EXPECT_EQ(feed(k, "\x1b[4~"), std::vector<u16>{0x4F00});
    // Modifiers (ESC [ 1 ; 5 C: Ctrl-Right) are ignored: the key itself.
    EXPECT_EQ(feed(k, "\x1b[1;5C"), std::vector<u16>{0x4D00});
    EXPECT_EQ(feed(k, "\x1b[24;2~"), std::vector<u16>{0x8600});
    // Unknown finals give nothing, and the state is back to normal.
    EXPECT_EQ(feed(k, "\x1b[99~"), std::vector<u16>{});
    EXPECT_EQ(feed(k, "\x1b[x"), std::vector<u16>{});
    EXPECT_EQ(feed(k, "a"), std::vector<u16>{0x1E61});
    // Huge parameters do not wrap into a known key.
    EXPECT_EQ(feed(k, "\x1b[100024~"), std::vector<u16>{});
}

TEST(SerconKeys, LoneEsc) {
    SerconKeyState k{};
    // ESC then a byte that starts no sequence: both keys at once.
    EXPECT_EQ(feed(k, "\x1b" "2"), (std::vector<u16>{0x011B, 0x0332}));
    // ESC ESC: the first is a key, the second waits.
    EXPECT_EQ(feed(k, "\x1b\x1b"), std::vector<u16>{0x011B});
    EXPECT_EQ(timeout(k, 100 + kSerconEscTicks - 1), std::vector<u16>{});
    EXPECT_EQ(timeout(k, 100 + kSerconEscTicks), std::vector<u16>{0x011B});
    EXPECT_EQ(timeout(k, 200), std::vector<u16>{});  // nothing pending
    // A lone ESC: a key only after the wait.
    EXPECT_EQ(feed(k, "\x1b", 500), std::vector<u16>{});
    EXPECT_EQ(timeout(k, 500), std::vector<u16>{});
    EXPECT_EQ(timeout(k, 501), std::vector<u16>{});
    EXPECT_EQ(timeout(k, 502), std::vector<u16>{0x011B});
    // An unfinished sequence times out as ESC; its bytes are dropped.
    EXPECT_EQ(feed(k, "\x1b[2", 600), std::vector<u16>{});
    EXPECT_EQ(timeout(k, 605), std::vector<u16>{0x011B});
    EXPECT_EQ(feed(k, "b"), std::vector<u16>{0x3062});
    // A sequence whose bytes come a tick apart is still one key: the wait
    // counts from its last byte.
    EXPECT_EQ(feed(k, "\x1b", 700), std::vector<u16>{});
    EXPECT_EQ(timeout(k, 701), std::vector<u16>{});
    EXPECT_EQ(feed(k, "[", 701), std::vector<u16>{});
    EXPECT_EQ(timeout(k, 702), std::vector<u16>{});
    EXPECT_EQ(feed(k, "2", 702), std::vector<u16>{});
    EXPECT_EQ(feed(k, "4", 703), std::vector<u16>{});
    EXPECT_EQ(timeout(k, 704), std::vector<u16>{});
    EXPECT_EQ(feed(k, "~", 704), std::vector<u16>{0x8600});
    // A control byte inside a sequence ends it: ESC, then that key.
    EXPECT_EQ(feed(k, "\x1b[\r"), (std::vector<u16>{0x011B, 0x1C0D}));
    // ESC inside a sequence starts a new one.
    EXPECT_EQ(feed(k, "\x1b[\x1b[A"), (std::vector<u16>{0x011B, 0x4800}));
    // Midnight: the tick count wraps to 0; the wait still ends.
    EXPECT_EQ(feed(k, "\x1b", 0x1800AF), std::vector<u16>{});
    EXPECT_EQ(timeout(k, 1), std::vector<u16>{0x011B});
}
