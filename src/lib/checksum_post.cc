// SPDX-License-Identifier: LGPL-3.0-or-later
// post_byte_sum (lib/checksum.h): POST sums the ACPI tables and every option
// ROM it runs, ~20 KiB at each boot. SSE2's psadbw adds 16 bytes in one
// instruction, a fifth of byte_sum's instructions. POST owns the FPU/SSE
// state (nothing has used it since reset) and sets CR4.OSFXSR only around
// the loop; the OS initialises that state itself. Host builds: byte_sum.
//
// Not under KVM (CPUID 4000_0000h says "KVMKVMKVM"): where the host has no
// unrestricted-guest support (nested KVM, the PVM hypervisor) KVM runs
// unpaged code in its instruction emulator, which has no psadbw and stops
// the VM ("emulation failure"). Under KVM the scalar sum costs microseconds;
// under TCG (and on hardware) psadbw saves ~0.25 ms of POST.
#include "lib/checksum.h"

#if defined(REEF_MODE32)
#include "hw/cpu.h"
#endif

namespace reef {

#if defined(REEF_MODE32)
namespace {
constexpr u32 kCr4Osfxsr = 1u << 9;
constexpr u32 kSse2 = 1u << 26;  // CPUID leaf 1 EDX
constexpr u32 kChunk = 32;       // bytes per loop trip
constexpr u32 kHypervisorLeaf = 0x40000000;
// "KVMKVMKVM\0\0\0" in EBX, ECX, EDX.
constexpr u32 kKvmEbx = 0x4B4D564B, kKvmEcx = 0x564B4D56, kKvmEdx = 0x0000004D;
constexpr u32 kHypervisorBit = 1u << 31;  // CPUID leaf 1 ECX

bool sse2_usable() {
    CpuidRegs id = cpuid(1);
    if (!(id.edx & kSse2)) return false;
    if (!(id.ecx & kHypervisorBit)) return true;
    CpuidRegs hv = cpuid(kHypervisorLeaf);
    return !(hv.ebx == kKvmEbx && hv.ecx == kKvmEcx && hv.edx == kKvmEdx);
}
}  // namespace

u8 post_byte_sum(const void* p, u32 n) {
    u32 bulk = n & ~(kChunk - 1);
    if (bulk < 256 || !sse2_usable()) return byte_sum(p, n);
    u32 cr4, trips = bulk / kChunk, sum;
    const u8* q = static_cast<const u8*>(p);
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" : : "r"(cr4 | kCr4Osfxsr));
    asm volatile("pxor %%xmm0, %%xmm0\n\t"
                 "pxor %%xmm1, %%xmm1\n\t"
                 "pxor %%xmm4, %%xmm4\n"
                 "1:\tmovdqu (%1), %%xmm2\n\t"
                 "movdqu 16(%1), %%xmm3\n\t"
                 "psadbw %%xmm4, %%xmm2\n\t"
                 "psadbw %%xmm4, %%xmm3\n\t"
                 "paddq %%xmm2, %%xmm0\n\t"
                 "paddq %%xmm3, %%xmm1\n\t"
                 "addl $32, %1\n\t"
                 "decl %2\n\t"
                 "jnz 1b\n\t"
                 "paddq %%xmm1, %%xmm0\n\t"
                 "movd %%xmm0, %0\n\t"
                 "psrldq $8, %%xmm0\n\t"
                 "movd %%xmm0, %%ecx\n\t"
                 "addl %%ecx, %0"
                 : "=&r"(sum), "+r"(q), "+r"(trips)
                 :
                 : "ecx", "memory", "cc");
    asm volatile("mov %0, %%cr4" : : "r"(cr4));
    return u8(sum + byte_sum(q, n - bulk));
}
#else
u8 post_byte_sum(const void* p, u32 n) { return byte_sum(p, n); }
#endif

}  // namespace reef
