// SPDX-License-Identifier: LGPL-3.0-or-later
// Which world a translation unit is built for. Exactly one of:
//   REEF_MODE16  firmware, 16-bit real/vm86 mode (-m16), runtime services
//   REEF_MODE32  firmware, 32-bit flat protected mode (-m32), POST
//   REEF_HOST    host build for unit tests (x86-64, hosted, GoogleTest)
#pragma once
#include "lib/types.h"

#if (defined(REEF_MODE16) + defined(REEF_MODE32) + defined(REEF_HOST)) != 1
#error "build exactly one of REEF_MODE16, REEF_MODE32, REEF_HOST"
#endif

#if defined(REEF_MODE16) || defined(REEF_MODE32)
#define REEF_FIRMWARE 1
#include "autoconf.h"
#endif
// REEF_PI (with REEF_MODE32): position-independent 32-bit code (pi32 in
// src/sources.list, src/lib/pi.h). It may run at its link address (called
// from POST or call32 code) or anywhere else with the same layout around it
// (the BIOS32 entries under 32-bit Linux run at PAGE_OFFSET + physical):
// RT() and bios_ptr() below give addresses that hold in both cases.
#if defined(REEF_PI) && !defined(REEF_MODE32)
#error "REEF_PI goes with REEF_MODE32"
#endif

#include "layout.h"

// Data shared between POST (32-bit) and runtime services (16-bit) lives in the
// 16-bit runtime data segment and is defined in 16-bit objects only.
//   DECLARE_RTVAR(Type, name);   in a header
//   DEFINE_RTVAR(Type, name);    in one file built in 16-bit mode
//   RT(name)                     an lvalue, in either mode
#if defined(REEF_MODE16)
#define DECLARE_RTVAR(T, name) extern "C" T name
#define DEFINE_RTVAR(T, name) extern "C" { constinit T name{}; }
#define RT(name) (name)
#elif defined(REEF_MODE32)
#define DECLARE_RTVAR(T, name) extern "C" T _r16_##name
#define RT(name) (*::reef::rt_flat(&_r16_##name))
namespace reef {
template <class T> [[gnu::always_inline]] inline T* rt_flat(T* p) {
    return reinterpret_cast<T*>(RTDATA_BASE + reinterpret_cast<uintptr_t>(p));
}
}  // namespace reef
#elif defined(REEF_HOST)
// Host builds of the drivers (hosthw in src/sources.list): plain globals,
// defined by the tests' stand-ins where a driver uses one.
#define DECLARE_RTVAR(T, name) extern "C" T name
#define RT(name) (name)
#endif
#if defined(REEF_MODE16)
namespace reef {
// Real mode, or vm86 (CR0.PE set while running 16-bit code)? call32 needs
// the former.
[[gnu::always_inline]] inline bool in_vm86() {
    u16 msw;
    asm volatile("smsw %0" : "=r"(msw));
    return msw & 1;
}
}  // namespace reef
#endif

#if defined(REEF_PI)
// Offset 0 of the runtime data segment (src/rom.ld.S), physical RTDATA_BASE:
// its run-time address minus 0 is how far this code runs from where it was
// linked (0 when called at its link address, PAGE_OFFSET under Linux).
extern "C" char _r16_data16_start[];
namespace reef {
// How far the code runs from its link address.
[[gnu::always_inline]] inline uintptr_t pi_delta() { return reinterpret_cast<uintptr_t>(_r16_data16_start); }
// Where physical address `pa` of the BIOS area (0xE0000-0xFFFFF) is
// reached from here, and the physical address of something reached here.
[[gnu::always_inline]] inline u8* bios_ptr(u32 pa) { return reinterpret_cast<u8*>(pi_delta() + pa); }
[[gnu::always_inline]] inline u32 bios_phys(const void* p) { return u32(reinterpret_cast<uintptr_t>(p) - pi_delta()); }
}  // namespace reef
#endif

// The F-segment offset of a 16-bit code symbol, usable from 32-bit code (for
// the IVT and for far pointers handed to real-mode callers).
#if defined(REEF_MODE32)
#define DECLARE_TEXT16(name) extern "C" char _r16_##name[]
#define TEXT16_OFFSET(name) (static_cast<u16>(reinterpret_cast<uintptr_t>(_r16_##name)))
#endif

#if defined(REEF_MODE32)
// A POST-only function (or data) in a 32-bit runtime object: it goes to the
// init region with the POST objects (src/rom.ld.S), and runtime code must
// not reference it (scripts/checkrefs.py).
#define REEF_INIT __attribute__((section(".init.text"), noinline, cold))
#define REEF_INITDATA __attribute__((section(".init.data")))

// A 32-bit runtime function that 16-bit code calls through call32. The
// name must start with c32_ (the stack check, scripts/stackcheck.py, takes
// these as the roots of the runtime 32-bit stack); 16-bit code declares it
// with DECLARE_CALL32(name) and passes CALL32_ADDR(name) to call32().
#define CALL32_ENTRY(name)                                                  \
    static_assert(__builtin_strncmp(#name, "c32_", 4) == 0, "call32 entry names start with c32_"); \
    asm(".globl _r16_" #name "\n\t.set _r16_" #name ", " #name)
#elif defined(REEF_MODE16)
#define DECLARE_CALL32(name) extern "C" char name[]
#define CALL32_ADDR(name) (static_cast<u32>(reinterpret_cast<uintptr_t>(name)))
#endif

#if defined(REEF_FIRMWARE)
namespace reef {
// A pointer into the runtime data chunk that both modes can follow: stored
// as the offset in the runtime data segment (what 16-bit code uses as a near
// pointer; 32-bit code adds RTDATA_BASE). 0 is null: the linker script keeps
// offset 0 free.
template <class T> struct RtPtr {
    u16 off;
#if defined(REEF_MODE16)
    static RtPtr of(T* p) { return RtPtr{u16(reinterpret_cast<uintptr_t>(p))}; }
    T* get() const { return reinterpret_cast<T*>(uintptr_t(off)); }
#else
    static RtPtr of(T* p) { return RtPtr{u16(reinterpret_cast<uintptr_t>(p) - RTDATA_BASE)}; }
    T* get() const { return reinterpret_cast<T*>(RTDATA_BASE + uintptr_t(off)); }
#endif
    T* operator->() const { return get(); }
    T& operator*() const { return *get(); }
    explicit operator bool() const { return off != 0; }
};

// The flat address of runtime data (in 16-bit code: a DS/SS-relative
// pointer into the runtime data segment).
[[gnu::always_inline]] inline u32 rt_flat_addr(const void* p) {
#if defined(REEF_MODE16)
    return RTDATA_BASE + u32(reinterpret_cast<uintptr_t>(p));
#else
    return u32(reinterpret_cast<uintptr_t>(p));
#endif
}
}  // namespace reef
#endif
#if defined(REEF_HOST)
namespace reef {
// Host builds of the drivers: a plain pointer in the block layer's structures.
template <class T> struct RtPtr {
    T* p;
    static RtPtr of(T* q) { return RtPtr{q}; }
    T* get() const { return p; }
    T* operator->() const { return p; }
    T& operator*() const { return *p; }
    explicit operator bool() const { return p != nullptr; }
};
}  // namespace reef
#endif
