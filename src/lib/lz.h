// SPDX-License-Identifier: LGPL-3.0-or-later
// RLZ1: the byte-oriented LZ77 format of the VGA ROMs built into the BIOS
// image (scripts/lzpack.py packs, lz_unpack() unpacks; docs/vga-bios.md).
//
//   header   "RLZ1", unpacked size (u32 LE), packed size of what follows (u32 LE)
//   sequence token: literal count (high nibble) and match length - 4 (low
//            nibble); a nibble of 15 continues in the next bytes (each added,
//            until one below 255); the literals; then, unless the sequence is
//            the last (its literals end the input), the match distance
//            (u16 LE, 1 to 65535 bytes back into the output) -- the match may
//            overlap what it produces.
#pragma once
#include "lib/types.h"

namespace reef {

struct LzHeader {
    u32 magic;     // "RLZ1"
    u32 unpacked;  // bytes
    u32 packed;    // bytes after the header
} PACKED;
static_assert(sizeof(LzHeader) == 12);
constexpr u32 kLzMagic = 0x315A4C52;  // "RLZ1"
constexpr u32 kLzMinMatch = 4;

// The header of `in` (n bytes) if it is one and the packed size fits; else false.
bool lz_header(const u8* in, u32 n, LzHeader* h);
// Unpacks the stream (header included) of n bytes at `in` into out (room
// for `cap` bytes). Returns the unpacked size, or -1 when the stream is
// malformed (bad header, a run past the input or the output, a distance
// before the output's start) or its unpacked size is not what the header says.
s32 lz_unpack(const u8* in, u32 n, u8* out, u32 cap);

}  // namespace reef
