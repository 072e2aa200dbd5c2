// SPDX-License-Identifier: LGPL-3.0-or-later
#include "lib/checksum.h"

namespace reef {

// Four dwords per loop trip (an option ROM is 32-64 KiB, summed at every
// boot: the loop overhead is most of the cost): bytes 0/2 and 1/3 of each
// dword add up in two 16-bit lanes, folded every 128 dwords, before they
// could overflow (128 * 2 * 255 < 65536).
namespace {
constexpr u32 kLanes = 0x00FF00FFu;
[[gnu::always_inline]] inline u32 lanes(const u8* q) {
    u32 w;
    __builtin_memcpy(&w, q, 4);
    return (w & kLanes) + ((w >> 8) & kLanes);
}
}  // namespace

u8 byte_sum(const void* p, u32 n) {
    const u8* b = static_cast<const u8*>(p);
    const u8* end = b + n;
    u32 total = 0;
    while (end - b >= 4) {
        u32 words = u32(end - b) / 4;
        if (words > 128) words = 128;
        u32 acc = 0;
        for (; words >= 4; words -= 4, b += 16) acc += lanes(b) + lanes(b + 4) + lanes(b + 8) + lanes(b + 12);
        for (; words; words--, b += 4) acc += lanes(b);
        total += (acc & 0xFFFF) + (acc >> 16);
    }
    for (; b < end; b++) total += *b;
    return u8(total);
}

}  // namespace reef
