// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/optionrom.h"

#include "lib/checksum.h"

#include "fw/pci.h"
#include "lib/call16.h"
#include "lib/far.h"
#include "lib/log.h"
#include "lib/rtvars.h"

namespace reef {
namespace {

constexpr u32 kRomAreaStart = 0xC0000, kRomAreaEnd = 0xE0000;
constexpr u16 kRomSignature = 0xAA55;
constexpr u32 kPcirSignature = 0x52494350;  // "PCIR"
constexpr u8 kCodeTypeX86 = 0;

// Option ROM header and PCI data structure fields (PCI Firmware spec 3.0).
struct RomHeader {
    u16 signature;
    u8 size512;
    u8 entry[3];
    u8 reserved[0x12];
    u16 pcir_offset;
} PACKED;
struct Pcir {
    u32 signature;
    u16 vendor, device;
    u16 device_list;
    u16 length;
    u8 revision;
    u8 class_code[3];
    u16 image_length512;
    u16 code_revision;
    u8 code_type;
    u8 indicator;  // bit 7: last image
    u16 max_runtime_length512;
} PACKED;

// Finds the x86 image inside a (possibly multi-image) ROM at `base`.
// Returns its offset or -1.
s32 find_x86_image(u32 base, u32 rom_size, const PciDevice& dev) {
    u32 off = 0;
    for (int n = 0; n < 8 && off + sizeof(RomHeader) <= rom_size; n++) {
        RomHeader h;
        __builtin_memcpy(&h, reinterpret_cast<const void*>(base + off), sizeof(h));
        if (h.signature != kRomSignature) {
            dlog(1, "optionrom: %02x:%02x.%x: no 55AA signature at image offset 0x%x\n", pci_bus(dev.bdf),
                 pci_dev(dev.bdf), pci_fn(dev.bdf), off);
            return -1;
        }
        if (h.pcir_offset + sizeof(Pcir) > rom_size - off) return -1;
        Pcir p;
        __builtin_memcpy(&p, reinterpret_cast<const void*>(base + off + h.pcir_offset), sizeof(p));
        if (p.signature != kPcirSignature) {
            dlog(1, "optionrom: %02x:%02x.%x: PCIR structure missing\n", pci_bus(dev.bdf), pci_dev(dev.bdf),
                 pci_fn(dev.bdf));
            return -1;
        }
        if (p.vendor != dev.vendor || p.device != dev.device)
            dlog(2, "optionrom: ROM is for %04x:%04x, device is %04x:%04x\n", p.vendor, p.device, dev.vendor,
                 dev.device);
        if (p.code_type == kCodeTypeX86) return s32(off);
        if (p.indicator & 0x80 || !p.image_length512) return -1;
        off += u32(p.image_length512) * 512;
    }
    return -1;
}

}  // namespace

u32 vga_rom_setup() {
    if (!CONFIG_VGA_OPTIONROM) return kRomAreaStart;
    PciState& st = pci_state();
    PciConfig& cfg = pci_config();
    const PciDevice* vga = nullptr;
    for (int i = 0; i < st.ndevices && !vga; i++)
        if (st.devices[i].class_code == 0x03) vga = &st.devices[i];
    if (!vga) {
        dlog(1, "vga: no display device; no video BIOS\n");
        return kRomAreaStart;
    }
    const PciBar* rom = pci_find_bar(vga->bdf, 6);
    if (!rom || !rom->placed) {
        dlog(1, "vga: %02x:%02x.%x has no ROM BAR; no video BIOS\n", pci_bus(vga->bdf), pci_dev(vga->bdf),
             pci_fn(vga->bdf));
        return kRomAreaStart;
    }
    u32 base = u32(rom->addr);
    u32 rom_size = u32(rom->size);
    u16 cmd = cfg.read16(vga->bdf, pcireg::kCommand);
    cfg.write16(vga->bdf, pcireg::kCommand, u16(cmd | pcireg::kCmdMemory));
    cfg.write32(vga->bdf, pcireg::kRomAddress, base | pcireg::kRomEnable);
    s32 img = find_x86_image(base, rom_size, *vga);
    u32 len = 0;
    if (img >= 0) {
        len = u32(*reinterpret_cast<const u8*>(base + u32(img) + 2)) * 512;
        if (!len || len > rom_size - u32(img) || len > kRomAreaEnd - kRomAreaStart) {
            dlog(1, "vga: ROM image size %u is invalid; not run\n", len);
            len = 0;
        } else {
            __builtin_memcpy(reinterpret_cast<void*>(kRomAreaStart), reinterpret_cast<const void*>(base + u32(img)),
                             len);
        }
    }
    cfg.write32(vga->bdf, pcireg::kRomAddress, base);
    if (!len) return kRomAreaStart;
    u8 sum = byte_sum(reinterpret_cast<const void*>(kRomAreaStart), len);
    if (sum) {
        dlog(1, "vga: ROM checksum is bad (0x%02x); not run\n", sum);
        __builtin_memset(reinterpret_cast<void*>(kRomAreaStart), 0, len);
        return kRomAreaStart;
    }
    dlog(2, "vga: running video BIOS of %02x:%02x.%x (%u KiB)\n", pci_bus(vga->bdf), pci_dev(vga->bdf),
         pci_fn(vga->bdf), len / 1024);
    Regs16 r{};
    r.ax = u16((pci_bus(vga->bdf) << 8) | (vga->bdf & 0xFF));
    r.bx = 0xFFFF;
    r.dx = 0xFFFF;
    r.ds = 0x0040;
    r.cs = u16(kRomAreaStart >> 4);
    r.ip = 3;
    r.flags = Regs16::kIF;
    call16(r, Call16Kind::kFarCall);
    SegOff v10 = far_read<SegOff>(0, 0x10 * 4);
    RT(g_video_ready) = v10.seg != FSEG;
    if (RT(g_video_ready)) {
        // Like every PC BIOS: start in 80x25 colour text (mode 3), which also
        // fills the BDA's video fields that INT 10h 0Fh and friends report.
        Regs16 m{};
        m.ax = 0x0003;
        call16_int(0x10, m);
    }
    // The ROM may shrink itself to its runtime size (header byte 2).
    u32 runtime = u32(*reinterpret_cast<const u8*>(kRomAreaStart + 2)) * 512;
    if (!runtime || runtime > len) runtime = len;
    dlog(1, "vga: video BIOS initialised%s\n", RT(g_video_ready) ? "" : " but did not hook INT 10h");
    return u32(align_up(kRomAreaStart + runtime, 2048));
}

}  // namespace reef
