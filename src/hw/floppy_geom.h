// SPDX-License-Identifier: LGPL-3.0-or-later
// Diskette geometry and ISA DMA arithmetic (pure logic, also built for the
// host tests): the media each CMOS drive type takes, the diskette parameter
// table of a medium, the BDA media state byte, and how a transfer splits at
// the 64 KiB boundaries the 8237 cannot cross.
#pragma once
#include "block/drive.h"

namespace reef {

namespace floppy {
// CMOS register 10h drive types (high nibble drive 0, low nibble drive 1).
constexpr u8 kTypeNone = 0, kType360K = 1, kType1M2 = 2, kType720K = 3, kType1M44 = 4, kType2M88 = 5;
// Data rates (CCR/DSR bits 1:0).
constexpr u8 kRate500K = 0, kRate300K = 1, kRate250K = 2, kRate1M = 3;
constexpr u32 kSectorSize = 512;
constexpr u8 kSizeCode512 = 2;  // N = 2: 128 << 2 bytes per sector
constexpr u32 kDptSize = 11;
constexpr u32 kDmaPage = 0x10000;   // the 8237 address counter wraps at 64 KiB
constexpr u32 kDmaLimit = 0x1000000;  // ISA DMA reaches the first 16 MiB
}  // namespace floppy

// A diskette medium as a drive reads it.
struct FloppyFormat {
    u8 native_type;  // the CMOS drive type whose own medium this is
    u8 cylinders, heads, spt;
    u8 rate;         // data rate in this drive (floppy::kRate*)
    u8 gap;          // read/write gap length (GPL)
    u8 format_gap;   // format gap length (GAP3)
};

// The native medium of a drive type (1-5), or null for anything else.
const FloppyFormat* floppy_native_format(u8 drive_type);
// The media a drive of `drive_type` reads, densest first: the i-th one, or
// null past the end (media detection tries them in this order).
const FloppyFormat* floppy_media_candidate(u8 drive_type, u8 i);
// INT 13h AH=18h: the medium of `cylinders` and `spt` that the drive takes,
// or null.
const FloppyFormat* floppy_find_media(u8 drive_type, u16 cylinders, u16 spt);
// The CMOS type whose native medium has geometry `g` (0: none), for
// floppy-kind drives that are not on the controller (El Torito emulation).
u8 floppy_type_of(const Chs& g);
// The BDA media state byte (40:90) for `media` established in a drive of
// `drive_type`: data rate in bits 7-6, bit 4 established, bits 2-0 the
// media/drive combination.
u8 floppy_media_state(u8 drive_type, const FloppyFormat& media);
// The 11-byte diskette parameter table (INT 1Eh layout) for a medium.
void floppy_fill_dpt(const FloppyFormat& media, u8* dpt);

// ISA DMA: how many of `count` sectors of `size` bytes at the flat address
// `buf` one DMA transfer can move before the next 64 KiB boundary (0: the
// first sector itself straddles one, bounce it).
u32 dma_sectors_before_boundary(u32 buf, u32 count, u32 size);

}  // namespace reef
