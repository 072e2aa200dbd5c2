// SPDX-License-Identifier: LGPL-3.0-or-later
// Port I/O, MMIO and typed, named hardware registers (in the spirit of Zircon's
// hwreg). Firmware code includes this; host-tested logic talks to interfaces
// instead, except the drivers built against fake devices (REEF_HOST below).
#pragma once
#include "lib/types.h"

namespace reef {

#if defined(REEF_HOST)
// Host builds of the drivers (tagged hosthw in src/sources.list, unit tests
// only): port I/O and MMIO reach the test's fake devices through these hooks
// (tests/unit/host_hw.cc); the CPU instructions are no-ops. Pure logic
// (tagged host, also in the fuzzers) never calls them: it would not link.
u32 host_port_read(u16 port, u8 size);
void host_port_write(u16 port, u8 size, u32 v);
u64 host_mmio_read(u32 addr, u8 size);
void host_mmio_write(u32 addr, u8 size, u64 v);
inline void outb(u8 v, u16 port) { host_port_write(port, 1, v); }
inline void outw(u16 v, u16 port) { host_port_write(port, 2, v); }
inline void outl(u32 v, u16 port) { host_port_write(port, 4, v); }
inline u8 inb(u16 port) { return u8(host_port_read(port, 1)); }
inline u16 inw(u16 port) { return u16(host_port_read(port, 2)); }
inline u32 inl(u16 port) { return host_port_read(port, 4); }
inline void cli() {}
inline void sti() {}
inline void hlt() {}
inline void barrier() { asm volatile("" ::: "memory"); }

// A device register in memory space (flat address below 4 GiB): one access
// of exactly sizeof(T) bytes.
template <class T> inline T mmio_read(u32 a) { return T(host_mmio_read(a, sizeof(T))); }
template <class T> inline void mmio_write(u32 a, T v) { host_mmio_write(a, sizeof(T), u64(v)); }
#else
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

// A device register in memory space (flat address below 4 GiB): one access
// of exactly sizeof(T) bytes.
template <class T> [[gnu::always_inline]] inline T mmio_read(u32 a) { return *reinterpret_cast<volatile T*>(uintptr_t(a)); }
template <class T> [[gnu::always_inline]] inline void mmio_write(u32 a, T v) { *reinterpret_cast<volatile T*>(uintptr_t(a)) = v; }
#endif

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
