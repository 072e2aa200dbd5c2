// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/pci_alloc.h"

#include "lib/log.h"

namespace reef {

u16 PciConfig::read16(u16 bdf, u8 off) { return u16(read32(bdf, off & 0xFC) >> ((off & 2) * 8)); }
u8 PciConfig::read8(u16 bdf, u8 off) { return u8(read32(bdf, off & 0xFC) >> ((off & 3) * 8)); }
void PciConfig::write16(u16 bdf, u8 off, u16 v) {
    u32 shift = (off & 2) * 8;
    u32 old = read32(bdf, off & 0xFC);
    write32(bdf, off & 0xFC, (old & ~(0xFFFFu << shift)) | (u32(v) << shift));
}
void PciConfig::write8(u16 bdf, u8 off, u8 v) {
    u32 shift = (off & 3) * 8;
    u32 old = read32(bdf, off & 0xFC);
    write32(bdf, off & 0xFC, (old & ~(0xFFu << shift)) | (u32(v) << shift));
}

int pci_scan_bus0(PciConfig& cfg, PciDevice* out, int max) {
    int n = 0;
    for (u8 dev = 0; dev < 32; dev++) {
        u8 nfn = 1;
        for (u8 fn = 0; fn < nfn; fn++) {
            u16 bdf = pci_bdf(0, dev, fn);
            u32 id = cfg.read32(bdf, pcireg::kVendorId);
            u16 vendor = u16(id);
            if (vendor == 0xFFFF || vendor == 0x0000) {
                if (fn == 0) break;
                continue;
            }
            u8 ht = cfg.read8(bdf, pcireg::kHeaderType);
            if (fn == 0 && (ht & 0x80)) nfn = 8;
            if (n >= max) {
                dlog(1, "pci: more than %d functions, ignoring %02x:%02x.%x\n", max, 0, dev, fn);
                continue;
            }
            u32 cls = cfg.read32(bdf, pcireg::kRevision);
            PciDevice& d = out[n++];
            d.bdf = bdf;
            d.vendor = vendor;
            d.device = u16(id >> 16);
            d.revision = u8(cls);
            d.prog_if = u8(cls >> 8);
            d.subclass = u8(cls >> 16);
            d.class_code = u8(cls >> 24);
            d.header_type = ht & 0x7F;
            d.irq_pin = cfg.read8(bdf, pcireg::kInterruptPin);
        }
    }
    return n;
}

int pci_size_bars(PciConfig& cfg, const PciDevice& dev, PciBar* out, int max) {
    if (dev.header_type != 0) return 0;  // bridges: the full PCI issue
    u16 bdf = dev.bdf;
    u16 cmd = cfg.read16(bdf, pcireg::kCommand);
    cfg.write16(bdf, pcireg::kCommand, u16(cmd & ~(pcireg::kCmdIo | pcireg::kCmdMemory)));
    int n = 0;
    for (u8 i = 0; i <= 6 && n < max; i++) {
        u8 reg = i == 6 ? pcireg::kRomAddress : u8(pcireg::kBar0 + 4 * i);
        u32 old = cfg.read32(bdf, reg);
        u32 probe = i == 6 ? 0xFFFFF800u : 0xFFFFFFFFu;
        cfg.write32(bdf, reg, probe);
        u32 mask = cfg.read32(bdf, reg);
        cfg.write32(bdf, reg, old);
        PciBar b{};
        b.bdf = bdf;
        b.index = i;
        if (i == 6) {
            mask &= 0xFFFFF800u;
            if (!mask) continue;
            b.kind = BarKind::kRom;
            b.size = (~mask + 1) & 0xFFFFFFFFu;
        } else if (old & pcireg::kBarIoSpace || mask & pcireg::kBarIoSpace) {
            mask &= 0xFFFFFFFCu;
            if (!mask) continue;
            b.kind = BarKind::kIo;
            b.size = (~mask + 1) & 0xFFFF;
            if (!b.size) continue;
        } else {
            b.kind = BarKind::kMem;
            b.prefetch = mask & pcireg::kBarPrefetch;
            u64 m = mask & 0xFFFFFFF0u;
            if ((mask & 0x6) == pcireg::kBarMem64 && i < 5) {
                b.is64 = true;
                u8 hreg = u8(reg + 4);
                u32 hold = cfg.read32(bdf, hreg);
                cfg.write32(bdf, hreg, 0xFFFFFFFFu);
                u32 hmask = cfg.read32(bdf, hreg);
                cfg.write32(bdf, hreg, hold);
                m |= u64(hmask) << 32;
                i++;  // the upper half is not a BAR of its own
                if (!m) continue;
                b.size = ~m + 1;
            } else {
                if (!m) continue;
                b.size = (~m + 1) & 0xFFFFFFFFu;
            }
        }
        if (!is_pow2(b.size)) {
            dlog(1, "pci: %02x:%02x.%x BAR%d has a malformed size mask, ignored\n", pci_bus(bdf),
                 pci_dev(bdf), pci_fn(bdf), b.index);
            continue;
        }
        out[n++] = b;
    }
    cfg.write16(bdf, pcireg::kCommand, cmd);
    return n;
}

namespace {
u64 place_in(PciBar* bars, int n, bool io, const PciWindow& w, int* placed) {
    // Indices of the bars for this window, largest first (insertion sort:
    // bus 0 has a few dozen at most; PciState keeps up to 128).
    int idx[128];
    int m = 0;
    for (int i = 0; i < n; i++) {
        bool is_io = bars[i].kind == BarKind::kIo;
        if (is_io != io) continue;
        if (m == int(ARRAY_SIZE(idx))) {
            dlog(1, "pci: too many BARs, %02x:%02x.%x BAR%d left disabled\n", pci_bus(bars[i].bdf),
                 pci_dev(bars[i].bdf), pci_fn(bars[i].bdf), bars[i].index);
            continue;
        }
        int j = m++;
        while (j > 0 && bars[idx[j - 1]].size < bars[i].size) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    int first = 0;
    while (first < m) {
        // Sizes are powers of two sorted descending, so packing upward from a
        // base aligned to the largest leaves no gaps.
        u64 total = 0;
        for (int k = first; k < m; k++) total += bars[idx[k]].size;
        u64 align = bars[idx[first]].size;
        if (total <= w.limit - w.base) {
            u64 base = align_down(w.limit - total, align);
            if (base >= w.base) {
                for (int k = first; k < m; k++) {
                    PciBar& b = bars[idx[k]];
                    b.addr = base;
                    b.placed = true;
                    base += b.size;
                    (*placed)++;
                }
                return total;
            }
        }
        PciBar& big = bars[idx[first]];
        dlog(1, "pci: no room for %02x:%02x.%x BAR%d (%s, 0x%llx bytes); left disabled\n",
             pci_bus(big.bdf), pci_dev(big.bdf), pci_fn(big.bdf), big.index, io ? "I/O" : "memory",
             (unsigned long long)big.size);
        first++;
    }
    return 0;
}
}  // namespace

int pci_place_bars(PciBar* bars, int n, const PciWindow& io, const PciWindow& mem) {
    int placed = 0;
    for (int i = 0; i < n; i++) bars[i].placed = false;
    place_in(bars, n, true, io, &placed);
    place_in(bars, n, false, mem, &placed);
    return placed;
}

void pci_program_bars(PciConfig& cfg, const PciBar* bars, int n) {
    for (int i = 0; i < n; i++) {
        const PciBar& b = bars[i];
        if (!b.placed) continue;
        u32 lo = u32(b.addr);
        if (b.kind == BarKind::kRom) lo &= ~pcireg::kRomEnable;
        cfg.write32(b.bdf, b.reg(), lo);
        if (b.is64) cfg.write32(b.bdf, u8(b.reg() + 4), u32(b.addr >> 32));
    }
}

}  // namespace reef
