// SPDX-License-Identifier: LGPL-3.0-or-later
// Memory type range registers: the plan every CPU gets (src/fw/smp.cc writes
// it on the BSP and hands the same list to the APs). RAM is write-back (the
// default type), the legacy VGA window A0000-BFFFF and the hole below 4 GiB
// from the first device address (PCI, ECAM, IOAPIC, LAPIC, ROM) uncached.
// Pure logic, unit-tested on the host.
#pragma once
#include "lib/types.h"

namespace reef {

namespace msr {
constexpr u32 kFeatureControl = 0x03A;
constexpr u32 kMtrrCap = 0x0FE;
constexpr u32 kMtrrPhysBase0 = 0x200;  // base n = 0x200 + 2n, mask n = 0x201 + 2n
constexpr u32 kMtrrFix64k00000 = 0x250, kMtrrFix16k80000 = 0x258, kMtrrFix16kA0000 = 0x259;
constexpr u32 kMtrrFix4kC0000 = 0x268;  // ... 0x26F (F8000)
constexpr u32 kMtrrDefType = 0x2FF;
}  // namespace msr

namespace mtrr {
constexpr u8 kUncached = 0, kWriteBack = 6;
constexpr u64 kCapVcntMask = 0xFF, kCapFixed = 1u << 8;
constexpr u64 kDefEnable = 1u << 11, kDefFixedEnable = 1u << 10;
constexpr u64 kMaskValid = 1u << 11;
constexpr u64 kAllWriteBack = 0x0606060606060606ull;
}  // namespace mtrr

struct Msr {
    u32 index;
    u32 lo, hi;
    u64 value() const { return (u64(hi) << 32) | lo; }
};

struct MtrrInput {
    u64 cap;        // IA32_MTRRCAP
    u8 phys_bits;   // CPUID 80000008h EAX[7:0] (36 when the leaf is missing)
    u64 hole_start; // first byte of the uncached hole below 4 GiB
};

// Fills `out` with the MSR writes (every variable pair, used or not, so all
// CPUs end up identical; MTRRdefType last, which enables the plan). Returns
// the count, or 0 when the hole cannot be covered with the variable MTRRs
// the CPU has, the hole start is not 4 KiB aligned or not below 4 GiB, or
// `max` is too small: then nothing should be written.
int mtrr_plan(const MtrrInput& in, Msr* out, int max);

// The aligned power-of-two blocks covering [start, end): at most `max` of
// them into base[]/size[]; returns how many were needed (may exceed max).
int mtrr_cover(u64 start, u64 end, u64* base, u64* size, int max);

}  // namespace reef
