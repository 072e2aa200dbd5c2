// SPDX-License-Identifier: LGPL-3.0-or-later
// The register frame of a 16-bit service call. Its layout is the push order of
// irqentry_common (src/entry16.S); the assembly takes its offsets from here
// (R_EAX, REGS16_SIZE, ...: out/asm-offsets.h, generated from asm_offsets.cc).
#pragma once
#include "lib/types.h"

namespace reef {

struct Regs16 {
    u16 gs, fs, es, ds;
    union { u32 edi; u16 di; };
    union { u32 esi; u16 si; };
    union { u32 ebp; u16 bp; };
    u32 esp_unused;
    union { u32 ebx; u16 bx; struct { u8 bl, bh; }; };
    union { u32 edx; u16 dx; struct { u8 dl, dh; }; };
    union { u32 ecx; u16 cx; struct { u8 cl, ch; }; };
    union { u32 eax; u16 ax; struct { u8 al, ah; }; };
    u32 handler;            // entry: the C++ handler's offset; call16: unused
    u16 ip, cs, flags;

    static constexpr u16 kCF = 1u << 0, kZF = 1u << 6, kIF = 1u << 9;
    void set_cf() { flags |= kCF; }
    void clear_cf() { flags &= u16(~kCF); }
    bool cf() const { return flags & kCF; }
    void set_zf() { flags |= kZF; }
    void clear_zf() { flags &= u16(~kZF); }
    bool zf() const { return flags & kZF; }
    // The common "success / failure with status in AH" conventions.
    void ok() { ah = 0; clear_cf(); }
    void fail(u8 status) { ah = status; set_cf(); }
} PACKED;

static_assert(sizeof(Regs16) == 50, "Regs16 must match irqentry_common");
static_assert(__builtin_offsetof(Regs16, edi) == 8);
static_assert(__builtin_offsetof(Regs16, eax) == 36);
static_assert(__builtin_offsetof(Regs16, handler) == 40);
static_assert(__builtin_offsetof(Regs16, flags) == 48);

// A real-mode far pointer as stored in memory (IVT, BDA 40:67, ...).
struct SegOff {
    u16 off, seg;
    constexpr u32 linear() const { return (u32(seg) << 4) + off; }
} PACKED;

}  // namespace reef
