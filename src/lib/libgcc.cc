// SPDX-License-Identifier: LGPL-3.0-or-later
// 64-bit division helpers that gcc calls on 32-bit targets (we link no libgcc).
#include "lib/types.h"

namespace {
u64 udivmod64(u64 n, u64 d, u64* rem) {
    if (d == 0) {  // no trap in firmware: define x/0 as all ones
        if (rem) *rem = n;
        return ~u64(0);
    }
    u64 q = 0, r = 0;
    for (int i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            q |= u64(1) << i;
        }
    }
    if (rem) *rem = r;
    return q;
}
}  // namespace

extern "C" {
u64 __udivmoddi4(u64 n, u64 d, u64* rem) { return udivmod64(n, d, rem); }
u64 __udivdi3(u64 n, u64 d) { return udivmod64(n, d, nullptr); }
u64 __umoddi3(u64 n, u64 d) {
    u64 r;
    udivmod64(n, d, &r);
    return r;
}
s64 __divdi3(s64 n, s64 d) {
    bool neg = (n < 0) != (d < 0);
    u64 q = udivmod64(n < 0 ? -u64(n) : u64(n), d < 0 ? -u64(d) : u64(d), nullptr);
    return neg ? -s64(q) : s64(q);
}
s64 __moddi3(s64 n, s64 d) {
    u64 r;
    udivmod64(n < 0 ? -u64(n) : u64(n), d < 0 ? -u64(d) : u64(d), &r);
    return n < 0 ? -s64(r) : s64(r);
}
}
