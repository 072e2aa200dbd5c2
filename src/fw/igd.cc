// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/igd.h"

#include "lib/format.h"
#include "lib/log.h"

namespace reef {

namespace {

struct GenRow {
    u8 id_high;  // device ID bits 15:8
    u8 gen;
};
// docs/igd-passthrough.md, "Which BDSM register".
constexpr GenRow kGenTable[] = {
    {0x01, 6},                                                  // SandyBridge, IvyBridge
    {0x04, 7}, {0x0a, 7}, {0x0c, 7}, {0x0d, 7}, {0x0f, 7},      // Haswell, Valleyview
    {0x16, 8}, {0x22, 8},                                       // Broadwell, Cherryview
    {0x19, 9}, {0x31, 9}, {0x59, 9}, {0x3e, 9}, {0x9b, 9},      // Skylake .. Comet Lake
    {0x8a, 11}, {0x45, 11}, {0x4e, 11},                         // Ice/Elkhart/Jasper Lake
    {0x9a, 12}, {0x4c, 12}, {0x46, 12}, {0xa7, 12},             // Tiger .. Raptor Lake
};

struct GenDevice {
    u8 gen;
    u16 device;
};
constexpr GenDevice kGenDevices[] = {
    {6, 0x0126}, {7, 0x0412}, {8, 0x1616}, {9, 0x5912}, {11, 0x8a52}, {12, 0x9a49},
};

// "00:02.0 8086:5912 gen 9" (gen "?" when unknown), for every log line.
struct DevName {
    char s[40];
};
DevName dev_name(const PciDevice& dev, u16 device, int gen) {
    DevName n;
    if (gen)
        snformat(n.s, sizeof(n.s), "%02x:%02x.%x %04x:%04x gen %d", pci_bus(dev.bdf), pci_dev(dev.bdf),
                 pci_fn(dev.bdf), kIgdVendor, device, gen);
    else
        snformat(n.s, sizeof(n.s), "%02x:%02x.%x %04x:%04x gen ?", pci_bus(dev.bdf), pci_dev(dev.bdf),
                 pci_fn(dev.bdf), kIgdVendor, device);
    return n;
}

bool is_intel_display(const PciDevice& dev) {
    return dev.vendor == kIgdVendor && (dev.class_id() == 0x0300 || dev.class_id() == 0x0380);
}

// "9", "12\n", "0x9a49": a generation number or a device ID (hex).
bool parse_test_gen(const char* s, u16* device, int* gen) {
    while (*s == ' ' || *s == '\t') s++;
    u32 v = 0;
    int digits = 0;
    bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (hex) s += 2;
    for (;; s++, digits++) {
        char c = *s;
        u32 d;
        if (c >= '0' && c <= '9') d = u32(c - '0');
        else if (hex && c >= 'a' && c <= 'f') d = u32(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F') d = u32(c - 'A' + 10);
        else break;
        v = v * (hex ? 16 : 10) + d;
        if (v > 0xFFFF) return false;
    }
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    if (!digits || *s) return false;
    if (hex) {
        if (!v) return false;
        *device = u16(v);
        *gen = igd_generation(u16(v));
        return true;
    }
    *device = igd_device_for_gen(int(v));
    *gen = int(v);
    return *device != 0;
}

}  // namespace

int igd_generation(u16 id) {
    // Broxton/Apollo Lake (0x?a84, 0x?a85) before Haswell's 0x0a.
    if ((id & 0xffe) == 0xa84) return 9;
    for (const GenRow& r : kGenTable)
        if ((id >> 8) == r.id_high) return r.gen;
    return 0;
}

IgdBdsmReg igd_bdsm_reg(int gen) {
    if (gen == 11 || gen == 12) return IgdBdsmReg{igdreg::kBdsm64, true};
    return IgdBdsmReg{igdreg::kBdsm, false};
}

u16 igd_device_for_gen(int gen) {
    for (const GenDevice& g : kGenDevices)
        if (g.gen == gen) return g.device;
    return 0;
}

void IgdSetup::init(const FwCfg& fw, Allocator& mem, PhysMem& phys, bool test_override) {
    *this = IgdSetup{};
    fw_ = &fw;
    mem_ = &mem;
    phys_ = &phys;
    allow_override_ = test_override;
}

void IgdSetup::scan() {
    scanned_ = true;
    opregion_ = fw_->find(kIgdOpRegionFile);
    bdsm_ = fw_->find(kIgdBdsmSizeFile);
    const FwCfgFile* test = fw_->find(kIgdTestGenFile);
    if (!test) return;
    if (!allow_override_) {
        dlog(1, "igd: %s ignored: this build has no CONFIG_IGD_TEST_OVERRIDE\n", kIgdTestGenFile);
        return;
    }
    char buf[16] = {};
    fw_->read_file(*test, 0, buf, min<u32>(test->size, sizeof(buf) - 1));
    int gen = 0;
    u16 device = 0;
    if (test->size >= sizeof(buf) || !parse_test_gen(buf, &device, &gen)) {
        dlog(1, "igd: TEST OVERRIDE: %s must hold a generation (6-9, 11, 12) or a device ID (0x....); "
             "override off\n", kIgdTestGenFile);
        return;
    }
    override_device_ = device;
    dlog(2, "igd: TEST OVERRIDE: a display device at 00:02.0 will be an Intel IGD %04x:%04x (gen %d)\n", kIgdVendor,
         device, gen);
}

bool IgdSetup::overridden(const PciDevice& dev) const {
    return override_device_ && dev.bdf == kIgdBdf && dev.class_code == 0x03 && !is_intel_display(dev);
}

bool IgdSetup::match(const PciDevice& dev) {
    if (!scanned_) scan();
    if (!opregion_ && !bdsm_) return false;
    return is_intel_display(dev) || overridden(dev);
}

void IgdSetup::setup(PciConfig& cfg, const PciDevice& dev) {
    u16 device = overridden(dev) ? override_device_ : dev.device;
    int gen = igd_generation(device);
    if (igd_bdf_ != 0xFFFF) {
        dlog(1, "igd: %s is a second Intel display device: ignored (only the first, %02x:%02x.%x, is set up)\n",
             dev_name(dev, device, gen).s, pci_bus(igd_bdf_), pci_dev(igd_bdf_), pci_fn(igd_bdf_));
        return;
    }
    igd_bdf_ = dev.bdf;
    if (overridden(dev))
        dlog(1, "igd: TEST OVERRIDE: handling %02x:%02x.%x %04x:%04x as Intel %04x:%04x\n", pci_bus(dev.bdf),
             pci_dev(dev.bdf), pci_fn(dev.bdf), dev.vendor, dev.device, kIgdVendor, device);
    if (bdsm_) setup_bdsm(cfg, dev, device, gen);
    if (opregion_) setup_opregion(cfg, dev, device, gen);
}

void IgdSetup::setup_bdsm(PciConfig& cfg, const PciDevice& dev, u16 device, int gen) {
    DevName name = dev_name(dev, device, gen);
    if (dev.bdf != kIgdBdf) {
        dlog(1, "igd: %s: not at 00:02.0, so no stolen memory (%s is for legacy mode, IGD at 00:02.0)\n",
             name.s, kIgdBdsmSizeFile);
        return;
    }
    if (bdsm_->size != 8) {
        dlog(1, "igd: %s: %s is %u bytes, not an 8-byte little-endian size; BDSM not written\n", name.s,
             kIgdBdsmSizeFile, bdsm_->size);
        return;
    }
    u64 size = 0;
    fw_->read_file(*bdsm_, 0, &size, 8);
    if (!size) {
        dlog(1, "igd: %s: %s is 0, no stolen memory requested; BDSM not written\n", name.s, kIgdBdsmSizeFile);
        return;
    }
    if (size % kBdsmAlign && size < 4 * GiB) {
        u64 up = align_up(size, kBdsmAlign);
        dlog(1, "igd: %s: stolen memory size 0x%llx is not a multiple of 1 MiB; rounded up to 0x%llx (%llu MiB)\n",
             name.s, (unsigned long long)size, (unsigned long long)up, (unsigned long long)(up >> 20));
        size = up;
    }
    u32 addr = size < 4 * GiB ? mem_->alloc(Zone::kTmpHigh, size, kBdsmAlign, "igd stolen memory", Allocator::kQuiet)
                              : 0;
    if (addr && !mem_->reserve(addr)) {
        mem_->free(addr);
        dlog(1, "igd: %s: e820 map full, cannot reserve stolen memory; BDSM not written\n", name.s);
        return;
    }
    if (!addr) {
        dlog(1, "igd: %s: no room for 0x%llx bytes (%llu MiB) of stolen memory below 4 GiB (largest free block "
             "%llu MiB); BDSM not written, the video BIOS will fail\n",
             name.s, (unsigned long long)size, (unsigned long long)(size >> 20),
             (unsigned long long)(mem_->largest_free(Zone::kTmpHigh, kBdsmAlign) >> 20));
        return;
    }
    phys_->zero(addr, u32(size));
    IgdBdsmReg reg = igd_bdsm_reg(gen);
    if (!gen)
        dlog(1, "igd: %s: device ID not in the generation table; using the classic BDSM register 0x5C (32-bit)\n",
             name.s);
    if (reg.is64) {
        cfg.write32(dev.bdf, reg.offset, addr);
        cfg.write32(dev.bdf, u8(reg.offset + 4), 0);
    } else {
        cfg.write32(dev.bdf, reg.offset, addr);
    }
    bdsm_addr_ = addr;
    bdsm_size_ = size;
    dlog(1, "igd: %s: stolen memory 0x%llx bytes (%llu MiB) at 0x%08x, zeroed, e820 reserved; BDSM 0x%02X "
         "(%s) = 0x%08x\n",
         name.s, (unsigned long long)size, (unsigned long long)(size >> 20), addr, reg.offset,
         reg.is64 ? "64-bit" : "32-bit", addr);
}

void IgdSetup::setup_opregion(PciConfig& cfg, const PciDevice& dev, u16 device, int gen) {
    DevName name = dev_name(dev, device, gen);
    u32 n = opregion_->size;
    if (!n) {
        dlog(1, "igd: %s: %s is empty; ASLS not written\n", name.s, kIgdOpRegionFile);
        return;
    }
    if (n > kOpRegionMax) {
        dlog(1, "igd: %s: %s is %u bytes, more than the %u an OpRegion can be (8 KiB + 64 KiB extended VBT); "
             "ASLS not written\n", name.s, kIgdOpRegionFile, n, kOpRegionMax);
        return;
    }
    u32 pages = u32(align_up(n, 4096));
    u32 addr = mem_->alloc(Zone::kHigh, pages, 4096, "igd OpRegion", Allocator::kQuiet);
    if (addr && !mem_->reserve(addr)) {
        mem_->free(addr);
        addr = 0;
    }
    if (!addr) {
        dlog(1, "igd: %s: no room for the 0x%x-byte OpRegion in high memory; ASLS not written\n", name.s, n);
        return;
    }
    u8* p = static_cast<u8*>(phys_->map(addr, pages));
    fw_->read_file(*opregion_, 0, p, n);
    if (pages > n) phys_->zero(addr + n, pages - n);
    static constexpr char kSig[] = "IntelGraphicsMem";
    if (n < 16 || __builtin_memcmp(p, kSig, 16) != 0)
        dlog(1, "igd: %s: %s does not start with \"%s\"; copied anyway\n", name.s, kIgdOpRegionFile, kSig);
    cfg.write32(dev.bdf, igdreg::kAsls, addr);
    opregion_addr_ = addr;
    dlog(1, "igd: %s: OpRegion 0x%x bytes at 0x%08x, e820 reserved; ASLS 0x%02X = 0x%08x\n", name.s, n, addr,
         igdreg::kAsls, addr);
}

void IgdSetup::finish() {
    if (!scanned_) scan();
    if ((!opregion_ && !bdsm_) || igd_bdf_ != 0xFFFF) return;
    dlog(1, "igd: fw_cfg has %s%s%s but no Intel display device (vendor 0x8086, class 0x0300/0x0380)%s; "
         "nothing allocated\n",
         opregion_ ? kIgdOpRegionFile : "", opregion_ && bdsm_ ? " and " : "", bdsm_ ? kIgdBdsmSizeFile : "",
         override_device_ ? " and no display device at 00:02.0 for the test override" : "");
}

}  // namespace reef
