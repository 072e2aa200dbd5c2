// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/e820.h"

namespace reef {

bool E820Map::insert_at(int idx, const E820Entry& e) {
    if (count_ >= kMaxEntries) return false;
    for (int i = int(count_); i > idx; i--) entries_[i] = entries_[i - 1];
    entries_[idx] = e;
    count_++;
    return true;
}

void E820Map::erase_at(int idx) {
    for (int i = idx; i + 1 < int(count_); i++) entries_[i] = entries_[i + 1];
    count_--;
}

void E820Map::merge() {
    for (int i = 0; i + 1 < int(count_);) {
        E820Entry& a = entries_[i];
        const E820Entry& b = entries_[i + 1];
        if (a.type == b.type && a.end() == b.base) {
            a.size += b.size;
            erase_at(i + 1);
        } else {
            i++;
        }
    }
}

bool E820Map::remove(u64 base, u64 size) {
    if (!size || base + size < base) return false;
    u64 end = base + size;
    // A range strictly inside one entry splits it: that needs a free slot.
    for (int i = 0; i < int(count_); i++) {
        const E820Entry& e = entries_[i];
        if (e.base < base && e.end() > end && count_ >= kMaxEntries) return false;
    }
    for (int i = 0; i < int(count_);) {
        E820Entry& e = entries_[i];
        if (e.end() <= base || e.base >= end) {
            i++;
            continue;
        }
        if (e.base < base && e.end() > end) {
            E820Entry tail{end, e.end() - end, e.type};
            e.size = base - e.base;
            insert_at(i + 1, tail);
            return true;
        }
        if (e.base < base) {
            e.size = base - e.base;
            i++;
        } else if (e.end() > end) {
            e.size = e.end() - end;
            e.base = end;
            i++;
        } else {
            erase_at(i);
        }
    }
    return true;
}

bool E820Map::add(u64 base, u64 size, u32 type) {
    if (!size || base + size < base || type == 0) return false;
    // Worst case: one split (+1) and the new entry (+1).
    if (count_ + 2 > kMaxEntries) {
        // Still possible if no split is needed; check precisely.
        bool splits = false;
        for (int i = 0; i < int(count_); i++) {
            const E820Entry& e = entries_[i];
            if (e.base < base && e.end() > base + size) splits = true;
        }
        if (count_ + (splits ? 2 : 1) > kMaxEntries) return false;
    }
    remove(base, size);
    int idx = 0;
    while (idx < int(count_) && entries_[idx].base < base) idx++;
    insert_at(idx, E820Entry{base, size, type});
    merge();
    return true;
}

u64 E820Map::total(u32 type, u64 lo, u64 hi) const {
    u64 sum = 0;
    for (int i = 0; i < int(count_); i++) {
        const E820Entry& e = entries_[i];
        if (e.type != type) continue;
        u64 b = max(e.base, lo), t = min(e.end(), hi);
        if (t > b) sum += t - b;
    }
    return sum;
}

u32 E820Map::type_at(u64 addr) const {
    for (int i = 0; i < int(count_); i++)
        if (addr >= entries_[i].base && addr < entries_[i].end()) return entries_[i].type;
    return 0;
}

u64 E820Map::ram_top_below(u64 limit) const {
    u64 top = 0;
    for (int i = 0; i < int(count_); i++) {
        const E820Entry& e = entries_[i];
        if (e.type != kE820Ram || e.base >= limit) continue;
        top = max(top, min(e.end(), limit));
    }
    return top;
}

const char* e820_type_name(u32 type) {
    switch (type) {
    case kE820Ram: return "RAM";
    case kE820Reserved: return "reserved";
    case kE820Acpi: return "ACPI";
    case kE820Nvs: return "NVS";
    case kE820Unusable: return "unusable";
    default: return "unknown";
    }
}

}  // namespace reef
