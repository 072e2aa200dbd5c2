// SPDX-License-Identifier: LGPL-3.0-or-later
// VBE mode descriptions (VESA BIOS Extension 3.0): which modes a device's
// memory and limits allow and their ModeInfoBlock. Pure logic, built for the
// VGA ROM and for the host unit tests (tests/unit/test_vbe_modes.cc).
#pragma once
#include "lib/types.h"

namespace reef::vga {

struct VbeMode {
    u16 number;  // VBE mode number (without the LFB / no-clear bits)
    u16 xres, yres;
    u8 bpp;      // 8, 15, 16, 24, 32
};

// What the device allows (Bochs DISPI: VIDEO_MEMORY_64K and GETCAPS).
struct VbeLimits {
    u32 vram_bytes;
    u16 max_xres, max_yres;
    u8 max_bpp;
};

namespace vbe {
constexpr u16 kModeLfb = 0x4000, kModeNoClear = 0x8000, kModeNumberMask = 0x01FF;
constexpr u16 kStatusOk = 0x004F, kStatusFailed = 0x014F, kStatusUnsupported = 0x024F,
              kStatusInvalid = 0x034F;
constexpr u16 kAttrSupported = 0x01, kAttrOptionalInfo = 0x02, kAttrColor = 0x08, kAttrGraphics = 0x10,
              kAttrLfb = 0x80;
constexpr u8 kWinExists = 0x01, kWinReadable = 0x02, kWinWritable = 0x04;
constexpr u8 kModelPacked = 4, kModelDirect = 6;
constexpr u16 kWinGranularityKb = 64, kWinSizeKb = 64, kWinSegment = 0xA000;
constexpr u16 kVersion3 = 0x0300;
constexpr u32 kInfoBlockSize = 512;   // with "VBE2" in the signature
constexpr u32 kInfoModeListOffset = 0x22;  // the mode list, in the block's reserved area
constexpr u32 kInfoModeListMax = (0x100 - kInfoModeListOffset) / 2 - 1;
}  // namespace vbe

// The ModeInfoBlock up to MaxPixelClock (the remaining bytes of its 256 are
// reserved, zero).
struct VbeModeInfo {
    u16 attributes;        // 00
    u8 win_a_attr, win_b_attr;
    u16 win_granularity, win_size, win_a_seg, win_b_seg;
    u32 win_func;          // 0C real-mode far pointer
    u16 bytes_per_line;    // 10
    u16 xres, yres;
    u8 xchar, ychar, planes, bpp, banks, memory_model, bank_size, image_pages;
    u8 reserved0;          // 1E
    u8 red_size, red_pos, green_size, green_pos, blue_size, blue_pos, rsvd_size, rsvd_pos;
    u8 direct_color_info;  // 27
    u32 phys_base;         // 28
    u32 offscreen_offset;  // 2C
    u16 offscreen_size;    // 30
    u16 lin_bytes_per_line;  // 32
    u8 bank_image_pages, lin_image_pages;
    u8 lin_red_size, lin_red_pos, lin_green_size, lin_green_pos, lin_blue_size, lin_blue_pos,
        lin_rsvd_size, lin_rsvd_pos;
    u32 max_pixel_clock;   // 3E
} PACKED;
static_assert(sizeof(VbeModeInfo) == 0x42);
static_assert(__builtin_offsetof(VbeModeInfo, phys_base) == 0x28);
static_assert(__builtin_offsetof(VbeModeInfo, lin_bytes_per_line) == 0x32);

struct VbeInfoBlock {
    u32 signature;         // "VESA"
    u16 version;
    u32 oem_string;        // far pointers
    u32 capabilities;
    u32 mode_list;
    u16 total_memory_64k;  // 12
    u16 oem_revision;
    u32 vendor_name, product_name, product_revision;  // 16, 1A, 1E
} PACKED;
static_assert(sizeof(VbeInfoBlock) == 0x22);

// Bytes of one pixel (15 bpp takes two).
constexpr u32 vbe_bytes_per_pixel(u8 bpp) { return (u32(bpp) + 7) / 8; }
constexpr u32 vbe_pitch(const VbeMode& m) { return u32(m.xres) * vbe_bytes_per_pixel(m.bpp); }

// The mode fits the device: its frame in memory, its size and depth in the
// limits, a depth the interface knows.
bool vbe_mode_fits(const VbeMode& m, const VbeLimits& lim);

// Fills *out for mode m on a device with `vram_bytes` of memory whose linear
// framebuffer is at `lfb` (0: none); win_func is the far pointer of the
// windowing function (4F05h), 0 for none.
void vbe_fill_mode_info(const VbeMode& m, u32 vram_bytes, u32 lfb, u32 win_func, VbeModeInfo* out);

}  // namespace reef::vga
