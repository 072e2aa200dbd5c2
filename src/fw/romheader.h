// SPDX-License-Identifier: LGPL-3.0-or-later
// Option ROM images (pure logic, for POST, the host tests and the fuzzers):
// the legacy ROM header, the PCI data structure (PCI Firmware spec 3.0) and
// the PnP expansion headers with their BEV/BCV vectors (PnP BIOS spec 1.0a,
// BIOS Boot Specification 1.01). docs/option-roms.md.
#pragma once
#include "lib/types.h"

namespace reef {

namespace rom {
constexpr u16 kSignature = 0xAA55;        // bytes 55h AAh
constexpr u32 kBlockSize = 512;           // the size byte counts these
constexpr u16 kInitEntryOffset = 3;       // init vector: far call to ROM:0003
constexpr u32 kPcirSignature = 0x52494350;  // "PCIR"
constexpr u32 kPnpSignature = 0x506E5024;   // "$PnP"
constexpr u8 kCodeTypeX86 = 0;
constexpr u8 kPcirLastImage = 0x80;       // indicator bit 7
constexpr u32 kMaxImages = 8;             // images of a multi-image PCI ROM we walk
constexpr u32 kMaxPnpHeaders = 8;         // PnP headers of one ROM we follow
constexpr u32 kPnpHeaderUnit = 16;        // the PnP length byte counts these
}  // namespace rom

struct RomHeader {
    u16 signature;
    u8 size512;
    u8 entry[3];
    u8 reserved[0x12];
    u16 pcir_offset;  // 18h
    u16 pnp_offset;   // 1Ah
} PACKED;
static_assert(sizeof(RomHeader) == 0x1C);

struct RomPcir {
    u32 signature;
    u16 vendor, device;
    u16 device_list;
    u16 length;  // of this structure, bytes
    u8 revision;
    u8 class_code[3];
    u16 image_length512;
    u16 code_revision;
    u8 code_type;
    u8 indicator;
    u16 max_runtime_length512;
} PACKED;
static_assert(sizeof(RomPcir) == 0x18);
constexpr u16 kPcirMinLength = 0x18;

struct RomPnpHeader {
    u32 signature;
    u8 revision;
    u8 length16;  // in 16-byte units
    u16 next;     // offset of the next header, 0 = last
    u8 reserved;
    u8 checksum;  // the header's bytes sum to 0
    u32 device_id;
    u16 manufacturer;  // offsets of ASCIIZ strings in the ROM, 0 = none
    u16 product;
    u8 device_type[3];
    u8 indicators;
    u16 bcv;  // Boot Connection Vector (disk ROMs), 0 = none
    u16 dv;   // disconnect vector
    u16 bev;  // Boot Entry Vector (bootable devices), 0 = none
    u16 reserved2;
    u16 static_resources;
} PACKED;
static_assert(sizeof(RomPnpHeader) == 0x20);

enum class RomStatus : u8 {
    kOk = 0,
    kTooShort,        // fewer bytes than a ROM header
    kNoSignature,     // no 55AAh
    kZeroSize,        // size byte 0
    kTruncated,       // the size byte claims more than the image holds
    kBadChecksum,     // the bytes of the ROM do not sum to 0
    kPcirOutside,     // PCI data structure (or its length) outside the ROM
    kPcirNoSignature, // PCI ROM: no "PCIR" at the pointer
    kPcirBadLength,   // PCIR length field below the minimum
    kPcirMismatch,    // PCI ROM for another vendor/device
    kPcirNotX86,      // no x86 image
    kPnpOutside,      // a $PnP header reaches past the ROM
    kPnpChain,        // $PnP chain loops or is too long
    kVectorOutside,   // a BEV/BCV points outside the ROM
};
const char* rom_status_text(RomStatus s);

// What the caller knows about where the image came from: a PCI ROM BAR
// (the PCI data structure is required and must name the device), or a
// file (fw_cfg genroms/vgaroms: the PCI data structure is optional).
struct RomSource {
    bool pci;
    u16 vendor, device;
};

struct RomPnp {
    u16 offset;  // of the $PnP header
    u16 bev, bcv;
    u16 product;  // offset of the product name, 0 = none
};

struct RomInfo {
    u32 size;             // bytes, from the size byte
    bool has_pcir;
    u16 pcir_offset;
    u16 vendor, device;   // from the PCIR (if any)
    u8 class_code[3];
    int npnp;
    RomPnp pnp[rom::kMaxPnpHeaders];
    bool pnp_bad_checksum;  // tolerated: QEMU's own ROMs leave it 0
};

// Checks one image of `avail` bytes (its header at data[0]) before it runs:
// header, size, checksum, PCI data structure, PnP headers. kOk fills *out.
RomStatus rom_check(const u8* data, u32 avail, const RomSource& src, RomInfo* out);

// The PnP headers of an image whose runtime size is `size` (after its init
// ran: a ROM may rewrite them). Never fails on a missing header; returns
// kPnpOutside / kPnpChain / kVectorOutside for a broken chain.
RomStatus rom_parse_pnp(const u8* data, u32 size, RomInfo* out);

// The x86 image of a (possibly multi-image) PCI ROM of `avail` bytes:
// its offset in *offset. kOk, or why there is none.
RomStatus rom_find_x86_image(const u8* data, u32 avail, const RomSource& src, u32* offset);

// Copies the ASCIIZ string at `offset` of a ROM of `size` bytes into buf
// (at most n-1 characters, non-printable ones as '?'). Returns its length;
// 0 (and an empty buf) if offset is 0 or outside the ROM.
u32 rom_string(const u8* data, u32 size, u16 offset, char* buf, u32 n);

}  // namespace reef
