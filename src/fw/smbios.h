// SPDX-License-Identifier: LGPL-3.0-or-later
// SMBIOS (DMTF DSP0134): QEMU's structures (fw_cfg etc/smbios/smbios-tables)
// and entry point (etc/smbios/smbios-anchor, 2.1 "_SM_" or 3.0 "_SM3_"),
// completed with our own BIOS Information (type 0) when QEMU gives none, or
// a minimal set of our own when QEMU gives nothing usable. Pure logic: the
// firmware reads the files and places the results (src/fw/smbios_fw.cc).
#pragma once
#include "lib/types.h"

namespace reef {

namespace smbios {
constexpr u32 kEp21Size = 0x1F, kEp30Size = 0x18;
constexpr u8 kTypeBios = 0, kTypeSystem = 1, kTypeEnd = 127;
}  // namespace smbios

struct SmbiosScan {
    u32 count;      // structures, the end-of-table one included
    u32 max_size;   // the largest structure, formatted area and strings
    u32 len;        // bytes up to and including the end-of-table structure
    bool has_type0;
    bool has_end;
    u32 bad_offset; // where a malformed structure starts (when false is returned)
    const char* problem;
};

// Walks the structures in [t, t + len). False for a malformed table: a
// header past the end, a formatted area shorter than 4 bytes, strings that
// run past the end, nothing after an end-of-table (127) structure but
// padding. Structures after type 127 are ignored.
bool smbios_scan(const u8* t, u32 len, SmbiosScan* out);

struct SmbiosBios {
    const char* vendor;
    const char* version;
    const char* date;      // MM/DD/YYYY
    u32 rom_bytes;         // the BIOS image
    u8 release_major, release_minor;
};

// Our BIOS Information structure (type 0, handle 0): vendor, version,
// release date, ROM size, characteristics (PCI, EDD, shadowing, the INT
// services, ACPI, "the table describes a virtual machine"). Returns its size,
// 0 if `cap` is too small.
u32 smbios_type0(const SmbiosBios& b, u8* out, u32 cap);

// A minimal set when QEMU offers no usable SMBIOS: type 0, a System
// Information (type 1, manufacturer "QEMU", product "Standard PC", UUID
// zero) and the end of table. Returns the size, 0 if `cap` is too small.
u32 smbios_minimal(const SmbiosBios& b, u8* out, u32 cap);

// Checks QEMU's entry point (anchor) and fills in where the tables are.
// 2.1: table address, length, structure count, largest structure, both
// checksums; 3.0: table address, maximum size, checksum. False (nothing
// changed) for an anchor that is neither, or whose length field disagrees.
bool smbios_fix_entry(u8* ep, u32 ep_len, u32 table_addr, const SmbiosScan& s);

// A 2.1 (SMBIOS 2.8) entry point for our own tables into out[kEp21Size].
void smbios_entry21(u8* out, u32 table_addr, const SmbiosScan& s);

#if defined(REEF_MODE32)
// POST: the tables in the high zone, the entry point in the F-segment.
void smbios_setup();
#endif

}  // namespace reef
