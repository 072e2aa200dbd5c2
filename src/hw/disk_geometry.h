// SPDX-License-Identifier: LGPL-3.0-or-later
// The logical CHS geometry INT 13h reports for a disk (pure logic).
#pragma once
#include "lib/types.h"

namespace reef {

struct Geometry {
    u16 cylinders;  // at most 1024 (what INT 13h AH=08h can express)
    u16 heads;      // at most 255
    u16 spt;        // 63 for translated disks
};

// Small disks keep a 16-head, 63-sector layout; larger ones get the usual
// LBA-assisted translation (heads doubled until cylinders fit in 1024).
// Cylinders are capped at 1024; INT 13h extensions reach the rest.
constexpr Geometry disk_translate(u64 sectors) {
    u16 heads = 16;
    const u16 spt = 63;
    u64 cyl = sectors / (u64(heads) * spt);
    while (cyl > 1024 && heads < 128) {
        heads = u16(heads * 2);
        cyl = sectors / (u64(heads) * spt);
    }
    if (cyl > 1024) {
        heads = 255;
        cyl = sectors / (u64(heads) * spt);
    }
    if (cyl > 1024) cyl = 1024;
    if (cyl == 0) cyl = 1;
    return Geometry{u16(cyl), heads, spt};
}

static_assert(disk_translate(1024ull * 16 * 63).cylinders == 1024);
static_assert(disk_translate(1024ull * 16 * 63 + 16 * 63).heads == 32);
static_assert(disk_translate(100ull * 1024 * 1024 * 1024 / 512).heads == 255);

}  // namespace reef
