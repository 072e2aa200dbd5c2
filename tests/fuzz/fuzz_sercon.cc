// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: the serial console's parsers and terminal model
// (src/lib/sercon.cc).
// Input: u8 length, that many bytes of etc/sercon-port, then operations of
// two bytes each (op, argument): op & 7 = 0..2 a received byte (the
// argument) at the current tick, 3 the ESC timeout check, 4 ticks += the
// argument, 5 a cursor move to (argument / 8 % 32, argument), 6 a teletype
// byte, 7 the argument's characters written without a cursor move.
// Invariants: a parsed port is the file's number; at most kSerconMaxKeys
// keys a byte, never a zero key; the shadow cursor stays on the screen;
// what goes to the terminal is printable ASCII, CR, LF, BS or one of the
// sequences ESC [ r ; c H / 2 J / 0 m / K.
#include <cstring>

#include "fuzz_support.h"
#include "lib/sercon.h"

using namespace reef;
using namespace reef::fuzz;

namespace {

FUZZ_HARNESS void check_seq(const SerconSeq& s) {
    FUZZ_CHECK(s.n <= SerconSeq::kMax, "sequence of %u bytes", s.n);
    for (u8 i = 0; i < s.n; i++) {
        char c = s.b[i];
        bool ok = (c >= 0x20 && c < 0x7F) || c == '\r' || c == '\n' || c == '\b' || c == 0x1B;
        FUZZ_CHECK(ok, "byte 0x%02x sent to the terminal", u8(c));
        if (c == 0x1B) FUZZ_CHECK(i + 1 < s.n && s.b[i + 1] == '[', "ESC without [");
    }
}

FUZZ_HARNESS void check_shadow(const SerconShadow& s) {
    FUZZ_CHECK(s.row < kSerconRows && s.col < kSerconCols, "shadow at %u,%u", s.row, s.col);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Reader in(data, size);
    u8 flen = in.u8v();
    std::vector<unsigned char> file = in.bytes(flen);
    u16 port = 0xABCD;
    SerconPortStatus st = sercon_parse_port(file.data(), s32(file.size()), &port);
    FUZZ_CHECK(st == SerconPortStatus::kOk || port == 0xABCD, "port written on failure");
    if (st == SerconPortStatus::kOk && file.size() == 2 && !(file[0] >= '0' && file[0] <= '9'))
        FUZZ_CHECK(port == u16(file[0] | file[1] << 8), "2-byte port 0x%x", port);
    FUZZ_CHECK(std::strlen(sercon_port_status_text(st)) > 0, "no status text");

    SerconKeyState k{};
    SerconShadow s{0, 0, 1};
    u32 now = 0;
    while (!in.empty()) {
        u8 op = in.u8v(), arg = in.u8v();
        u16 keys[kSerconMaxKeys + 1] = {0, 0, 0xDEAD};
        SerconSeq out{};
        switch (op & 7) {
        case 0:
        case 1:
        case 2: {
            int n = sercon_key_feed(k, arg, now, keys);
            FUZZ_CHECK(n >= 0 && n <= kSerconMaxKeys && keys[kSerconMaxKeys] == 0xDEAD, "%d keys", n);
            for (int i = 0; i < n; i++) FUZZ_CHECK(keys[i] != 0, "zero key from 0x%02x", arg);
            break;
        }
        case 3: {
            int n = sercon_key_timeout(k, now, keys);
            FUZZ_CHECK(n == 0 || (n == 1 && keys[0] == 0x011B), "timeout gave %d keys (0x%x)", n, keys[0]);
            break;
        }
        case 4: now += arg; break;
        case 5:
            sercon_goto(s, u8(arg / 8 % 32), arg, out);
            FUZZ_CHECK(s.known, "unknown after a move");
            break;
        case 6: sercon_tty(s, arg, out); break;
        case 7: {
            u8 col = s.col;
            u16 n = sercon_after_chars(s, arg);
            FUZZ_CHECK(n <= arg && n <= kSerconCols - col, "%u characters from column %u", n, col);
            break;
        }
        }
        check_seq(out);
        check_shadow(s);
    }
    return 0;
}
