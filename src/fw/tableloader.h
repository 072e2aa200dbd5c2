// SPDX-License-Identifier: LGPL-3.0-or-later
// QEMU's table loader (fw_cfg file etc/table-loader, QEMU's
// hw/acpi/bios-linker-loader.c): a script of 128-byte commands that makes
// the firmware allocate memory for fw_cfg files (the ACPI tables, the RSDP,
// the SMBIOS-style blobs of other devices), link them by patching pointers,
// fix their checksums and report addresses back to QEMU. Pure logic: the
// firmware and the unit tests supply the environment.
#pragma once
#include "fw/fwcfg_dir.h"

namespace reef {

namespace loader {
constexpr u32 kEntrySize = 128;
constexpr u32 kNameSize = 56;
enum Command : u32 { kAllocate = 1, kAddPointer = 2, kAddChecksum = 3, kWritePointer = 4 };
enum Zone : u8 { kZoneHigh = 1, kZoneFseg = 2 };
}  // namespace loader

// What the loader needs from its surroundings.
class LoaderEnv {
public:
    virtual const FwCfgFile* find(const char* name) = 0;
    virtual void read(const FwCfgFile& f, u32 offset, void* buf, u32 len) = 0;
    // Writes into a fw_cfg file (WRITE_POINTER); false if that is not possible.
    virtual bool write(const FwCfgFile& f, u32 offset, const void* buf, u32 len) = 0;
    // Memory for a blob: `size` bytes aligned to `align` in the zone; 0 if
    // there is none.
    virtual u32 alloc(loader::Zone zone, u32 size, u32 align, const char* name) = 0;
    // Zeroes and frees a blob (when the script turns out to be broken).
    virtual void release(u32 addr, u32 size) = 0;
    // Access to [addr, addr + size) of an allocated blob.
    virtual u8* map(u32 addr, u32 size) = 0;

protected:
    ~LoaderEnv() = default;
};

struct LoaderBlob {
    char name[loader::kNameSize];
    u32 addr;
    u32 size;
    loader::Zone zone;
};

struct LoaderResult {
    static constexpr int kMaxBlobs = 16;
    LoaderBlob blob[kMaxBlobs];
    int nblobs;
    int pointers, checksums, writes, skipped;
    int bad_entry;  // index of the entry that broke the script, -1 if none
    const char* problem;
};

// Runs the script in fw_cfg file `script`. Every command is checked before
// it writes: unknown files, offsets and sizes outside a blob or file,
// pointer widths other than 1/2/4/8, checksum ranges past the blob, blobs
// that cannot be allocated. On the first such problem the loader stops,
// zeroes and frees every blob it allocated (so no half-linked table stays
// findable), logs one line naming the entry and the problem, and returns
// false: the machine boots without these tables. Unknown command numbers are
// skipped (QEMU may add commands). True when the whole script ran.
bool table_loader_run(const FwCfgFile& script, LoaderEnv& env, LoaderResult* out);

// The blob of the result whose file is `name`, or null.
const LoaderBlob* loader_blob(const LoaderResult& r, const char* name);

}  // namespace reef
