// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: RLZ1 unpacking (src/lib/lz.cc), which the BIOS runs on the
// VGA ROMs built into its image.
// Input: u16 output room, then the stream.
// Invariants: never a byte outside the output room (ASan); a result is
// -1 or exactly the header's unpacked size, within the room.
#include "fuzz_support.h"
#include "lib/lz.h"

using namespace reef;
using namespace reef::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Reader in(data, size);
    u32 cap = in.u16v();
    std::vector<unsigned char> s = in.bytes(in.left());
    std::vector<u8> out(cap);
    s32 n = lz_unpack(s.data(), u32(s.size()), out.data(), cap);
    if (n >= 0) {
        LzHeader h;
        FUZZ_CHECK(lz_header(s.data(), u32(s.size()), &h), "unpacked without a header");
        FUZZ_CHECK(u32(n) == h.unpacked && u32(n) <= cap, "unpacked %d, header %u, room %u", n, h.unpacked, cap);
    }
    return 0;
}
