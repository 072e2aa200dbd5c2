// SPDX-License-Identifier: LGPL-3.0-or-later
// VBE 3.0 (AH=4Fh) over the Bochs DISPI interface: controller and mode
// information, mode set with a linear framebuffer at BAR 0, state, windows,
// scan lines, display start, DAC width, palette, the protected-mode
// interface and DPMS. docs/vga-bios.md.
#include "lib/bda.h"
#include "vgasrc/himem.h"
#include "vgasrc/romlib.h"
#include "vgasrc/text.h"
#include "vgasrc/vbe_modes.h"
#include "vgasrc/vgaconf.h"
#include "vgasrc/vgahw.h"
#include "vgasrc/vgarom.h"

extern "C" const char vga_product[];
extern "C" const char vga_pm_table[], vga_pm_table_end[];
extern "C" void vga_vbe_winfunc();

namespace reef::vga {

namespace {

ROMDATA const VbeMode kVbeModes[] = {
    {0x100, 640, 400, 8},    {0x101, 640, 480, 8},    {0x103, 800, 600, 8},    {0x105, 1024, 768, 8},
    {0x107, 1280, 1024, 8},  {0x10D, 320, 200, 15},   {0x10E, 320, 200, 16},   {0x10F, 320, 200, 24},
    {0x110, 640, 480, 15},   {0x111, 640, 480, 16},   {0x112, 640, 480, 24},   {0x113, 800, 600, 15},
    {0x114, 800, 600, 16},   {0x115, 800, 600, 24},   {0x116, 1024, 768, 15},  {0x117, 1024, 768, 16},
    {0x118, 1024, 768, 24},  {0x119, 1280, 1024, 15}, {0x11A, 1280, 1024, 16}, {0x11B, 1280, 1024, 24},
    // No VESA numbers for 32 bpp and wide screens: ours, from 140h.
    {0x140, 320, 200, 32},   {0x141, 640, 400, 32},   {0x142, 640, 480, 32},   {0x143, 800, 600, 32},
    {0x144, 1024, 768, 32},  {0x145, 1280, 1024, 32}, {0x146, 1152, 864, 32},  {0x147, 1280, 720, 32},
    {0x148, 1280, 800, 32},  {0x149, 1440, 900, 32},  {0x14A, 1600, 1200, 32}, {0x14B, 1920, 1080, 32},
    {0x14C, 1920, 1200, 32}, {0x14D, 2560, 1440, 32}, {0x14E, 1280, 720, 16},  {0x14F, 1920, 1080, 16},
    // The rest of what SeaVGABIOS offers (but its 4-bit planar modes).
    {0x150, 320, 200, 8}, {0x151, 1152, 864, 8}, {0x152, 1600, 1200, 8}, {0x153, 1152, 864, 15},
    {0x154, 1600, 1200, 15}, {0x155, 1152, 864, 16}, {0x156, 1280, 768, 16}, {0x157, 1280, 800, 16},
    {0x158, 1280, 960, 16}, {0x159, 1400, 1050, 16}, {0x15A, 1440, 900, 16}, {0x15B, 1600, 1200, 16},
    {0x15C, 1600, 900, 16}, {0x15D, 1680, 1050, 16}, {0x15E, 1920, 1200, 16}, {0x15F, 2560, 1440, 16},
    {0x160, 2560, 1600, 16}, {0x161, 3840, 2160, 16}, {0x162, 1152, 864, 24}, {0x163, 1280, 720, 24},
    {0x164, 1280, 768, 24}, {0x165, 1280, 800, 24}, {0x166, 1280, 960, 24}, {0x167, 1400, 1050, 24},
    {0x168, 1440, 900, 24}, {0x169, 1600, 1200, 24}, {0x16A, 1600, 900, 24}, {0x16B, 1680, 1050, 24},
    {0x16C, 1920, 1080, 24}, {0x16D, 1920, 1200, 24}, {0x16E, 2560, 1440, 24}, {0x16F, 2560, 1600, 24},
    {0x170, 1280, 768, 32}, {0x171, 1280, 960, 32}, {0x172, 1400, 1050, 32}, {0x173, 1600, 900, 32},
    {0x174, 1680, 1050, 32}, {0x175, 2560, 1600, 32},
};

ROMDATA const char kOemString[] = "ReefBIOS VGA";
ROMDATA const char kVendor[] = "ReefBIOS";
ROMDATA const char kRevision[] = "1.0";

// What init() found; the ROM is still RAM then.
struct VbeState {
    u32 lfb;
    u32 mmio;  // BAR 2 (memory), where QEMU's std VGA has its EDID at 0; 0 if none
    u32 vram_bytes;
    u16 max_xres, max_yres;
    u8 max_bpp;
    u8 present;
};
ROMVAR VbeState g_vbe;

constexpr u32 kVbe2Signature = 0x32454256;  // "VBE2"
constexpr u32 kVesaSignature = 0x41534556;  // "VESA"
constexpr u32 kCapDac8Bit = 0x01;
constexpr u16 kStateBlocks = 16;            // 4F04h buffer, 64-byte blocks
constexpr u16 kMaxVirtWidth = 16000;        // QEMU's VBE_DISPI_MAX_XRES

u32 farptr(u16 seg, const void* off) { return (u32(seg) << 16) | u16(u32(off)); }

VbeLimits limits() {
    VbeState st;
    rom_copy(&st, &g_vbe, sizeof(st));
    return {st.vram_bytes, st.max_xres, st.max_yres, st.max_bpp};
}

bool find_vbe_mode(u16 number, VbeMode* out) {
    VbeLimits lim = limits();
    for (unsigned i = 0; i < ARRAY_SIZE(kVbeModes); i++) {
        if (rom_read(&kVbeModes[i].number) != number) continue;
        rom_copy(out, &kVbeModes[i], sizeof(*out));
        return vbe_mode_fits(*out, lim);
    }
    return false;
}

bool dispi_enabled() { return rom_read(&g_vbe.present) && (dispi_read(dispi::kEnable) & dispi::kEnabled); }

u32 bytes_per_pixel() { return vbe_bytes_per_pixel(u8(dispi_read(dispi::kBpp))); }

void controller_info(Regs16* r) {
    u16 seg = r->es, off = r->di;
    u32 sig = u32(far_read<u16>(seg, off)) | u32(far_read<u16>(seg, u16(off + 2))) << 16;
    far_fill16(seg, off, 0, sig == kVbe2Signature ? vbe::kInfoBlockSize / 2 : 128);
    VbeInfoBlock ib{};
    u16 cs = rom_seg();
    ib.signature = kVesaSignature;
    ib.version = vbe::kVersion3;
    ib.oem_string = farptr(cs, kOemString);
    ib.capabilities = kCapDac8Bit;
    ib.mode_list = (u32(seg) << 16) | u16(off + vbe::kInfoModeListOffset);
    ib.total_memory_64k = u16(rom_read(&g_vbe.vram_bytes) >> 16);
    ib.oem_revision = 0x0100;
    ib.vendor_name = farptr(cs, kVendor);
    ib.product_name = farptr(cs, vga_product);
    ib.product_revision = farptr(cs, kRevision);
    far_move(seg, off, stack_seg(), u16(u32(&ib)), sizeof(ib));
    VbeLimits lim = limits();
    u16 list = u16(off + vbe::kInfoModeListOffset), n = 0;
    for (unsigned i = 0; i < ARRAY_SIZE(kVbeModes) && n < vbe::kInfoModeListMax; i++) {
        VbeMode m;
        rom_copy(&m, &kVbeModes[i], sizeof(m));
        if (!vbe_mode_fits(m, lim)) continue;
        far_write<u16>(seg, u16(list + 2 * n++), m.number);
    }
    far_write<u16>(seg, u16(list + 2 * n), 0xFFFF);
    r->ax = vbe::kStatusOk;
}

void mode_info(Regs16* r) {
    VbeMode m;
    u16 number = r->cx & vbe::kModeNumberMask;
    if (!find_vbe_mode(number, &m)) {
        VGA_LOG_HEX("vga: VBE 4F01h: no such mode:", r->cx);
        r->ax = vbe::kStatusFailed;
        return;
    }
    VbeModeInfo mi;
    vbe_fill_mode_info(m, rom_read(&g_vbe.vram_bytes), rom_read(&g_vbe.lfb),
                       farptr(rom_seg(), reinterpret_cast<const void*>(&vga_vbe_winfunc)), &mi);
    far_fill16(r->es, r->di, 0, 128);
    far_move(r->es, r->di, stack_seg(), u16(u32(&mi)), sizeof(mi));
    r->ax = vbe::kStatusOk;
}

void set_mode(Regs16* r) {
    u16 bx = r->bx;
    u16 number = bx & vbe::kModeNumberMask;
    if (number < 0x100) {
        r->ax = set_legacy_mode(u8((number & 0x7F) | (bx & vbe::kModeNoClear ? 0x80 : 0))) ? vbe::kStatusOk
                                                                                           : vbe::kStatusFailed;
        return;
    }
    VbeMode m;
    if (!find_vbe_mode(number, &m)) {
        VGA_LOG_HEX("vga: VBE 4F02h: no such mode:", bx);
        r->ax = vbe::kStatusFailed;
        return;
    }
    if ((bx & vbe::kModeLfb) && !rom_read(&g_vbe.lfb)) {
        VGA_LOG("vga: VBE 4F02h: linear framebuffer asked for, but the device has none");
        r->ax = vbe::kStatusFailed;
        return;
    }
    dispi_write(dispi::kEnable, 0);
    dispi_write(dispi::kBpp, m.bpp);
    dispi_write(dispi::kXres, m.xres);
    dispi_write(dispi::kYres, m.yres);
    dispi_write(dispi::kBank, 0);
    dispi_write(dispi::kEnable, u16(dispi::kEnabled | (bx & vbe::kModeLfb ? dispi::kLfbEnabled : 0) |
                                    (bx & vbe::kModeNoClear ? dispi::kNoClearMem : 0)));
    if (m.bpp == 8) load_default_dac();
    BDA_SET(video_mode, u8(kBdaVbeMode));
    r->ax = vbe::kStatusOk;
}

void current_mode(Regs16* r) {
    r->ax = vbe::kStatusOk;
    if (!dispi_enabled()) {
        r->bx = BDA_GET(video_mode);
        return;
    }
    u16 x = dispi_read(dispi::kXres), y = dispi_read(dispi::kYres), bpp = dispi_read(dispi::kBpp);
    u16 en = dispi_read(dispi::kEnable);
    for (unsigned i = 0; i < ARRAY_SIZE(kVbeModes); i++) {
        VbeMode m;
        rom_copy(&m, &kVbeModes[i], sizeof(m));
        if (m.xres == x && m.yres == y && m.bpp == bpp) {
            r->bx = u16(m.number | (en & dispi::kLfbEnabled ? vbe::kModeLfb : 0));
            return;
        }
    }
    r->ax = vbe::kStatusFailed;
}

// ---- 4F04h: state buffer ---------------------------------------------------
namespace state {
constexpr u16 kFlags = 0x000, kHw = 0x002, kBda = 0x040, kDac = 0x080, kDispi = 0x3C0;
constexpr u16 kHwState = 0x01, kBdaState = 0x02, kDacState = 0x04, kSvgaState = 0x08;
constexpr u8 kBdaVideoLo = 0x49, kBdaVideoLoLen = 0x1E, kBdaVideoHi = 0x84, kBdaVideoHiLen = 7;
ROMDATA const u16 kDispiRegs[] = {dispi::kXres, dispi::kYres, dispi::kBpp, dispi::kBank, dispi::kVirtWidth,
                                  dispi::kVirtHeight, dispi::kXOffset, dispi::kYOffset, dispi::kEnable};
}  // namespace state

void save_hw(u16 seg, u16 off) {
    u16 crtc_base = BDA_GET(crtc_address);
    far_write<u8>(seg, off++, inb(port::kMiscRead));
    for (u8 i = 0; i < 5; i++) far_write<u8>(seg, off++, seq_read(i));
    for (u8 i = 0; i < crtc::kCount; i++) far_write<u8>(seg, off++, crtc_read(crtc_base, i));
    for (u8 i = 0; i < attr::kCount; i++) {
        inb(u16(crtc_base + 6));
        outb(i, port::kAttrIndex);
        far_write<u8>(seg, off++, inb(port::kAttrRead));
    }
    inb(u16(crtc_base + 6));
    outb(attr::kPaletteEnable, port::kAttrIndex);
    for (u8 i = 0; i < 9; i++) far_write<u8>(seg, off++, gc_read(i));
}

void restore_hw(u16 seg, u16 off) {
    u16 crtc_base = BDA_GET(crtc_address);
    outb(far_read<u8>(seg, off++), port::kMiscWrite);
    seq_write(seq::kReset, seq::kResetSync);
    off++;
    for (u8 i = 1; i < 5; i++) seq_write(i, far_read<u8>(seg, off++));
    seq_write(seq::kReset, seq::kResetRun);
    crtc_write(crtc_base, crtc::kVSyncEnd, 0);
    for (u8 i = 0; i < crtc::kCount; i++) crtc_write(crtc_base, i, far_read<u8>(seg, off++));
    inb(u16(crtc_base + 6));
    for (u8 i = 0; i < attr::kCount; i++) {
        outb(i, port::kAttrIndex);
        outb(far_read<u8>(seg, off++), port::kAttrIndex);
    }
    outb(attr::kPaletteEnable, port::kAttrIndex);
    for (u8 i = 0; i < 9; i++) gc_write(i, far_read<u8>(seg, off++));
}

// Saves (`save`) or restores the states of `flags` (state::k*State) at seg:base.
void state_move(bool save, u16 flags, u16 seg, u16 base) {
    using namespace state;
    if (save) far_write<u16>(seg, u16(base + kFlags), flags);
    if (flags & kHwState) save ? save_hw(seg, u16(base + kHw)) : restore_hw(seg, u16(base + kHw));
    if (flags & kBdaState) {
        if (save) {
            far_move(seg, u16(base + kBda), kBdaSeg, kBdaVideoLo, kBdaVideoLoLen);
            far_move(seg, u16(base + kBda + kBdaVideoLoLen), kBdaSeg, kBdaVideoHi, kBdaVideoHiLen);
        } else {
            far_move(kBdaSeg, kBdaVideoLo, seg, u16(base + kBda), kBdaVideoLoLen);
            far_move(kBdaSeg, kBdaVideoHi, seg, u16(base + kBda + kBdaVideoLoLen), kBdaVideoHiLen);
        }
    }
    if (flags & kDacState) {
        u16 off = u16(base + kDac);
        if (save) {
            far_write<u8>(seg, off++, inb(port::kPelMask));
            outb(0, port::kDacReadIndex);
            for (u16 i = 0; i < 768; i++) far_write<u8>(seg, off++, inb(port::kDacData));
        } else {
            outb(far_read<u8>(seg, off++), port::kPelMask);
            outb(0, port::kDacWriteIndex);
            for (u16 i = 0; i < 768; i++) outb(far_read<u8>(seg, off++), port::kDacData);
        }
    }
    if ((flags & kSvgaState) && rom_read(&g_vbe.present)) {
        u16 off = u16(base + kDispi);
        for (unsigned i = 0; i < ARRAY_SIZE(kDispiRegs); i++) {
            u16 reg = rom_read(&kDispiRegs[i]);
            if (save) {
                far_write<u16>(seg, off, dispi_read(reg));
            } else {
                u16 v = far_read<u16>(seg, off);
                if (reg == dispi::kEnable) {
                    dispi_write(reg, 0);
                    v |= dispi::kNoClearMem;
                }
                dispi_write(reg, v);
            }
            off = u16(off + 2);
        }
    }
}

void save_restore(Regs16* r) {
    r->ax = vbe::kStatusOk;
    if (r->dl == 0) {
        r->bx = kStateBlocks;
        return;
    }
    if (r->dl > 2) {
        VGA_LOG_HEX("vga: VBE 4F04h: no such subfunction:", r->dl);
        r->ax = vbe::kStatusFailed;
        return;
    }
    state_move(r->dl == 1, r->cx, r->es, r->bx);
}

// ---- 4F05h-4F0Ah, 4F10h ---------------------------------------------------
void window(Regs16* r) {
    if (!dispi_enabled()) {
        r->ax = vbe::kStatusInvalid;
        return;
    }
    if (r->bh == 0x01) {
        r->dx = dispi_read(dispi::kBank);
        r->ax = vbe::kStatusOk;
        return;
    }
    if (r->bh != 0x00 || r->bl != 0 || (u32(r->dx) << 16) >= rom_read(&g_vbe.vram_bytes)) {
        VGA_LOG_HEX("vga: VBE 4F05h: bad window or bank, BX =", r->bx);
        r->ax = vbe::kStatusFailed;
        return;
    }
    dispi_write(dispi::kBank, r->dx);
    r->ax = vbe::kStatusOk;
}

void scan_line(Regs16* r) {
    if (!dispi_enabled()) {
        r->ax = vbe::kStatusInvalid;
        return;
    }
    u32 bpp = bytes_per_pixel(), vram = rom_read(&g_vbe.vram_bytes);
    u32 yres = dispi_read(dispi::kYres);
    u32 width = 0;
    switch (r->bl) {
    case 0x00: width = r->cx; break;
    case 0x02: width = r->cx / bpp; break;
    case 0x01: break;
    case 0x03: {
        u32 max = vram / yres / bpp;
        if (max > kMaxVirtWidth) max = kMaxVirtWidth;
        r->bx = u16(max * bpp);
        r->cx = u16(max);
        r->dx = u16(vram / (max * bpp));
        r->ax = vbe::kStatusOk;
        return;
    }
    default:
        VGA_LOG_HEX("vga: VBE 4F06h: no such subfunction:", r->bl);
        r->ax = vbe::kStatusFailed;
        return;
    }
    if (r->bl != 0x01) {
        if (width < dispi_read(dispi::kXres) || width > kMaxVirtWidth || width * bpp * yres > vram) {
            VGA_LOG_HEX("vga: VBE 4F06h: scan line length does not fit:", r->cx);
            r->ax = vbe::kStatusUnsupported;
            return;
        }
        dispi_write(dispi::kVirtWidth, u16(width));
    }
    u32 pixels = dispi_read(dispi::kVirtWidth);
    r->bx = u16(pixels * bpp);
    r->cx = u16(pixels);
    r->dx = u16(vram / (pixels * bpp));
    r->ax = vbe::kStatusOk;
}

void display_start(Regs16* r) {
    if (!dispi_enabled()) {
        r->ax = vbe::kStatusInvalid;
        return;
    }
    u8 fn = r->bl & 0x7F;
    if (fn == 0x01) {
        r->bh = 0;
        r->cx = dispi_read(dispi::kXOffset);
        r->dx = dispi_read(dispi::kYOffset);
    } else if (fn == 0x00) {
        dispi_write(dispi::kXOffset, r->cx);
        dispi_write(dispi::kYOffset, r->dx);
    } else if (fn == 0x02) {
        u32 pitch = u32(dispi_read(dispi::kVirtWidth)) * bytes_per_pixel();
        dispi_write(dispi::kXOffset, u16(r->ecx % pitch / bytes_per_pixel()));
        dispi_write(dispi::kYOffset, u16(r->ecx / pitch));
    } else if (fn == 0x04) {
        r->cx = 0;  // the flip is immediate
    } else {
        VGA_LOG_HEX("vga: VBE 4F07h: no such subfunction:", r->bl);
        r->ax = vbe::kStatusFailed;
        return;
    }
    r->ax = vbe::kStatusOk;
}

void dac_width(Regs16* r) {
    if (!rom_read(&g_vbe.present)) {
        r->ax = vbe::kStatusFailed;
        return;
    }
    u16 en = dispi_read(dispi::kEnable);
    if (r->bl == 0x00) {
        en = u16(r->bh >= 8 ? en | dispi::k8BitDac : en & ~dispi::k8BitDac);
        dispi_write(dispi::kEnable, u16(en | dispi::kNoClearMem));
    } else if (r->bl != 0x01) {
        VGA_LOG_HEX("vga: VBE 4F08h: no such subfunction:", r->bl);
        r->ax = vbe::kStatusFailed;
        return;
    }
    r->bh = en & dispi::k8BitDac ? 8 : 6;
    r->ax = vbe::kStatusOk;
}

void palette_data(Regs16* r) {
    u8 fn = r->bl & 0x7F;
    if ((fn != 0x00 && fn != 0x01) || u32(r->dx) + r->cx > 256) {
        VGA_LOG_HEX("vga: VBE 4F09h: bad subfunction or range, BX =", r->bx);
        r->ax = vbe::kStatusFailed;
        return;
    }
    u16 off = r->di;
    outb(u8(r->dx), fn == 0x00 ? port::kDacWriteIndex : port::kDacReadIndex);
    for (u16 i = 0; i < r->cx; i++, off = u16(off + 4)) {
        if (fn == 0x00) {
            outb(far_read<u8>(r->es, u16(off + 2)), port::kDacData);
            outb(far_read<u8>(r->es, u16(off + 1)), port::kDacData);
            outb(far_read<u8>(r->es, off), port::kDacData);
        } else {
            u8 red = inb(port::kDacData), green = inb(port::kDacData), blue = inb(port::kDacData);
            far_write<u32>(r->es, off, u32(blue) | u32(green) << 8 | u32(red) << 16);
        }
    }
    r->ax = vbe::kStatusOk;
}

void pm_interface(Regs16* r) {
    if (r->bl != 0x00) {
        r->ax = vbe::kStatusFailed;
        return;
    }
    r->es = rom_seg();
    r->di = u16(u32(vga_pm_table));
    r->cx = u16(u32(vga_pm_table_end) - u32(vga_pm_table));
    r->ax = vbe::kStatusOk;
}

namespace dpms {
constexpr u8 kOn = 0x00, kStandby = 0x01, kSuspend = 0x02, kOff = 0x04;
constexpr u8 kVersion = 0x10, kSupported = kStandby | kSuspend | kOff;
}  // namespace dpms

void power(Regs16* r) {
    r->ax = vbe::kStatusOk;
    u8 clk = seq_read(seq::kClocking);
    switch (r->bl) {
    case 0x00: r->bh = dpms::kSupported; r->bl = dpms::kVersion; break;
    case 0x01:
        if (r->bh != dpms::kOn && r->bh != dpms::kStandby && r->bh != dpms::kSuspend && r->bh != dpms::kOff) {
            VGA_LOG_HEX("vga: VBE 4F10h: no such power state:", r->bh);
            r->ax = vbe::kStatusFailed;
            break;
        }
        seq_write(seq::kClocking, u8(r->bh == dpms::kOn ? clk & ~seq::kClockScreenOff : clk | seq::kClockScreenOff));
        break;
    case 0x02: r->bh = clk & seq::kClockScreenOff ? dpms::kOff : dpms::kOn; break;
    default:
        VGA_LOG_HEX("vga: VBE 4F10h: no such subfunction:", r->bl);
        r->ax = vbe::kStatusFailed;
    }
}

// ---- 4F15h: DDC -------------------------------------------------------------
// QEMU's std VGA (`edid=on`, the default) has the EDID it makes up at offset
// 0 of its MMIO BAR 2: block 0 and as many extension blocks as its byte 126
// says. No EDID header there (virtio-vga's and qxl's BAR 2 is something
// else, `edid=off`): no DDC.
namespace ddc {
constexpr u32 kHeaderLo = 0xFFFFFF00, kHeaderHi = 0x00FFFFFF;  // 00 FF FF FF FF FF FF 00
constexpr u16 kBlock = 128;
constexpr u8 kExtensionCount = 126;
constexpr u16 kLevelDdc2 = 0x0002;  // 4F15h BL=00h: BL bit 1, DDC2 supported
}  // namespace ddc

u32 edid_base(const Hi& h) {
    u32 m = rom_read(&g_vbe.mmio);
    if (!m) return 0;
    u32 lo = u32(hi_read16(h, m)) | u32(hi_read16(h, m + 2)) << 16;
    u32 hi = u32(hi_read16(h, m + 4)) | u32(hi_read16(h, m + 6)) << 16;
    return lo == ddc::kHeaderLo && hi == ddc::kHeaderHi ? m : 0;
}

void ddc_service(Regs16* r) {
    Hi h = hi_begin();
    u32 edid = edid_base(h);
    r->ax = vbe::kStatusFailed;
    if (edid && r->bl == 0x00) {
        r->bx = ddc::kLevelDdc2;  // BH = 0: no time needed to read it
        r->ax = vbe::kStatusOk;
    } else if (edid && r->bl == 0x01) {
        u16 blocks = u16(1 + (hi_read16(h, edid + ddc::kExtensionCount) & 0xFF));
        if (r->cx == 0 && r->dx < blocks && r->dx < 2) {  // the BAR's EDID window holds two blocks
            u32 buf[ddc::kBlock / 4];
            hi_copy(h, linear(buf), edid + u32(r->dx) * ddc::kBlock, ddc::kBlock);
            hi_end(h);
            far_move(r->es, r->di, stack_seg(), u16(u32(buf)), ddc::kBlock);
            r->ax = vbe::kStatusOk;
            return;
        }
        VGA_LOG_HEX("vga: VBE 4F15h: no such EDID block, DX =", r->dx);
    } else if (edid) {
        VGA_LOG_HEX("vga: VBE 4F15h: no such subfunction:", r->bl);
    }
    hi_end(h);
}

}  // namespace

bool vbe_present() { return rom_read(&g_vbe.present); }

// INT 10h AH=1Ch: the 4F04h buffer layout without the DISPI part; the size
// only as large as the states asked for need.
void video_state(Regs16* r) {
    using namespace state;
    u16 flags = u16(r->cx & (kHwState | kBdaState | kDacState));
    if (r->al == 0x00) {
        u16 end = flags & kDacState ? kDac + 1 + 768 : flags & kBdaState ? kBda + kBdaVideoLoLen + kBdaVideoHiLen
                                                                         : kHw + 59;
        r->bx = u16((end + 63) / 64);
    } else if (r->al == 0x01 || r->al == 0x02) {
        state_move(r->al == 0x01, flags, r->es, r->bx);
    } else {
        VGA_LOG_HEX("vga: INT 10h AH=1Ch: no such subfunction:", r->al);
        return;
    }
    r->al = 0x1C;
}

void vbe_disable() {
    if (rom_read(&g_vbe.present)) dispi_write(dispi::kEnable, 0);
}

void vbe_init(u16 bdf) {
    VbeState st{};
    dispi_write(dispi::kId, dispi::kId5);
    u16 id = dispi_read(dispi::kId);
    if (id >= dispi::kId0 && id <= dispi::kId5) {
        st.present = 1;
        st.vram_bytes = u32(dispi_read(dispi::kVideoMemory64K)) << 16;
        dispi_write(dispi::kEnable, dispi::kGetCaps);
        st.max_xres = dispi_read(dispi::kXres);
        st.max_yres = dispi_read(dispi::kYres);
        st.max_bpp = u8(dispi_read(dispi::kBpp));
        dispi_write(dispi::kEnable, 0);
        outl(pci::kConfEnable | u32(bdf) << 8 | pci::kBar0, ::reef::port::kPciConfAddr);
        u32 bar = inl(::reef::port::kPciConfData);
        if (!(bar & 1)) st.lfb = bar & pci::kBarMemMask;
        outl(pci::kConfEnable | u32(bdf) << 8 | pci::kBar2, ::reef::port::kPciConfAddr);
        bar = inl(::reef::port::kPciConfData);
        if (!(bar & 1)) st.mmio = bar & pci::kBarMemMask;
    } else {
        VGA_LOG_HEX("vga: no Bochs DISPI interface (ID read back):", id);
    }
    for (u16 i = 0; i < sizeof(st); i++)
        rom_write(reinterpret_cast<u8*>(&g_vbe) + i, reinterpret_cast<const u8*>(&st)[i]);
}

void vbe_dispatch(Regs16* r) {
    if (VGA_FB) {  // no VBE on the framebuffer console (yet): none of it is linked in
        r->ax = vbe::kStatusFailed;
        return;
    }
    if (!rom_read(&g_vbe.present) && r->al != 0x00) {
        r->ax = vbe::kStatusFailed;
        return;
    }
    switch (r->al) {
    case 0x00: controller_info(r); break;
    case 0x01: mode_info(r); break;
    case 0x02: set_mode(r); break;
    case 0x03: current_mode(r); break;
    case 0x04: save_restore(r); break;
    case 0x05: window(r); break;
    case 0x06: scan_line(r); break;
    case 0x07: display_start(r); break;
    case 0x08: dac_width(r); break;
    case 0x09: palette_data(r); break;
    case 0x0A: pm_interface(r); break;
    case 0x10: power(r); break;
    case 0x15: ddc_service(r); break;
    default:
        VGA_LOG_HEX("vga: VBE function not supported, AL =", r->al);
        r->ax = 0x0100;
    }
}

}  // namespace reef::vga
