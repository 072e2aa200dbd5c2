// SPDX-License-Identifier: LGPL-3.0-or-later
// QEMU's fw_cfg "bootorder" file (pure logic, for POST, the host tests and
// the fuzzers): OpenFirmware device paths, one per line, in boot order
// (bootindex, -kernel's ROM first), and "HALT" when only the listed devices
// may boot (-boot strict=on). docs/option-roms.md.
#pragma once
#include "lib/types.h"

namespace reef {

struct BootOrder {
    static constexpr int kMaxPaths = 32;
    static constexpr u32 kMaxPathLen = 96;
    char path[kMaxPaths][kMaxPathLen];
    int count;
    bool halt;       // "HALT": do not boot devices not listed
    int dropped;     // lines too long or beyond kMaxPaths (ignored)
};

// Parses the file (`len` bytes, not necessarily NUL terminated; lines end
// with '\n', a '\r' before it and blanks around a path are dropped).
void bootorder_parse(const char* text, u32 len, BootOrder* out);

// Whether the device path `pattern` (ours, where '*' matches any run of
// characters other than '/', '@' and ',': the node names QEMU picks, e.g.
// "/pci@i0cf8/*@1,1/drive@0/disk@0") names `path` (a line of the file) or
// a prefix of it that ends at a '/' (QEMU appends nodes we do not model).
bool bootorder_path_matches(const char* pattern, const char* path);

// The position of the first line `pattern` matches, -1 if none.
int bootorder_find(const BootOrder& bo, const char* pattern);

}  // namespace reef
