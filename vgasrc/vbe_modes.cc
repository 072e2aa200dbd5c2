// SPDX-License-Identifier: LGPL-3.0-or-later
// VBE mode logic: vgasrc/vbe_modes.h.
#include "vgasrc/vbe_modes.h"

namespace reef::vga {

namespace {
bool known_depth(u8 bpp) { return bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32; }

struct Masks {
    u8 rs, rp, gs, gp, bs, bp, xs, xp;
};

Masks masks_of(u8 bpp) {
    switch (bpp) {
    case 15: return {5, 10, 5, 5, 5, 0, 1, 15};
    case 16: return {5, 11, 6, 5, 5, 0, 0, 0};
    case 24: return {8, 16, 8, 8, 8, 0, 0, 0};
    case 32: return {8, 16, 8, 8, 8, 0, 8, 24};
    default: return {};
    }
}
}  // namespace

bool vbe_mode_fits(const VbeMode& m, const VbeLimits& lim) {
    if (!known_depth(m.bpp) || m.bpp > lim.max_bpp) return false;
    if (m.xres == 0 || m.yres == 0 || m.xres > lim.max_xres || m.yres > lim.max_yres) return false;
    return vbe_pitch(m) * m.yres <= lim.vram_bytes;
}

void vbe_fill_mode_info(const VbeMode& m, u32 vram_bytes, u32 lfb, u32 win_func, VbeModeInfo* out) {
    __builtin_memset(out, 0, sizeof(*out));
    const u32 pitch = vbe_pitch(m);
    const u32 frame = pitch * m.yres;
    u32 pages = frame ? vram_bytes / frame : 0;
    pages = pages ? pages - 1 : 0;
    if (pages > 255) pages = 255;

    out->attributes = u16(vbe::kAttrSupported | vbe::kAttrOptionalInfo | vbe::kAttrColor | vbe::kAttrGraphics |
                          (lfb ? vbe::kAttrLfb : 0));
    out->win_a_attr = vbe::kWinExists | vbe::kWinReadable | vbe::kWinWritable;
    out->win_granularity = vbe::kWinGranularityKb;
    out->win_size = vbe::kWinSizeKb;
    out->win_a_seg = vbe::kWinSegment;
    out->win_func = win_func;
    out->bytes_per_line = u16(pitch);
    out->xres = m.xres;
    out->yres = m.yres;
    out->xchar = 8;
    out->ychar = 16;
    out->planes = 1;
    out->bpp = m.bpp;
    out->banks = 1;
    out->memory_model = m.bpp == 8 ? vbe::kModelPacked : vbe::kModelDirect;
    out->image_pages = u8(pages);
    out->reserved0 = 1;
    const Masks k = masks_of(m.bpp);
    out->red_size = k.rs, out->red_pos = k.rp, out->green_size = k.gs, out->green_pos = k.gp;
    out->blue_size = k.bs, out->blue_pos = k.bp, out->rsvd_size = k.xs, out->rsvd_pos = k.xp;
    out->phys_base = lfb;
    out->lin_bytes_per_line = u16(pitch);
    out->bank_image_pages = u8(pages);
    out->lin_image_pages = u8(pages);
    out->lin_red_size = k.rs, out->lin_red_pos = k.rp, out->lin_green_size = k.gs, out->lin_green_pos = k.gp;
    out->lin_blue_size = k.bs, out->lin_blue_pos = k.bp, out->lin_rsvd_size = k.xs, out->lin_rsvd_pos = k.xp;
}

}  // namespace reef::vga
