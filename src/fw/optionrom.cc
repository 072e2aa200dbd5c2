// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/optionrom.h"

#include "fw/bootpaths.h"

#include "lib/checksum.h"

#include "block/block.h"
#include "fw/fwcfg.h"
#include "fw/malloc.h"
#include "fw/pci.h"
#include "fw/romheader.h"
#include "hw/cpu.h"
#include "lib/bda.h"
#include "lib/console.h"
#include "lib/format.h"
#include "lib/lz.h"
#include "lib/call16.h"
#include "lib/far.h"
#include "lib/log.h"
#include "lib/rtvars.h"

extern "C" char _r16_pnp_bios_entry[];

namespace reef {
namespace {

constexpr u32 kRomAreaStart = 0xC0000, kRomAreaEnd = 0xE0000;
constexpr u8 kClassDisplay = 0x03;
// Finds the x86 image inside a (possibly multi-image) ROM at `base`.
// Returns its offset or -1, with one log line naming the device.
s32 find_x86_image(u32 base, u32 rom_size, const PciDevice& dev) {
    u32 off = 0;
    RomStatus st = rom_find_x86_image(reinterpret_cast<const u8*>(base), rom_size,
                                      RomSource{true, dev.vendor, dev.device}, &off);
    if (st == RomStatus::kOk) return s32(off);
    const char* why = st == RomStatus::kPcirNoSignature ? "PCIR structure missing" : rom_status_text(st);
    dlog(1, "optionrom: %02x:%02x.%x: %s\n", pci_bus(dev.bdf), pci_dev(dev.bdf), pci_fn(dev.bdf), why);
    return -1;
}

// Copies a ROM image (whole 512-byte blocks) in dwords: gcc's memcpy is a
// byte-wise rep movsb here, four times the instructions at every boot.
void copy_rom(u32 dst, u32 src, u32 len) {
    u32 n = len / 4;
    asm volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

}  // namespace

extern "C" const u8 vga_embedded_fb[], vga_embedded_fb_end[], vga_embedded_std[], vga_embedded_std_end[];

namespace {

constexpr u16 kVendorQemu = 0x1234, kDeviceQemuVga = 0x1111;
constexpr u16 kClassOtherDisplay = 0x0380;  // bochs-display: 1234:1111 like std VGA, no VGA core
constexpr char kRamfbFile[] = "etc/ramfb", kRamfbRom[] = "vgaroms/vgabios-ramfb.bin";
bool g_ramfb_ours;  // our framebuffer console drives ramfb: QEMU's ROM for it is not run

// Runs the video BIOS copied to C0000h (`len` bytes, checksum good) with
// AX = `ax` (PCI bus/devfn, 0 for none); returns the end of its runtime part.
u32 init_vga_rom(u32 len, u16 ax) {
    Regs16 r{};
    r.ax = ax;
    r.bx = 0xFFFF;
    r.dx = 0xFFFF;
    r.ds = 0x0040;
    r.cs = u16(kRomAreaStart >> 4);
    r.ip = 3;
    r.flags = Regs16::kIF;
    call16(r, Call16Kind::kFarCall);
    SegOff v10 = far_read<SegOff>(0, 0x10 * 4);
    RT(g_video_ready) = v10.seg != FSEG;
    if (RT(g_video_ready) && BDA_GET(video_mode) != 0x03) {
        // Like every PC BIOS: start in 80x25 colour text (mode 3), which also
        // fills the BDA's video fields that INT 10h 0Fh and friends report;
        // not again when the ROM's init set it (ours and SeaVGABIOS do).
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

// One of our ROMs built into the image (src/fw/vgarom_embed.S, packed)
// unpacked to C0000h and run with AX = `ax`; kRomAreaStart if it is not
// built in or does not unpack.
u32 run_builtin_rom(const u8* packed, const u8* end, u16 ax, const char* what, const char* rom) {
    u32 n = u32(end - packed);
    if (!n) return kRomAreaStart;
    s32 len = lz_unpack(packed, n, reinterpret_cast<u8*>(kRomAreaStart), kRomAreaEnd - kRomAreaStart);
    if (len <= 0 || post_byte_sum(reinterpret_cast<const void*>(kRomAreaStart), u32(len))) {
        dlog(1, "vga: %s: the built-in %s ROM does not unpack (%d); not run\n", what, rom, len);
        __builtin_memset(reinterpret_cast<void*>(kRomAreaStart), 0, kRomAreaEnd - kRomAreaStart);
        return kRomAreaStart;
    }
    dlog(1, "vga: %s: ReefBIOS %s ROM (built in, %u KiB)\n", what, rom, u32(len) / 1024);
    return init_vga_rom(u32(len), ax);
}

u32 run_builtin_fb_rom(u16 ax, const char* what) {
    return run_builtin_rom(vga_embedded_fb, vga_embedded_fb_end, ax, what, "framebuffer console");
}

// The devices with QEMU's std VGA core that our std VGA ROM drives.
bool std_vga_core(const PciDevice& d, u16 cls) {
    if (cls != 0x0300) return false;
    return (d.vendor == kVendorQemu && d.device == kDeviceQemuVga) || (d.vendor == 0x1AF4 && d.device == 0x1050) ||
           (d.vendor == 0x1B36 && d.device == 0x0100);
}

}  // namespace

u32 vga_rom_setup() {
    if (!CONFIG_VGA_OPTIONROM) return kRomAreaStart;
    PciState& st = pci_state();
    PciConfig& cfg = pci_config();
    const PciDevice* vga = nullptr;
    for (int i = 0; i < st.ndevices && !vga; i++)
        if (st.devices[i].class_code == kClassDisplay) vga = &st.devices[i];
    if (!vga) {
        // ramfb: no PCI device; QEMU offers SeaVGABIOS for it as a fw_cfg
        // file (vgaroms/), ours is built in.
        if (CONFIG_VGA_BIOS && fwcfg().present() && fwcfg().find(kRamfbFile)) {
            u32 end = run_builtin_fb_rom(0, "ramfb");
            g_ramfb_ours = RT(g_video_ready);
            if (end != kRomAreaStart) return end;
        }
        dlog(1, "vga: no display device; no video BIOS\n");
        return kRomAreaStart;
    }
    u16 bdf_ax = u16((pci_bus(vga->bdf) << 8) | (vga->bdf & 0xFF));
    u16 cls = cfg.read16(vga->bdf, pcireg::kClassDevice);
    if (CONFIG_VGA_BIOS && vga->vendor == kVendorQemu && vga->device == kDeviceQemuVga && cls == kClassOtherDisplay) {
        // bochs-display: ours rather than the SeaVGABIOS QEMU puts in its ROM BAR.
        u32 end = run_builtin_fb_rom(bdf_ax, "bochs-display");
        if (end != kRomAreaStart) return end;
    }
    if (CONFIG_VGA_BIOS && CONFIG_VGA_PREFER_OURS && std_vga_core(*vga, cls)) {
        char what[16];
        snformat(what, sizeof(what), "%02x:%02x.%x", pci_bus(vga->bdf), pci_dev(vga->bdf), pci_fn(vga->bdf));
        u32 end = run_builtin_rom(vga_embedded_std, vga_embedded_std_end, bdf_ax, what, "std VGA");
        if (end != kRomAreaStart) return end;
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
            copy_rom(kRomAreaStart, base + u32(img), len);
        }
    }
    cfg.write32(vga->bdf, pcireg::kRomAddress, base);
    if (!len) return kRomAreaStart;
    u8 sum = post_byte_sum(reinterpret_cast<const void*>(kRomAreaStart), len);
    if (sum) {
        dlog(1, "vga: ROM checksum is bad (0x%02x); not run\n", sum);
        __builtin_memset(reinterpret_cast<void*>(kRomAreaStart), 0, len);
        return kRomAreaStart;
    }
    dlog(2, "vga: running video BIOS of %02x:%02x.%x (%u KiB)\n", pci_bus(vga->bdf), pci_dev(vga->bdf),
         pci_fn(vga->bdf), len / 1024);
    return init_vga_rom(len, bdf_ax);
}

}  // namespace reef

// ---- ROMs from fw_cfg files ------------------------------------------------
namespace reef {
namespace {

constexpr u32 kRomAlign = 2048;
constexpr u16 kNoIsaPnp = 0xFFFF;  // BX (card select number), DX (read data port): no ISA PnP
constexpr u16 kNoPciDevice = 0;    // AX for a ROM that belongs to no PCI function
constexpr u16 kBdaSegment = 0x0040;
constexpr u8 kFirstHardDisk = 0x80;

// The PnP BIOS installation check structure (PnP BIOS spec 1.0a, 4.4),
// which ES:DI points at when a PnP option ROM's init and BCV run.
struct PnpInstallCheck {
    u32 signature;  // "$PnP"
    u8 version;     // BCD
    u8 length;
    u16 control;
    u8 checksum;
    u32 event_flag_addr;
    u16 rm_entry_off, rm_entry_seg;
    u16 pm_entry_off;
    u32 pm_code_base;
    u32 oem_device_id;
    u16 rm_data_seg;
    u32 pm_data_base;
} PACKED;
static_assert(sizeof(PnpInstallCheck) == 0x21);
constexpr u8 kPnpBiosVersion = 0x10;
constexpr u32 kPnpAlign = 16;  // on a paragraph boundary in the F-segment

// What we ran, for the boot paths and the BCVs.
struct RanRom {
    u16 seg;
    u16 bcv;            // 0: none
    u16 pci_ax;
    bool pci;           // from bdf's ROM BAR, else fw_cfg file `file`
    u16 bdf;
    char file[sizeof(FwCfgFile::name)];
    char bcv_desc[sizeof(BootEntry::desc)];  // the BCV's PnP product name (else the ROM's)
};
constexpr int kMaxRoms = 16;
RanRom g_roms[kMaxRoms];
int g_nroms;
u32 g_pnp_install;  // flat address, 0 until made

const char* const kFilePrefixes[] = {"vgaroms/", "genroms/"};

bool has_prefix(const char* s, const char* prefix) {
    while (*prefix)
        if (*s++ != *prefix++) return false;
    return true;
}

u16 pnp_install_check() {
    if (!g_pnp_install) {
        u32 a = post_alloc().alloc(Zone::kFseg, sizeof(PnpInstallCheck), kPnpAlign, "PnP installation check");
        if (!a) return 0;
        PnpInstallCheck s{};
        s.signature = rom::kPnpSignature;
        s.version = kPnpBiosVersion;
        s.length = sizeof(PnpInstallCheck);
        s.rm_entry_seg = FSEG;
        s.rm_entry_off = u16(reinterpret_cast<uintptr_t>(&_r16_pnp_bios_entry));
        s.pm_entry_off = s.rm_entry_off;
        s.pm_code_base = FSEG_BASE;
        s.rm_data_seg = FSEG;
        s.pm_data_base = FSEG_BASE;
        s.checksum = checksum_byte(&s, sizeof(s));
        __builtin_memcpy(reinterpret_cast<void*>(a), &s, sizeof(s));
        g_pnp_install = a;
    }
    return u16(g_pnp_install - FSEG_BASE);
}

// Far-calls seg:off with the PnP option ROM registers (BIOS Boot
// Specification 1.01, 3.2 and appendix D).
void call_rom_vector(u16 seg, u16 off, u16 pci_ax) {
    Regs16 r{};
    r.ax = pci_ax;
    r.bx = kNoIsaPnp;
    r.dx = kNoIsaPnp;
    r.es = FSEG;
    r.di = pnp_install_check();
    r.ds = kBdaSegment;
    r.cs = seg;
    r.ip = off;
    r.flags = Regs16::kIF;
    call16(r, Call16Kind::kFarCall);
}

// Drops a ROM image that will not run: its bytes in the ROM area zeroed.
u32 drop(u8* img, u32 n) {
    __builtin_memset(img, 0, n);
    return u32(reinterpret_cast<uintptr_t>(img));
}

// Runs the checked ROM image at `at` (`info` from rom_check), which came
// from fw_cfg file `file` or from the ROM BAR of PCI function `bdf` (`pci`);
// its PnP BEVs become boot entries, its BCV is kept for
// optionrom_connect_disks(). Returns the end of what stays there (`at` if
// nothing does).
u32 run_rom(u32 at, RomInfo& info, const char* name, const char* file, bool pci, u16 bdf) {
    u8* img = reinterpret_cast<u8*>(at);
    if (info.pnp_bad_checksum) dlog(3, "optionrom: %s: PnP header checksum is wrong (tolerated)\n", name);
    if (g_nroms == kMaxRoms) {
        dlog(1, "optionrom: %s: more than %d ROMs; skipped\n", name, kMaxRoms);
        return drop(img, info.size);
    }
    u16 seg = u16(at >> 4);
    // PCI Firmware spec: AH = bus, AL = device/function of the ROM's owner.
    u16 ax = pci ? bdf : kNoPciDevice;
    dlog(2, "optionrom: %s at 0x%x (%u KiB), running its init\n", name, at, info.size / 1024);
    SegOff v10 = far_read<SegOff>(0, 0x10 * 4);
    call_rom_vector(seg, rom::kInitEntryOffset, ax);
    if (!RT(g_video_ready) && file && has_prefix(file, kFilePrefixes[0]) &&
        far_read<SegOff>(0, 0x10 * 4).seg != v10.seg)
        RT(g_video_ready) = 1;
    // After its init the ROM's size byte is its runtime size (it may shrink
    // or drop out entirely).
    u32 runtime = 0;
    if (reinterpret_cast<const RomHeader*>(img)->signature == rom::kSignature)
        runtime = min(u32(img[2]) * rom::kBlockSize, info.size);
    if (!runtime) {
        dlog(2, "optionrom: %s: released its memory after init\n", name);
        return at;
    }
    RomStatus st = rom_parse_pnp(img, runtime, &info);
    if (st != RomStatus::kOk) {
        dlog(1, "optionrom: %s: after init: %s; no boot entries from it\n", name, rom_status_text(st));
        info.npnp = 0;
    }
    RanRom& ran = g_roms[g_nroms++];
    ran = RanRom{seg, 0, ax, pci, bdf, {}, {}};
    if (file) __builtin_memcpy(ran.file, file, sizeof(ran.file));
    for (int i = 0; i < info.npnp; i++) {
        const RomPnp& p = info.pnp[i];
        char desc[sizeof(BootEntry::desc)];
        if (!rom_string(img, runtime, p.product, desc, sizeof(desc))) snformat(desc, sizeof(desc), "%s", name);
        if (p.bev && !block_register_vector(BootKind::kBev, seg, p.bev, desc))
            dlog(1, "optionrom: %s: boot list full; BEV not added\n", name);
        if (p.bcv && !ran.bcv) {
            ran.bcv = p.bcv;
            __builtin_memcpy(ran.bcv_desc, desc, sizeof(desc));
        }
    }
    return at + runtime;
}

// Runs one ROM file at `at`; returns the end of what stays there.
u32 run_file_rom(const FwCfgFile& f, u32 at) {
    u32 space = kRomAreaEnd - at;
    u32 n = min(f.size, space);
    u8* img = reinterpret_cast<u8*>(at);
    fwcfg().read_file(f, 0, img, n);
    RomInfo info;
    RomStatus st = rom_check(img, n, RomSource{false, 0, 0}, &info);
    if (st == RomStatus::kTruncated && f.size > space) {
        console_printf("Option ROM %s does not fit (%u KiB free); skipped\n", f.name, space / 1024);
        dlog(1, "optionrom: %s: %u bytes do not fit below 0x%x; skipped\n", f.name, f.size, kRomAreaEnd);
        return drop(img, n);
    }
    if (st != RomStatus::kOk) {
        dlog(1, "optionrom: %s: %s; skipped\n", f.name, rom_status_text(st));
        return drop(img, n);
    }
    return run_rom(at, info, f.name, f.name, false, 0);
}

// Copies the x86 image of PCI function `d`'s ROM BAR to `at` (decoding
// the ROM only while copying) and runs it; returns the new end.
u32 run_pci_rom(const PciDevice& d, const PciBar& bar, u32 at) {
    PciConfig& cfg = pci_config();
    char name[24];
    snformat(name, sizeof(name), "%02x:%02x.%x (%04x:%04x)", pci_bus(d.bdf), pci_dev(d.bdf), pci_fn(d.bdf),
             d.vendor, d.device);
    u32 base = u32(bar.addr), size = u32(bar.size);
    u16 cmd = cfg.read16(d.bdf, pcireg::kCommand);
    cfg.write16(d.bdf, pcireg::kCommand, u16(cmd | pcireg::kCmdMemory));
    cfg.write32(d.bdf, pcireg::kRomAddress, base | pcireg::kRomEnable);
    u32 space = kRomAreaEnd - at, len = 0;
    s32 off = find_x86_image(base, size, d);
    if (off >= 0) {
        len = u32(*reinterpret_cast<const u8*>(base + u32(off) + 2)) * rom::kBlockSize;
        if (len > size - u32(off)) len = size - u32(off);  // rom_check reports it as truncated
        if (len > space) {
            console_printf("Option ROM of %s does not fit (%u KiB free); skipped\n", name, space / 1024);
            dlog(1, "optionrom: %s: %u bytes do not fit below 0x%x; skipped\n", name, len, kRomAreaEnd);
            len = 0;
        } else {
            __builtin_memcpy(reinterpret_cast<void*>(at), reinterpret_cast<const void*>(base + u32(off)), len);
        }
    }
    cfg.write32(d.bdf, pcireg::kRomAddress, base);
    cfg.write16(d.bdf, pcireg::kCommand, cmd);
    if (!len) return at;
    RomInfo info;
    RomStatus st = rom_check(reinterpret_cast<const u8*>(at), len, RomSource{true, d.vendor, d.device}, &info);
    if (st != RomStatus::kOk) {
        dlog(1, "optionrom: %s: %s; skipped\n", name, rom_status_text(st));
        return drop(reinterpret_cast<u8*>(at), len);
    }
    return run_rom(at, info, name, nullptr, true, d.bdf);
}

u32 file_roms(const char* prefix, u32 at) {
    FwCfg& fw = fwcfg();
    for (int i = 0; i < fw.file_count(); i++) {
        const FwCfgFile& f = fw.file(i);
        if (!has_prefix(f.name, prefix)) continue;
        if (g_ramfb_ours && __builtin_strcmp(f.name, kRamfbRom) == 0) {
            dlog(1, "optionrom: %s: ramfb has our framebuffer console already; not run\n", f.name);
            continue;
        }
        if (at >= kRomAreaEnd) {
            console_printf("Option ROM %s does not fit (option ROM area full); skipped\n", f.name);
            dlog(1, "optionrom: %s: option ROM area full; skipped\n", f.name);
            continue;
        }
        at = u32(align_up(run_file_rom(f, at), kRomAlign));
    }
    return at;
}

// The ROM BAR of every PCI function but displays (the video BIOS ran
// already), in bus order.
u32 pci_roms(u32 at) {
    const PciState& st = pci_state();
    for (int i = 0; i < st.ndevices; i++) {
        const PciDevice& d = st.devices[i];
        if (d.class_code == kClassDisplay) continue;
        const PciBar* bar = pci_find_bar(d.bdf, 6);
        if (!bar) continue;
        if (!bar->placed) {
            dlog(1, "optionrom: %02x:%02x.%x: ROM BAR not placed; its ROM is not run\n", pci_bus(d.bdf),
                 pci_dev(d.bdf), pci_fn(d.bdf));
            continue;
        }
        if (at >= kRomAreaEnd) {
            console_printf("Option ROM of %02x:%02x.%x does not fit (option ROM area full); skipped\n",
                           pci_bus(d.bdf), pci_dev(d.bdf), pci_fn(d.bdf));
            continue;
        }
        at = u32(align_up(run_pci_rom(d, *bar, at), kRomAlign));
    }
    return at;
}

}  // namespace

u32 optionroms_setup(u32 rom_end) {
    u32 at = u32(align_up(rom_end, kRomAlign));
    at = file_roms(kFilePrefixes[0], at);
    if (CONFIG_PCI_OPTIONROMS) at = pci_roms(at);
    return file_roms(kFilePrefixes[1], at);
}

void optionrom_connect_disks() {
    for (int i = 0; i < g_nroms; i++) {
        const RanRom& r = g_roms[i];
        if (!r.bcv) continue;
        u8 before = BDA_GET(hdcount);
        call_rom_vector(r.seg, r.bcv, r.pci_ax);
        u8 after = BDA_GET(hdcount);
        dlog(2, "optionrom: %s: BCV %04x:%04x hooked %d disk%s\n", r.bcv_desc, r.seg, r.bcv, after - before,
             after - before == 1 ? "" : "s");
        // Its first disk (the next INT 13h number; BIOS Boot Specification
        // 1.01, 3.3) becomes a boot entry, booted through the ROM's INT 13h.
        if (after > before && !block_register_vector(BootKind::kBcv, r.seg, r.bcv, r.bcv_desc,
                                                     u8(kFirstHardDisk + before)))
            dlog(1, "optionrom: %s: boot list full; its disk is not a boot entry\n", r.bcv_desc);
    }
}

bool optionrom_boot_path(u16 seg, u16 off, char* buf, u32 n) {
    (void)off;
    for (int i = 0; i < g_nroms; i++)
        if (g_roms[i].seg == seg) {
            const RanRom& r = g_roms[i];
            // A PCI ROM's boot entry is its device: QEMU writes e.g.
            // "/pci@i0cf8/ethernet@3/ethernet-phy@0" for a NIC's bootindex.
            if (r.pci)
                pci_device_path(r.bdf, buf, n);
            else
                snformat(buf, n, "/rom@%s", r.file);
            return true;
        }
    return false;
}

}  // namespace reef
