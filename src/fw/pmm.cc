// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/pmm.h"

#include "lib/log.h"

namespace reef {

namespace {
u32 read_u16(const u8* p) { return u32(p[0]) | u32(p[1]) << 8; }
u32 read_u32(const u8* p) { return read_u16(p) | read_u16(p + 2) << 16; }

// The smallest power of two >= n (n <= 2 GiB).
u32 pow2_at_least(u32 n) {
    u32 p = 1;
    while (p < n) p <<= 1;
    return p;
}
}  // namespace

void Pmm::init(Allocator* alloc) {
    alloc_ = alloc;
    finished_ = false;
    count_ = 0;
}

int Pmm::index_of(u32 addr) const {
    for (int i = 0; i < count_; i++)
        if (blocks_[i].addr == addr) return i;
    return -1;
}

bool Pmm::is_permanent(u32 addr) const {
    int i = index_of(addr);
    return i >= 0 && blocks_[i].permanent;
}

u32 Pmm::alloc_in(Zone z, u32 bytes, u32 align, bool reserve) {
    u32 a = alloc_->alloc(z, bytes, align, "PMM block", Allocator::kQuiet);
    if (a && reserve && !alloc_->reserve(a)) {
        alloc_->free(a);
        return 0;
    }
    return a;
}

u32 Pmm::largest(u16 flags) const {
    bool perm = flags & pmm::kFlagPermanent;
    u64 conv = 0, ext = 0;
    if (flags & pmm::kFlagConventional) conv = alloc_->largest_free(perm ? Zone::kLow : Zone::kTmpLow, 0);
    if (flags & pmm::kFlagExtended) {
        ext = alloc_->largest_free(Zone::kTmpHigh, 0);
        if (perm) ext = max(ext, alloc_->largest_free(Zone::kHigh, 0));
    }
    return u32(max(conv, ext) / pmm::kParagraph);
}

u32 Pmm::allocate(u32 paragraphs, u32 handle, u16 flags) {
    if (finished_) return pmm::kNotSupported;
    if (!(flags & pmm::kFlagsMemoryType) || (flags & ~pmm::kFlagsKnown)) {
        dlog(1, "pmm: allocate: bad flags 0x%x (memory type bits 0-1 must not be 0, bits 4-15 are reserved)\n",
             flags);
        return pmm::kFailed;
    }
    if (!paragraphs) {
        u32 n = largest(flags);
        dlog(3, "pmm: largest free block (flags 0x%x): 0x%x paragraphs\n", flags, n);
        return n;
    }
    if (paragraphs > pmm::kMaxParagraphs) {
        dlog(1, "pmm: allocate: 0x%x paragraphs is more than there is\n", paragraphs);
        return pmm::kFailed;
    }
    if (handle == pmm::kAnonymousToo) handle = pmm::kAnonymous;
    if (handle != pmm::kAnonymous && find(handle)) {
        dlog(1, "pmm: allocate: handle 0x%x is in use; refused\n", handle);
        return pmm::kFailed;
    }
    if (count_ == kMaxBlocks) {
        dlog(1, "pmm: allocate: more than %d PMM blocks; refused\n", kMaxBlocks);
        return pmm::kFailed;
    }
    u32 bytes = paragraphs * pmm::kParagraph;
    u32 align = (flags & pmm::kFlagAlignToSize) ? pow2_at_least(bytes) : pmm::kParagraph;
    bool perm = flags & pmm::kFlagPermanent;
    u32 a = 0;
    if (flags & pmm::kFlagConventional) a = alloc_in(perm ? Zone::kLow : Zone::kTmpLow, bytes, align, false);
    if (!a && (flags & pmm::kFlagExtended)) {
        // A permanent block beyond the small high zone comes from tmphigh,
        // e820 reserved at once.
        if (perm) a = alloc_in(Zone::kHigh, bytes, align, false);
        if (!a) a = alloc_in(Zone::kTmpHigh, bytes, align, perm);
    }
    if (!a) {
        dlog(1, "pmm: allocate: no room for 0x%x paragraphs (flags 0x%x; largest free 0x%x)\n", paragraphs, flags,
             largest(flags));
        return pmm::kFailed;
    }
    blocks_[count_++] = Block{a, handle, perm};
    dlog(3, "pmm: allocated 0x%x+0x%x (handle 0x%x, flags 0x%x)\n", a, bytes, handle, flags);
    return a;
}

u32 Pmm::find(u32 handle) const {
    if (finished_) return pmm::kNotSupported;
    if (handle == pmm::kAnonymous || handle == pmm::kAnonymousToo) return pmm::kFailed;
    for (int i = 0; i < count_; i++)
        if (blocks_[i].handle == handle) return blocks_[i].addr;
    return pmm::kFailed;
}

u32 Pmm::deallocate(u32 addr) {
    if (finished_) return pmm::kNotSupported;
    int i = index_of(addr);
    if (i < 0 || !addr) {
        dlog(1, "pmm: deallocate: 0x%x is not a PMM block\n", addr);
        return pmm::kDeallocateFailed;
    }
    alloc_->free(addr);
    for (; i + 1 < count_; i++) blocks_[i] = blocks_[i + 1];
    count_--;
    dlog(3, "pmm: freed 0x%x\n", addr);
    return pmm::kOk;
}

u32 Pmm::call(const u8* args) {
    u16 fn = u16(read_u16(args));
    switch (fn) {
    case pmm::kFnAllocate: return allocate(read_u32(args + 2), read_u32(args + 6), u16(read_u16(args + 10)));
    case pmm::kFnFind: return find(read_u32(args + 2));
    case pmm::kFnDeallocate: return deallocate(read_u32(args + 2));
    }
    dlog(1, "pmm: unknown function 0x%x; not supported\n", fn);
    return pmm::kNotSupported;
}

void Pmm::finish() {
    if (finished_) return;
    int kept = 0, freed = 0;
    for (int i = 0; i < count_; i++) {
        if (blocks_[i].permanent) {
            kept++;
        } else {
            alloc_->free(blocks_[i].addr);
            freed++;
        }
    }
    count_ = 0;
    finished_ = true;
    if (kept + freed) dlog(2, "pmm: POST done: %d block%s freed, %d permanent kept\n", freed, freed == 1 ? "" : "s", kept);
}

}  // namespace reef
