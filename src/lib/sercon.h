// SPDX-License-Identifier: LGPL-3.0-or-later
// The serial console's pure logic (docs/serial-console.md), for the 16-bit
// INT 10h/16h side, POST and the host tests:
//   - the fw_cfg file etc/sercon-port: which UART (binary or text integer);
//   - the terminal model: a shadow of where the serial terminal's cursor
//     is, and the few ANSI/VT100 sequences that bring it where the text
//     screen's cursor is (nothing when it is there already, CR/CRLF when
//     that is enough, ESC [ row ; col H otherwise);
//   - serial bytes to BIOS key codes, ESC [ / ESC O sequences included.
#pragma once
#include "lib/types.h"

namespace reef {

// ---- etc/sercon-port --------------------------------------------------------
enum class SerconPortStatus : u8 {
    kOk,        // *port set (0: sercon off)
    kBadSize,   // not text, and not a 1, 2, 4 or 8 byte integer
    kBadText,   // text, but not a decimal or 0x-hex number
    kTooLarge,  // a number above 0xFFFF (no I/O port)
};
// Parses `size` bytes of etc/sercon-port: a little-endian integer of 1, 2,
// 4 or 8 bytes (as SeaBIOS reads it), or text (-fw_cfg ...,string=0x3f8):
// "0x3f8", "1016", with blanks or a NUL at the end. Text wins when every
// byte is a digit, an 'x' or a hex letter (a binary port number never is).
SerconPortStatus sercon_parse_port(const u8* data, s32 size, u16* port);
const char* sercon_port_status_text(SerconPortStatus s);

// ---- the terminal model -----------------------------------------------------
// The text screen that is mirrored (mode 3).
constexpr u8 kSerconCols = 80, kSerconRows = 25;

// Where the serial terminal's cursor is, as far as we know.
struct SerconShadow {
    u8 row, col;
    u8 known;  // 0: unknown (after a page switch, a write to the last column): the next move is absolute
};

// Bytes to send to the terminal: at most one cursor move or one clear.
struct SerconSeq {
    static constexpr u8 kMax = 16;
    char b[kMax];
    u8 n;
};

// Brings the terminal's cursor to (row, col) (0-based): appends to `out`
// nothing if it is there, "\r" or "\r\n" when that gets there (so plain
// teletype output stays plain text), else ESC [ row+1 ; col+1 H.
void sercon_goto(SerconShadow& s, u8 row, u8 col, SerconSeq& out);
// The clear screen of a mode set or a whole-window scroll with AL = 0:
// ESC [ 0 m ESC [ 2 J ESC [ 1 ; 1 H (attributes reset, cursor home).
void sercon_clear(SerconShadow& s, SerconSeq& out);
// Erase from the cursor to the end of its line: ESC [ K.
void sercon_erase_eol(SerconSeq& out);

// What a teletype byte (INT 10h 0Eh, 13h) does to the terminal: `out` gets
// the byte to send (CR, LF, BS, BEL as they are; others as sercon_glyph),
// plus "\r\n" after a character in the last column (the screen wraps
// there; a terminal may be wider). The shadow follows the screen's rules:
// LF on the last row scrolls (the row stays), BS stops at column 0.
void sercon_tty(SerconShadow& s, u8 ch, SerconSeq& out);
// After `count` characters written at the cursor without moving it (09h,
// 0Ah): where the terminal's cursor now is. Returns how many of them to
// send (not past the last column).
u16 sercon_after_chars(SerconShadow& s, u16 count);

// A character of the screen (code page 437) as plain ASCII: printable
// ASCII as is; box drawing as '+', '-', '|'; blocks as '#'; other control
// and high bytes as '.', so a log file stays readable.
char sercon_glyph(u8 ch);

// ---- serial bytes to keys -----------------------------------------------------
// A lone ESC is a key only once this many BIOS timer ticks (55 ms each)
// passed without the next byte of an escape sequence.
constexpr u32 kSerconEscTicks = 2;

struct SerconKeyState {
    u8 state;  // SerconKeyStates below
    u8 param;  // the first numeric parameter of an ESC [ sequence
    u8 more;   // a ';' was seen: later parameters (modifiers) are ignored
    u32 since; // the tick the sequence's last byte arrived
};

// At most 2 keys come out of one byte (a pending ESC and the byte's key).
constexpr int kSerconMaxKeys = 2;
// Feeds one received byte at BIOS tick `now`; stores the keys it completes
// (INT 16h AH=10h codes: scan << 8 | ASCII) into keys[], returns how many.
int sercon_key_feed(SerconKeyState& k, u8 byte, u32 now, u16* keys);
// A started sequence that got no byte for kSerconEscTicks: the ESC
// as a key (the bytes after it are dropped). Returns 0 or 1 keys.
int sercon_key_timeout(SerconKeyState& k, u32 now, u16* keys);
// The key code of a single byte: CR = Enter (1C0Dh), BS/DEL = Backspace
// (0E08h), TAB, ESC, letters/digits/punctuation with their US layout scan
// codes, control bytes as Ctrl+letter, bytes >= 80h with scan code 0.
u16 sercon_ascii_key(u8 byte);

}  // namespace reef

namespace reef {

// The serial console's runtime state (the runtime variable g_sercon, set by
// POST's sercon_setup, src/fw/sercon_fw.cc; used by src/svc/sercon16.cc).
struct SerconState {
    u16 port;  // the UART's base; 0: no serial console
    u8 alone;  // no video BIOS: sercon is INT 10h (keeps the BDA's cursors itself)
    SerconShadow shadow;
    SerconKeyState keys;
    // A character written with 09h/0Ah (count 1) that is not sent yet:
    // boot loaders write a character with its attribute that way and then
    // teletype the same one to move the cursor, which sends it once.
    u8 pend, pend_char, pend_row, pend_col;
};

}  // namespace reef
