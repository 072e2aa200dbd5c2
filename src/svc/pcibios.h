// SPDX-License-Identifier: LGPL-3.0-or-later
// The PCI BIOS (PCI BIOS Specification 2.1): INT 1Ah AX=B1xxh in real/vm86
// mode, and the same functions through the "$PCI" service of the BIOS32
// Service Directory in 32-bit protected mode (docs/pci-bios.md).
//
//   16-bit: handle_int1a (src/svc/int1a.cc) passes AH=B1h calls on;
//   32-bit: src/svc/bios32.S builds a Regs16 frame on the caller's stack and
//           calls bios32_pcibios, position-independent code (pi32) that
//           works wherever the caller maps the BIOS (32-bit Linux: at
//           PAGE_OFFSET + physical, CS base 0).
#pragma once
#include "lib/mode.h"
#include "lib/regs16.h"

namespace reef::pcibios {

// Status codes (AH; CF set for all but kSuccessful).
constexpr u8 kSuccessful = 0x00, kFuncNotSupported = 0x81, kBadVendorId = 0x83, kDeviceNotFound = 0x86,
             kBadRegisterNumber = 0x87, kSetFailed = 0x88, kBufferTooSmall = 0x89;
constexpr u8 kFunctionId = 0xB1;           // AH of every call
constexpr u32 kPciSignature = 0x20494350;  // "PCI " (B101h, EDX)
constexpr u16 kInterfaceLevel = 0x0210;    // 2.10 (B101h, BX)
constexpr u8 kConfigMechanism1 = 0x01;     // B101h, AL: no special cycles
// POST enumerates bus 0 only (src/fw/pci.cc); B101h reports it as the last.
// B10Fh, CL: the interrupt pin, 0Ah = INTA# ... 0Dh = INTD#.
constexpr u8 kPinIntA = 0x0A;

// The BIOS32 Service Directory (Standard BIOS 32-bit Service Directory
// Proposal 0.4): a 16-byte header somewhere in 0xE0000-0xFFFFF on a 16-byte
// boundary, found by scanning; its entry takes EAX = service id, EBX = 0.
constexpr u32 kBios32Signature = 0x5F32335F;  // "_32_"
constexpr u32 kServicePci = 0x49435024;       // "$PCI"
// What the directory reports for "$PCI": the whole BIOS area, which holds
// the entry's code (E-segment), the runtime data (0xE8000) and the $PIR
// (F-segment); 32-bit Linux refuses base + length above 1 MiB.
constexpr u32 kServiceBase = ROM_BASE, kServiceLength = ROM_SIZE;
// Directory status codes (AL).
constexpr u8 kServiceNotPresent = 0x80, kDirectoryBadFunction = 0x81;

struct Bios32Directory {
    u32 signature;
    u32 entry;     // physical address of the directory's 32-bit entry point
    u8 revision;   // 0
    u8 length;     // in paragraphs: 1
    u8 checksum;   // the 16 bytes add up to 0
    u8 reserved[5];
} PACKED;
static_assert(sizeof(Bios32Directory) == 16);

// 32-bit B10Eh: ES:EDI points at this (the 16-bit call: {u16 size; u16
// offset; u16 segment}).
constexpr u32 kRouteOptions16 = 6, kRouteOptions32 = 8;

}  // namespace reef::pcibios

// The $PIR table's offset in the F-segment, 0 when there is none (POST,
// src/fw/pcibios_fw.cc). Both builds of the PCI BIOS find it through this.
DECLARE_RTVAR(u16, g_pir_off);
// The highest PCI bus number in use (B101h's CL), set by PCI setup.
DECLARE_RTVAR(u8, g_pci_last_bus);

namespace reef {

// One PCI BIOS call: AH = B1h, AL = the function, the rest as the caller
// passed them; sets AH (status), CF and the outputs in `r`.
void pcibios_call(Regs16* r);

#if defined(REEF_MODE32) && !defined(REEF_PI)
// POST, after pci_setup(): the $PIR and the BIOS32 Service Directory in the
// F-segment.
void pcibios_setup();
#endif

}  // namespace reef
