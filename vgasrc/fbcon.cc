// SPDX-License-Identifier: LGPL-3.0-or-later
// The framebuffer console (vgasrc/fbcon.h): bochs-display (DISPI registers
// over MMIO) and ramfb (a framebuffer in RAM, configured through fw_cfg).
// The framebuffer is above 1 MiB: real-mode code reaches it through GS with
// a flat limit (vgasrc/flatgs.S), or in virtual-8086 mode through INT 15h
// AH=87h. docs/vga-bios.md, "Framebuffer console".
#include "vgasrc/vgaconf.h"
#if VGA_FB
#include "lib/bda.h"
#include "vgasrc/fbcon.h"
#include "vgasrc/himem.h"
#include "vgasrc/romlib.h"
#include "vgasrc/vgahw.h"
#include "vgasrc/vgarom.h"

namespace reef::vga {

namespace {

constexpr u16 kWidth = 720, kHeight = 400, kCellW = 9, kCellH = 16;
constexpr u32 kPitch = u32(kWidth) * 4, kFbBytes = kPitch * kHeight;
constexpr u32 kRowBytes = kPitch * kCellH;  // one row of character cells
constexpr u16 kTextBytes = 80 * 25 * 2;

// bochs-display: PCI 1234:1111, class 0380h; the framebuffer at BAR 0, the
// DISPI registers (16 bits each) at 500h of the MMIO BAR 2 (QEMU
// hw/display/bochs-display.c).
constexpr u32 kBochsDisplayId = 0x11111234;
constexpr u16 kClassOtherDisplay = 0x0380;
constexpr u8 kPciId = 0x00, kPciClass = 0x08;
constexpr u32 kDispiMmio = 0x500;

// fw_cfg (QEMU docs/specs/fw_cfg.rst): the file directory, DMA writes.
namespace fwcfg {
constexpr u16 kSelect = 0x510, kData = 0x511, kDmaHigh = 0x514, kDmaLow = 0x518;
constexpr u16 kSignature = 0x00, kId = 0x01, kFileDir = 0x19;
constexpr u32 kIdDma = 1 << 1;
constexpr u32 kCtlError = 0x01, kCtlSelect = 0x08, kCtlWrite = 0x10;
}  // namespace fwcfg
constexpr u32 kFourccXrgb8888 = 0x34325258;  // DRM "XR24"

// PMM (POST Memory Manager Specification 1.01).
constexpr u32 kPmmSignature = 0x4D4D5024;  // "$PMM"
constexpr u16 kPmmConventional = 1, kPmmExtended = 2, kPmmPermanent = 8;

enum Kind : u8 { kNone, kBochsDisplay, kRamfb };
struct FbState {
    u32 fb;     // framebuffer
    u32 mmio;   // bochs-display: the MMIO BAR
    u16 text_seg;
    u8 kind;
};
ROMVAR FbState g_fb;

// The 16 text colours as XRGB8888 (the EGA palette the text modes load).
ROMDATA const u32 kColors[16] = {0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
                                 0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF};

// ---- devices ------------------------------------------------------------

u32 pci_read32(u16 bdf, u8 reg) {
    outl(pci::kConfEnable | u32(bdf) << 8 | reg, ::reef::port::kPciConfAddr);
    return inl(::reef::port::kPciConfData);
}

void dispi_mmio_write(const Hi& h, u16 index, u16 v) { hi_write16(h, rom_read(&g_fb.mmio) + kDispiMmio + index * 2u, v); }

u32 be32(u32 v) { return __builtin_bswap32(v); }

u32 fwcfg_read32be() {
    u32 v = 0;
    for (u8 i = 0; i < 4; i++) v = v << 8 | inb(fwcfg::kData);
    return v;
}

// The selector of fw_cfg file `name` (a ROMDATA string), or 0.
u16 fwcfg_find(const char* name) {
    outw(fwcfg::kSignature, fwcfg::kSelect);
    if (inb(fwcfg::kData) != 'Q') return 0;
    outw(fwcfg::kFileDir, fwcfg::kSelect);
    u32 count = fwcfg_read32be();
    if (count > 4096) return 0;
    for (u32 i = 0; i < count; i++) {
        struct {
            u32 size;
            u16 select, reserved;
            char name[56];
        } PACKED f;
        u8* p = reinterpret_cast<u8*>(&f);
        for (u16 b = 0; b < sizeof(f); b++) p[b] = inb(fwcfg::kData);
        u16 k = 0;
        while (k < sizeof(f.name) && f.name[k] == rom_read(&name[k]) && f.name[k]) k++;
        if (k < sizeof(f.name) && f.name[k] == 0 && rom_read(&name[k]) == 0) return __builtin_bswap16(f.select);
    }
    return 0;
}

// Writes `bytes` at `data` (a stack object) to fw_cfg item `select` by DMA.
bool fwcfg_dma_write(u16 select, const void* data, u32 bytes) {
    outw(fwcfg::kId, fwcfg::kSelect);
    u32 id = 0;
    for (u8 i = 0; i < 4; i++) id |= u32(inb(fwcfg::kData)) << (8 * i);
    if (!(id & fwcfg::kIdDma)) return false;
    struct {
        u32 control, length;
        u32 addr_hi, addr_lo;
    } PACKED volatile dma = {be32(u32(select) << 16 | fwcfg::kCtlSelect | fwcfg::kCtlWrite), be32(bytes), 0,
                             be32(linear(data))};
    u32 at = linear(const_cast<const void*>(reinterpret_cast<volatile void*>(&dma)));
    outl(0, fwcfg::kDmaHigh);
    outl(be32(at), fwcfg::kDmaLow);
    for (u32 spin = 0; spin < 1000000; spin++) {
        u32 c = be32(dma.control);
        if (c == 0) return true;
        if (c & fwcfg::kCtlError) return false;
    }
    return false;
}

// pmmAllocate through the $PMM structure in the F-segment; 0: none.
u32 pmm_alloc(u32 paragraphs, u16 flags) {
    for (u16 off = 0; off < 0xFFF0; off += 16) {
        if (far_read<u32>(0xF000, off) != kPmmSignature) continue;
        u8 len = far_read<u8>(0xF000, u16(off + 5)), sum = 0;
        for (u8 i = 0; i < len; i++) sum = u8(sum + far_read<u8>(0xF000, u16(off + i)));
        if (sum) continue;
        u32 entry = far_read<u32>(0xF000, u16(off + 7));
        u32 ax, dx;
        u32 handle = 0;  // anonymous: nobody looks the block up
        asm volatile("pushw %w[fl]\n\tpushl %[h]\n\tpushl %[len]\n\tpushw $0\n\tlcallw *(%[ep])\n\taddw $12, %%sp"
                     : "=a"(ax), "=d"(dx)
                     : [fl] "r"(flags), [h] "r"(handle), [len] "r"(paragraphs), [ep] "b"(&entry)
                     : "memory", "cc");
        return (dx & 0xFFFF) << 16 | (ax & 0xFFFF);
    }
    return 0;
}

ROMDATA const char kRamfbFile[] = "etc/ramfb";

void state_write(const FbState& st) {
    for (u16 i = 0; i < sizeof(st); i++)
        rom_write(reinterpret_cast<u8*>(&g_fb) + i, reinterpret_cast<const u8*>(&st)[i]);
}

}  // namespace

bool fb_init(u16 bdf) {
    FbState st{};
    if (bdf && pci_read32(bdf, kPciId) == kBochsDisplayId && pci_read32(bdf, kPciClass) >> 16 == kClassOtherDisplay) {
        u32 bar0 = pci_read32(bdf, pci::kBar0), bar2 = pci_read32(bdf, pci::kBar2);
        if ((bar0 & 1) || (bar2 & 1) || !(bar0 & pci::kBarMemMask) || !(bar2 & pci::kBarMemMask)) {
            VGA_LOG("vgafb: bochs-display without its memory BARs placed; no display");
            return false;
        }
        st.kind = kBochsDisplay;
        st.fb = bar0 & pci::kBarMemMask;
        st.mmio = bar2 & pci::kBarMemMask;
        state_write(st);
        Hi h = hi_begin();
        u16 id = hi_read16(h, st.mmio + kDispiMmio);
        hi_end(h);
        if (id < dispi::kId0 || id > dispi::kId5) {
            VGA_LOG_HEX("vgafb: bochs-display: no DISPI registers at BAR 2 + 500h, ID:", id);
            return false;
        }
        VGA_LOG_HEX("vgafb: bochs-display, framebuffer at", st.fb);
    } else if (u16 sel = fwcfg_find(kRamfbFile)) {
        u32 fb = pmm_alloc((kFbBytes + 15) / 16, kPmmExtended | kPmmPermanent);
        if (!fb) {
            VGA_LOG("vgafb: ramfb: no memory for the framebuffer (PMM); no display");
            return false;
        }
        struct {
            u32 addr_hi, addr_lo, fourcc, flags, width, height, stride;
        } PACKED cfg = {0, be32(fb), be32(kFourccXrgb8888), 0, be32(kWidth), be32(kHeight), be32(kPitch)};
        if (!fwcfg_dma_write(sel, &cfg, sizeof(cfg))) {
            VGA_LOG("vgafb: ramfb: the fw_cfg DMA write of etc/ramfb failed; no display");
            return false;
        }
        st.kind = kRamfb;
        st.fb = fb;
        VGA_LOG_HEX("vgafb: ramfb, framebuffer at", fb);
    } else {
        VGA_LOG("vgafb: neither bochs-display nor ramfb (fw_cfg etc/ramfb); no display");
        return false;
    }
    u32 text = pmm_alloc(kTextBytes / 16, kPmmConventional | kPmmPermanent);
    if (!text || text >= 0xA0000) {
        VGA_LOG("vgafb: no conventional memory for the text buffer (PMM); no display");
        return false;
    }
    st.text_seg = u16(text >> 4);
    state_write(st);
    return true;
}

u16 fb_text_seg() { return rom_read(&g_fb.text_seg); }

void fb_set_text(u8 cols, bool clear) {
    (void)cols;
    Hi h = hi_begin();
    if (rom_read(&g_fb.kind) == kBochsDisplay) {
        dispi_mmio_write(h, dispi::kEnable, 0);
        dispi_mmio_write(h, dispi::kBpp, 32);
        dispi_mmio_write(h, dispi::kXres, kWidth);
        dispi_mmio_write(h, dispi::kYres, kHeight);
        dispi_mmio_write(h, dispi::kVirtWidth, kWidth);
        dispi_mmio_write(h, dispi::kXOffset, 0);
        dispi_mmio_write(h, dispi::kYOffset, 0);
        dispi_mmio_write(h, dispi::kEnable, dispi::kEnabled | dispi::kLfbEnabled | dispi::kNoClearMem);
    }
    if (clear) hi_fill(h, rom_read(&g_fb.fb), 0, kFbBytes);
    hi_end(h);
    if (clear) far_fill16(fb_text_seg(), 0, 0x0720, kTextBytes / 2);
}

namespace {

void draw_cell(const Hi& h, u8 cols, u8 row, u8 col, u16 cell) {
    u8 ch = u8(cell), at = u8(cell >> 8);
    u32 fg = rom_read(&kColors[at & 0x0F]), bg = rom_read(&kColors[(at >> 4) & 0x07]);
    u8 scale = cols <= 40 ? 2 : 1;
    u16 w = u16(kCellW * scale);
    u32 dst = rom_read(&g_fb.fb) + row * kRowBytes + u32(col) * w * 4;
    const u8* glyph = vga_font8x16 + ch * 16u;
    bool line_graphics = ch >= 0xC0 && ch <= 0xDF;  // the 9th column repeats the 8th
    u32 line[kCellW * 2];
    for (u8 y = 0; y < kCellH; y++, dst += kPitch) {
        u8 bits = rom_read(&glyph[y]);
        u16 bits9 = u16(bits << 1 | (line_graphics ? bits & 1 : 0));
        for (u16 x = 0; x < w; x++) line[x] = (bits9 & (0x100 >> (x / scale))) ? fg : bg;
        hi_copy(h, dst, linear(line), w * 4u);
    }
}

}  // namespace

void fb_draw(u8 cols, u8 row, u8 col, u16 cell) {
    Hi h = hi_begin();
    draw_cell(h, cols, row, col, cell);
    hi_end(h);
}

void fb_scrolled(u8 cols, bool up, u8 lines, u8 top, u8 left, u8 bottom, u8 right) {
    Hi h = hi_begin();
    u16 seg = fb_text_seg();
    if (up && left == 0 && right == cols - 1 && lines <= bottom - top) {
        // Whole rows: move the pixels, then draw the rows that came in.
        u32 fb = rom_read(&g_fb.fb);
        hi_copy(h, fb + top * kRowBytes, fb + (top + lines) * kRowBytes, (bottom - top + 1 - lines) * kRowBytes);
        top = u8(bottom - lines + 1);
    }
    for (u8 r = top; r <= bottom; r++)
        for (u8 c = left; c <= right; c++) draw_cell(h, cols, r, c, far_read<u16>(seg, u16((r * cols + c) * 2)));
    hi_end(h);
}

}  // namespace reef::vga
#endif
