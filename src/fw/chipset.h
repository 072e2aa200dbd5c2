// SPDX-License-Identifier: LGPL-3.0-or-later
// The QEMU chipsets' host bridges and the PAM (shadow RAM) registers: the one
// definition, for POST (src/fw/shadow.cc) and, via out/asm-offsets.h, the
// first 32-bit code (src/post_entry.S), which opens the shadow RAM.
#pragma once
#include "lib/types.h"

namespace reef {

namespace pciid {
constexpr u16 kIntel = 0x8086;
constexpr u16 kI440fxDevice = 0x1237;  // i440FX host bridge (QEMU pc)
constexpr u16 kQ35MchDevice = 0x29C0;  // Q35 MCH (QEMU q35)
}  // namespace pciid

// PAM0-PAM6 in the host bridge (00:00.0). PAM0 bits 5:4 cover the
// F-segment; PAM1-PAM6 cover 0xC0000-0xEFFFF in 16 KiB halves (low nibble
// the lower half). Each 2-bit field: 0 = PCI (ROM), 1 = read-only,
// 2 = write-only, 3 = read/write RAM.
namespace pam {
constexpr u8 kPam0I440fx = 0x59, kPam0Q35 = 0x90;
constexpr u8 kReadOnly = 0x1, kReadWrite = 0x3;
constexpr u32 kChunk = 0x4000;
}  // namespace pam

}  // namespace reef
