// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: PCI tree scan, sizing and placement (src/fw/pci_alloc.cc).
// Input: u8 flags (bit 0: a 64-bit window; bit 1: a small 32-bit window;
// bits 2-3: extra root buses announced), then records of: u16 bdf, u16
// vendor, u8 class, u8 header type (bit 7 multi-function), 6 x (u8 size
// log2, u8 flags) BARs, u8 ROM size log2, u8 capability pointer and 32
// bytes of capability space at 0x40 (QEMU's reserve hint, PCIe, SHPC or
// garbage, loops included). Bridges route nothing here: whatever bus
// numbers the scan hands out, the functions stay where the input put them.
// Invariants: the scan ends with counts within bounds; every placed BAR is
// aligned to its size and lies inside its bridge's placed window or, on a
// root bus, inside the root windows; placed windows nest the same way.
#include "fuzz_support.h"
#include "fw/pci_alloc.h"

using namespace reef;
using namespace reef::fuzz;
using reef::test::FakePci;

namespace {

constexpr int kDevs = 48, kBridges = 12, kBars = 160;

FUZZ_HARNESS bool inside(u64 a, u64 s, const PciWindow& w) { return a >= w.base && a + s <= w.limit && a + s > a; }
FUZZ_HARNESS bool inside(u64 a, u64 s, const PciRange& r) {
    return r.placed && a >= r.addr && a + s <= r.addr + r.size;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    reef::test::clear_log();
    Reader in(data, size);
    u8 flags = in.u8v();
    FakePci pci;
    for (int rec = 0; rec < 40 && !in.empty(); rec++) {
        u16 bdf = in.u16v();
        u16 vendor = in.u16v();
        u8 cls = in.u8v();
        u8 ht = in.u8v();
        FakePci::Dev& d = pci.add(bdf, vendor ? vendor : 1, u16(rec), cls, 0, ht);
        for (int b = 0; b < 6; b++) {
            u8 lg = in.u8v(), bf = in.u8v();
            if (!lg) continue;
            u32 f = bf & 0xF;
            bool io = f & pcireg::kBarIoSpace;
            u64 sz = u64(1) << (io ? 2 + lg % 14 : 4 + lg % 40);
            if (!io && (f & 0x6) == pcireg::kBarMem64 && b == 5) f &= ~0x6u;
            if (!io && (f & 0x6) != pcireg::kBarMem64 && sz > (u64(1) << 31)) sz = u64(1) << 31;
            pci.set_bar(bdf, b, sz, io ? pcireg::kBarIoSpace : (f & 0xE));
            if (!io && (f & 0x6) == pcireg::kBarMem64) b++;
        }
        u8 rom = in.u8v();
        if (rom && (ht & 0x7F) == 0) pci.set_bar(bdf, 6, u64(1) << (11 + rom % 12), 0);
        u8 cap = in.u8v();
        std::vector<unsigned char> caps = in.bytes(32);
        if (!caps.empty()) std::memcpy(&d.cfg[0x40], caps.data(), caps.size());
        if (cap) {
            d.cfg[pcireg::kCapPtr] = cap;
            d.cfg[pcireg::kStatus] |= pcireg::kStatusCapList;
        }
        d.cfg[pcireg::kInterruptPin] = u8(rec % 6);
    }
    static PciDevice devs[kDevs];
    static PciBridge bridges[kBridges];
    static PciBar bars[kBars];
    PciScanResult scan = pci_scan(pci, devs, kDevs, bridges, kBridges, (flags >> 2) & 3);
    FUZZ_CHECK(scan.ndevices >= 0 && scan.ndevices <= kDevs, "%d devices", scan.ndevices);
    FUZZ_CHECK(scan.nbridges >= 0 && scan.nbridges <= kBridges, "%d bridges", scan.nbridges);
    int nbars = 0;
    for (int i = 0; i < scan.ndevices; i++) {
        const PciDevice& d = devs[i];
        FUZZ_CHECK(d.upstream <= i, "device %d's bridge %d comes after it", i, d.upstream);
        FUZZ_CHECK(!d.bridge || (d.bridge <= scan.nbridges && bridges[d.bridge - 1].dev == i), "bridge link");
        FUZZ_CHECK(d.root_pin <= 4 && (d.root_pin == 0) == (d.irq_pin == 0), "pin %d -> %d", d.irq_pin, d.root_pin);
        int first = nbars;
        nbars += pci_size_bars(pci, d, bars + nbars, kBars - nbars);
        for (int j = first; j < nbars; j++) bars[j].owner = u16(i);
    }
    PciPlaceParams p{};
    p.io = PciWindow{0xC000, 0x10000};
    p.io_fallback = PciWindow{0x1000, 0xAE00};
    p.mem32 = (flags & 2) ? PciWindow{0xFE000000, 0xFEC00000} : PciWindow{0xC0000000, 0xFEC00000};
    p.mem64 = (flags & 1) ? PciWindow{u64(1) << 33, u64(1) << 40} : PciWindow{0, 0};
    p.hotplug_io = 0x1000;
    p.hotplug_mem = p.hotplug_pref = 2 << 20;
    int placed = pci_place_tree(bars, nbars, devs, scan.ndevices, bridges, scan.nbridges, p);
    FUZZ_CHECK(placed >= 0 && placed <= nbars, "%d of %d placed", placed, nbars);
    auto root_ok = [&](u64 a, u64 s, bool io) {
        if (io) return inside(a, s, p.io) || inside(a, s, p.io_fallback);
        return inside(a, s, p.mem32) || inside(a, s, p.mem64);
    };
    for (int i = 0; i < nbars; i++) {
        const PciBar& b = bars[i];
        if (!b.placed) continue;
        FUZZ_CHECK(b.size && b.addr % b.size == 0, "BAR %04x/%d at 0x%llx size 0x%llx", b.bdf, b.index,
                   (unsigned long long)b.addr, (unsigned long long)b.size);
        const PciDevice& d = devs[b.owner];
        bool io = b.kind == BarKind::kIo;
        if (d.upstream) {
            const PciBridge& up = bridges[devs[d.upstream - 1].bridge - 1];
            int w = io ? kWinIo : (b.kind == BarKind::kRom || !b.prefetch) ? kWinMem : kWinPref;
            FUZZ_CHECK(inside(b.addr, b.size, up.win[w]), "BAR %04x/%d outside its bridge's window", b.bdf, b.index);
        } else {
            FUZZ_CHECK(root_ok(b.addr, b.size, io), "BAR %04x/%d outside the root windows", b.bdf, b.index);
        }
    }
    for (int i = 0; i < scan.nbridges; i++) {
        const PciBridge& br = bridges[i];
        const PciDevice& d = devs[br.dev];
        for (int w = 0; w < kNumWin; w++) {
            const PciRange& r = br.win[w];
            if (!r.size || !r.placed) continue;
            if (d.upstream) {
                const PciBridge& up = bridges[devs[d.upstream - 1].bridge - 1];
                FUZZ_CHECK(inside(r.addr, r.size, up.win[w]), "window outside its parent's");
            } else {
                FUZZ_CHECK(root_ok(r.addr, r.size, w == kWinIo), "window outside the root windows");
            }
        }
    }
    pci_program_bridges(pci, devs, bridges, scan.nbridges);
    pci_program_bars(pci, bars, nbars);
    print_log_if_asked();
    return 0;
}
