// SPDX-License-Identifier: LGPL-3.0-or-later
// RLZ1 unpacking (lib/lz.h): every length and distance is checked against
// the input, the output and the header before a byte moves.
#include "lib/lz.h"

namespace reef {

namespace {

// A nibble count with its continuation bytes; false past the input end.
bool read_count(const u8*& p, const u8* end, u32 nibble, u32* count) {
    u32 c = nibble;
    if (nibble == 15) {
        u8 b;
        do {
            if (p == end) return false;
            b = *p++;
            c += b;
            if (c > 0x1000000) return false;  // longer than any image
        } while (b == 255);
    }
    *count = c;
    return true;
}

u32 le32(const u8* p) { return u32(p[0]) | u32(p[1]) << 8 | u32(p[2]) << 16 | u32(p[3]) << 24; }

}  // namespace

bool lz_header(const u8* in, u32 n, LzHeader* h) {
    if (n < sizeof(LzHeader)) return false;
    h->magic = le32(in);
    h->unpacked = le32(in + 4);
    h->packed = le32(in + 8);
    return h->magic == kLzMagic && h->packed <= n - sizeof(LzHeader);
}

s32 lz_unpack(const u8* in, u32 n, u8* out, u32 cap) {
    LzHeader h;
    if (!lz_header(in, n, &h) || h.unpacked > cap || h.unpacked > 0x7FFFFFFF) return -1;
    const u8* p = in + sizeof(LzHeader);
    const u8* end = p + h.packed;
    u32 o = 0;
    while (p < end) {
        u8 token = *p++;
        u32 lit, match;
        if (!read_count(p, end, token >> 4, &lit)) return -1;
        if (lit > u32(end - p) || lit > h.unpacked - o) return -1;
        for (u32 i = 0; i < lit; i++) out[o++] = *p++;
        if (p == end) break;  // the last sequence: literals only
        if (end - p < 2) return -1;
        u32 dist = u32(p[0]) | u32(p[1]) << 8;
        p += 2;
        if (!read_count(p, end, token & 15, &match)) return -1;
        match += kLzMinMatch;
        if (dist == 0 || dist > o || match > h.unpacked - o) return -1;
        for (u32 i = 0; i < match; i++, o++) out[o] = out[o - dist];
    }
    return o == h.unpacked ? s32(o) : -1;
}

}  // namespace reef
