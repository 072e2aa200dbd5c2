// SPDX-License-Identifier: LGPL-3.0-or-later
// CPUID and model-specific registers (32-bit POST code).
#pragma once
#include "lib/types.h"

namespace reef {

struct CpuidRegs {
    u32 eax, ebx, ecx, edx;
};

[[gnu::always_inline]] inline CpuidRegs cpuid(u32 leaf, u32 subleaf = 0) {
    CpuidRegs r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

[[gnu::always_inline]] inline u64 rdmsr(u32 index) {
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(index));
    return (u64(hi) << 32) | lo;
}

[[gnu::always_inline]] inline void wrmsr(u32 index, u32 lo, u32 hi) {
    asm volatile("wrmsr" ::"c"(index), "a"(lo), "d"(hi) : "memory");
}

namespace cpuidbit {
// Leaf 1 EDX.
constexpr u32 kApic = 1u << 9, kMtrr = 1u << 12, kMmx = 1u << 23, kSse = 1u << 25;
// Leaf 1 ECX.
constexpr u32 kX2apic = 1u << 21;
// Leaf 1 EBX[31:24]: the initial APIC ID (8 bits; leaf 0Bh EDX has all 32).
constexpr u32 kApicIdShift = 24;
constexpr u32 kTopologyLeaf = 0x0B;
constexpr u32 kExtMaxLeaf = 0x80000000, kExtFeatures = 0x80000001, kExtAddressSizes = 0x80000008;
// Leaf 80000001h EDX.
constexpr u32 kLongMode = 1u << 29;
}  // namespace cpuidbit

}  // namespace reef
