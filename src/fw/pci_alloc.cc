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

namespace {

struct ScanCtx {
    PciConfig& cfg;
    PciDevice* devs;
    int maxdevs, ndevs;
    PciBridge* bridges;
    int maxbridges, nbridges;
    u16 next_bus;  // 256 once every bus number is taken
    u8 last_bus;
};

constexpr int kMaxBridgeDepth = 32;

// The capability with `id` at or after the one `from` points at (0: none);
// a bounded walk, since a broken list may loop.
u8 find_cap(PciConfig& cfg, u16 bdf, u8 id, u8 from = 0) {
    if (!(cfg.read16(bdf, pcireg::kStatus) & pcireg::kStatusCapList)) return 0;
    u8 pos = from ? cfg.read8(bdf, u8(from + 1)) : cfg.read8(bdf, pcireg::kCapPtr);
    for (int guard = 0; guard < 48 && pos >= 0x40; guard++) {
        pos &= 0xFC;
        if (cfg.read8(bdf, pos) == id) return pos;
        pos = cfg.read8(bdf, u8(pos + 1));
    }
    return 0;
}

u64 read_hint64(PciConfig& cfg, u16 bdf, u8 off) {
    u64 v = cfg.read32(bdf, off) | u64(cfg.read32(bdf, u8(off + 4))) << 32;
    return v == ~u64(0) ? kNoHint : v;
}
u64 read_hint32(PciConfig& cfg, u16 bdf, u8 off) {
    u32 v = cfg.read32(bdf, off);
    return v == ~u32(0) ? kNoHint : v;
}

// What a bridge can decode, whether it has a hot-plug slot below, and QEMU's
// reserve hints.
void probe_bridge(PciConfig& cfg, const PciDevice& d, PciBridge& b) {
    u16 bdf = d.bdf;
    b.res_io = b.res_mem = b.res_pref32 = b.res_pref64 = kNoHint;
    b.res_bus = 0;
    // The window type bits (low nibbles) are read-only.
    b.pref64 = (cfg.read16(bdf, pcireg::kPrefBase) & 0xF) == pcireg::kPrefMem64;
    b.io32 = (cfg.read8(bdf, pcireg::kIoBase) & 0xF) == pcireg::kIoDecode32;
    if (u8 pcie = find_cap(cfg, bdf, pcireg::kCapIdPcie)) {
        b.pcie = true;
        u16 flags = cfg.read16(bdf, u8(pcie + pcireg::kPcieFlags));
        u8 type = u8((flags >> 4) & 0xF);
        if ((type == pcireg::kPcieTypeRootPort || type == pcireg::kPcieTypeDownstream) &&
            (flags & pcireg::kPcieFlagSlot) &&
            (cfg.read32(bdf, u8(pcie + pcireg::kPcieSlotCap)) & pcireg::kPcieSlotHotplug))
            b.hotplug = true;
    }
    if (find_cap(cfg, bdf, pcireg::kCapIdShpc)) b.hotplug = true;
    if (d.vendor == pcireg::kVendorRedHat) {
        // Bounded: a capability list may loop back on itself.
        u8 pos = find_cap(cfg, bdf, pcireg::kCapIdVendor);
        for (int guard = 0; pos && guard < 48; guard++, pos = find_cap(cfg, bdf, pcireg::kCapIdVendor, pos)) {
            if (cfg.read8(bdf, u8(pos + pcireg::kQemuCapType)) != pcireg::kQemuCapReserve ||
                cfg.read8(bdf, u8(pos + 2)) < pcireg::kQemuCapLen)
                continue;
            u32 bus = cfg.read32(bdf, u8(pos + pcireg::kQemuResBus));
            b.res_bus = bus == ~u32(0) ? 0 : bus;
            b.res_io = read_hint64(cfg, bdf, u8(pos + pcireg::kQemuResIo));
            b.res_mem = read_hint32(cfg, bdf, u8(pos + pcireg::kQemuResMem));
            b.res_pref32 = read_hint32(cfg, bdf, u8(pos + pcireg::kQemuResPref32));
            b.res_pref64 = read_hint64(cfg, bdf, u8(pos + pcireg::kQemuResPref64));
            // Hints no window can hold are ignored, not obeyed.
            if (b.res_io != kNoHint && b.res_io > 0x10000) b.res_io = kNoHint;
            if (b.res_pref64 != kNoHint && b.res_pref64 > (u64(1) << 52)) b.res_pref64 = kNoHint;
            if (b.res_bus > 255) b.res_bus = 0;
            break;
        }
    }
}

void close_windows(PciConfig& cfg, u16 bdf) {
    cfg.write8(bdf, pcireg::kIoBase, 0xF0);
    cfg.write8(bdf, pcireg::kIoLimit, 0x00);
    cfg.write16(bdf, pcireg::kIoBaseUpper, 0);
    cfg.write16(bdf, pcireg::kIoLimitUpper, 0);
    cfg.write16(bdf, pcireg::kMemBase, 0xFFF0);
    cfg.write16(bdf, pcireg::kMemLimit, 0x0000);
    cfg.write16(bdf, pcireg::kPrefBase, 0xFFF0);
    cfg.write16(bdf, pcireg::kPrefLimit, 0x0000);
    cfg.write32(bdf, pcireg::kPrefBaseUpper, 0);
    cfg.write32(bdf, pcireg::kPrefLimitUpper, 0);
}

void write_bus_numbers(PciConfig& cfg, u16 bdf, u8 pri, u8 sec, u8 sub) {
    u32 v = cfg.read32(bdf, pcireg::kPrimaryBus);
    cfg.write32(bdf, pcireg::kPrimaryBus, (v & 0xFF000000u) | pri | u32(sec) << 8 | u32(sub) << 16);
}

bool bus_has_devices(PciConfig& cfg, u8 bus) {
    for (u8 dev = 0; dev < 32; dev++) {
        u16 vendor = cfg.read16(pci_bdf(bus, dev, 0), pcireg::kVendorId);
        if (vendor != 0xFFFF && vendor != 0x0000) return true;
    }
    return false;
}

// Depth first over bus `root` and everything behind its bridges, with an
// explicit stack (no recursion in POST code): each bridge gets the next
// free bus number and, once its subtree is done, the last one used below it
// (plus QEMU's bus reserve) as its subordinate bus.
void scan_bus(ScanCtx& c, u8 root) {
    struct Level {
        u8 bus, dev, fn, nfn;
        u16 upstream;  // index + 1 of the bridge device above, 0 at the root
        int bridge;    // the bridge that opened this level, -1 at the root
    };
    Level st[kMaxBridgeDepth + 1];
    int sp = 0;
    st[0] = Level{root, 0, 0, 1, 0, -1};
    if (root > c.last_bus) c.last_bus = root;
    while (sp >= 0) {
        Level& l = st[sp];
        if (l.dev >= 32) {
            if (l.bridge >= 0) {
                PciBridge& b = c.bridges[l.bridge];
                u32 sub = c.next_bus - 1;
                if (b.res_bus && b.secondary + b.res_bus > sub) sub = b.secondary + b.res_bus;
                if (sub > 255) sub = 255;
                b.subordinate = u8(sub);
                c.next_bus = u16(sub + 1);
                if (sub > c.last_bus) c.last_bus = u8(sub);
                write_bus_numbers(c.cfg, b.bdf, b.primary, b.secondary, b.subordinate);
            }
            sp--;
            continue;
        }
        u8 bus = l.bus, dev = l.dev, fn = l.fn;
        u16 bdf = pci_bdf(bus, dev, fn);
        u32 id = c.cfg.read32(bdf, pcireg::kVendorId);
        u16 vendor = u16(id);
        bool present = vendor != 0xFFFF && vendor != 0x0000;
        u8 ht = present ? c.cfg.read8(bdf, pcireg::kHeaderType) : 0;
        if (present && fn == 0 && (ht & 0x80)) l.nfn = 8;
        // On to the next function (or slot) before anything is pushed.
        if ((!present && fn == 0) || ++l.fn >= l.nfn) {
            l.dev++;
            l.fn = 0;
            l.nfn = 1;
        }
        if (!present) continue;
        if (c.ndevs >= c.maxdevs) {
            dlog(1, "pci: more than %d functions, ignoring %02x:%02x.%x\n", c.maxdevs, bus, dev, fn);
            continue;
        }
        u32 cls = c.cfg.read32(bdf, pcireg::kRevision);
        int idx = c.ndevs++;
        PciDevice& d = c.devs[idx];
        d = PciDevice{};
        d.bdf = bdf;
        d.vendor = vendor;
        d.device = u16(id >> 16);
        d.revision = u8(cls);
        d.prog_if = u8(cls >> 8);
        d.subclass = u8(cls >> 16);
        d.class_code = u8(cls >> 24);
        d.header_type = ht & 0x7F;
        d.irq_pin = c.cfg.read8(bdf, pcireg::kInterruptPin);
        if (d.irq_pin > 4) d.irq_pin = 0;
        d.upstream = l.upstream;
        // Swizzle the pin through every bridge up to the root bus.
        u8 pin = d.irq_pin;
        const PciDevice* node = &d;
        while (node->upstream) {
            if (pin) pin = u8((pin - 1 + pci_dev(node->bdf)) % 4 + 1);
            node = &c.devs[node->upstream - 1];
        }
        d.root_slot = pci_dev(node->bdf);
        d.root_pin = pin;
        d.root_bus = pci_bus(node->bdf);
        if (d.header_type != 1 || !c.bridges) continue;
        if (c.nbridges >= c.maxbridges || c.next_bus > 255 || sp >= kMaxBridgeDepth) {
            dlog(1, "pci: %02x:%02x.%x: bridge not enumerated (%s)\n", bus, dev, fn,
                 c.nbridges >= c.maxbridges ? "too many bridges"
                 : c.next_bus > 255         ? "no bus numbers left"
                                            : "nested too deep");
            write_bus_numbers(c.cfg, bdf, 0, 0, 0);
            continue;
        }
        int bi = c.nbridges++;
        d.bridge = u8(bi + 1);
        PciBridge& b = c.bridges[bi];
        b = PciBridge{};
        b.dev = u16(idx);
        b.bdf = bdf;
        probe_bridge(c.cfg, d, b);
        close_windows(c.cfg, bdf);
        b.primary = bus;
        b.extra_root = root != 0;
        b.secondary = u8(c.next_bus++);
        if (b.secondary > c.last_bus) c.last_bus = b.secondary;
        // Everything above is routed through it while its bus is scanned.
        write_bus_numbers(c.cfg, bdf, bus, b.secondary, 0xFF);
        st[++sp] = Level{b.secondary, 0, 0, 1, u16(idx + 1), bi};
    }
}

}  // namespace

PciScanResult pci_scan(PciConfig& cfg, PciDevice* devs, int maxdevs, PciBridge* bridges, int maxbridges,
                       int extra_roots) {
    ScanCtx c{cfg, devs, maxdevs, 0, bridges, maxbridges, 0, 1, 0};
    scan_bus(c, 0);
    PciScanResult r{};
    for (u16 bus = c.next_bus; bus <= 255 && r.extra_roots_found < extra_roots; bus++) {
        if (!bus_has_devices(cfg, u8(bus))) continue;
        r.extra_roots_found++;
        dlog(2, "pci: extra root bus %02x\n", bus);
        c.next_bus = u16(bus + 1);
        scan_bus(c, u8(bus));
        bus = u16(c.next_bus - 1);
    }
    if (r.extra_roots_found < extra_roots)
        dlog(1, "pci: %d extra root buses announced, %d found\n", extra_roots, r.extra_roots_found);
    r.ndevices = c.ndevs;
    r.nbridges = c.nbridges;
    r.last_bus = c.last_bus;
    return r;
}

int pci_scan_bus0(PciConfig& cfg, PciDevice* out, int max) {
    return pci_scan(cfg, out, max, nullptr, 0, 0).ndevices;
}

int pci_size_bars(PciConfig& cfg, const PciDevice& dev, PciBar* out, int max) {
    // Type 0: BAR0-5 and the ROM; PCI-PCI bridges: BAR0-1 (no ROM sized:
    // QEMU's bridges have none); CardBus and others: nothing.
    if (dev.header_type > 1) return 0;
    u8 last = dev.header_type == 0 ? 6 : 1;
    u16 bdf = dev.bdf;
    u16 cmd = cfg.read16(bdf, pcireg::kCommand);
    cfg.write16(bdf, pcireg::kCommand, u16(cmd & ~(pcireg::kCmdIo | pcireg::kCmdMemory)));
    int n = 0;
    for (u8 i = 0; i <= last && n < max; i++) {
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
            if ((mask & 0x6) == pcireg::kBarMem64 && i < last - (last == 6 ? 1 : 0)) {
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

// One thing to lay out in a window: a BAR or a child bridge's window.
struct Item {
    u64 size, align;
    u64* offset;     // where the layout writes its offset (then its address)
    bool* placed;
    bool can64;      // goes above 4 GiB when there is a 64-bit window
    bool may64;      // may go there when the 32-bit window is full
    bool is_io;
    const PciBar* bar;       // for the log: a BAR ...
    const PciBridge* bridge; // ... or a bridge window
    int win;
};

constexpr int kMaxItems = 320;
Item g_items[kMaxItems];

// Sorts by alignment, then size, descending, keeping the original order of
// equals (insertion sort: a few hundred items at most).
void sort_items(Item* it, int n) {
    for (int i = 1; i < n; i++) {
        Item x = it[i];
        int j = i;
        while (j > 0 && (it[j - 1].align < x.align || (it[j - 1].align == x.align && it[j - 1].size < x.size))) {
            it[j] = it[j - 1];
            j--;
        }
        it[j] = x;
    }
}

// Lays the items out from offset 0 in sorted order, each at its alignment.
// Returns the end; sizes that are powers of two leave no gaps. An end past
// 2^63 (absurd sizes or hints) comes back as ~0: fits nowhere.
u64 layout(Item* it, int n) {
    sort_items(it, n);
    constexpr u64 kHuge = u64(1) << 63;
    u64 off = 0;
    for (int i = 0; i < n; i++) {
        if (it[i].size >= kHuge || it[i].align >= kHuge || off >= kHuge) return ~u64(0);
        off = align_up(off, it[i].align);
        *it[i].offset = off;
        off += it[i].size;
    }
    return off >= kHuge ? ~u64(0) : off;
}

const char* const kWinName[kNumWin] = {"I/O", "memory", "prefetchable memory"};

void log_no_room(const Item& x, const char* where) {
    if (x.bar) {
        dlog(1, "pci: no room for %02x:%02x.%x BAR%d (%s, 0x%llx bytes) in the %s window; left disabled\n",
             pci_bus(x.bar->bdf), pci_dev(x.bar->bdf), pci_fn(x.bar->bdf), x.bar->index,
             x.is_io ? "I/O" : "memory", (unsigned long long)x.size, where);
    } else {
        dlog(1, "pci: no room for the %s window (0x%llx bytes) of bridge %02x:%02x.%x in the %s window; "
             "what is behind it stays disabled\n", kWinName[x.win], (unsigned long long)x.size,
             pci_bus(x.bridge->bdf), pci_dev(x.bridge->bdf), pci_fn(x.bridge->bdf), where);
    }
}

// Places the items in [w.base, w.limit): packed at the top (top_down) or at
// the bottom. Drops the biggest item while they do not fit; dropped items
// are moved to the end of the array and counted in *ndropped.
// A free, naturally aligned power-of-two block of a root window.
struct Block {
    u64 start, size;
};
constexpr int kMaxBlocks = 192;
Block g_blocks[kMaxBlocks];
u64 g_pos[kMaxItems];
int g_order[kMaxItems];

// Appends [a, b) as maximal naturally aligned power-of-two blocks.
bool add_blocks(int* nb, u64 a, u64 b) {
    while (a < b) {
        u64 sz = a ? (a & (~a + 1)) : (u64(1) << 63);
        while (sz > b - a) sz >>= 1;
        if (*nb >= kMaxBlocks) return false;
        g_blocks[(*nb)++] = Block{a, sz};
        a += sz;
    }
    return true;
}

u64 footprint(const Item& x) {
    u64 need = x.size > x.align ? x.size : x.align, fp = 1;
    while (fp < need && fp < (u64(1) << 62)) fp <<= 1;
    return fp;
}

// A window too tight for one contiguous run (its ends not aligned to the
// big BARs): the window as free power-of-two blocks, buddy fashion; each
// item, biggest first, at the top (or bottom) of the highest (lowest) free
// block it fits, the rest of the block split into blocks again. For items
// whose sizes are powers of two this finds a fit whenever one exists (every
// block as big as the current item can take items of its size or smaller
// completely); windows count as the next power of two. All or nothing.
bool place_buddy(Item* it, int n, const PciWindow& w, bool top_down) {
    if (w.limit <= w.base || n > kMaxItems) return false;
    int nb = 0;
    if (!add_blocks(&nb, w.base, w.limit)) return false;
    for (int i = 0; i < n; i++) {
        int j = i;
        u64 fi = footprint(it[i]);
        while (j > 0 && footprint(it[g_order[j - 1]]) < fi) {
            g_order[j] = g_order[j - 1];
            j--;
        }
        g_order[j] = i;
    }
    for (int k = 0; k < n; k++) {
        int i = g_order[k];
        u64 fp = footprint(it[i]);
        int best = -1;
        for (int b = 0; b < nb; b++) {
            if (g_blocks[b].size < fp) continue;
            if (best < 0 || (top_down ? g_blocks[b].start > g_blocks[best].start
                                      : g_blocks[b].start < g_blocks[best].start))
                best = b;
        }
        if (best < 0) return false;
        Block blk = g_blocks[best];
        g_blocks[best] = g_blocks[--nb];
        u64 end = blk.start + blk.size;
        if (top_down) {
            g_pos[i] = end - fp;
            if (!add_blocks(&nb, blk.start, end - fp)) return false;
        } else {
            g_pos[i] = blk.start;
            if (!add_blocks(&nb, blk.start + fp, end)) return false;
        }
    }
    for (int i = 0; i < n; i++) {
        *it[i].offset = g_pos[i];
        *it[i].placed = true;
    }
    return true;
}

void place_root(Item* it, int n, const PciWindow& w, bool top_down, int* ndropped) {
    bool tried_buddy = false;
    int m = n;
    while (m > 0) {
        u64 total = layout(it, m);
        u64 align = it[0].align;
        u64 room = w.limit > w.base ? w.limit - w.base : 0;
        u64 base = 0;
        bool fits = false;
        if (total <= room) {
            if (top_down) {
                base = align_down(w.limit - total, align);
                fits = base >= w.base;
            } else {
                base = align_up(w.base, align);
                fits = base >= w.base && base + total <= w.limit && base + total >= base;
            }
        }
        if (fits) {
            for (int i = 0; i < m; i++) {
                *it[i].offset += base;
                *it[i].placed = true;
            }
            return;
        }
        if (!tried_buddy) {
            tried_buddy = true;
            if (place_buddy(it, m, w, top_down)) {
                dlog(2, "pci: window 0x%llx-0x%llx: packed around alignment gaps\n", (unsigned long long)w.base,
                     (unsigned long long)w.limit);
                return;
            }
        }
        // Drop the biggest (first by size) and try again.
        int big = 0;
        for (int i = 1; i < m; i++)
            if (it[i].size > it[big].size) big = i;
        Item x = it[big];
        for (int i = big; i + 1 < n; i++) it[i] = it[i + 1];
        it[n - 1] = x;
        m--;
        (*ndropped)++;
    }
}

}  // namespace

int pci_place_bars(PciBar* bars, int n, const PciWindow& io, const PciWindow& mem) {
    PciPlaceParams p{};
    p.io = io;
    p.mem32 = mem;
    for (int i = 0; i < n; i++) bars[i].owner = 0;
    PciDevice root{};
    return pci_place_tree(bars, n, &root, 1, nullptr, 0, p);
}

namespace {

// The window of `parent`'s bus (nullptr: the root) that a BAR goes into:
// kWinIo, kWinMem or kWinPref (the root's 64-bit window).
int window_of_bar(const PciBar& b) {
    if (b.kind == BarKind::kIo) return kWinIo;
    if (b.kind == BarKind::kRom || !b.prefetch) return kWinMem;
    return kWinPref;
}

struct Collect {
    int n = 0;
    Item* add() {
        if (n >= kMaxItems) return nullptr;
        g_items[n] = Item{};
        return &g_items[n++];
    }
};

// Gathers the items of bus `parent` (index + 1 of its bridge device, 0 for
// the root buses) for window `win`.
void collect(Collect& c, PciBar* bars, int nbars, const PciDevice* devs, PciBridge* bridges, int nbridges,
             u16 parent, int win, bool root, bool high) {
    for (int i = 0; i < nbars; i++) {
        PciBar& b = bars[i];
        const PciDevice& d = devs[b.owner];
        if (d.upstream != parent) continue;
        int w = window_of_bar(b);
        bool can64 = b.is64 && high && !d.keep_low;
        if (root) {
            // The root's kWinPref is its 64-bit window: 64-bit prefetchable
            // BARs; kWinMem takes the other memory BARs.
            if (w == kWinPref && !can64) w = kWinMem;
        }
        if (w != win) continue;
        Item* x = c.add();
        if (!x) {
            dlog(1, "pci: too many BARs, %02x:%02x.%x BAR%d left disabled\n", pci_bus(b.bdf), pci_dev(b.bdf),
                 pci_fn(b.bdf), b.index);
            continue;
        }
        x->size = b.size;
        x->align = b.size;
        x->offset = &b.addr;
        x->placed = &b.placed;
        x->can64 = can64;
        x->may64 = b.is64 && high;
        x->is_io = b.kind == BarKind::kIo;
        x->bar = &b;
    }
    for (int i = 0; i < nbridges; i++) {
        PciBridge& br = bridges[i];
        if (devs[br.dev].upstream != parent) continue;
        for (int bw = 0; bw < kNumWin; bw++) {
            PciRange& r = br.win[bw];
            if (!r.size) continue;
            int w = bw;
            if (root && w == kWinPref && !r.is64) w = kWinMem;
            if (w != win) continue;
            Item* x = c.add();
            if (!x) {
                dlog(1, "pci: too many BARs, the %s window of bridge %02x:%02x.%x left closed\n", kWinName[bw],
                     pci_bus(br.bdf), pci_dev(br.bdf), pci_fn(br.bdf));
                continue;
            }
            x->size = r.size;
            x->align = r.align;
            x->offset = &r.addr;
            x->placed = &r.placed;
            x->can64 = x->may64 = r.is64;
            x->is_io = bw == kWinIo;
            x->bridge = &br;
            x->win = bw;
        }
    }
}

u64 hint_or(u64 hint, u64 dflt) { return hint == kNoHint ? dflt : hint; }

}  // namespace

int pci_place_tree(PciBar* bars, int nbars, const PciDevice* devs, int ndevs, PciBridge* bridges,
                   int nbridges, const PciPlaceParams& p) {
    (void)ndevs;
    bool high = p.mem64.limit > p.mem64.base;
    for (int i = 0; i < nbars; i++) bars[i].placed = false;
    // Bottom-up: a bridge comes before everything behind it in the list, so
    // walking it backwards sizes children first.
    for (int i = nbridges - 1; i >= 0; i--) {
        PciBridge& br = bridges[i];
        u16 self = u16(br.dev + 1);
        for (int w = 0; w < kNumWin; w++) {
            PciRange& r = br.win[w];
            r.placed = false;
            Collect c;
            collect(c, bars, nbars, devs, bridges, nbridges, self, w, false, high);
            u64 total = layout(g_items, c.n);
            u64 gran = w == kWinIo ? 0x1000 : 0x100000;
            u64 align = gran;
            bool all64 = true;
            for (int k = 0; k < c.n; k++) {
                if (g_items[k].align > align) align = g_items[k].align;
                all64 &= g_items[k].can64;
            }
            u64 want = 0;
            // PCIe ports get I/O only below an extra root bus: there QEMU's
            // ACPI gives the OS no I/O range but what firmware programmed,
            // while on bus 0 the OS can take a window itself if it wants one.
            if (w == kWinIo)
                want = hint_or(br.res_io, br.hotplug && (!br.pcie || br.extra_root) ? p.hotplug_io : 0);
            if (w == kWinMem) want = hint_or(br.res_mem, br.hotplug ? p.hotplug_mem : 0);
            if (w == kWinPref) {
                u64 h = br.res_pref64 != kNoHint ? br.res_pref64 : br.res_pref32;
                want = hint_or(h, br.hotplug ? p.hotplug_pref : 0);
                if (br.res_pref32 != kNoHint && br.res_pref64 == kNoHint) all64 = false;
                if (!br.pref64) all64 = false;
            }
            u64 size = total > want ? total : want;
            if (size >= (u64(1) << 62)) {
                dlog(1, "pci: bridge %02x:%02x.%x: its %s window would not fit anywhere; closed\n",
                     pci_bus(br.bdf), pci_dev(br.bdf), pci_fn(br.bdf), kWinName[w]);
                size = 0;
            }
            r.size = align_up(size, gran);
            r.align = align;
            r.is64 = w == kWinPref && all64 && high;
        }
    }
    // The root windows.
    // I/O.
    {
        Collect c;
        collect(c, bars, nbars, devs, bridges, nbridges, 0, kWinIo, true, high);
        int dropped = 0;
        place_root(g_items, c.n, p.io, true, &dropped);
        if (dropped && p.io_fallback.limit > p.io_fallback.base) {
            // All of it in the larger fallback range instead.
            for (int k = 0; k < c.n; k++) *g_items[k].placed = false;
            dropped = 0;
            place_root(g_items, c.n, p.io_fallback, true, &dropped);
        }
        for (int k = c.n - dropped; k < c.n; k++) log_no_room(g_items[k], "I/O");
    }
    // 32-bit memory; what does not fit there but may sit above 4 GiB joins
    // the 64-bit window's items (kept at the front of g_items).
    int movers = 0;
    {
        Collect c;
        collect(c, bars, nbars, devs, bridges, nbridges, 0, kWinMem, true, high);
        int dropped = 0;
        place_root(g_items, c.n, p.mem32, true, &dropped);
        for (int k = c.n - dropped; k < c.n; k++) {
            if (g_items[k].may64) g_items[movers++] = g_items[k];
            else log_no_room(g_items[k], "32-bit memory");
        }
    }
    {
        Collect c;
        c.n = movers;
        collect(c, bars, nbars, devs, bridges, nbridges, 0, kWinPref, true, high);
        int dropped = 0;
        place_root(g_items, c.n, p.mem64, false, &dropped);
        for (int k = c.n - dropped; k < c.n; k++) log_no_room(g_items[k], "64-bit memory");
    }
    // Top-down: each bridge's windows are placed before what is behind it.
    for (int i = 0; i < nbridges; i++) {
        PciBridge& br = bridges[i];
        const PciDevice& d = devs[br.dev];
        if (!d.upstream) continue;
        const PciBridge& up = bridges[devs[d.upstream - 1].bridge - 1];
        for (int w = 0; w < kNumWin; w++) {
            PciRange& r = br.win[w];
            if (!r.size) continue;
            r.placed = up.win[w].placed;
            r.addr += up.win[w].addr;
        }
    }
    int placed = 0;
    for (int i = 0; i < nbars; i++) {
        PciBar& b = bars[i];
        const PciDevice& d = devs[b.owner];
        if (d.upstream) {
            const PciBridge& up = bridges[devs[d.upstream - 1].bridge - 1];
            int w = window_of_bar(b);
            b.placed = up.win[w].placed;
            b.addr += up.win[w].addr;
        }
        if (b.placed) placed++;
    }
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

void pci_program_bridges(PciConfig& cfg, const PciDevice* devs, const PciBridge* bridges, int n) {
    (void)devs;
    for (int i = 0; i < n; i++) {
        const PciBridge& b = bridges[i];
        u16 bdf = b.bdf;
        close_windows(cfg, bdf);
        const PciRange& io = b.win[kWinIo];
        if (io.size && io.placed) {
            u64 last = io.addr + io.size - 1;
            cfg.write8(bdf, pcireg::kIoBase, u8((io.addr >> 8) & 0xF0));
            cfg.write8(bdf, pcireg::kIoLimit, u8((last >> 8) & 0xF0));
            if (b.io32) {
                cfg.write16(bdf, pcireg::kIoBaseUpper, u16(io.addr >> 16));
                cfg.write16(bdf, pcireg::kIoLimitUpper, u16(last >> 16));
            }
        }
        const PciRange& mem = b.win[kWinMem];
        if (mem.size && mem.placed) {
            cfg.write16(bdf, pcireg::kMemBase, u16((mem.addr >> 16) & 0xFFF0));
            cfg.write16(bdf, pcireg::kMemLimit, u16(((mem.addr + mem.size - 1) >> 16) & 0xFFF0));
        }
        const PciRange& pf = b.win[kWinPref];
        if (pf.size && pf.placed) {
            u64 last = pf.addr + pf.size - 1;
            if (b.pref64) {
                cfg.write32(bdf, pcireg::kPrefBaseUpper, u32(pf.addr >> 32));
                cfg.write32(bdf, pcireg::kPrefLimitUpper, u32(last >> 32));
            }
            cfg.write16(bdf, pcireg::kPrefBase, u16((pf.addr >> 16) & 0xFFF0));
            cfg.write16(bdf, pcireg::kPrefLimit, u16((last >> 16) & 0xFFF0));
        }
    }
}

}  // namespace reef

