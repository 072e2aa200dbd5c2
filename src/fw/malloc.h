// SPDX-License-Identifier: LGPL-3.0-or-later
// POST memory allocator with zones (docs/memory-layout.md, "Allocation zones").
//
//   zone     where                                   lifetime / what the OS sees
//   high     top 256 KiB of RAM below 4 GiB          permanent; at finalize every
//                                                    live block is e820-reserved
//                                                    (rounded out to 4 KiB pages)
//   tmphigh  RAM from 1 MiB up to the high zone      POST only: after finalize it is
//                                                    RAM again, except blocks the
//                                                    caller reserve()d in e820
//   low      top of conventional memory: the EBDA    permanent; the EBDA grows
//            area [EBDA base, 640 KiB)               downward to hold the block
//                                                    (INT 12h and BDA 40:13 shrink)
//   tmplow   end of POST bss (tmplow_start) up to    POST only, nothing reserved
//            TMPLOW_LIMIT
//   fseg     free F-segment space between the        permanent, read-only after
//            16-bit code and the fixed entry points  POST (inside the BIOS area)
//
// The allocator is pure logic (host unit tests): it hands out physical
// addresses (u32, all zones lie below 4 GiB; 0 means failure) and keeps its
// bookkeeping to itself, in a fixed table. Memory is reached through PhysMem,
// the EBDA is moved through LowMemHost; src/fw/malloc_fw.cc provides both in
// firmware, and the POST hooks malloc_setup()/malloc_finalize().
#pragma once
#include "fw/e820.h"

namespace reef {

enum class Zone : u8 { kHigh, kTmpHigh, kLow, kTmpLow, kFseg };
constexpr int kZoneCount = 5;
const char* zone_name(Zone z);

struct ZoneRange {
    u32 base = 0;  // first byte
    u32 end = 0;   // one past the last byte
    u64 size() const { return end > base ? end - base : 0; }
};

struct ZoneLayout {
    ZoneRange high, tmphigh, tmplow, fseg;
    // The low zone is the EBDA area: the EBDA header (ebda_bytes: what the
    // EBDA holds, at most 1 KiB) sits at ebda_base, low blocks above it up to
    // conv_end, first in the rest of the EBDA's KiB. The EBDA may move down
    // (1 KiB aligned) as far as low_floor.
    u32 low_floor = 0;
    u32 ebda_base = 0;
    u32 ebda_bytes = 0;
    u32 conv_end = 0;
};

// Size of the permanent high zone: room for the IGD OpRegion (8 KiB, plus
// an extended VBT of tens of KiB), the ACPI and SMBIOS tables and the disk
// drivers' queues. Only what is used is reserved.
constexpr u32 kHighZoneSize = 256 * 1024;

// Fills layout.high and layout.tmphigh from the e820 map: the RAM entry that
// ends at the top of RAM below 4 GiB holds both; the high zone is its last
// kHighZoneSize bytes (page aligned), tmphigh the rest above 1 MiB. Returns
// false (zones left empty) when there is no such RAM or too little of it.
bool zones_from_e820(const E820Map& map, ZoneLayout& layout);

// Physical memory as POST sees it (identity in firmware, a fake in tests).
class PhysMem {
public:
    // A pointer through which [addr, addr + len) is read and written.
    virtual void* map(u32 addr, u32 len) = 0;
    // Fills [addr, addr + len) with zeros (fast path for big ranges).
    virtual void zero(u32 addr, u32 len) = 0;

protected:
    ~PhysMem() = default;
};

// What the low zone needs from the platform.
class LowMemHost {
public:
    // Moves the EBDA header (`bytes` long) from `from` to `to` (to < from),
    // points BDA 40:0E at it, sets its size byte to (conv_end - to) / 1 KiB and
    // INT 12h (BDA 40:13) to to / 1 KiB. False if the EBDA is not where the
    // allocator left it (someone else moved it): nothing is changed then.
    virtual bool move_ebda(u32 from, u32 to, u32 bytes, u32 conv_end) = 0;

protected:
    ~LowMemHost() = default;
};

class Allocator {
public:
    static constexpr int kMaxBlocks = 48;
    static constexpr u32 kMinAlign = 16;
    // alloc() flag: the caller logs the failure itself (the allocator's own
    // message drops to level 3, so the log shows one line per problem).
    static constexpr u32 kQuiet = 1;

    // Sets the zones up. `e820` is kept for reserve() and finalize(); `low`
    // may be null (no low zone then). Any earlier state is forgotten.
    void init(const ZoneLayout& layout, E820Map* e820, LowMemHost* low);

    // `size` bytes aligned to `align` (a power of two; 0 means kMinAlign).
    // high, tmphigh and low allocate top-down, tmplow and fseg bottom-up.
    // Returns the address, or 0 when the zone has no room, the arguments are
    // bad, or POST is over (logged at level 1 naming `what`).
    u32 alloc(Zone z, u64 size, u64 align, const char* what, u32 flags = 0);
    // Frees a block returned by alloc(); false if `addr` is not one. A block
    // that was reserve()d keeps its e820 entry until it is freed: freeing
    // gives the range back to RAM. Freeing a low block does not move the
    // EBDA back up (its space is reused by later low blocks).
    bool free(u32 addr);
    // Marks a tmphigh (or high) block to be kept after POST and types it
    // `type` in the e820 map now (the block rounded out to 4 KiB pages).
    // False if addr is not a block or the e820 map is full.
    bool reserve(u32 addr, u32 type = kE820Reserved);
    // End of POST: high blocks are e820-reserved (pages), tmphigh blocks that
    // were not reserve()d and all tmplow blocks are dropped. Later alloc()s fail.
    void finalize();

    // Introspection (logs, tests).
    u64 block_size(u32 addr) const;  // 0 if not a block
    Zone block_zone(u32 addr) const;
    bool is_reserved(u32 addr) const;
    int block_count() const { return count_; }
    // The biggest block alloc(z, n, align) could still return.
    u64 largest_free(Zone z, u64 align) const;
    u64 used(Zone z) const;  // bytes in live blocks of the zone
    const ZoneLayout& layout() const { return layout_; }
    bool finalized() const { return finalized_; }

private:
    struct Block {
        u32 base;
        u32 size;
        Zone zone;
        bool reserved;  // e820-typed by reserve()
    };
    ZoneRange range(Zone z) const;
    // Highest (top_down) or lowest fitting address in the zone's gaps, or
    // false. The EBDA header does not count as a block here.
    bool find_fit(Zone z, u64 size, u64 align, u32* out) const;
    int index_of(u32 addr) const;
    void insert(const Block& b);
    void erase(int i);

    ZoneLayout layout_{};
    E820Map* e820_ = nullptr;
    LowMemHost* low_ = nullptr;
    bool finalized_ = false;
    int count_ = 0;
    Block blocks_[kMaxBlocks] = {};  // sorted by base
};

#if defined(REEF_MODE32) || defined(REEF_HOST)
// Firmware: the POST allocator (host: over tests/unit/host_hw.cc's fake RAM).
Allocator& post_alloc();
#endif
#if defined(REEF_MODE32)
// Firmware: identity-mapped physical memory.
PhysMem& phys_mem();
struct RamInfo;
// After memmap_setup: zones from the e820 map and the linker's free areas.
void malloc_setup(const RamInfo& ram);
// Before the BIOS is write-protected: permanent blocks into e820, temporary
// zones back to the OS.
void malloc_finalize();
#endif

}  // namespace reef
