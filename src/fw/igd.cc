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

// VGA (0300h), 3D controller (0302h, IGDs that are not the primary display)
// and other display controller (0380h, UPT mode).
bool is_intel_display(const PciDevice& dev) {
    u16 c = dev.class_id();
    return dev.vendor == kIgdVendor && (c == 0x0300 || c == 0x0302 || c == 0x0380);
}

u32 le32(const u8* p) { return u32(p[0]) | u32(p[1]) << 8 | u32(p[2]) << 16 | u32(p[3]) << 24; }
void put_le32(u8* p, u32 v) {
    for (int i = 0; i < 4; i++) p[i] = u8(v >> (8 * i));
}

constexpr char kOpRegionSig[] = "IntelGraphicsMem";
constexpr u32 kBdsmAddrMask = ~u32(kBdsmAlign - 1);  // the low bits of BDSM are flags (lock)

// Writes `addr` to a BDSM register and reads it back: true when it holds.
bool write_bdsm(PciConfig& cfg, u16 bdf, IgdBdsmReg reg, u32 addr) {
    cfg.write32(bdf, reg.offset, addr);
    if (reg.is64) cfg.write32(bdf, u8(reg.offset + 4), 0);
    bool low = (cfg.read32(bdf, reg.offset) & kBdsmAddrMask) == addr;
    return low && (!reg.is64 || cfg.read32(bdf, u8(reg.offset + 4)) == 0);
}

const char* width(IgdBdsmReg r) { return r.is64 ? "64-bit" : "32-bit"; }

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

OpRegionPlan opregion_plan(const u8* p, u32 n) {
    using namespace opregion;
    OpRegionPlan plan{};
    plan.copy = n;
    if (n < kMailbox3End || __builtin_memcmp(p, kOpRegionSig, 16) != 0) return plan;
    u32 size = le32(p + kSize);
    if (size == 0 || size > (0xFFFFFFFFu >> 10) || size * 1024 < kMailbox3End) return plan;
    plan.has_header = true;
    plan.header_size = size * 1024;
    plan.major = p[kVerMajor];
    plan.minor = p[kVerMinor];
    plan.rvda = u64(le32(p + kRvda)) | u64(le32(p + kRvda + 4)) << 32;
    plan.rvds = le32(p + kRvds);
    u64 limit = plan.header_size;
    if (plan.major >= 2 && plan.rvda && plan.rvds) {
        // 2.0: RVDA is a physical address (the host's: never in our copy);
        // 2.1 and later: an offset from the OpRegion's base.
        bool relative = plan.major > 2 || plan.minor >= 1;
        if (relative && plan.rvda >= kMailbox3End && plan.rvda <= n && plan.rvds <= n - plan.rvda) {
            plan.vbt_inside = true;
            limit = max<u64>(limit, plan.rvda + plan.rvds);
        } else {
            plan.vbt_outside = true;
        }
    }
    plan.copy = u32(min<u64>(n, limit));
    return plan;
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
    vbt_ = fw_->find(kIgdVbtFile);
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
    dlog(2, "igd: TEST OVERRIDE: the device at 00:02.0 will be an Intel IGD %04x:%04x (gen %d)\n", kIgdVendor,
         device, gen);
}

bool IgdSetup::overridden(const PciDevice& dev) const {
    // Any device at 00:02.0 (a display, or a device whose config space lets
    // a test see what a register that does not hold does: QEMU's xHCI on q35
    // keeps 0xC0 read-only).
    return override_device_ && dev.bdf == kIgdBdf && !is_intel_display(dev);
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
    if (dev.bdf != kIgdBdf)
        dlog(2, "igd: %s: not at 00:02.0; stolen memory as %s asks (QEMU 10.0+ emulates BDSM at any address)\n",
             name.s, kIgdBdsmSizeFile);
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
    bdsm_addr_ = addr;
    bdsm_size_ = size;
    // The generation's register first; QEMU up to 9.1 emulates only 0x5C
    // and 9.2 only one register by generation, so if it does not hold the
    // address, the other one.
    IgdBdsmReg other = reg.is64 ? IgdBdsmReg{igdreg::kBdsm, false} : IgdBdsmReg{igdreg::kBdsm64, true};
    if (write_bdsm(cfg, dev.bdf, reg, addr)) {
        dlog(1, "igd: %s: stolen memory 0x%llx bytes (%llu MiB) at 0x%08x, zeroed, e820 reserved; BDSM 0x%02X "
             "(%s) = 0x%08x\n",
             name.s, (unsigned long long)size, (unsigned long long)(size >> 20), addr, reg.offset, width(reg), addr);
        return;
    }
    if (write_bdsm(cfg, dev.bdf, other, addr)) {
        dlog(1, "igd: %s: stolen memory 0x%llx bytes (%llu MiB) at 0x%08x, zeroed, e820 reserved; BDSM 0x%02X "
             "(%s) did not hold it, so BDSM 0x%02X (%s) = 0x%08x\n",
             name.s, (unsigned long long)size, (unsigned long long)(size >> 20), addr, reg.offset, width(reg),
             other.offset, width(other), addr);
        return;
    }
    dlog(1, "igd: %s: stolen memory 0x%llx bytes (%llu MiB) at 0x%08x, zeroed, e820 reserved; neither BDSM 0x%02X "
         "nor 0x%02X holds the address: this QEMU emulates no BDSM for the device, the video BIOS may fail\n",
         name.s, (unsigned long long)size, (unsigned long long)(size >> 20), addr, reg.offset, other.offset);
}

u32 IgdSetup::place_vbt(u8* p, u32 addr, const OpRegionPlan& plan, const char* name) {
    using namespace opregion;
    u8* rvda = p + kRvda;
    u8* rvds = p + kRvds;
    if (!vbt_ || !vbt_->size) {
        dlog(1, "igd: %s: OpRegion %u.%u points its extended VBT (RVDA 0x%llx, RVDS 0x%x) outside %s; RVDA/RVDS "
             "cleared (the driver uses the mailbox 4 VBT); give the VBT as %s to keep it\n",
             name, plan.major, plan.minor, (unsigned long long)plan.rvda, plan.rvds, kIgdOpRegionFile, kIgdVbtFile);
        __builtin_memset(rvda, 0, 8);
        __builtin_memset(rvds, 0, 4);
        return 0;
    }
    // Right after the OpRegion: 2.1+ says where relative to its base, 2.0
    // wants the physical address.
    u32 off = plan.header_size;
    u8* vbt = p + off;
    fw_->read_file(*vbt_, 0, vbt, vbt_->size);
    if (vbt_->size < 4 || __builtin_memcmp(vbt, "$VBT", 4) != 0)
        dlog(1, "igd: %s: %s does not start with \"$VBT\"; placed anyway\n", name, kIgdVbtFile);
    bool relative = plan.major > 2 || plan.minor >= 1;
    u64 where = relative ? off : u64(addr) + off;
    put_le32(rvda, u32(where));
    put_le32(rvda + 4, u32(where >> 32));
    put_le32(rvds, vbt_->size);
    dlog(1, "igd: %s: extended VBT from %s (0x%x bytes) placed after the OpRegion at 0x%08x; RVDA = 0x%llx (%s)\n",
         name, kIgdVbtFile, vbt_->size, addr + off, (unsigned long long)where, relative ? "relative" : "physical");
    return vbt_->size;
}

void IgdSetup::setup_opregion(PciConfig& cfg, const PciDevice& dev, u16 device, int gen) {
    using namespace opregion;
    DevName name = dev_name(dev, device, gen);
    u32 n = opregion_->size;
    if (!n) {
        dlog(1, "igd: %s: %s is empty; ASLS not written\n", name.s, kIgdOpRegionFile);
        return;
    }
    // The header decides how much of the file is the OpRegion (and its
    // extended VBT), and whether a VBT must be placed behind it.
    u8 head[kMailbox3End] = {};
    fw_->read_file(*opregion_, 0, head, min<u32>(n, sizeof(head)));
    OpRegionPlan plan = opregion_plan(head, n);
    if (!plan.has_header)
        dlog(1, "igd: %s: %s does not start with \"%s\" and a valid header; copied anyway (0x%x bytes)\n", name.s,
             kIgdOpRegionFile, kOpRegionSig, n);
    else if (plan.copy < n)
        dlog(1, "igd: %s: %s is 0x%x bytes, its header describes 0x%x; the 0x%x bytes after that are not copied\n",
             name.s, kIgdOpRegionFile, n, plan.copy, n - plan.copy);
    u32 body = max<u32>(plan.copy, plan.header_size);
    u32 vbt_room = plan.vbt_outside && vbt_ ? vbt_->size : 0;
    u64 total = u64(body) + vbt_room;
    u32 pages = total < 0xFFFF0000u ? u32(align_up(total, 4096)) : 0;
    u32 addr = pages ? mem_->alloc(Zone::kHigh, pages, 4096, "igd OpRegion", Allocator::kQuiet) : 0;
    if (addr && !mem_->reserve(addr)) {
        mem_->free(addr);
        addr = 0;
    }
    if (!addr) {
        dlog(1, "igd: %s: no room for the 0x%llx-byte OpRegion in high memory; ASLS not written\n", name.s,
             (unsigned long long)total);
        return;
    }
    u8* p = static_cast<u8*>(phys_->map(addr, pages));
    fw_->read_file(*opregion_, 0, p, plan.copy);
    if (pages > plan.copy) phys_->zero(addr + plan.copy, pages - plan.copy);
    u32 vbt = plan.vbt_outside ? place_vbt(p, addr, plan, name.s) : 0;
    cfg.write32(dev.bdf, igdreg::kAsls, addr);
    opregion_addr_ = addr;
    if (plan.vbt_inside)
        dlog(1, "igd: %s: OpRegion %u.%u 0x%x bytes at 0x%08x with its extended VBT (0x%x bytes at +0x%llx), e820 "
             "reserved; ASLS 0x%02X = 0x%08x\n", name.s, plan.major, plan.minor, plan.copy, addr, plan.rvds,
             (unsigned long long)plan.rvda, igdreg::kAsls, addr);
    else
        dlog(1, "igd: %s: OpRegion 0x%x bytes at 0x%08x, e820 reserved; ASLS 0x%02X = 0x%08x\n", name.s,
             plan.copy + vbt, addr, igdreg::kAsls, addr);
}

void IgdSetup::finish() {
    if (!scanned_) scan();
    if ((!opregion_ && !bdsm_) || igd_bdf_ != 0xFFFF) return;
    dlog(1, "igd: fw_cfg has %s%s%s but no Intel display device (vendor 0x8086, class 0x0300/0x0302/0x0380)%s; "
         "nothing allocated\n",
         opregion_ ? kIgdOpRegionFile : "", opregion_ && bdsm_ ? " and " : "", bdsm_ ? kIgdBdsmSizeFile : "",
         override_device_ ? " and no device at 00:02.0 for the test override" : "");
}

}  // namespace reef
