// SPDX-License-Identifier: LGPL-3.0-or-later
// Diskette geometry per CMOS drive type, media detection order, the BDA
// media state byte, the parameter table, and the ISA DMA 64 KiB split.
#include <gtest/gtest.h>

#include "hw/floppy_geom.h"

using namespace reef;

TEST(FloppyGeom, NativeMediaPerDriveType) {
    struct { u8 type; u8 c, h, s, rate; u32 kib; } want[] = {
        {1, 40, 2, 9, floppy::kRate250K, 360},  {2, 80, 2, 15, floppy::kRate500K, 1200},
        {3, 80, 2, 9, floppy::kRate250K, 720},  {4, 80, 2, 18, floppy::kRate500K, 1440},
        {5, 80, 2, 36, floppy::kRate1M, 2880},
    };
    for (auto& w : want) {
        const FloppyFormat* f = floppy_native_format(w.type);
        ASSERT_NE(f, nullptr) << int(w.type);
        EXPECT_EQ(f->cylinders, w.c);
        EXPECT_EQ(f->heads, w.h);
        EXPECT_EQ(f->spt, w.s);
        EXPECT_EQ(f->rate, w.rate);
        EXPECT_EQ(u32(f->cylinders) * f->heads * f->spt / 2, w.kib);
        EXPECT_EQ(floppy_type_of(Chs{f->cylinders, f->heads, f->spt}), w.type);
    }
    EXPECT_EQ(floppy_native_format(0), nullptr);
    EXPECT_EQ(floppy_native_format(6), nullptr);
    EXPECT_EQ(floppy_type_of(Chs{80, 2, 21}), 0);
}

TEST(FloppyGeom, CandidatesDensestFirst) {
    // A 2.88M drive tries 2.88M, then 1.44M, then 720K media.
    const FloppyFormat* a = floppy_media_candidate(5, 0);
    const FloppyFormat* b = floppy_media_candidate(5, 1);
    const FloppyFormat* c = floppy_media_candidate(5, 2);
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(a->spt, 36);
    EXPECT_EQ(b->spt, 18);
    EXPECT_EQ(c->spt, 9);
    EXPECT_EQ(floppy_media_candidate(5, 3), nullptr);
    // A 1.2M drive reads 360K media at 300 kbps.
    const FloppyFormat* d = floppy_media_candidate(2, 1);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->cylinders, 40);
    EXPECT_EQ(d->rate, floppy::kRate300K);
    for (u8 t = 1; t <= 5; t++) {
        u32 prev = ~0u;
        for (u8 i = 0; const FloppyFormat* f = floppy_media_candidate(t, i); i++) {
            u32 size = u32(f->cylinders) * f->heads * f->spt;
            EXPECT_LT(size, prev) << "type " << int(t) << " candidate " << int(i);
            prev = size;
        }
    }
    EXPECT_EQ(floppy_media_candidate(0, 0), nullptr);
    EXPECT_EQ(floppy_media_candidate(9, 0), nullptr);
}

TEST(FloppyGeom, FindMediaForSetMediaType) {
    EXPECT_EQ(floppy_find_media(4, 80, 9)->spt, 9);
    EXPECT_EQ(floppy_find_media(4, 80, 18)->spt, 18);
    EXPECT_EQ(floppy_find_media(4, 80, 36), nullptr);  // 2.88M medium in a 1.44M drive
    EXPECT_EQ(floppy_find_media(5, 80, 36)->rate, floppy::kRate1M);
    EXPECT_EQ(floppy_find_media(1, 80, 15), nullptr);
}

TEST(FloppyGeom, MediaStateByte) {
    EXPECT_EQ(floppy_media_state(4, *floppy_native_format(4)), 0x17);  // 500K, established, 3.5"
    EXPECT_EQ(floppy_media_state(5, *floppy_native_format(5)), 0xD7);  // 1M
    EXPECT_EQ(floppy_media_state(1, *floppy_native_format(1)), 0x93);  // 360K in 360K, 250K
    EXPECT_EQ(floppy_media_state(2, *floppy_media_candidate(2, 1)), 0x54);  // 360K in 1.2M, 300K
    EXPECT_EQ(floppy_media_state(2, *floppy_native_format(2)), 0x15);
}

TEST(FloppyGeom, ParameterTable) {
    u8 t[floppy::kDptSize];
    floppy_fill_dpt(*floppy_native_format(4), t);
    // The IBM layout: specify bytes, motor off, N, EOT, gap, DTL, format gap, fill, settle, motor start.
    const u8 want[floppy::kDptSize] = {0xAF, 0x02, 0x25, 0x02, 18, 0x1B, 0xFF, 0x6C, 0xF6, 0x0F, 0x08};
    for (u32 i = 0; i < floppy::kDptSize; i++) EXPECT_EQ(t[i], want[i]) << i;
    floppy_fill_dpt(*floppy_native_format(5), t);
    EXPECT_EQ(t[4], 36);
}

TEST(FloppyDma, SplitAtSixtyFourKiB) {
    EXPECT_EQ(dma_sectors_before_boundary(0x10000, 36, 512), 36u);
    EXPECT_EQ(dma_sectors_before_boundary(0x1F000, 36, 512), 8u);   // 4 KiB left
    EXPECT_EQ(dma_sectors_before_boundary(0x1FE00, 3, 512), 1u);    // the last sector before the boundary
    EXPECT_EQ(dma_sectors_before_boundary(0x1FF00, 3, 512), 0u);    // straddles: bounce
    EXPECT_EQ(dma_sectors_before_boundary(0x2FFFF, 1, 512), 0u);
    EXPECT_EQ(dma_sectors_before_boundary(0x20000, 200, 512), 128u);  // a whole 64 KiB page
    EXPECT_EQ(dma_sectors_before_boundary(0x7C00, 1, 512), 1u);
    EXPECT_EQ(dma_sectors_before_boundary(0x7C00, 5, 0), 0u);
    // Randomized: what fits never crosses, one more sector would.
    u32 x = 12345;
    for (int i = 0; i < 10000; i++) {
        x = x * 1103515245u + 12345u;
        u32 buf = (x >> 4) & 0xFFFFF, count = 1 + (x & 63);
        u32 n = dma_sectors_before_boundary(buf, count, 512);
        ASSERT_LE(n, count);
        if (n) {
            EXPECT_EQ(buf >> 16, (buf + n * 512 - 1) >> 16);
        }
        if (n < count) {
            EXPECT_NE(buf >> 16, (buf + (n + 1) * 512 - 1) >> 16);
        }
    }
}
