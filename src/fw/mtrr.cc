// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/mtrr.h"

namespace reef {

int mtrr_cover(u64 start, u64 end, u64* base, u64* size, int max) {
    int n = 0;
    while (start < end) {
        // The largest block that starts aligned at `start` and fits.
        u64 s = start ? (start & -start) : (u64(1) << 63);
        while (s > end - start) s >>= 1;
        if (n < max) {
            base[n] = start;
            size[n] = s;
        }
        n++;
        start += s;
    }
    return n;
}

int mtrr_plan(const MtrrInput& in, Msr* out, int max) {
    constexpr u64 k4G = u64(1) << 32;
    int vcnt = int(in.cap & mtrr::kCapVcntMask);
    bool fixed = in.cap & mtrr::kCapFixed;
    if (in.hole_start >= k4G || (in.hole_start & 0xFFF) || in.phys_bits < 32 || in.phys_bits > 52)
        return 0;
    constexpr int kMaxVar = 32;
    if (vcnt > kMaxVar) vcnt = kMaxVar;
    u64 base[kMaxVar], size[kMaxVar];
    int used = in.hole_start < k4G ? mtrr_cover(in.hole_start, k4G, base, size, vcnt) : 0;
    if (used > vcnt) return 0;
    int need = (fixed ? 11 : 0) + 2 * vcnt + 1;
    if (need > max) return 0;
    int n = 0;
    auto put = [&](u32 idx, u64 v) { out[n++] = Msr{idx, u32(v), u32(v >> 32)}; };
    if (fixed) {
        put(msr::kMtrrFix64k00000, mtrr::kAllWriteBack);   // 0-7FFFF
        put(msr::kMtrrFix16k80000, mtrr::kAllWriteBack);   // 80000-9FFFF
        put(msr::kMtrrFix16kA0000, 0);                     // A0000-BFFFF: VGA, uncached
        for (u32 i = 0; i < 8; i++)                        // C0000-FFFFF: shadow RAM
            put(msr::kMtrrFix4kC0000 + i, mtrr::kAllWriteBack);
    }
    u64 phys_mask = (u64(1) << in.phys_bits) - 1;
    for (int i = 0; i < vcnt; i++) {
        u32 b = msr::kMtrrPhysBase0 + 2 * u32(i);
        if (i < used) {
            put(b, base[i] | mtrr::kUncached);
            put(b + 1, (~(size[i] - 1) & phys_mask & ~u64(0xFFF)) | mtrr::kMaskValid);
        } else {
            put(b, 0);
            put(b + 1, 0);
        }
    }
    put(msr::kMtrrDefType, mtrr::kDefEnable | (fixed ? mtrr::kDefFixedEnable : 0) | mtrr::kWriteBack);
    return n;
}

}  // namespace reef
