// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/malloc.h"

#include "lib/log.h"

namespace reef {

namespace {
constexpr u64 kPage = 4096;
constexpr u64 k1M = 0x100000, k4G = 0x100000000ull;

bool top_down(Zone z) { return z == Zone::kHigh || z == Zone::kTmpHigh || z == Zone::kLow; }
}  // namespace

const char* zone_name(Zone z) {
    switch (z) {
    case Zone::kHigh: return "high";
    case Zone::kTmpHigh: return "tmphigh";
    case Zone::kLow: return "low";
    case Zone::kTmpLow: return "tmplow";
    case Zone::kFseg: return "fseg";
    }
    return "?";
}

bool zones_from_e820(const E820Map& map, ZoneLayout& layout) {
    layout.high = layout.tmphigh = ZoneRange{};
    u64 top = map.ram_top_below(k4G);
    for (int i = 0; i < map.count(); i++) {
        const E820Entry& e = map.at(i);
        if (e.type != kE820Ram || e.base >= top || min(e.end(), k4G) != top) continue;
        u64 base = align_up(max(e.base, k1M), kPage);
        u64 end = align_down(top, kPage);
        if (end < base + kHighZoneSize) return false;
        layout.high = ZoneRange{u32(end - kHighZoneSize), u32(end)};
        layout.tmphigh = ZoneRange{u32(base), u32(end - kHighZoneSize)};
        return true;
    }
    return false;
}

void Allocator::init(const ZoneLayout& layout, E820Map* e820, LowMemHost* low) {
    layout_ = layout;
    e820_ = e820;
    low_ = low;
    finalized_ = false;
    count_ = 0;
}

ZoneRange Allocator::range(Zone z) const {
    switch (z) {
    case Zone::kHigh: return layout_.high;
    case Zone::kTmpHigh: return layout_.tmphigh;
    case Zone::kTmpLow: return layout_.tmplow;
    case Zone::kFseg: return layout_.fseg;
    case Zone::kLow:
        // Blocks live above the EBDA header, which can move down to low_floor.
        if (!low_ || layout_.conv_end < layout_.low_floor + layout_.ebda_bytes) return ZoneRange{};
        return ZoneRange{layout_.low_floor + layout_.ebda_bytes, layout_.conv_end};
    }
    return ZoneRange{};
}

bool Allocator::find_fit(Zone z, u64 size, u64 align, u32* out) const {
    ZoneRange r = range(z);
    if (!size || size > r.size()) return false;
    // Walk the gaps between this zone's blocks (the table is sorted; zones
    // do not overlap, so other zones' blocks never sit inside this range).
    u64 gap_lo = r.base;
    bool found = false;
    u64 best = 0;
    for (int i = 0; i <= count_; i++) {
        u64 gap_hi = r.end;
        if (i < count_) {
            const Block& b = blocks_[i];
            if (b.zone != z) continue;
            gap_hi = b.base;
        }
        if (top_down(z)) {
            if (gap_hi >= gap_lo + size) {
                u64 a = align_down(gap_hi - size, align);
                if (a >= gap_lo) {
                    best = a;  // later gaps are higher: keep the last fit
                    found = true;
                }
            }
        } else {
            u64 a = align_up(gap_lo, align);
            if (a + size <= gap_hi) {
                *out = u32(a);
                return true;
            }
        }
        if (i < count_) gap_lo = u64(blocks_[i].base) + blocks_[i].size;
    }
    if (found) *out = u32(best);
    return found;
}

u32 Allocator::alloc(Zone z, u64 size, u64 align, const char* what, u32 flags) {
    int fail_level = (flags & kQuiet) ? 3 : 1;
    if (!align) align = kMinAlign;
    if (align < kMinAlign) align = kMinAlign;
    if (finalized_) {
        dlog(1, "malloc: %s: no allocations after POST (%s zone)\n", what, zone_name(z));
        return 0;
    }
    if (!is_pow2(align) || align > 2 * GiB || !size || size >= k4G) {
        dlog(1, "malloc: %s: bad request (size 0x%llx, align 0x%llx)\n", what, (unsigned long long)size,
             (unsigned long long)align);
        return 0;
    }
    u32 addr = 0;
    if (count_ >= kMaxBlocks || !find_fit(z, size, align, &addr)) {
        if (count_ >= kMaxBlocks)
            dlog(fail_level, "malloc: %s: block table full (%d blocks)\n", what, kMaxBlocks);
        else
            dlog(fail_level, "malloc: %s: out of %s memory (0x%llx bytes, align 0x%llx; largest free 0x%llx)\n",
                 what, zone_name(z), (unsigned long long)size, (unsigned long long)align,
                 (unsigned long long)largest_free(z, align));
        return 0;
    }
    if (z == Zone::kLow && addr < layout_.ebda_base + layout_.ebda_bytes) {
        // The block reaches into (or below) the EBDA header: move the header
        // down under it, keeping it 1 KiB aligned. find_fit() stayed above
        // low_floor + ebda_bytes, so the header fits.
        u32 to = u32(align_down(addr - layout_.ebda_bytes, 1024));
        // The grown EBDA is e820-reserved first: if the map cannot take
        // that, nothing moves (the OS must not get it as RAM).
        if (e820_ && !e820_->add(to, layout_.conv_end - to, kE820Reserved)) {
            dlog(fail_level, "malloc: %s: e820 map full; cannot grow the EBDA to 0x%x\n", what, to);
            return 0;
        }
        if (!low_->move_ebda(layout_.ebda_base, to, layout_.ebda_bytes, layout_.conv_end)) {
            if (e820_) e820_->add(to, layout_.ebda_base - to, kE820Ram);
            dlog(fail_level, "malloc: %s: the EBDA was moved by someone else; low zone closed\n", what);
            return 0;
        }
        dlog(3, "malloc: EBDA moved 0x%x -> 0x%x (INT 12h %u KiB)\n", layout_.ebda_base, to, to / 1024);
        layout_.ebda_base = to;
    }
    insert(Block{addr, u32(size), z, false});
    dlog(3, "malloc: %s: %s 0x%x+0x%llx\n", what, zone_name(z), addr, (unsigned long long)size);
    return addr;
}

int Allocator::index_of(u32 addr) const {
    for (int i = 0; i < count_; i++)
        if (blocks_[i].base == addr) return i;
    return -1;
}

void Allocator::insert(const Block& b) {
    int i = count_;
    while (i > 0 && blocks_[i - 1].base > b.base) {
        blocks_[i] = blocks_[i - 1];
        i--;
    }
    blocks_[i] = b;
    count_++;
}

void Allocator::erase(int i) {
    for (; i + 1 < count_; i++) blocks_[i] = blocks_[i + 1];
    count_--;
}

bool Allocator::free(u32 addr) {
    int i = index_of(addr);
    if (i < 0 || !addr) {
        dlog(1, "malloc: free of 0x%x, which is not an allocated block\n", addr);
        return false;
    }
    const Block& b = blocks_[i];
    if (b.reserved && e820_) {
        u64 lo = align_down(b.base, kPage), hi = align_up(u64(b.base) + b.size, kPage);
        // A first or last page shared with another reserved block stays
        // reserved for that block.
        for (int j = 0; j < count_; j++) {
            const Block& o = blocks_[j];
            if (j == i || !o.reserved) continue;
            u64 olo = align_down(o.base, kPage), ohi = align_up(u64(o.base) + o.size, kPage);
            if (olo < lo + kPage && ohi > lo) lo += kPage;
            if (hi > lo && olo < hi && ohi > hi - kPage) hi -= kPage;
        }
        if (hi > lo) e820_->add(lo, hi - lo, kE820Ram);
    }
    erase(i);
    return true;
}

bool Allocator::reserve(u32 addr, u32 type) {
    int i = index_of(addr);
    if (i < 0 || !addr || !e820_) return false;
    Block& b = blocks_[i];
    if (b.zone != Zone::kTmpHigh && b.zone != Zone::kHigh) return false;
    u64 lo = align_down(b.base, kPage), hi = align_up(u64(b.base) + b.size, kPage);
    if (!e820_->add(lo, hi - lo, type)) {
        dlog(1, "malloc: e820 map full; cannot reserve 0x%x+0x%x\n", b.base, b.size);
        return false;
    }
    b.reserved = true;
    return true;
}

void Allocator::finalize() {
    if (finalized_) return;
    u64 kept_high = 0, kept_tmp = 0, dropped = 0;
    for (int i = 0; i < count_;) {
        Block& b = blocks_[i];
        if (b.zone == Zone::kHigh) {
            if (!b.reserved && e820_) {
                u64 lo = align_down(b.base, kPage), hi = align_up(u64(b.base) + b.size, kPage);
                if (e820_->add(lo, hi - lo, kE820Reserved)) b.reserved = true;
                else dlog(1, "malloc: e820 map full; high block 0x%x+0x%x not reserved\n", b.base, b.size);
            }
            kept_high += b.size;
        } else if (b.zone == Zone::kTmpHigh && b.reserved) {
            kept_tmp += b.size;
        } else if (b.zone == Zone::kTmpHigh || b.zone == Zone::kTmpLow) {
            dropped += b.size;
            erase(i);
            continue;
        }
        i++;
    }
    finalized_ = true;
    dlog(2, "malloc: POST done: high 0x%llx bytes kept, tmphigh 0x%llx kept (e820 reserved), "
         "0x%llx released; EBDA at 0x%x\n", (unsigned long long)kept_high, (unsigned long long)kept_tmp,
         (unsigned long long)dropped, layout_.ebda_base);
}

u64 Allocator::block_size(u32 addr) const {
    int i = index_of(addr);
    return i < 0 ? 0 : blocks_[i].size;
}

Zone Allocator::block_zone(u32 addr) const {
    int i = index_of(addr);
    return i < 0 ? Zone::kTmpLow : blocks_[i].zone;
}

bool Allocator::is_reserved(u32 addr) const {
    int i = index_of(addr);
    return i >= 0 && blocks_[i].reserved;
}

u64 Allocator::used(Zone z) const {
    u64 n = 0;
    for (int i = 0; i < count_; i++)
        if (blocks_[i].zone == z) n += blocks_[i].size;
    return n;
}

u64 Allocator::largest_free(Zone z, u64 align) const {
    if (!align || align < kMinAlign) align = kMinAlign;
    ZoneRange r = range(z);
    u64 best = 0, gap_lo = r.base;
    for (int i = 0; i <= count_; i++) {
        u64 gap_hi = r.end;
        if (i < count_) {
            if (blocks_[i].zone != z) continue;
            gap_hi = blocks_[i].base;
        }
        u64 a = align_up(gap_lo, align);
        if (gap_hi > a) best = max(best, gap_hi - a);
        if (i < count_) gap_lo = u64(blocks_[i].base) + blocks_[i].size;
    }
    return best;
}

}  // namespace reef
