// SPDX-License-Identifier: LGPL-3.0-or-later
#include "hw/floppy_geom.h"

namespace reef {
namespace {
using namespace floppy;

// Per medium: native drive type, C/H/S, the data rate in its own drive,
// gap lengths (read/write, format).
constexpr FloppyFormat k360K{kType360K, 40, 2, 9, kRate250K, 0x2A, 0x50};
constexpr FloppyFormat k360KIn1M2{kType360K, 40, 2, 9, kRate300K, 0x23, 0x50};
constexpr FloppyFormat k1M2{kType1M2, 80, 2, 15, kRate500K, 0x1B, 0x54};
constexpr FloppyFormat k720K{kType720K, 80, 2, 9, kRate250K, 0x2A, 0x50};
constexpr FloppyFormat k1M44{kType1M44, 80, 2, 18, kRate500K, 0x1B, 0x6C};
constexpr FloppyFormat k2M88{kType2M88, 80, 2, 36, kRate1M, 0x1B, 0x53};

// What each drive type reads, densest first (index: drive type).
constexpr const FloppyFormat* kCandidates[6][4] = {
    {},
    {&k360K},
    {&k1M2, &k360KIn1M2},
    {&k720K},
    {&k1M44, &k720K},
    {&k2M88, &k1M44, &k720K},
};

constexpr u8 kSpecify1 = 0xAF;  // step rate 6 ms (3.5"), head unload 240 ms
constexpr u8 kSpecify2 = 0x02;  // head load 4 ms, DMA mode
constexpr u8 kMotorOffTicks = 0x25;
constexpr u8 kDataLength = 0xFF;
constexpr u8 kFillByte = 0xF6;
constexpr u8 kHeadSettleMs = 0x0F;
constexpr u8 kMotorStartEighths = 0x08;
}  // namespace

const FloppyFormat* floppy_native_format(u8 drive_type) {
    return drive_type >= 1 && drive_type <= 5 ? kCandidates[drive_type][0] : nullptr;
}

const FloppyFormat* floppy_media_candidate(u8 drive_type, u8 i) {
    if (drive_type < 1 || drive_type > 5 || i >= 4) return nullptr;
    return kCandidates[drive_type][i];
}

const FloppyFormat* floppy_find_media(u8 drive_type, u16 cylinders, u16 spt) {
    for (u8 i = 0;; i++) {
        const FloppyFormat* f = floppy_media_candidate(drive_type, i);
        if (!f) return nullptr;
        if (f->cylinders == cylinders && f->spt == spt) return f;
    }
}

u8 floppy_type_of(const Chs& g) {
    for (u8 t = 1; t <= 5; t++) {
        const FloppyFormat* f = floppy_native_format(t);
        if (f->cylinders == g.cylinders && f->heads == g.heads && f->spt == g.spt) return t;
    }
    return kTypeNone;
}

u8 floppy_media_state(u8 drive_type, const FloppyFormat& media) {
    constexpr u8 kEstablished = 0x10;
    // Bits 2-0: 3 = 360K medium in a 360K drive, 4 = 360K in a 1.2M drive,
    // 5 = 1.2M in a 1.2M drive, 7 = anything else (3.5" media).
    u8 combo = 7;
    if (media.native_type == kType360K) combo = drive_type == kType360K ? 3 : 4;
    else if (media.native_type == kType1M2) combo = 5;
    return u8((media.rate << 6) | kEstablished | combo);
}

void floppy_fill_dpt(const FloppyFormat& media, u8* dpt) {
    dpt[0] = kSpecify1;
    dpt[1] = kSpecify2;
    dpt[2] = kMotorOffTicks;
    dpt[3] = kSizeCode512;
    dpt[4] = media.spt;
    dpt[5] = media.gap;
    dpt[6] = kDataLength;
    dpt[7] = media.format_gap;
    dpt[8] = kFillByte;
    dpt[9] = kHeadSettleMs;
    dpt[10] = kMotorStartEighths;
}

u32 dma_sectors_before_boundary(u32 buf, u32 count, u32 size) {
    if (!size) return 0;
    u32 room = kDmaPage - (buf & (kDmaPage - 1));
    u32 n = room / size;
    return n < count ? n : count;
}

}  // namespace reef
