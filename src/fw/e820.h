// SPDX-License-Identifier: LGPL-3.0-or-later
// The e820 memory map: typed, sorted, non-overlapping ranges. POST builds it
// (32-bit); INT 15h E820 reports it (16-bit, read-only accessors); the host
// unit tests exercise add/remove and overlap resolution.
#pragma once
#include "lib/types.h"

namespace reef {

enum E820Type : u32 {
    kE820Ram = 1,
    kE820Reserved = 2,
    kE820Acpi = 3,
    kE820Nvs = 4,
    kE820Unusable = 5,
};

// The INT 15h E820 entry layout (20 bytes; ACPI 3.0 adds a 4-byte attribute).
struct E820Entry {
    u64 base;
    u64 size;
    u32 type;
    u64 end() const { return base + size; }
} PACKED;
static_assert(sizeof(E820Entry) == 20);

class E820Map {
public:
    static constexpr int kMaxEntries = 32;

    void clear() { count_ = 0; }
    // Types [base, base+size) as `type`. Overlapping parts of existing entries
    // are replaced (the newest call wins); neighbours of equal type merge.
    // Returns false (and leaves the map unchanged) if the table is full or the
    // range is empty or wraps.
    bool add(u64 base, u64 size, u32 type);
    // Removes [base, base+size) from the map, leaving a hole.
    bool remove(u64 base, u64 size);

    int count() const { return int(count_); }
    const E820Entry& at(int i) const { return entries_[i]; }
    // Bytes of `type` inside [lo, hi).
    u64 total(u32 type, u64 lo = 0, u64 hi = ~u64(0)) const;
    // The type covering addr, or 0 if none.
    u32 type_at(u64 addr) const;
    // Highest end address of a RAM entry that lies below `limit`.
    u64 ram_top_below(u64 limit) const;

private:
    bool insert_at(int idx, const E820Entry& e);
    void erase_at(int idx);
    void merge();

    u32 count_ = 0;
    E820Entry entries_[kMaxEntries] = {};
};

const char* e820_type_name(u32 type);

}  // namespace reef
