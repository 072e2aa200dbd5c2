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
#endif

// The F-segment offset of a 16-bit code symbol, usable from 32-bit code (for
// the IVT and for far pointers handed to real-mode callers).
#if defined(REEF_MODE32)
#define DECLARE_TEXT16(name) extern "C" char _r16_##name[]
#define TEXT16_OFFSET(name) (static_cast<u16>(reinterpret_cast<uintptr_t>(_r16_##name)))
#endif
