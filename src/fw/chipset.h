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

// SMRAM control (i440FX 00:00.0 72h, Q35 MCH 00:00.0 9Dh, same bits):
// D_OPEN shows SMRAM to non-SMM accesses, D_LCK makes D_OPEN 0 and the
// register read-only until reset, G_SMRAME enables SMRAM, C_BASE_SEG 010b
// = the A-segment (0xA0000-0xBFFFF).
namespace smram {
constexpr u8 kI440fx = 0x72, kQ35 = 0x9D;
constexpr u8 kOpen = 1u << 6, kClosed = 1u << 5, kLock = 1u << 4, kEnable = 1u << 3, kBaseSegA = 0x2;
constexpr u32 kBase = 0xA0000, kSize = 0x20000;
}  // namespace smram

// The ACPI PM I/O block both chipsets get (PIIX4 PMBA, ICH9 PMBASE).
constexpr u16 kPmIoBase = 0x600;
// APM control port: a write (but of the ACPI enable/disable values) raises
// an SMI where enabled: PIIX4 PM function (00:01.3) config 5Bh bit 1;
// ICH9 SMI_EN (PMBASE + 30h) bit 5 APMC_EN, bit 0 GBL_SMI_EN.
namespace apm {
constexpr u16 kControlPort = 0xB2;
constexpr u8 kAcpiEnable = 0xF1, kAcpiDisable = 0xF0;
constexpr u8 kPiix4ApmcReg = 0x5B, kPiix4ApmcEnable = 1u << 1;
constexpr u16 kIch9SmiEn = kPmIoBase + 0x30;
constexpr u32 kIch9ApmcEnable = 1u << 5, kIch9GlobalSmiEnable = 1u << 0;
}  // namespace apm

}  // namespace reef
