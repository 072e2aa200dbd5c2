// SPDX-License-Identifier: LGPL-3.0-or-later
// Block moves between segments for the VGA ROM (vgasrc/romlib.cc).
#pragma once
#include "lib/types.h"

namespace reef::vga {
constexpr u16 VGA_DEBUG_PORT = CONFIG_DEBUG_PORT;
// n bytes from sseg:soff to dseg:doff, ascending (overlap only with dst below src).
void far_move(u16 dseg, u16 doff, u16 sseg, u16 soff, u16 n);
// `dwords` copies of val from seg:off on.
void far_fill32(u16 seg, u16 off, u32 val, u16 dwords);
// `count` blocks of `size` bytes, packed at sseg:soff, to dseg:doff every `dstride` bytes.
void far_copy_strided(u16 dseg, u16 doff, u16 dstride, u16 sseg, u16 soff, u16 size, u16 count);
// `words` copies of val from seg:off on.
void far_fill16(u16 seg, u16 off, u16 val, u16 words);
u16 stack_seg();
}  // namespace reef::vga
