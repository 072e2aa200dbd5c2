// SPDX-License-Identifier: LGPL-3.0-or-later
// The VGA ROM's helpers: ROM data through CS, block moves between segments,
// the debug port, and the memset/memcpy gcc may emit.
#include "vgasrc/vgarom.h"
#include "vgasrc/romlib.h"

namespace reef::vga {

void far_move(u16 dseg, u16 doff, u16 sseg, u16 soff, u16 n) {
    u32 di = doff, si = soff, cx = n;
    asm volatile("pushw %%ds\n\tpushw %%es\n\tmovw %w3, %%ds\n\tmovw %w4, %%es\n\t"
                 "rep movsb\n\tpopw %%es\n\tpopw %%ds"
                 : "+D"(di), "+S"(si), "+c"(cx)
                 : "r"(sseg), "r"(dseg)
                 : "memory");
}

void far_fill32(u16 seg, u16 off, u32 val, u16 dwords) {
    u32 di = off, cx = dwords;
    asm volatile("pushw %%es\n\tmovw %w3, %%es\n\trep stosl\n\tpopw %%es"
                 : "+D"(di), "+c"(cx)
                 : "a"(val), "r"(seg)
                 : "memory");
}

void far_copy_strided(u16 dseg, u16 doff, u16 dstride, u16 sseg, u16 soff, u16 size, u16 count) {
    if (!count) return;
    u32 di = doff, si = soff, n = count;
    // Whole dwords when the size allows (font glyphs of 8, 16 lines).
    struct {
        u32 reps, skip;
        u16 sseg, dseg;
    } a = {size & 3 ? size : size / 4u, u32(dstride - size), sseg, dseg};
    // One block per trip: `rep OP` of a.reps, then on to the next slot.
#define STRIDED_COPY(op)                                                                                       \
    asm volatile("pushw %%ds\n\tpushw %%es\n\tmovw %%ss:%[dseg], %%es\n\tmovw %%ss:%[sseg], %%ds\n"             \
                 "1:\tmovl %%ss:%[reps], %%ecx\n\trep " op "\n\taddl %%ss:%[skip], %%edi\n\tdecl %[n]\n\t"         \
                 "jnz 1b\n\tpopw %%es\n\tpopw %%ds"                                                                \
                 : "+D"(di), "+S"(si), [n] "+r"(n)                                                             \
                 : [reps] "m"(a.reps), [skip] "m"(a.skip), [sseg] "m"(a.sseg), [dseg] "m"(a.dseg)              \
                 : "ecx", "memory", "cc")
    if (size & 3) STRIDED_COPY("movsb");
    else STRIDED_COPY("movsl");
#undef STRIDED_COPY
}

void far_fill16(u16 seg, u16 off, u16 val, u16 words) {
    u32 di = off, cx = words, ax = val;
    asm volatile("pushw %%es\n\tmovw %w3, %%es\n\trep stosw\n\tpopw %%es"
                 : "+D"(di), "+c"(cx)
                 : "a"(ax), "r"(seg)
                 : "memory");
}

u16 stack_seg() {
    u16 ss;
    asm("movw %%ss, %0" : "=r"(ss));
    return ss;
}

void rom_copy(void* dst, const void* src, u16 n) {
    far_move(stack_seg(), u16(u32(dst)), rom_seg(), u16(u32(src)), n);
}

void rom_outsb(u16 port, const void* src, u16 n) {
    u32 si = u16(u32(src)), cx = n;
    asm volatile("pushw %%ds\n\tpushw %%cs\n\tpopw %%ds\n\trep outsb\n\tpopw %%ds"
                 : "+S"(si), "+c"(cx)
                 : "d"(port)
                 : "memory");
}

void rom_copy_far(u16 seg, u16 off, const void* src, u16 n) { far_move(seg, off, rom_seg(), u16(u32(src)), n); }

namespace {
void log_char(char c) { outb(u8(c), VGA_DEBUG_PORT); }
void log_str(const char* s) {
    for (char c; (c = rom_read(s)) != 0; s++) log_char(c);
}
}  // namespace

void vga_log(const char* romstr) {
    log_str(romstr);
    log_char('\n');
}

void vga_log_hex(const char* romstr, u32 value) {
    log_str(romstr);
    log_char(' ');
    bool started = false;
    for (int shift = 28; shift >= 0; shift -= 4) {
        u8 d = (value >> shift) & 0xF;
        if (!d && !started && shift) continue;
        started = true;
        log_char(char(d < 10 ? '0' + d : 'a' + d - 10));
    }
    log_char('h');
    log_char('\n');
}

}  // namespace reef::vga

extern "C" void* memset(void* d, int c, size_t n) {
    u8* p = static_cast<u8*>(d);
    while (n--) *p++ = u8(c);
    return d;
}
extern "C" void* memcpy(void* d, const void* s, size_t n) {
    u8* p = static_cast<u8*>(d);
    const u8* q = static_cast<const u8*>(s);
    while (n--) *p++ = *q++;
    return d;
}
