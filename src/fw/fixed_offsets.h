// SPDX-License-Identifier: LGPL-3.0-or-later
// The fixed (IBM-compatible) F-segment offsets, from src/fixed.h, as C++
// constants (fixed::iret, fixed::int13, ...); the build checks that the image
// has the right code at each (scripts/checklayout.py).
#pragma once
#include "fixed.h"
#include "lib/types.h"

namespace reef::fixed {
#define REEF_FIXED_OFFSET(off, tag, kind, sym, what) constexpr u16 tag = off;
REEF_FIXED_ENTRIES(REEF_FIXED_OFFSET)
#undef REEF_FIXED_OFFSET
}  // namespace reef::fixed
