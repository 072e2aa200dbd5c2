// SPDX-License-Identifier: LGPL-3.0-or-later
// Access to memory outside the current data segment, the same source in both
// firmware modes (in the spirit of Linux arch/x86/boot's rdfs/wrfs helpers):
//   16-bit: through FS with an explicit segment; DS/ES/SS are left alone
//           (gcc assumes DS == ES == SS).
//   32-bit: seg:off is just the flat address seg*16 + off.
//   position-independent 32-bit code (REEF_PI, the BIOS32 entries): seg is
//           a protected-mode selector of the caller's, off a 32-bit offset,
//           through FS as in 16-bit code (src/svc/bios32.S gives the caller
//           back its FS); far_copy_* do not exist there.
#pragma once
#include "lib/mode.h"
#include "lib/regs16.h"

namespace reef {

#if defined(REEF_MODE16) || defined(REEF_PI)

template <unsigned N> struct UintOf;
template <> struct UintOf<1> { using type = u8; };
template <> struct UintOf<2> { using type = u16; };
template <> struct UintOf<4> { using type = u32; };

template <class T> [[gnu::always_inline]] inline T far_read(u16 seg, u32 off) {
    using U = typename UintOf<sizeof(T)>::type;
    U v;
    asm volatile("movw %w1, %%fs\n\tmov %%fs:%2, %0"
                 : "=q"(v)
                 : "r"(seg), "m"(*reinterpret_cast<const U*>(off)));
    return __builtin_bit_cast(T, v);
}
template <class T> [[gnu::always_inline]] inline void far_write(u16 seg, u32 off, T val) {
    using U = typename UintOf<sizeof(T)>::type;
    U v = __builtin_bit_cast(U, val);
    asm volatile("movw %w1, %%fs\n\tmov %2, %%fs:%0"
                 : "=m"(*reinterpret_cast<U*>(off))
                 : "r"(seg), "q"(v));
}
#if defined(REEF_MODE16)
// Byte copies between DS-relative memory and seg:off.
void far_copy_from(void* dst, u16 seg, u16 off, u16 len);
void far_copy_to(u16 seg, u16 off, const void* src, u16 len);
void far_fill(u16 seg, u16 off, u8 val, u16 len);
#endif

#elif defined(REEF_MODE32)

template <class T> [[gnu::always_inline]] inline T far_read(u16 seg, u32 off) {
    T v;
    __builtin_memcpy(&v, reinterpret_cast<const void*>((u32(seg) << 4) + off), sizeof(T));
    return v;
}
template <class T> [[gnu::always_inline]] inline void far_write(u16 seg, u32 off, T v) {
    __builtin_memcpy(reinterpret_cast<void*>((u32(seg) << 4) + off), &v, sizeof(T));
}
inline void far_copy_from(void* dst, u16 seg, u16 off, u16 len) {
    __builtin_memcpy(dst, reinterpret_cast<const void*>((u32(seg) << 4) + off), len);
}
inline void far_copy_to(u16 seg, u16 off, const void* src, u16 len) {
    __builtin_memcpy(reinterpret_cast<void*>((u32(seg) << 4) + off), src, len);
}
inline void far_fill(u16 seg, u16 off, u8 val, u16 len) {
    __builtin_memset(reinterpret_cast<void*>((u32(seg) << 4) + off), val, len);
}

#endif

}  // namespace reef
