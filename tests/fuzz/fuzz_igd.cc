// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: Intel IGD assignment (src/fw/igd.cc) over the POST allocator
// (src/fw/malloc.cc) and an e820 map from memmap_setup(). The fw_cfg files
// etc/igd-opregion, etc/igd-bdsm-size and opt/reef/igd-test-gen, the RAM
// size, the PCI devices and allocations made before the quirk runs all come
// from the input. Checked: no write outside the blocks the quirk allocated,
// registers written exactly for what was set up, the e820 map changed by
// exactly the reserved blocks, and the allocator's own promises.
//
// Input (little-endian; zeros past the end):
//   u8   flags: bit 0 etc/igd-opregion, bit 1 etc/igd-bdsm-size,
//        bit 2 opt/reef/igd-test-gen, bit 3 test override built in,
//        bit 4 finalize afterwards, bit 5 no fw_cfg device, bit 6 the EBDA
//        cannot be moved (someone else moved it)
//   u16  RAM below 4 GiB in MiB (clamped to 2..3584), u8 RAM above, GiB
//   u8   devices - 1 (& 3), each: u8 devfn, u16 vendor, u16 device,
//        u8 class, u8 subclass, u8 unused
//   u8   allocator operations before the quirk (& 15), each: u8 op
//        (bits 0-1: alloc, alloc+reserve, free, reserve; bits 2-6: size
//        shift), u8 zone (& 7: high, tmphigh, tmplow, fseg, low, high,
//        tmphigh, low), u8 align log2,
//        u8 which block, u32 size
//   3 files (opregion, bdsm-size, test-gen), each: u32 directory size,
//        u16 n, n bytes of content (the rest of the file reads as zeros)
#include <map>
#include <memory>

#include "fuzz_support.h"
#include "fw/igd.h"
#include "fw/memmap.h"

using namespace reef;
using namespace reef::fuzz;
using reef::test::FakePci;

namespace {

constexpr u64 k1M = 0x100000;

bool is_intel(const PciDevice& d) {
    u16 c = d.class_id();
    return d.vendor == kIgdVendor && (c == 0x0300 || c == 0x0302 || c == 0x0380);
}

u8 g_cmos[128];
u8 fake_cmos(u8 index) { return index < sizeof(g_cmos) ? g_cmos[index] : 0; }

// Physical memory: every map()ed range is its own heap buffer of exactly that
// size (AddressSanitizer catches overruns), pre-filled with 0xAA; every
// map() and zero() is recorded to be checked against the blocks.
struct FuzzMem final : PhysMem {
    std::map<u32, std::vector<u8>> chunks;
    std::vector<std::pair<u32, u32>> mapped, zeroed;
    FUZZ_HARNESS void* map(u32 addr, u32 len) override {
        FUZZ_CHECK(len && len <= kHighZoneSize, "map(0x%x, 0x%x)", addr, len);
        mapped.push_back({addr, len});
        auto& c = chunks[addr];
        c.assign(len, 0xAA);
        return c.data();
    }
    FUZZ_HARNESS void zero(u32 addr, u32 len) override {
        zeroed.push_back({addr, len});
        for (auto& [base, c] : chunks)
            for (u64 a = max<u64>(addr, base); a < min<u64>(u64(addr) + len, base + c.size()); a++) c[a - base] = 0;
    }
};

// The platform side of the low zone: moves of the EBDA header, checked to
// be what the allocator's contract says.
struct FuzzEbda final : LowMemHost {
    u32 at = 0, conv_end = 0, floor = 0;
    bool refuse = false;
    int moves = 0;
    FUZZ_HARNESS bool move_ebda(u32 from, u32 to, u32 bytes, u32 end) override {
        FUZZ_CHECK(from == at && to < from && to % 1024 == 0 && to >= floor && bytes == 0x400 && end == conv_end,
                   "move_ebda(0x%x, 0x%x, 0x%x, 0x%x) with the EBDA at 0x%x", from, to, bytes, end, at);
        if (refuse) return false;
        at = to;
        moves++;
        return true;
    }
};

struct Live {
    u32 addr, size;
    Zone zone;
};

void set_cmos(u32 low_mib, u32 high_gib) {
    std::memset(g_cmos, 0, sizeof(g_cmos));
    if (low_mib > 16) {
        u32 v = (low_mib - 16) * 16;  // 64 KiB units above 16 MiB
        g_cmos[0x34] = u8(v);
        g_cmos[0x35] = u8(v >> 8);
    } else {
        u32 kb = (low_mib - 1) * 1024;
        g_cmos[0x30] = u8(kb);
        g_cmos[0x31] = u8(kb >> 8);
    }
    u32 h = high_gib * 16384;
    g_cmos[0x5B] = u8(h);
    g_cmos[0x5C] = u8(h >> 8);
    g_cmos[0x5D] = u8(h >> 16);
}

bool overlaps(u64 a, u64 an, u64 b, u64 bn) { return a < b + bn && b < a + an; }

ZoneRange zone_range(const Allocator& mem, Zone z) {
    switch (z) {
    case Zone::kHigh: return mem.layout().high;
    case Zone::kTmpHigh: return mem.layout().tmphigh;
    case Zone::kTmpLow: return mem.layout().tmplow;
    case Zone::kFseg: return mem.layout().fseg;
    case Zone::kLow: return ZoneRange{mem.layout().low_floor + mem.layout().ebda_bytes, mem.layout().conv_end};
    default: return ZoneRange{};
    }
}

// The allocator's promises about the blocks the harness knows of.
FUZZ_HARNESS void check_blocks(const Allocator& mem, const E820Map& map, const std::vector<Live>& live,
                               const char* when) {
    check_e820(map, when);
    FUZZ_CHECK(mem.block_count() == int(live.size()), "%s: %d blocks, the harness knows %zu", when,
               mem.block_count(), live.size());
    for (size_t i = 0; i < live.size(); i++) {
        const Live& b = live[i];
        FUZZ_CHECK(mem.block_size(b.addr) == b.size && mem.block_zone(b.addr) == b.zone, "%s: block 0x%x", when,
                   b.addr);
        ZoneRange r = zone_range(mem, b.zone);
        FUZZ_CHECK(b.addr >= r.base && u64(b.addr) + b.size <= r.end, "%s: block 0x%x+0x%x outside its %s zone",
                   when, b.addr, b.size, zone_name(b.zone));
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(!overlaps(b.addr, b.size, live[j].addr, live[j].size), "%s: blocks 0x%x and 0x%x overlap",
                       when, b.addr, live[j].addr);
        // Low blocks sit above the EBDA header, all of it reserved.
        if (b.zone == Zone::kLow)
            FUZZ_CHECK(b.addr >= mem.layout().ebda_base + mem.layout().ebda_bytes &&
                           e820_all(map, mem.layout().ebda_base, mem.layout().conv_end, kE820Reserved),
                       "%s: low block 0x%x, EBDA at 0x%x", when, b.addr, mem.layout().ebda_base);
        // A block kept for the OS is not RAM in the map (all of its bytes).
        if (mem.is_reserved(b.addr)) {
            if (!e820_all(map, b.addr, u64(b.addr) + b.size, kE820Reserved)) {
                dump_e820(map);
                FUZZ_CHECK(false, "%s: reserved block 0x%x+0x%x is not all reserved in e820", when, b.addr, b.size);
            }
        }
    }
}

// Allocations, frees and reservations before the quirk runs: fragmented and
// full zones, a fuller e820 map.
FUZZ_HARNESS void alloc_ops(Reader& r, Allocator& mem, E820Map& map, std::vector<Live>& live, const FuzzEbda& ebda) {
    static const Zone kZones[] = {Zone::kHigh, Zone::kTmpHigh, Zone::kTmpLow, Zone::kFseg,
                                  Zone::kLow,  Zone::kHigh,    Zone::kTmpHigh, Zone::kLow};
    int nops = r.u8v() & 15;
    for (int n = 0; n < nops; n++) {
        u8 op = r.u8v();
        Zone z = kZones[r.u8v() & 7];
        u64 align = u64(1) << (r.u8v() & 31);
        u8 which = r.u8v();
        u32 size = r.u32v() >> ((op >> 2) & 31);
        switch (op & 3) {
        case 0:
        case 1: {
            u64 largest = mem.largest_free(z, align);
            int blocks = mem.block_count();
            size_t log_before = reef::test::log_lines().size();
            const E820Map map_before = map;
            u32 a = mem.alloc(z, size, align, "fuzz", Allocator::kQuiet);
            if (!a) {
                FUZZ_CHECK(e820_same(map, map_before), "a failed alloc changed the e820 map");
                // Only for a bad request, a full table or no room (or an
                // EBDA that cannot be moved or reserved).
                bool bad = !size || !is_pow2(align) || align > 2 * GiB;
                bool ebda = false;
                for (size_t i = log_before; i < reef::test::log_lines().size(); i++)
                    ebda |= reef::test::log_lines()[i].text.find("the EBDA") != std::string::npos;
                FUZZ_CHECK(bad || ebda || blocks >= Allocator::kMaxBlocks || largest < size,
                           "alloc(%s, 0x%x, align 0x%llx) failed with 0x%llx free", zone_name(z), size,
                           (unsigned long long)align, (unsigned long long)largest);
                break;
            }
            FUZZ_CHECK(a % max<u64>(align, Allocator::kMinAlign) == 0, "alloc gave 0x%x for align 0x%llx", a,
                       (unsigned long long)align);
            live.push_back({a, size, z});
            if ((op & 3) == 1) mem.reserve(a);
            break;
        }
        case 2:
            if (live.empty()) {
                FUZZ_CHECK(!mem.free(size | 1), "free of a non-block");
                break;
            }
            which %= live.size();
            FUZZ_CHECK(mem.free(live[which].addr), "free of block 0x%x failed", live[which].addr);
            live.erase(live.begin() + which);
            break;
        case 3:
            if (!live.empty()) {
                const Live& b = live[which % live.size()];
                bool ok = mem.reserve(b.addr);
                FUZZ_CHECK(!ok || b.zone == Zone::kHigh || b.zone == Zone::kTmpHigh, "reserve of a %s block",
                           zone_name(b.zone));
            }
            break;
        }
        check_blocks(mem, map, live, "after an allocator operation");
        FUZZ_CHECK(mem.layout().ebda_base == ebda.at, "the allocator has the EBDA at 0x%x, the platform at 0x%x",
                   mem.layout().ebda_base, ebda.at);
    }
}

struct FileIn {
    bool present;
    u32 size;
    std::vector<unsigned char> data;
    unsigned char at(u64 i) const { return i < data.size() ? data[i] : 0; }
};

FileIn read_file_in(Reader& r, bool present) {
    FileIn f;
    f.present = present;
    f.size = r.u32v();
    u16 n = r.u16v();
    f.data = r.bytes(n);
    if (f.data.size() > f.size) f.data.resize(f.size);
    return f;
}

// Every recorded access lies inside one of the blocks.
FUZZ_HARNESS void check_accesses(const std::vector<std::pair<u32, u32>>& acc, const char* what,
                    std::initializer_list<std::pair<u32, u64>> blocks) {
    for (auto [a, n] : acc) {
        bool inside = false;
        for (auto [b, bn] : blocks)
            if (b && a >= b && u64(a) + n <= b + bn) inside = true;
        FUZZ_CHECK(inside, "%s(0x%x, 0x%x) outside the quirk's blocks", what, a, n);
    }
}

}  // namespace

FUZZ_HARNESS extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
    reef::test::clear_log();
    Reader r(data, size);
    u8 flags = r.u8v();
    u32 low_mib = min<u32>(max<u32>(r.u16v(), 2), 3584);
    u32 high_gib = r.u8v();

    // The devices, as pci_setup() would have found them.
    FakePci pci;
    std::vector<PciDevice> devs;
    int ndevs = (r.u8v() & 3) + 1;
    for (int i = 0; i < ndevs; i++) {
        PciDevice d{};
        u8 devfn = r.u8v();
        d.bdf = pci_bdf(0, devfn >> 3, devfn & 7);
        d.vendor = r.u16v();
        d.device = r.u16v();
        d.class_code = r.u8v();
        d.subclass = r.u8v();
        r.u8v();
        if (d.vendor == 0xFFFF || pci.dev(d.bdf)) continue;  // no device, or the slot is taken
        pci.add(d.bdf, d.vendor, d.device, d.class_code, d.subclass);
        devs.push_back(d);
    }

    // The e820 map and the zones, as POST builds them.
    set_cmos(low_mib, high_gib);
    FwCfgDevice dev;
    dev.present = !(flags & 32);
    FwCfg fw;
    fw.init(&dev);  // no etc/e820: RAM from the CMOS
    E820Map map;
    memmap_setup(map, fw, fake_cmos);
    ZoneLayout layout;
    zones_from_e820(map, layout);
    layout.tmplow = ZoneRange{0x7000, 0x90000};
    layout.fseg = ZoneRange{0xF4000, 0xFF000};
    layout.low_floor = 0x90000;
    layout.ebda_base = 0x9FC00;
    layout.ebda_bytes = 0x400;
    layout.conv_end = 0xA0000;
    FuzzEbda ebda;
    ebda.at = layout.ebda_base;
    ebda.conv_end = layout.conv_end;
    ebda.floor = layout.low_floor;
    ebda.refuse = flags & 64;
    Allocator mem;
    mem.init(layout, &map, &ebda);
    std::vector<Live> live;
    alloc_ops(r, mem, map, live, ebda);

    // The fw_cfg files (the directory is read again, now with them).
    FileIn op = read_file_in(r, flags & 1), bdsm = read_file_in(r, flags & 2), gen = read_file_in(r, flags & 4);
    if (op.present) dev.add(kIgdOpRegionFile, op.size, op.data);
    if (bdsm.present) dev.add(kIgdBdsmSizeFile, bdsm.size, bdsm.data);
    if (gen.present) dev.add(kIgdTestGenFile, gen.size, gen.data);
    fw.init(&dev);

    const E820Map before = map;
    const size_t nlive = live.size();
    FuzzMem phys;
    IgdSetup igd;
    igd.init(fw, mem, phys, flags & 8);
    int first = -1;
    for (size_t i = 0; i < devs.size(); i++) {
        const PciDevice& d = devs[i];
        if (!igd.match(d)) continue;
        bool intel = is_intel(d);
        FUZZ_CHECK(dev.present && (op.present || bdsm.present), "matched without the files");
        FUZZ_CHECK(intel || ((flags & 8) && gen.present && d.bdf == kIgdBdf),
                   "matched %04x:%04x class %04x at %04x", d.vendor, d.device, d.class_id(), d.bdf);
        if (first < 0) first = int(i);
        igd.setup(pci, d);
    }
    igd.finish();

    // ---- what was set up ------------------------------------------------------
    u32 op_addr = igd.opregion_addr(), bdsm_addr = igd.bdsm_addr();
    // What the header says to copy (src/fw/igd.h, opregion_plan): no
    // etc/igd-vbt here, so a VBT outside the file has its RVDA/RVDS cleared.
    std::vector<u8> head(opregion::kMailbox3End);
    for (u32 i = 0; i < head.size(); i++) head[i] = op.at(i);
    OpRegionPlan plan = opregion_plan(head.data(), op.size);
    u64 op_need = align_up(max<u64>(plan.copy, plan.header_size), 4096);
    u64 op_pages = op_addr ? op_need : 0, bdsm_size = igd.bdsm_size();
    FUZZ_CHECK(first >= 0 || (igd.igd_bdf() == 0xFFFF && !op_addr && !bdsm_addr), "set up without a match");
    if (first >= 0) FUZZ_CHECK(igd.igd_bdf() == devs[first].bdf, "igd_bdf 0x%x", igd.igd_bdf());
    if (op_addr) {
        live.push_back({op_addr, u32(op_pages), Zone::kHigh});
        FUZZ_CHECK(op.present && op.size >= 1 && plan.copy <= op.size, "OpRegion for a 0x%x-byte file", op.size);
        FUZZ_CHECK(op_addr % 4096 == 0 && mem.block_size(op_addr) == op_pages &&
                       mem.block_zone(op_addr) == Zone::kHigh,
                   "OpRegion block 0x%x+0x%llx", op_addr, (unsigned long long)mem.block_size(op_addr));
        FUZZ_CHECK(mem.is_reserved(op_addr), "OpRegion not reserved");
        // The copy: the file as far as its header goes (RVDA/RVDS cleared
        // when they point outside), then zeros to the page end.
        auto it = phys.chunks.find(op_addr);
        FUZZ_CHECK(it != phys.chunks.end() && it->second.size() == op_pages, "OpRegion not mapped whole");
        for (u64 i = 0; i < op_pages; i++) {
            bool cleared = plan.vbt_outside && i >= opregion::kRvda && i < opregion::kRvds + 4;
            u8 want = i < plan.copy && !cleared ? op.at(i) : 0;
            FUZZ_CHECK(it->second[i] == want, "OpRegion byte 0x%llx", (unsigned long long)i);
        }
    }
    if (bdsm_addr) {
        live.push_back({bdsm_addr, u32(bdsm_size), Zone::kTmpHigh});
        u64 v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | bdsm.at(i);
        u64 want = v % k1M ? align_up(v, k1M) : v;
        FUZZ_CHECK(bdsm.present && bdsm.size == 8 && v && bdsm_size == want && want < 4 * GiB,
                   "stolen memory 0x%llx for etc/igd-bdsm-size 0x%llx", (unsigned long long)bdsm_size,
                   (unsigned long long)v);
        FUZZ_CHECK(bdsm_addr % k1M == 0 && mem.block_size(bdsm_addr) == bdsm_size &&
                       mem.block_zone(bdsm_addr) == Zone::kTmpHigh && mem.is_reserved(bdsm_addr),
                   "stolen memory block 0x%x", bdsm_addr);
        bool zeroed = false;
        for (auto [a, n] : phys.zeroed) zeroed |= a == bdsm_addr && n == bdsm_size;
        FUZZ_CHECK(zeroed, "stolen memory not zeroed");
    }
    // No byte written outside the quirk's own blocks.
    check_accesses(phys.mapped, "map", {{op_addr, op_pages}, {bdsm_addr, bdsm_size}});
    check_accesses(phys.zeroed, "zero", {{op_addr, op_pages}, {bdsm_addr, bdsm_size}});
    check_blocks(mem, map, live, "after the quirk");
    FUZZ_CHECK(mem.block_count() == int(nlive) + !!op_addr + !!bdsm_addr, "the quirk left %d blocks (had %zu)",
               mem.block_count(), nlive);

    // The device registers: ASLS and BDSM, and only for what was set up.
    for (const PciDevice& d : devs) {
        auto& w = pci.dev(d.bdf)->writes;
        if (d.bdf != igd.igd_bdf() || first < 0) {
            FUZZ_CHECK(w.empty(), "config write to %04x, which is not the IGD", d.bdf);
            continue;
        }
        int asls = 0, bdsm32 = 0, bdsm64 = 0, bdsm64hi = 0;
        for (auto [off, val] : w) {
            if (off == igdreg::kAsls) {
                asls++;
                FUZZ_CHECK(val == op_addr, "ASLS = 0x%x", val);
            } else if (off == igdreg::kBdsm) {
                bdsm32++;
                FUZZ_CHECK(val == bdsm_addr, "BDSM = 0x%x", val);
            } else if (off == igdreg::kBdsm64) {
                bdsm64++;
                FUZZ_CHECK(val == bdsm_addr, "BDSM64 = 0x%x", val);
            } else if (off == igdreg::kBdsm64 + 4) {
                bdsm64hi++;
                FUZZ_CHECK(val == 0, "BDSM64 high = 0x%x", val);
            } else {
                FUZZ_CHECK(false, "config write to offset 0x%x", off);
            }
        }
        FUZZ_CHECK(asls == !!op_addr, "%d ASLS writes", asls);
        // The fake config space holds every write: the generation's register
        // takes the address at once, no fallback write.
        FUZZ_CHECK(bdsm32 + bdsm64 == !!bdsm_addr && bdsm64 == bdsm64hi, "BDSM writes %d/%d/%d", bdsm32, bdsm64,
                   bdsm64hi);
        bool intel = is_intel(d);
        if (bdsm_addr && intel)
            FUZZ_CHECK(igd_bdsm_reg(igd_generation(d.device)).is64 == (bdsm64 == 1), "BDSM register for %04x",
                       d.device);
    }

    // The e820 map changed by exactly the reserved blocks: RAM became
    // reserved, nothing else moved.
    u64 taken = op_pages + (bdsm_addr ? bdsm_size : 0);
    FUZZ_CHECK(before.total(kE820Ram) - map.total(kE820Ram) == taken, "RAM shrank by 0x%llx, the quirk took 0x%llx",
               (unsigned long long)(before.total(kE820Ram) - map.total(kE820Ram)), (unsigned long long)taken);
    FUZZ_CHECK(map.total(kE820Reserved) - before.total(kE820Reserved) == taken, "reserved grew by 0x%llx, not 0x%llx",
               (unsigned long long)(map.total(kE820Reserved) - before.total(kE820Reserved)),
               (unsigned long long)taken);
    if (!taken) FUZZ_CHECK(e820_same(map, before), "the map changed without a reservation");

    // When the quirk gave up on valid input, there was no room (or no e820 slot).
    if (first >= 0 && !op_addr && op.present && op.size)
        FUZZ_CHECK(mem.largest_free(Zone::kHigh, 4096) < op_need ||
                       before.count() >= E820Map::kMaxEntries - 3,
                   "no OpRegion, though 0x%llx bytes are free",
                   (unsigned long long)mem.largest_free(Zone::kHigh, 4096));

    // End of POST: the quirk's blocks stay, reserved; temporary ones go.
    if (flags & 16) {
        std::vector<bool> was_reserved;
        for (const Live& b : live) was_reserved.push_back(mem.is_reserved(b.addr));
        mem.finalize();
        FUZZ_CHECK(!mem.alloc(Zone::kHigh, 16, 16, "late", Allocator::kQuiet), "alloc after finalize");
        std::vector<Live> kept;
        for (size_t i = 0; i < live.size(); i++) {
            const Live& b = live[i];
            bool stays = b.zone == Zone::kHigh || b.zone == Zone::kFseg || b.zone == Zone::kLow ||
                         (b.zone == Zone::kTmpHigh && was_reserved[i]);
            if (stays) kept.push_back(b);
            else FUZZ_CHECK(!mem.block_size(b.addr), "%s block 0x%x kept after POST", zone_name(b.zone), b.addr);
            if (b.zone == Zone::kHigh)
                FUZZ_CHECK(mem.is_reserved(b.addr) || reef::test::log_contains("not reserved"),
                           "high block 0x%x silently not reserved at finalize", b.addr);
        }
        check_blocks(mem, map, kept, "after finalize");
        if (op_addr) FUZZ_CHECK(e820_all(map, op_addr, op_addr + op_pages, kE820Reserved), "OpRegion lost");
        if (bdsm_addr) FUZZ_CHECK(e820_all(map, bdsm_addr, bdsm_addr + bdsm_size, kE820Reserved), "DSM lost");
    }
    print_log_if_asked();
    return 0;
}
