// SPDX-License-Identifier: LGPL-3.0-or-later
// The POST allocator in firmware (32-bit only): zones from the e820 map and
// the linker's free areas, identity-mapped memory, EBDA moves. The logic
// itself is in malloc.cc.
#include "fw/malloc.h"

#include "fw/memmap.h"
#include "lib/bda.h"
#include "lib/log.h"
#include "lib/rtvars.h"

extern "C" char fseg_pool_start[], fseg_pool_end[], tmplow_start[];

namespace reef {
namespace {

constexpr u32 kEbdaHeaderBytes = 256;

class FlatMem final : public PhysMem {
public:
    void* map(u32 addr, u32) override { return reinterpret_cast<void*>(uintptr_t(addr)); }
    void zero(u32 addr, u32 len) override {
        // Big ranges (IGD stolen memory, up to 2 GiB): 64 bytes of aligned
        // 32-bit stores per loop iteration. Under TCG that is about twice
        // as fast as rep stosl, which costs a loop trip per element.
        u32 head = (4 - (addr & 3)) & 3;
        if (head > len) head = len;
        u8* p = reinterpret_cast<u8*>(uintptr_t(addr));
        for (u32 i = 0; i < head; i++) *p++ = 0;
        len -= head;
        u32* w = reinterpret_cast<u32*>(p);
        u32 blocks = len / 64;
        for (u32 i = 0; i < blocks; i++, w += 16) {
            asm volatile("movl $0, 0(%0)\n\tmovl $0, 4(%0)\n\tmovl $0, 8(%0)\n\tmovl $0, 12(%0)\n\t"
                         "movl $0, 16(%0)\n\tmovl $0, 20(%0)\n\tmovl $0, 24(%0)\n\tmovl $0, 28(%0)\n\t"
                         "movl $0, 32(%0)\n\tmovl $0, 36(%0)\n\tmovl $0, 40(%0)\n\tmovl $0, 44(%0)\n\t"
                         "movl $0, 48(%0)\n\tmovl $0, 52(%0)\n\tmovl $0, 56(%0)\n\tmovl $0, 60(%0)"
                         :
                         : "r"(w)
                         : "memory");
        }
        p = reinterpret_cast<u8*>(w);
        for (u32 i = 0; i < (len & 63); i++) *p++ = 0;
    }
};

class BdaEbda final : public LowMemHost {
public:
    bool move_ebda(u32 from, u32 to, u32 bytes, u32 conv_end) override {
        if (u32(BDA_GET(ebda_seg)) << 4 != from) return false;
        u16 old_seg = u16(from >> 4), new_seg = u16(to >> 4);
        __builtin_memmove(reinterpret_cast<void*>(uintptr_t(to)), reinterpret_cast<const void*>(uintptr_t(from)),
                          bytes);
        *reinterpret_cast<u8*>(uintptr_t(to)) = u8((conv_end - to) / 1024);
        BDA_SET(ebda_seg, new_seg);
        BDA_SET(mem_kb, u16(to / 1024));
        // Vectors that point into the EBDA (the fixed disk parameter tables,
        // INT 41h/46h) follow it.
        static constexpr u8 kVectors[] = {0x41, 0x46};
        for (u8 vec : kVectors) {
            SegOff v = far_read<SegOff>(0, vec * 4u);
            if (v.seg == old_seg) far_write<SegOff>(0, vec * 4u, SegOff{v.off, new_seg});
        }
        return true;
    }
};

constinit FlatMem g_flat;
constinit BdaEbda g_bda_ebda;
constinit Allocator g_alloc;

}  // namespace

Allocator& post_alloc() { return g_alloc; }
PhysMem& phys_mem() { return g_flat; }

void malloc_setup(const RamInfo& ram) {
    ZoneLayout z;
    if (!zones_from_e820(RT(g_e820), z))
        dlog(1, "malloc: no RAM for the high zones (RAM top 0x%llx)\n", (unsigned long long)ram.low_top);
    z.tmplow = ZoneRange{u32(uintptr_t(tmplow_start)), TMPLOW_LIMIT};
    z.fseg = ZoneRange{u32(align_up(uintptr_t(fseg_pool_start), 16)), u32(uintptr_t(fseg_pool_end))};
    // The EBDA's fields fill its first 256 bytes; small low blocks (a video
    // BIOS's stack from $PMM) fit in the rest of its KiB without taking
    // conventional memory from the OS.
    static_assert(sizeof(Ebda) <= kEbdaHeaderBytes && kEbdaHeaderBytes <= EBDA_SIZE_KB * 1024);
    z.ebda_bytes = kEbdaHeaderBytes;
    z.conv_end = CONV_MEM_END;
    z.ebda_base = CONV_MEM_END - EBDA_SIZE_KB * 1024;
    z.low_floor = TMPLOW_LIMIT;
    g_alloc.init(z, &RT(g_e820), &g_bda_ebda);
    dlog(2, "malloc: high 0x%x-0x%x, tmphigh 0x%x-0x%x, low 0x%x-0x%x, tmplow 0x%x-0x%x, fseg 0x%x-0x%x\n",
         z.high.base, z.high.end, z.tmphigh.base, z.tmphigh.end, z.low_floor, z.conv_end, z.tmplow.base,
         z.tmplow.end, z.fseg.base, z.fseg.end);
}

void malloc_finalize() { g_alloc.finalize(); }

}  // namespace reef
