// SPDX-License-Identifier: LGPL-3.0-or-later
// Built in both firmware modes and for the host: no writable data.
#include "lib/sercon.h"

namespace reef {

// ---- etc/sercon-port --------------------------------------------------------
namespace {

constexpr u32 kMaxPort = 0xFFFF;

bool is_text_byte(u8 c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == 'x' || c == 'X';
}
bool is_trailer(u8 c) { return c == 0 || c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

int digit_value(u8 c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// "0x3f8" / "1016" in data[0..n): the value, false if it is no number.
// Stops counting above kMaxPort (so no overflow), which *out then exceeds.
bool parse_text(const u8* data, s32 n, u32* out) {
    u32 base = 10;
    s32 i = 0;
    if (n > 2 && data[0] == '0' && (data[1] == 'x' || data[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i >= n) return false;
    u32 v = 0;
    for (; i < n; i++) {
        int d = digit_value(data[i]);
        if (d < 0 || u32(d) >= base) return false;
        if (v <= kMaxPort) v = v * base + u32(d);
    }
    *out = v;
    return true;
}

}  // namespace

SerconPortStatus sercon_parse_port(const u8* data, s32 size, u16* port) {
    if (size <= 0) return SerconPortStatus::kBadSize;
    s32 n = size;
    while (n > 0 && is_trailer(data[n - 1])) n--;
    bool text = n > 0;
    for (s32 i = 0; i < n && text; i++) text = is_text_byte(data[i]);
    u32 v = 0;
    if (text) {
        if (!parse_text(data, n, &v)) return SerconPortStatus::kBadText;
    } else {
        if (size != 1 && size != 2 && size != 4 && size != 8) return SerconPortStatus::kBadSize;
        // Little-endian; any bit above the low 16 makes it no port.
        for (s32 i = 0; i < size; i++) {
            if (i >= 2 && data[i]) return SerconPortStatus::kTooLarge;
            if (i < 2) v |= u32(data[i]) << (8 * i);
        }
    }
    if (v > kMaxPort) return SerconPortStatus::kTooLarge;
    *port = u16(v);
    return SerconPortStatus::kOk;
}

const char* sercon_port_status_text(SerconPortStatus s) {
    switch (s) {
    case SerconPortStatus::kOk: return "ok";
    case SerconPortStatus::kBadSize: return "not a 1, 2, 4 or 8 byte integer nor text";
    case SerconPortStatus::kBadText: return "text that is no decimal or 0x-hex number";
    case SerconPortStatus::kTooLarge: return "a number above 0xffff";
    }
    return "?";
}

// ---- the terminal model -----------------------------------------------------
namespace {

constexpr char kEsc = 0x1B;

void put(SerconSeq& out, char c) {
    if (out.n < SerconSeq::kMax) out.b[out.n++] = c;
}
void put_str(SerconSeq& out, const char* s) {
    while (*s) put(out, *s++);
}
void put_dec(SerconSeq& out, u8 v) {
    if (v >= 100) put(out, char('0' + v / 100));
    if (v >= 10) put(out, char('0' + v / 10 % 10));
    put(out, char('0' + v % 10));
}

}  // namespace

void sercon_goto(SerconShadow& s, u8 row, u8 col, SerconSeq& out) {
    if (row >= kSerconRows) row = kSerconRows - 1;
    if (col >= kSerconCols) col = kSerconCols - 1;
    if (s.known && row == s.row && col == s.col) return;
    if (s.known && col == 0 && row == s.row) {
        put(out, '\r');
    } else if (s.known && col == 0 && row == s.row + 1) {
        put(out, '\r');
        put(out, '\n');
    } else {
        put(out, kEsc);
        put(out, '[');
        put_dec(out, u8(row + 1));
        put(out, ';');
        put_dec(out, u8(col + 1));
        put(out, 'H');
    }
    s = SerconShadow{row, col, 1};
}

void sercon_clear(SerconShadow& s, SerconSeq& out) {
    put_str(out, "\x1b[0m\x1b[2J\x1b[1;1H");
    s = SerconShadow{0, 0, 1};
}

void sercon_erase_eol(SerconSeq& out) { put_str(out, "\x1b[K"); }

void sercon_tty(SerconShadow& s, u8 ch, SerconSeq& out) {
    switch (ch) {
    case '\r':
        put(out, '\r');
        s.col = 0;
        return;
    case '\n':
        put(out, '\n');
        if (s.row + 1 < kSerconRows) s.row++;
        return;
    case '\b':
        if (s.col) {
            put(out, '\b');
            s.col--;
        }
        return;
    case '\a':  // the bell: nothing on the screen, nothing in a log file
        return;
    default:
        break;
    }
    put(out, sercon_glyph(ch));
    if (++s.col < kSerconCols) return;
    put(out, '\r');
    put(out, '\n');
    s.col = 0;
    if (s.row + 1 < kSerconRows) s.row++;
}

u16 sercon_after_chars(SerconShadow& s, u16 count) {
    u16 room = u16(kSerconCols - s.col);
    u16 n = count < room ? count : room;
    s.col = u8(s.col + n);
    if (s.col >= kSerconCols) {
        // The terminal's cursor sits after the last column (or wrapped):
        // the next write moves it explicitly.
        s.col = kSerconCols - 1;
        s.known = 0;
    }
    return n;
}

char sercon_glyph(u8 ch) {
    if (ch >= 0x20 && ch < 0x7F) return char(ch);
    switch (ch) {
    case 0x00:
    case 0xFF: return ' ';
    case 0x10:
    case 0x1A: return '>';
    case 0x11:
    case 0x1B: return '<';
    case 0x18:
    case 0x1E: return '^';
    case 0x19:
    case 0x1F: return 'v';
    case 0x04:
    case 0x07:
    case 0x09: return '*';
    case 0xB3:
    case 0xBA: return '|';
    case 0xC4:
    case 0xCD: return '-';
    default: break;
    }
    if (ch >= 0xB4 && ch <= 0xDA) return '+';  // corners and junctions
    if ((ch >= 0xB0 && ch <= 0xB2) || (ch >= 0xDB && ch <= 0xDF) || ch == 0xFE) return '#';
    return '.';
}

// ---- serial bytes to keys -----------------------------------------------------
namespace {

enum SerconKeyStates : u8 { kIdle, kGotEsc, kCsi, kSs3 };

// US layout: the characters of a row of keys and its first scan code,
// unshifted and shifted.
struct KeyRow {
    const char* plain;
    const char* shift;
    u8 first_scan;
};
constexpr KeyRow kRows[] = {
    {"1234567890-=", "!@#$%^&*()_+", 0x02},
    {"qwertyuiop[]", "QWERTYUIOP{}", 0x10},
    {"asdfghjkl;'`", "ASDFGHJKL:\"~", 0x1E},
    {"\\zxcvbnm,./", "|ZXCVBNM<>?", 0x2B},
};

namespace scan {
constexpr u8 kEsc = 0x01, kTwo = 0x03, kSix = 0x07, kMinus = 0x0C, kBackspace = 0x0E, kTab = 0x0F,
             kRBracket = 0x1B, kEnter = 0x1C, kBackslash = 0x2B, kSpace = 0x39, kF1 = 0x3B, kF6 = 0x40,
             kHome = 0x47, kUp = 0x48, kPgUp = 0x49, kLeft = 0x4B, kRight = 0x4D, kEnd = 0x4F, kDown = 0x50,
             kPgDn = 0x51, kIns = 0x52, kDel = 0x53, kF11 = 0x85, kF12 = 0x86;
}  // namespace scan

constexpr u16 key(u8 sc, u8 ascii = 0) { return u16(sc << 8 | ascii); }
constexpr u8 kAsciiEsc = 0x1B, kAsciiDel = 0x7F;

// The final byte of ESC [ ... or ESC O ...: the key, 0 if none.
u16 final_key(u8 final, u8 param) {
    switch (final) {
    case 'A': return key(scan::kUp);
    case 'B': return key(scan::kDown);
    case 'C': return key(scan::kRight);
    case 'D': return key(scan::kLeft);
    case 'H': return key(scan::kHome);
    case 'F': return key(scan::kEnd);
    case 'Z': return key(scan::kTab);  // Shift-Tab
    case 'P':
    case 'Q':
    case 'R':
    case 'S': return key(u8(scan::kF1 + (final - 'P')));
    case '~': break;
    default: return 0;
    }
    switch (param) {
    case 1:
    case 7: return key(scan::kHome);
    case 2: return key(scan::kIns);
    case 3: return key(scan::kDel);
    case 4:
    case 8: return key(scan::kEnd);
    case 5: return key(scan::kPgUp);
    case 6: return key(scan::kPgDn);
    case 23: return key(scan::kF11);
    case 24: return key(scan::kF12);
    default: break;
    }
    if (param >= 11 && param <= 15) return key(u8(scan::kF1 + param - 11));
    if (param >= 17 && param <= 21) return key(u8(scan::kF6 + param - 17));
    return 0;
}

}  // namespace

u16 sercon_ascii_key(u8 b) {
    switch (b) {
    case '\r': return key(scan::kEnter, b);
    case '\n': return key(scan::kEnter, b);  // Ctrl-Enter's code
    case '\b':
    case kAsciiDel: return key(scan::kBackspace, '\b');
    case '\t': return key(scan::kTab, b);
    case kAsciiEsc: return key(scan::kEsc, b);
    case ' ': return key(scan::kSpace, b);
    case 0x00: return key(scan::kTwo);         // Ctrl-@
    case 0x1C: return key(scan::kBackslash, b);  // Ctrl-backslash
    case 0x1D: return key(scan::kRBracket, b);   // Ctrl-]
    case 0x1E: return key(scan::kSix, b);        // Ctrl-^
    case 0x1F: return key(scan::kMinus, b);      // Ctrl-_
    default: break;
    }
    if (b >= 0x80) return key(0, b);
    // Ctrl-letter: the letter's scan code with the control byte.
    u8 look = b < 0x20 ? u8(b + 'a' - 1) : b;
    for (const KeyRow& r : kRows)
        for (u8 i = 0; r.plain[i]; i++)
            if (u8(r.plain[i]) == look || u8(r.shift[i]) == look) return key(u8(r.first_scan + i), b);
    return key(0, b);
}

int sercon_key_feed(SerconKeyState& k, u8 b, u32 now, u16* keys) {
    int n = 0;
    switch (k.state) {
    case kIdle:
        if (b == kAsciiEsc) {
            k = SerconKeyState{kGotEsc, 0, 0, now};
            return 0;
        }
        keys[n++] = sercon_ascii_key(b);
        return n;
    case kGotEsc:
        if (b == '[' || b == 'O') {
            k.state = b == '[' ? kCsi : kSs3;
            k.since = now;
            return 0;
        }
        keys[n++] = key(scan::kEsc, kAsciiEsc);
        if (b == kAsciiEsc) {  // ESC ESC: the first is a key, the second may start a sequence
            k.since = now;
            return n;
        }
        k.state = kIdle;
        keys[n++] = sercon_ascii_key(b);
        return n;
    case kCsi:
        k.since = now;
        if (b >= '0' && b <= '9') {
            if (!k.more && k.param < 100) k.param = u8(k.param * 10 + (b - '0'));
            return 0;
        }
        if (b == ';') {
            k.more = 1;
            return 0;
        }
        break;
    case kSs3:
        break;
    default:
        k.state = kIdle;
        return 0;
    }
    // The final byte of a sequence (or something that ends it).
    u8 param = k.param;
    k.state = kIdle;
    if (b >= 0x40 && b <= 0x7E) {
        u16 v = final_key(b, param);
        if (v) keys[n++] = v;
        return n;
    }
    // Not a sequence after all: ESC, then the byte itself (another ESC
    // starts a sequence of its own).
    keys[n++] = key(scan::kEsc, kAsciiEsc);
    if (b == kAsciiEsc) k = SerconKeyState{kGotEsc, 0, 0, now};
    else keys[n++] = sercon_ascii_key(b);
    return n;
}

int sercon_key_timeout(SerconKeyState& k, u32 now, u16* keys) {
    if (k.state == kIdle) return 0;
    // The BDA tick count wraps at midnight; a wrapped difference is large
    // and ends the wait too.
    if (now - k.since < kSerconEscTicks) return 0;
    k.state = kIdle;
    keys[0] = key(scan::kEsc, kAsciiEsc);
    return 1;
}

}  // namespace reef
