// SPDX-License-Identifier: LGPL-3.0-or-later
// 16-bit far copies: the string instructions need ES, which gcc otherwise
// assumes equal to DS, so ES is switched only inside each asm block.
#include "lib/far.h"

namespace reef {

void far_copy_from(void* dst, u16 seg, u16 off, u16 len) {
    u32 d = reinterpret_cast<uintptr_t>(dst), s = off, n = len;
    asm volatile("pushw %%ds\n\tmovw %w3, %%ds\n\tcld\n\trep movsb\n\tpopw %%ds"
                 : "+D"(d), "+S"(s), "+c"(n)
                 : "r"(seg)
                 : "memory");
}

void far_copy_to(u16 seg, u16 off, const void* src, u16 len) {
    u32 d = off, s = reinterpret_cast<uintptr_t>(src), n = len;
    asm volatile("pushw %%es\n\tmovw %w3, %%es\n\tcld\n\trep movsb\n\tpopw %%es"
                 : "+D"(d), "+S"(s), "+c"(n)
                 : "r"(seg)
                 : "memory");
}

void far_fill(u16 seg, u16 off, u8 val, u16 len) {
    u32 d = off, n = len;
    asm volatile("pushw %%es\n\tmovw %w2, %%es\n\tcld\n\trep stosb\n\tpopw %%es"
                 : "+D"(d), "+c"(n)
                 : "r"(seg), "a"(val)
                 : "memory");
}

}  // namespace reef
