// SPDX-License-Identifier: LGPL-3.0-or-later
// Memory above 1 MiB from the VGA ROM's services (vgasrc/himem.h).
#include "vgasrc/himem.h"
#include "vgasrc/vgarom.h"
#include "vgasrc/romlib.h"

extern "C" u32 vga_flat_gs();

namespace reef::vga {

namespace {

struct MoveDesc {
    u16 limit, base_lo;
    u8 base_mid, access, limit_hi, base_hi;
} PACKED;

// INT 15h AH=87h: `bytes` (even, at most 64 KiB) from src to dst.
void int15_move(u32 dst, u32 src, u32 bytes) {
    MoveDesc gdt[6] = {};
    auto set = [](MoveDesc& d, u32 base) {
        d.limit = 0xFFFF;
        d.base_lo = u16(base);
        d.base_mid = u8(base >> 16);
        d.access = 0x93;
        d.base_hi = u8(base >> 24);
    };
    set(gdt[2], src);
    set(gdt[3], dst);
    u32 ax = 0x8700, cx = bytes / 2, si = u16(u32(&gdt[0]));
    asm volatile("int $0x15" : "+a"(ax), "+c"(cx), "+S"(si)::"memory", "cc");
}

}  // namespace

Hi hi_begin() {
    Hi h;
    asm volatile("pushfw\n\tpopw %0\n\tcli" : "=r"(h.flags)::"memory");
    h.flat = vga_flat_gs() != 0;
    return h;
}
void hi_end(const Hi& h) { asm volatile("pushw %0\n\tpopfw" ::"r"(h.flags) : "memory", "cc"); }

u32 linear(const void* p) { return u32(stack_seg()) * 16 + u16(u32(p)); }

void hi_copy(const Hi& h, u32 dst, u32 src, u32 bytes) {
    if (h.flat) {
        u32 n = bytes / 4;
        asm volatile("pushw %%es\n\tpushw %%gs\n\tpopw %%es\n\taddr32 rep movsl %%gs:(%%esi), %%es:(%%edi)\n\tpopw %%es"
                     : "+S"(src), "+D"(dst), "+c"(n)::"memory");
        return;
    }
    while (bytes) {
        u32 n = bytes > 0x10000 ? 0x10000 : bytes;
        int15_move(dst, src, n);
        dst += n, src += n, bytes -= n;
    }
}

void hi_fill(const Hi& h, u32 dst, u32 val, u32 bytes) {
    if (h.flat) {
        u32 n = bytes / 4;
        asm volatile("pushw %%es\n\tpushw %%gs\n\tpopw %%es\n\taddr32 rep stosl %%eax, %%es:(%%edi)\n\tpopw %%es"
                     : "+D"(dst), "+c"(n)
                     : "a"(val)
                     : "memory");
        return;
    }
    u32 pat[32];
    for (u16 i = 0; i < 32; i++) pat[i] = val;
    u32 done = bytes < sizeof(pat) ? bytes : sizeof(pat);
    hi_copy(h, dst, linear(pat), done);
    while (done < bytes) {  // doubling what is already there
        u32 n = bytes - done;
        if (n > done) n = done;
        if (n > 0x10000) n = 0x10000;
        hi_copy(h, dst + done, dst, n);
        done += n;
    }
}

void hi_write16(const Hi& h, u32 addr, u16 v) {
    if (h.flat) {
        asm volatile("movw %0, %%gs:(%1)" ::"r"(v), "r"(addr) : "memory");
        return;
    }
    int15_move(addr, linear(&v), 2);
}

u16 hi_read16(const Hi& h, u32 addr) {
    u16 v = 0;
    if (h.flat) asm volatile("movw %%gs:(%1), %0" : "=r"(v) : "r"(addr) : "memory");
    else int15_move(linear(&v), addr, 2);
    return v;
}


}  // namespace reef::vga
