// SPDX-License-Identifier: LGPL-3.0-or-later
// The POST Memory Manager, $PMM (POST Memory Manager Specification 1.01;
// docs/option-roms.md, "PMM"): memory for option ROMs while POST runs them.
//
// The pure logic (host unit tests, tests/unit/test_pmm.cc): the handle
// table and the allocate / find / deallocate rules on top of the POST
// allocator (fw/malloc.h), whose zones give the memory:
//
//   request                       zone (fw/malloc.h)     after POST (INT 19h)
//   conventional                  tmplow                 freed
//   conventional, permanent       low (the EBDA grows)   kept, below INT 12h
//   extended                      tmphigh                freed (RAM in e820)
//   extended, permanent           high, else tmphigh     kept, e820 reserved
//
// The firmware side (src/fw/pmm_fw.cc) places the $PMM structure in the
// F-segment and reaches Pmm::call() from the 16-bit entry (src/svc/pmm16.S)
// through call32.
#pragma once
#include "fw/malloc.h"

namespace reef {
namespace pmm {
constexpr u32 kSignature = 0x4D4D5024;  // "$PMM"
constexpr u8 kRevision = 0x01;
constexpr u32 kAlign = 16;  // the structure sits on a paragraph boundary

// Function numbers (the first WORD on the caller's stack).
constexpr u16 kFnAllocate = 0, kFnFind = 1, kFnDeallocate = 2;

// Results (DX:AX).
constexpr u32 kFailed = 0;                // pmmAllocate / pmmFind: no block
constexpr u32 kOk = 0;                    // pmmDeallocate: freed
constexpr u32 kDeallocateFailed = 1;      // pmmDeallocate: not a PMM block
constexpr u32 kNotSupported = 0xFFFFFFFF;  // unknown function; every call once POST is over

// Handles: both of these mean "no handle" (pmmFind cannot find the block).
// FFFFFFFFh is what SeaVGABIOS passes (its "anonymous handle"), 0 what
// other callers use; neither is ever found.
constexpr u32 kAnonymous = 0;
constexpr u32 kAnonymousToo = 0xFFFFFFFF;

// pmmAllocate flags.
constexpr u16 kFlagConventional = 1 << 0;  // below 1 MiB
constexpr u16 kFlagExtended = 1 << 1;      // above 1 MiB (both bits: conventional first)
constexpr u16 kFlagAlignToSize = 1 << 2;   // aligned to the size (rounded up to a power of two)
constexpr u16 kFlagPermanent = 1 << 3;     // kept after POST (SeaBIOS's extension, docs)
constexpr u16 kFlagsMemoryType = kFlagConventional | kFlagExtended;
constexpr u16 kFlagsKnown = kFlagsMemoryType | kFlagAlignToSize | kFlagPermanent;

constexpr u32 kParagraph = 16;
// Lengths are paragraphs; a block is smaller than 2 GiB (the allocator's
// largest alignment, which an aligned block of that size needs).
constexpr u32 kMaxParagraphs = 0x07FFFFFF;
}  // namespace pmm

// The $PMM structure (16 bytes, paragraph aligned in the F-segment).
struct PmmHeader {
    u32 signature;  // "$PMM"
    u8 revision;    // 01h
    u8 length;      // bytes
    u8 checksum;    // the structure's bytes sum to 0
    u16 entry_off;  // real-mode far entry point
    u16 entry_seg;
    u8 reserved[5];
} PACKED;
static_assert(sizeof(PmmHeader) == 16);

class Pmm {
public:
    static constexpr int kMaxBlocks = 24;

    // Starts handing out memory from `alloc`'s zones; forgets earlier blocks.
    void init(Allocator* alloc);

    // The three functions, arguments as on the caller's stack. Lengths are
    // paragraphs; a length of 0 asks for the largest block free for the
    // memory type (in paragraphs, the alignment bit ignored).
    u32 allocate(u32 paragraphs, u32 handle, u16 flags);
    u32 find(u32 handle) const;
    u32 deallocate(u32 addr);

    // One call through the entry point: `args` is the caller's stack from
    // the function number (a WORD) on. Unknown functions: kNotSupported.
    u32 call(const u8* args);

    // End of POST (before INT 19h): every block that was not allocated
    // permanent goes back to its zone; later calls return kNotSupported.
    void finish();

    int block_count() const { return count_; }
    bool is_permanent(u32 addr) const;
    bool finished() const { return finished_; }

private:
    struct Block {
        u32 addr;
        u32 handle;
        bool permanent;
    };
    u32 alloc_in(Zone z, u32 bytes, u32 align, bool reserve);
    u32 largest(u16 flags) const;
    int index_of(u32 addr) const;

    Allocator* alloc_ = nullptr;
    bool finished_ = false;
    int count_ = 0;
    Block blocks_[kMaxBlocks] = {};
};

#if defined(REEF_MODE32)
// Firmware: the $PMM structure appears (after malloc_setup, before the
// first option ROM) and disappears (before malloc_finalize and INT 19h).
void pmm_setup();
void pmm_finalize();
#endif

}  // namespace reef
