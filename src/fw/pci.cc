// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/pci.h"

#include "fw/chipset.h"

#include "lib/io.h"
#include "lib/log.h"

namespace reef {
namespace {

class Cf8Config final : public PciConfig {
public:
    u32 read32(u16 bdf, u8 off) override {
        select(bdf, off);
        return IoReg<u32, port::kPciConfData>::read();
    }
    void write32(u16 bdf, u8 off, u32 v) override {
        select(bdf, off);
        IoReg<u32, port::kPciConfData>::write(v);
    }
    u16 read16(u16 bdf, u8 off) override {
        select(bdf, off);
        return inw(u16(port::kPciConfData + (off & 2)));
    }
    void write16(u16 bdf, u8 off, u16 v) override {
        select(bdf, off);
        outw(v, u16(port::kPciConfData + (off & 2)));
    }
    u8 read8(u16 bdf, u8 off) override {
        select(bdf, off);
        return inb(u16(port::kPciConfData + (off & 3)));
    }
    void write8(u16 bdf, u8 off, u8 v) override {
        select(bdf, off);
        outb(v, u16(port::kPciConfData + (off & 3)));
    }

private:
    static void select(u16 bdf, u8 off) {
        IoReg<u32, port::kPciConfAddr>::write(0x80000000u | (u32(bdf) << 8) | (off & 0xFC));
    }
};

constinit Cf8Config g_cf8;
PciState g_pci;

// PIIX3 (00:01.0) PCI-to-ISA bridge: PIRQA-D route registers, and the ELCR
// (edge/level control) ports for ISA IRQs 0-15.
constexpr u16 kVendorIntel = pciid::kIntel, kDevPiix3Isa = 0x7000, kDevPiix3Ide = 0x7010,
              kDevPiix4Pm = 0x7113;
constexpr u8 kPiixPirqRoute = 0x60;
constexpr u8 kPirqIrqs[4] = {10, 10, 11, 11};
constexpr u16 kElcr1 = 0x4D0, kElcr2 = 0x4D1;
// PIIX IDE: IDE timing registers, bit 15 = decode enable for the channel.
constexpr u8 kIdeTimPrimary = 0x40, kIdeTimSecondary = 0x42;
constexpr u16 kIdeDecodeEnable = 0x8000;
// PIIX4 power management function (00:01.3).
constexpr u8 kPmBase = 0x40, kPmRegMisc = 0x80, kSmbBase = 0x90, kSmbHostConfig = 0xD2;
constexpr u16 kPmIoBase = 0x600, kSmbIoBase = 0x700;
constexpr u8 kSciIrq = 9;

void route_intx(PciConfig& cfg) {
    u16 isa = 0xFFFF;
    for (int i = 0; i < g_pci.ndevices; i++)
        if (g_pci.devices[i].vendor == kVendorIntel && g_pci.devices[i].device == kDevPiix3Isa)
            isa = g_pci.devices[i].bdf;
    if (isa == 0xFFFF) {
        dlog(1, "pci: no PIIX3 ISA bridge; INTx left unrouted\n");
        return;
    }
    u16 elcr = 0;
    for (u8 p = 0; p < 4; p++) {
        cfg.write8(isa, u8(kPiixPirqRoute + p), kPirqIrqs[p]);
        elcr |= u16(1u << kPirqIrqs[p]);
    }
    outb(u8(elcr), kElcr1);
    outb(u8(elcr >> 8), kElcr2);
    for (int i = 0; i < g_pci.ndevices; i++) {
        const PciDevice& d = g_pci.devices[i];
        if (!d.irq_pin || d.irq_pin > 4) continue;
        u8 pirq = u8((pci_dev(d.bdf) + d.irq_pin - 1) & 3);
        cfg.write8(d.bdf, pcireg::kInterruptLine, kPirqIrqs[pirq]);
    }
}

void chipset_quirks(PciConfig& cfg, const PciDevice& d) {
    if (d.vendor != kVendorIntel) return;
    if (d.device == kDevPiix3Ide) {
        cfg.write16(d.bdf, kIdeTimPrimary, kIdeDecodeEnable);
        cfg.write16(d.bdf, kIdeTimSecondary, kIdeDecodeEnable);
    } else if (d.device == kDevPiix4Pm) {
        cfg.write32(d.bdf, kPmBase, kPmIoBase | 1);
        cfg.write8(d.bdf, kPmRegMisc, u8(cfg.read8(d.bdf, kPmRegMisc) | 1));
        cfg.write32(d.bdf, kSmbBase, kSmbIoBase | 1);
        cfg.write8(d.bdf, kSmbHostConfig, u8(cfg.read8(d.bdf, kSmbHostConfig) | 1));
        cfg.write8(d.bdf, pcireg::kInterruptLine, kSciIrq);
        u16 elcr = u16(inb(kElcr1) | (inb(kElcr2) << 8) | (1u << kSciIrq));
        outb(u8(elcr), kElcr1);
        outb(u8(elcr >> 8), kElcr2);
    }
}

}  // namespace

PciConfig& pci_config() { return g_cf8; }
PciState& pci_state() { return g_pci; }

const PciBar* pci_find_bar(u16 bdf, u8 index) {
    for (int i = 0; i < g_pci.nbars; i++)
        if (g_pci.bars[i].bdf == bdf && g_pci.bars[i].index == index) return &g_pci.bars[i];
    return nullptr;
}

void pci_setup(u64 low_ram_top, const PciQuirk* quirks, int nquirks) {
    PciConfig& cfg = g_cf8;
    g_pci.ndevices = pci_scan_bus0(cfg, g_pci.devices, PciState::kMaxDevices);
    g_pci.nbars = 0;
    for (int i = 0; i < g_pci.ndevices; i++) {
        const PciDevice& d = g_pci.devices[i];
        dlog(3, "pci: %02x:%02x.%x %04x:%04x class %04x\n", pci_bus(d.bdf), pci_dev(d.bdf),
             pci_fn(d.bdf), d.vendor, d.device, d.class_id());
        g_pci.nbars += pci_size_bars(cfg, d, g_pci.bars + g_pci.nbars, PciState::kMaxBars - g_pci.nbars);
    }
    // Windows: legacy I/O above 0xC000; 32-bit memory between the top of
    // low RAM (at least 0xC0000000 keeps small guests' BARs in the usual place)
    // and the IOAPIC at 0xFEC00000.
    g_pci.io = PciWindow{0xC000, 0x10000};
    u64 mem_base = align_up(max<u64>(low_ram_top, 0xC0000000ull), 16 * MiB);
    g_pci.mem = PciWindow{mem_base, 0xFEC00000ull};
    int placed = pci_place_bars(g_pci.bars, g_pci.nbars, g_pci.io, g_pci.mem);
    pci_program_bars(cfg, g_pci.bars, g_pci.nbars);
    for (int i = 0; i < g_pci.nbars; i++) {
        const PciBar& b = g_pci.bars[i];
        dlog(3, "pci: %02x:%02x.%x BAR%d %s size 0x%llx at 0x%llx%s\n", pci_bus(b.bdf), pci_dev(b.bdf),
             pci_fn(b.bdf), b.index, b.kind == BarKind::kIo ? "io " : b.kind == BarKind::kRom ? "rom" : "mem",
             (unsigned long long)b.size, (unsigned long long)b.addr, b.placed ? "" : " (unplaced)");
    }
    // Enable decoding of what was placed, bus mastering for everything but
    // the host bridge, then chipset and device quirks.
    for (int i = 0; i < g_pci.ndevices; i++) {
        const PciDevice& d = g_pci.devices[i];
        u16 cmd = cfg.read16(d.bdf, pcireg::kCommand);
        for (int j = 0; j < g_pci.nbars; j++) {
            const PciBar& b = g_pci.bars[j];
            if (b.bdf != d.bdf || !b.placed) continue;
            if (b.kind == BarKind::kIo) cmd |= pcireg::kCmdIo;
            if (b.kind == BarKind::kMem) cmd |= pcireg::kCmdMemory;
        }
        if (d.class_code != 0x06) cmd |= pcireg::kCmdMaster;
        // Legacy IDE (prog-if bit 0/2 clear) and VGA decode fixed I/O ranges.
        if (d.class_code == 0x01 && d.subclass == 0x01) cmd |= pcireg::kCmdIo;
        if (d.class_code == 0x03 && d.subclass == 0x00) cmd |= pcireg::kCmdIo | pcireg::kCmdMemory;
        cfg.write16(d.bdf, pcireg::kCommand, cmd);
        chipset_quirks(cfg, d);
        for (int q = 0; q < nquirks; q++)
            if (quirks[q].match(d)) quirks[q].setup(cfg, d);
    }
    route_intx(cfg);
    dlog(1, "pci: %d functions on bus 0, %d of %d BARs placed\n", g_pci.ndevices, placed, g_pci.nbars);
}

}  // namespace reef
