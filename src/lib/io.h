// SPDX-License-Identifier: LGPL-3.0-or-later
// Port I/O and typed, named hardware registers (in the spirit of Zircon's hwreg).
// Only firmware code includes this; host-tested logic talks to interfaces instead.
#pragma once
#include "lib/types.h"

namespace reef {

[[gnu::always_inline]] static inline void outb(u8 v, u16 port) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
[[gnu::always_inline]] static inline void outw(u16 v, u16 port) { asm volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
[[gnu::always_inline]] static inline void outl(u32 v, u16 port) { asm volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
[[gnu::always_inline]] static inline u8 inb(u16 port) { u8 v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
[[gnu::always_inline]] static inline u16 inw(u16 port) { u16 v; asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
[[gnu::always_inline]] static inline u32 inl(u16 port) { u32 v; asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

[[gnu::always_inline]] static inline void cli() { asm volatile("cli" ::: "memory"); }
[[gnu::always_inline]] static inline void sti() { asm volatile("sti" ::: "memory"); }
[[gnu::always_inline]] static inline void hlt() { asm volatile("hlt" ::: "memory"); }
[[gnu::always_inline]] static inline void barrier() { asm volatile("" ::: "memory"); }
[[gnu::always_inline]] static inline u64 rdtsc() { u32 lo, hi; asm volatile("rdtsc" : "=a"(lo), "=d"(hi)); return (u64(hi) << 32) | lo; }
[[gnu::always_inline]] static inline u32 save_flags() { u32 f; asm volatile("pushfl; popl %0" : "=rm"(f)); return f; }
[[gnu::always_inline]] static inline void restore_flags(u32 f) { asm volatile("pushl %0; popfl" ::"g"(f) : "memory", "cc"); }

// A fixed I/O port register of width T.
template <class T, u16 Port> struct IoReg {
    static constexpr u16 port = Port;
    [[gnu::always_inline]] static T read() {
        if constexpr (sizeof(T) == 1) return T(inb(Port));
        else if constexpr (sizeof(T) == 2) return T(inw(Port));
        else return T(inl(Port));
    }
    [[gnu::always_inline]] static void write(T v) {
        if constexpr (sizeof(T) == 1) outb(u8(v), Port);
        else if constexpr (sizeof(T) == 2) outw(u16(v), Port);
        else outl(u32(v), Port);
    }
};

// An I/O register at a runtime base plus a fixed offset (ATA channels, UARTs).
template <class T, u16 Offset> struct IoRegAt {
    static constexpr u16 port(u16 base) { return u16(base + Offset); }
    [[gnu::always_inline]] static T read(u16 base) {
        if constexpr (sizeof(T) == 1) return T(inb(base + Offset));
        else if constexpr (sizeof(T) == 2) return T(inw(base + Offset));
        else return T(inl(base + Offset));
    }
    [[gnu::always_inline]] static void write(u16 base, T v) {
        if constexpr (sizeof(T) == 1) outb(u8(v), base + Offset);
        else if constexpr (sizeof(T) == 2) outw(u16(v), base + Offset);
        else outl(u32(v), base + Offset);
    }
};

// Ports of devices without a header of their own (the PIC, PIT, CMOS, i8042,
// UART and system control ports are defined in src/hw/*.h).
namespace port {
constexpr u16 kDebugCon = 0x402;      // QEMU isa-debugcon (default iobase)
constexpr u16 kPciConfAddr = 0xCF8, kPciConfData = 0xCFC;
constexpr u16 kFwCfgCtl = 0x510, kFwCfgData = 0x511, kFwCfgDma = 0x514;
}  // namespace port

}  // namespace reef
