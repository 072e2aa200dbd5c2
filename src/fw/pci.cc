// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/pci.h"

#include "fw/chipset.h"
#include "fw/e820.h"
#include "fw/fwcfg.h"
#include "hw/cpu.h"
#include "hw/pci_cf8.h"
#include "hw/pic.h"

#include "lib/io.h"
#include "lib/log.h"
#include "lib/rtvars.h"
#include "svc/pcibios.h"

namespace reef {
namespace {

class Cf8Config final : public PciConfig {
public:
    u32 read32(u16 bdf, u8 off) override { return cf8::read32(bdf, off); }
    void write32(u16 bdf, u8 off, u32 v) override { cf8::write32(bdf, off, v); }
    u16 read16(u16 bdf, u8 off) override { return cf8::read16(bdf, off); }
    void write16(u16 bdf, u8 off, u16 v) override { cf8::write16(bdf, off, v); }
    u8 read8(u16 bdf, u8 off) override { return cf8::read8(bdf, off); }
    void write8(u16 bdf, u8 off, u8 v) override { cf8::write8(bdf, off, v); }
};

constinit Cf8Config g_cf8;
PciState g_pci;

constexpr u16 kVendorVirtio = 0x1AF4;  // virtio devices (virtio spec, 4.1.2)
constexpr u16 kVendorIntel = pciid::kIntel, kDevPiix3Ide = 0x7010, kDevPiix4Pm = 0x7113,
              kDevIch9Lpc = 0x2918, kDevIch9Smbus = 0x2930;
// PIIX IDE: IDE timing registers, bit 15 = decode enable for the channel.
constexpr u8 kIdeTimPrimary = 0x40, kIdeTimSecondary = 0x42;
constexpr u16 kIdeDecodeEnable = 0x8000;
// The SCI (ISA IRQ 9); the PM I/O block is kPmIoBase (fw/chipset.h).
constexpr u8 kSciIrq = 9;
// PIIX4 power management function (00:01.3).
constexpr u8 kPiixPmBase = 0x40, kPiixPmRegMisc = 0x80, kPiixSmbBase = 0x90, kPiixSmbHostConfig = 0xD2;
constexpr u16 kPiixSmbIoBase = 0x700;
// ICH9 LPC (00:1f.0): PMBASE, ACPI_CNTL (bit 7 ACPI_EN; bits 2:0 SCI
// select, 0 = IRQ 9) and RCBA (the chipset configuration registers, 16 KiB).
constexpr u8 kIch9PmBase = 0x40, kIch9AcpiCtrl = 0x44, kIch9Rcba = 0xF0;
constexpr u8 kIch9AcpiEnable = 0x80;
constexpr u32 kIch9RcbaAddr = 0xFED1C000, kIch9RcbaSize = 0x4000, kIch9RcbaEnable = 1;
// ICH9 SMBus (00:1f.3): HOSTC bit 0 = host enable (its I/O BAR4 is placed
// like any other BAR).
constexpr u8 kIch9SmbHostc = 0x40;
// Q35 MCH (00:00.0): PCIEXBAR, the ECAM window (bit 0 enable, bits 2:1
// length: 0 = 256 MiB = buses 0-255).
constexpr u8 kMchPciexbar = 0x60;
constexpr u32 kEcamBase = 0xB0000000, kEcamSize = 256 * MiB;

Chipset detect_chipset(PciConfig& cfg) {
    u32 id = cfg.read32(pci_bdf(0, 0, 0), pcireg::kVendorId);
    if (id == ((u32(pciid::kI440fxDevice) << 16) | pciid::kIntel)) return Chipset::kI440fx;
    if (id == ((u32(pciid::kQ35MchDevice) << 16) | pciid::kIntel)) return Chipset::kQ35;
    return Chipset::kUnknown;
}

// Steers every PIRQ line to its ISA IRQ (level-triggered in the ELCR) and
// writes each device's Interrupt Line with where its pin ends up; QEMU's
// ACPI link devices (LNKx) read the same router registers.
void route_intx(PciConfig& cfg) {
    IntxRouting rt = intx_routing(g_pci.chipset);
    if (!rt.npirqs || cfg.read16(rt.router_bdf, pcireg::kVendorId) != rt.router_vendor ||
        cfg.read16(rt.router_bdf, pcireg::kDeviceId) != rt.router_device) {
        dlog(1, "pci: no known interrupt router; INTx left unrouted\n");
        return;
    }
    g_pci.intx_routed = true;
    for (int line = 0; line < rt.npirqs; line++) {
        cfg.write8(rt.router_bdf, rt.link_reg(line), rt.irq_of_line(line));
        pic::set_level_triggered(rt.irq_of_line(line));
    }
    for (int i = 0; i < g_pci.ndevices; i++) {
        const PciDevice& d = g_pci.devices[i];
        u8 irq = rt.irq_of(d.root_slot, d.root_pin);
        if (irq != 0xFF) cfg.write8(d.bdf, pcireg::kInterruptLine, irq);
    }
}

// The MCH's ECAM window (QEMU then offers an MCFG table); reserved in e820
// so that the OS trusts it.
void q35_ecam_setup(PciConfig& cfg) {
    u16 mch = pci_bdf(0, 0, 0);
    cfg.write32(mch, u8(kMchPciexbar + 4), 0);
    cfg.write32(mch, kMchPciexbar, kEcamBase | 1);
    RT(g_e820).add(kEcamBase, kEcamSize, kE820Reserved);
    dlog(2, "pci: q35 ECAM at 0x%x (256 buses)\n", kEcamBase);
}

void chipset_quirks(PciConfig& cfg, const PciDevice& d) {
    if (d.vendor != kVendorIntel) return;
    if (d.device == kDevPiix3Ide) {
        cfg.write16(d.bdf, kIdeTimPrimary, kIdeDecodeEnable);
        cfg.write16(d.bdf, kIdeTimSecondary, kIdeDecodeEnable);
    } else if (d.device == kDevPiix4Pm) {
        cfg.write32(d.bdf, kPiixPmBase, kPmIoBase | 1);
        cfg.write8(d.bdf, kPiixPmRegMisc, u8(cfg.read8(d.bdf, kPiixPmRegMisc) | 1));
        cfg.write32(d.bdf, kPiixSmbBase, kPiixSmbIoBase | 1);
        cfg.write8(d.bdf, kPiixSmbHostConfig, u8(cfg.read8(d.bdf, kPiixSmbHostConfig) | 1));
        cfg.write8(d.bdf, pcireg::kInterruptLine, kSciIrq);
        pic::set_level_triggered(kSciIrq);
    } else if (d.device == kDevIch9Lpc) {
        cfg.write32(d.bdf, kIch9PmBase, kPmIoBase | 1);
        cfg.write8(d.bdf, kIch9AcpiCtrl, kIch9AcpiEnable);  // SCI on IRQ 9
        cfg.write32(d.bdf, kIch9Rcba, kIch9RcbaAddr | kIch9RcbaEnable);
        RT(g_e820).add(kIch9RcbaAddr, kIch9RcbaSize, kE820Reserved);
        pic::set_level_triggered(kSciIrq);
    } else if (d.device == kDevIch9Smbus) {
        cfg.write8(d.bdf, kIch9SmbHostc, u8(cfg.read8(d.bdf, kIch9SmbHostc) | 1));
    }
}

// Bus 0, each bridge's secondary bus and each extra root bus.
int count_buses() {
    int n = 1 + g_pci.nbridges;
    for (int i = 0; i < g_pci.ndevices; i++) {
        const PciDevice& d = g_pci.devices[i];
        if (!d.upstream && pci_bus(d.bdf) != 0 &&
            (i == 0 || pci_bus(g_pci.devices[i - 1].bdf) != pci_bus(d.bdf)))
            n++;
    }
    return n;
}

}  // namespace

PciConfig& pci_config() { return g_cf8; }
PciState& pci_state() { return g_pci; }

const PciBar* pci_find_bar(u16 bdf, u8 index) {
    for (int i = 0; i < g_pci.nbars; i++)
        if (g_pci.bars[i].bdf == bdf && g_pci.bars[i].index == index) return &g_pci.bars[i];
    return nullptr;
}

u64 pci_hole_start() {
    u64 start = g_pci.mem.base;
    if (g_pci.chipset == Chipset::kQ35 && kEcamBase < start) start = kEcamBase;
    return start;
}

namespace {

// Devices whose BARs our 32-bit flat drivers, the VGA BIOS or a NIC's boot
// ROM use: those stay below 4 GiB (virtio devices are 1AF4:1000-107F;
// ivshmem, also 1AF4, is not one).
bool firmware_uses(const PciDevice& d) {
    bool virtio = d.vendor == kVendorVirtio && d.device >= 0x1000 && d.device <= 0x107F;
    return virtio || d.class_code == 0x01 || d.class_code == 0x02 || d.class_id() == 0x0C03 ||
           d.class_code == 0x03;
}

// The 64-bit window: from above RAM and QEMU's reserved (hot-pluggable)
// memory, 1 GiB aligned, to what the CPU can address. Empty if the CPU has
// no long mode (nothing above 4 GiB would be usable).
PciWindow mem64_window(u64 high_ram_bytes) {
    constexpr u64 k4G = u64(1) << 32, k1G = u64(1) << 30;
    if (!CONFIG_PCI_MEM64 || cpuid(cpuidbit::kExtMaxLeaf).eax < cpuidbit::kExtFeatures ||
        !(cpuid(cpuidbit::kExtFeatures).edx & cpuidbit::kLongMode))
        return PciWindow{0, 0};
    u8 phys_bits = 36;
    if (cpuid(cpuidbit::kExtMaxLeaf).eax >= cpuidbit::kExtAddressSizes)
        phys_bits = u8(cpuid(cpuidbit::kExtAddressSizes).eax & 0xFF);
    if (phys_bits > 46) phys_bits = 46;  // what 4-level paging OSes map
    u64 base = k4G + high_ram_bytes;
    u64 reserved_end;
    if (fwcfg().read_u64("etc/reserved-memory-end", &reserved_end) == FwCfg::Status::kOk && reserved_end > base)
        base = reserved_end;
    base = align_up(base, k1G);
    u64 limit = u64(1) << phys_bits;
    if (base >= limit) return PciWindow{0, 0};
    return PciWindow{base, limit};
}

// The bridges above a VGA device forward the legacy VGA ranges.
void forward_vga(PciConfig& cfg, const PciDevice& vga) {
    for (const PciDevice* up = pci_upstream(vga); up; up = pci_upstream(*up))
        cfg.write16(up->bdf, pcireg::kBridgeControl,
                    u16(cfg.read16(up->bdf, pcireg::kBridgeControl) | pcireg::kBridgeCtlVga));
}

}  // namespace

const PciDevice* pci_find_device(u16 bdf) {
    for (int i = 0; i < g_pci.ndevices; i++)
        if (g_pci.devices[i].bdf == bdf) return &g_pci.devices[i];
    return nullptr;
}

const PciDevice* pci_upstream(const PciDevice& d) {
    return d.upstream ? &g_pci.devices[d.upstream - 1] : nullptr;
}

void pci_setup(u64 low_ram_top, u64 high_ram_bytes, const PciQuirk* quirks, int nquirks) {
    PciConfig& cfg = g_cf8;
    g_pci.chipset = detect_chipset(cfg);
    if (g_pci.chipset == Chipset::kQ35) q35_ecam_setup(cfg);
    u64 extra_roots = 0;
    if (fwcfg().read_u64("etc/extra-pci-roots", &extra_roots) != FwCfg::Status::kOk) extra_roots = 0;
    if (extra_roots > 255) extra_roots = 255;
    PciScanResult scan = pci_scan(cfg, g_pci.devices, PciState::kMaxDevices, g_pci.bridges,
                                  PciState::kMaxBridges, int(extra_roots));
    g_pci.ndevices = scan.ndevices;
    g_pci.nbridges = scan.nbridges;
    g_pci.last_bus = scan.last_bus;
    RT(g_pci_last_bus) = scan.last_bus;
    g_pci.nbars = 0;
    for (int i = 0; i < g_pci.ndevices; i++) {
        PciDevice& d = g_pci.devices[i];
        d.keep_low = firmware_uses(d);
        dlog(3, "pci: %02x:%02x.%x %04x:%04x class %04x\n", pci_bus(d.bdf), pci_dev(d.bdf),
             pci_fn(d.bdf), d.vendor, d.device, d.class_id());
        int first = g_pci.nbars;
        g_pci.nbars += pci_size_bars(cfg, d, g_pci.bars + g_pci.nbars, PciState::kMaxBars - g_pci.nbars);
        for (int j = first; j < g_pci.nbars; j++) g_pci.bars[j].owner = u16(i);
    }
    // Windows: legacy I/O above 0xC000 (all of 0x1000-0xADFF when that is
    // too small: QEMU's ACPI hot-plug and GPE ports sit at 0xAE00-0xAFFF);
    // 32-bit memory between the top of low RAM (at least 0xC0000000 keeps
    // small guests' BARs in the usual place) and the IOAPIC at 0xFEC00000;
    // 64-bit memory above RAM.
    PciPlaceParams pp{};
    pp.io = PciWindow{0xC000, 0x10000};
    pp.io_fallback = PciWindow{0x1000, 0xAE00};
    u64 mem_base = align_up(max<u64>(low_ram_top, 0xC0000000ull), 16 * MiB);
    pp.mem32 = PciWindow{mem_base, 0xFEC00000ull};
    pp.mem64 = mem64_window(high_ram_bytes);
    pp.hotplug_io = u64(CONFIG_PCI_HOTPLUG_IO_KIB) * 1024;
    pp.hotplug_mem = u64(CONFIG_PCI_HOTPLUG_MEM_MIB) * MiB;
    pp.hotplug_pref = u64(CONFIG_PCI_HOTPLUG_PREF_MIB) * MiB;
    g_pci.io = pp.io;
    g_pci.mem = pp.mem32;
    g_pci.mem64 = pp.mem64;
    int placed = pci_place_tree(g_pci.bars, g_pci.nbars, g_pci.devices, g_pci.ndevices, g_pci.bridges,
                                g_pci.nbridges, pp);
    pci_program_bridges(cfg, g_pci.devices, g_pci.bridges, g_pci.nbridges);
    pci_program_bars(cfg, g_pci.bars, g_pci.nbars);
    for (int i = 0; i < g_pci.nbars; i++) {
        const PciBar& b = g_pci.bars[i];
        dlog(3, "pci: %02x:%02x.%x BAR%d %s size 0x%llx at 0x%llx%s\n", pci_bus(b.bdf), pci_dev(b.bdf),
             pci_fn(b.bdf), b.index, b.kind == BarKind::kIo ? "io " : b.kind == BarKind::kRom ? "rom" : "mem",
             (unsigned long long)b.size, (unsigned long long)b.addr, b.placed ? "" : " (unplaced)");
    }
    for (int i = 0; i < g_pci.nbridges; i++) {
        const PciBridge& br = g_pci.bridges[i];
        dlog(2, "pci: bridge %02x:%02x.%x buses %02x-%02x%s\n", pci_bus(br.bdf), pci_dev(br.bdf),
             pci_fn(br.bdf), br.secondary, br.subordinate, br.hotplug ? " (hot-plug)" : "");
        for (int w = 0; w < kNumWin; w++) {
            const PciRange& r = br.win[w];
            if (r.size)
                dlog(3, "pci:   %s window 0x%llx-0x%llx%s\n",
                     w == kWinIo ? "io  " : w == kWinMem ? "mem " : "pref", (unsigned long long)r.addr,
                     (unsigned long long)(r.addr + r.size - 1), r.placed ? "" : " (unplaced)");
        }
    }
    // INTx first: a chipset quirk may give its device another line (the
    // PIIX4 PM function's is the SCI, IRQ 9).
    route_intx(cfg);
    // Enable decoding of what was placed, bus mastering for everything but
    // host and ISA bridges (a PCI-PCI bridge forwards its devices' DMA only
    // with it), then chipset and device quirks.
    bool vga_seen = false;
    for (int i = 0; i < g_pci.ndevices; i++) {
        const PciDevice& d = g_pci.devices[i];
        u16 cmd = cfg.read16(d.bdf, pcireg::kCommand);
        for (int j = 0; j < g_pci.nbars; j++) {
            const PciBar& b = g_pci.bars[j];
            if (b.bdf != d.bdf || !b.placed) continue;
            if (b.kind == BarKind::kIo) cmd |= pcireg::kCmdIo;
            if (b.kind == BarKind::kMem) cmd |= pcireg::kCmdMemory;
        }
        if (d.bridge) {
            const PciBridge& br = g_pci.bridges[d.bridge - 1];
            if (br.win[kWinIo].placed) cmd |= pcireg::kCmdIo;
            if (br.win[kWinMem].placed || br.win[kWinPref].placed) cmd |= pcireg::kCmdMemory;
        }
        if (d.class_code != 0x06 || d.bridge) cmd |= pcireg::kCmdMaster;
        // Legacy IDE (prog-if bit 0/2 clear) and VGA decode fixed I/O ranges.
        if (d.class_code == 0x01 && d.subclass == 0x01) cmd |= pcireg::kCmdIo;
        if (d.class_code == 0x03 && d.subclass == 0x00) {
            cmd |= pcireg::kCmdIo | pcireg::kCmdMemory;
            if (!vga_seen && d.upstream) forward_vga(cfg, d);
            vga_seen = true;
        }
        cfg.write16(d.bdf, pcireg::kCommand, cmd);
        chipset_quirks(cfg, d);
        for (int q = 0; q < nquirks; q++)
            if (quirks[q].match(d)) quirks[q].setup(cfg, d);
    }
    dlog(1, "pci: %d functions on %d buses (%d bridges), %d of %d BARs placed\n", g_pci.ndevices,
         count_buses(), g_pci.nbridges, placed, g_pci.nbars);
}

}  // namespace reef
