// SPDX-License-Identifier: LGPL-3.0-or-later
// The VGA BIOS's execution model (docs/vga-bios.md). The ROM is 16-bit code
// (-m16) linked at offset 0 of its own segment (C000h once shadowed). gcc
// assumes DS == ES == SS, so a service runs with DS = ES = SS = the caller's
// stack and reaches its own constant data through CS (rom_read, rom_copy):
// such data is marked ROMDATA; the linker script fails the link if anything
// lands in .rodata/.bss, which DS-relative code would read from the wrong
// segment. Memory elsewhere (BDA, video memory, the caller's buffers) goes
// through FS (lib/far.h).
#pragma once
#include "lib/types.h"

#if !defined(REEF_HOST)
#include "lib/far.h"
#include "lib/io.h"
#include "lib/regs16.h"

#define ROMDATA __attribute__((section(".romdata")))
// Data that init() writes (the ROM is RAM until the BIOS write-protects it).
#define ROMVAR __attribute__((section(".romvar")))

namespace reef::vga {

template <class T> [[gnu::always_inline]] inline T rom_read(const T* p) {
    using U = typename UintOf<sizeof(T)>::type;
    U v;
    asm volatile("mov %%cs:%1, %0" : "=q"(v) : "m"(*reinterpret_cast<const U*>(p)));
    return __builtin_bit_cast(T, v);
}
template <class T> [[gnu::always_inline]] inline void rom_write(T* p, T val) {
    using U = typename UintOf<sizeof(T)>::type;
    asm volatile("mov %1, %%cs:%0" : "=m"(*reinterpret_cast<U*>(p)) : "q"(__builtin_bit_cast(U, val)));
}
// Copies n bytes of ROM data at src (a CS offset) to dst (DS-relative).
void rom_copy(void* dst, const void* src, u16 n);
// Writes n bytes of ROM data at src to an I/O port (rep outsb).
void rom_outsb(u16 port, const void* src, u16 n);
// Copies n bytes of ROM data to seg:off.
void rom_copy_far(u16 seg, u16 off, const void* src, u16 n);
// The ROM's segment.
[[gnu::always_inline]] inline u16 rom_seg() {
    u16 cs;
    asm("movw %%cs, %0" : "=r"(cs));
    return cs;
}

// One line on the debug port (QEMU isa-debugcon at 0x402): a ROMDATA string.
void vga_log(const char* romstr);
void vga_log_hex(const char* romstr, u32 value);
#define VGA_LOG(s) ::reef::vga::vga_log(({ static ROMDATA const char m_[] = s; m_; }))
#define VGA_LOG_HEX(s, v) ::reef::vga::vga_log_hex(({ static ROMDATA const char m_[] = s; m_; }), (v))

// Services.
void int10_dispatch(Regs16* r);
void vbe_dispatch(Regs16* r);
bool vbe_present();
void vbe_init(u16 bdf);
void vbe_disable();
void video_state(Regs16* r);  // INT 10h AH=1Ch (vgasrc/vbe.cc)

}  // namespace reef::vga

extern "C" const u8 vga_font8x8[256 * 8];
extern "C" const u8 vga_font8x14[256 * 14];
extern "C" const u8 vga_font8x16[256 * 16];
#endif
