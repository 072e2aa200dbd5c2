// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: QEMU's etc/e820 file and the CMOS memory-size registers
// through memmap_setup() (src/fw/memmap.cc), then a sequence of E820Map
// add/remove operations checked against a naive reference model.
//
// Input:
//   u8      flags: bit 0 no fw_cfg device, bit 1 no etc/e820 file
//   u8[7]   CMOS 30h, 31h, 34h, 35h, 5Bh, 5Ch, 5Dh
//   u16     length of the etc/e820 file, then that many bytes (fewer if the
//           input ends: the file is what is there)
//   ops     the rest, one operation each on the resulting map:
//           u8 op: bits 0-2 type, bit 3 remove (else add), bit 4 raw
//           raw:  u64 base, u64 size          (anywhere in the 64-bit space)
//           else: u16 base, u16 size in pages (the first 256 MiB)
#include <algorithm>

#include "fuzz_support.h"
#include "fw/malloc.h"
#include "fw/memmap.h"
#include "layout.h"

using namespace reef;
using namespace reef::fuzz;

namespace {

constexpr u64 k1M = 0x100000, k4G = 0x100000000ull;
constexpr u64 kEbda = CONV_MEM_END - EBDA_SIZE_KB * 1024;

u8 g_cmos[128];
u8 fake_cmos(u8 index) {
    FUZZ_CHECK(index < sizeof(g_cmos), "CMOS register 0x%x read", index);
    return g_cmos[index];
}

// ---- the reference model: a plain list, painted naively ---------------------

struct Ent {
    u64 base, end;  // end may be 2^64 only in theory: add() refuses that
    u32 type;
};
using Model = std::vector<Ent>;

FUZZ_HARNESS Model model_of(const E820Map& m) {
    Model v;
    for (int i = 0; i < m.count(); i++) v.push_back({m.at(i).base, m.at(i).end(), m.at(i).type});
    return v;
}

FUZZ_HARNESS Model model_remove(const Model& in, u64 lo, u64 hi) {
    Model out;
    for (const Ent& e : in) {
        if (e.end <= lo || e.base >= hi) {
            out.push_back(e);
            continue;
        }
        if (e.base < lo) out.push_back({e.base, lo, e.type});
        if (e.end > hi) out.push_back({hi, e.end, e.type});
    }
    return out;
}

FUZZ_HARNESS Model model_add(const Model& in, u64 lo, u64 hi, u32 type) {
    Model out = model_remove(in, lo, hi);
    out.push_back({lo, hi, type});
    std::sort(out.begin(), out.end(), [](const Ent& a, const Ent& b) { return a.base < b.base; });
    Model merged;
    for (const Ent& e : out) {
        if (!merged.empty() && merged.back().end == e.base && merged.back().type == e.type) merged.back().end = e.end;
        else merged.push_back(e);
    }
    return merged;
}

FUZZ_HARNESS bool same(const E820Map& m, const Model& model) {
    if (size_t(m.count()) != model.size()) return false;
    for (int i = 0; i < m.count(); i++)
        if (m.at(i).base != model[i].base || m.at(i).end() != model[i].end || m.at(i).type != model[i].type)
            return false;
    return true;
}

FUZZ_HARNESS void dump_model(const Model& model) {
    std::fprintf(stderr, "expected, %zu entries:\n", model.size());
    for (const Ent& e : model)
        std::fprintf(stderr, "  0x%016llx-0x%016llx %u\n", (unsigned long long)e.base, (unsigned long long)e.end,
                     e.type);
}

FUZZ_HARNESS u64 model_total(const Model& model, u32 type, u64 lo, u64 hi) {
    u64 sum = 0;
    for (const Ent& e : model) {
        u64 b = std::max(e.base, lo), t = std::min(e.end, hi);
        if (e.type == type && t > b) sum += t - b;
    }
    return sum;
}

FUZZ_HARNESS u32 model_type_at(const Model& model, u64 addr) {
    for (const Ent& e : model)
        if (addr >= e.base && addr < e.end) return e.type;
    return 0;
}

// ---- memmap_setup ---------------------------------------------------------------

FUZZ_HARNESS void check_memmap(const E820Map& map, const RamInfo& info, bool fw_present, bool file_present,
                               u32 file_size) {
    check_e820(map, "after memmap_setup");
    // The platform's fixed ranges, whatever the hypervisor said.
    FUZZ_CHECK(e820_all(map, 0, kEbda, kE820Ram), "conventional memory [0, 0x%llx) is not all RAM",
               (unsigned long long)kEbda);
    FUZZ_CHECK(e820_all(map, kEbda, CONV_MEM_END, kE820Reserved), "the EBDA is not reserved");
    for (int i = 0; i < map.count(); i++)
        FUZZ_CHECK(map.at(i).end() <= CONV_MEM_END || map.at(i).base >= ROM_BASE,
                   "entry %d (type %u) reaches into the VGA/option ROM window 0xA0000-0x%x, which is a hole", i,
                   map.at(i).type, ROM_BASE);
    FUZZ_CHECK(e820_all(map, ROM_BASE, k1M, kE820Reserved), "the BIOS area is not reserved");
    FUZZ_CHECK(e820_all(map, IMAGE_HIGH_BASE, k4G, kE820Reserved), "the ROM's high alias is not reserved");
    // What POST hands on.
    FUZZ_CHECK(info.low_top == map.ram_top_below(k4G), "low_top 0x%llx", (unsigned long long)info.low_top);
    FUZZ_CHECK(info.low_top <= IMAGE_HIGH_BASE, "low_top 0x%llx reaches into the ROM alias",
               (unsigned long long)info.low_top);
    FUZZ_CHECK(info.high_bytes == map.total(kE820Ram, k4G), "high_bytes 0x%llx", (unsigned long long)info.high_bytes);
    bool usable_file = fw_present && file_present && file_size && file_size % 20 == 0;
    FUZZ_CHECK(!info.from_fwcfg || usable_file, "from_fwcfg without a usable etc/e820");
    if (!fw_present || !file_present) {
        // The CMOS alone decides RAM above 1 MiB.
        u64 above16m = (u64(g_cmos[0x35]) << 8 | g_cmos[0x34]) << 16;
        u64 top = above16m ? 16 * MiB + above16m : k1M + (u64(g_cmos[0x31]) << 8 | g_cmos[0x30]) * 1024;
        u64 high = (u64(g_cmos[0x5D]) << 16 | u64(g_cmos[0x5C]) << 8 | g_cmos[0x5B]) << 16;
        u64 want_low = std::min<u64>(top, IMAGE_HIGH_BASE) - k1M;
        FUZZ_CHECK(map.total(kE820Ram, k1M, k4G) == want_low, "CMOS says 0x%llx bytes above 1 MiB, map has 0x%llx",
                   (unsigned long long)want_low, (unsigned long long)map.total(kE820Ram, k1M, k4G));
        FUZZ_CHECK(info.high_bytes == high, "CMOS says 0x%llx above 4 GiB, map has 0x%llx",
                   (unsigned long long)high, (unsigned long long)info.high_bytes);
    }
    // The allocator's zones come from this map: they must be RAM.
    ZoneLayout z;
    if (zones_from_e820(map, z)) {
        FUZZ_CHECK(z.high.size() == kHighZoneSize, "high zone 0x%x-0x%x", z.high.base, z.high.end);
        FUZZ_CHECK(z.high.end <= info.low_top && z.tmphigh.base >= k1M && z.tmphigh.end == z.high.base,
                   "zones 0x%x-0x%x, 0x%x-0x%x", z.tmphigh.base, z.tmphigh.end, z.high.base, z.high.end);
        FUZZ_CHECK(e820_all(map, z.high.base, z.high.end, kE820Ram), "high zone is not all RAM");
        FUZZ_CHECK(e820_all(map, z.tmphigh.base, z.tmphigh.end, kE820Ram), "tmphigh zone is not all RAM");
        FUZZ_CHECK(z.high.base % 4096 == 0 && z.tmphigh.base % 4096 == 0, "zones not page aligned");
    }
}

// ---- E820Map operations ----------------------------------------------------------

FUZZ_HARNESS void run_ops(E820Map& map, Reader& r) {
    for (int n = 0; !r.empty() && n < 256; n++) {
        u8 op = r.u8v();
        u32 type = op & 7;
        bool remove = op & 8;
        u64 base, size;
        if (op & 0x10) {
            base = r.u64v();
            size = r.u64v();
        } else {
            base = u64(r.u16v()) << 12;
            size = u64(r.u16v()) << 12;
        }
        const E820Map before = map;
        const Model model = model_of(map);
        bool bad = !size || base + size < base || (!remove && !type);
        bool ok = remove ? map.remove(base, size) : map.add(base, size, type);
        check_e820(map, remove ? "after remove()" : "after add()");
        if (!ok) {
            FUZZ_CHECK(e820_same(map, before), "a refused %s changed the map", remove ? "remove" : "add");
            // Refusing is only for bad ranges and a (nearly) full table.
            FUZZ_CHECK(bad || before.count() >= E820Map::kMaxEntries - (remove ? 0 : 1),
                       "%s(0x%llx, 0x%llx, %u) refused with %d entries", remove ? "remove" : "add",
                       (unsigned long long)base, (unsigned long long)size, type, before.count());
            continue;
        }
        FUZZ_CHECK(!bad, "%s(0x%llx, 0x%llx, %u) of a bad range succeeded", remove ? "remove" : "add",
                   (unsigned long long)base, (unsigned long long)size, type);
        Model want = remove ? model_remove(model, base, base + size) : model_add(model, base, base + size, type);
        if (!same(map, want)) {
            dump_e820(before);
            dump_e820(map);
            dump_model(want);
            FUZZ_CHECK(false, "%s(0x%llx, 0x%llx, %u) gave the wrong map", remove ? "remove" : "add",
                       (unsigned long long)base, (unsigned long long)size, type);
        }
        // The queries agree with the model around the range.
        u64 last = base + size - 1;
        for (u64 a : {base, last, base - 1, last + 1})
            FUZZ_CHECK(map.type_at(a) == model_type_at(want, a), "type_at(0x%llx)", (unsigned long long)a);
        for (u32 t = 1; t <= 7; t++)
            FUZZ_CHECK(map.total(t, base, base + size) == model_total(want, t, base, base + size), "total(%u)", t);
    }
}

}  // namespace

FUZZ_HARNESS extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
    reef::test::clear_log();
    Reader r(data, size);
    u8 flags = r.u8v();
    std::memset(g_cmos, 0, sizeof(g_cmos));
    for (u8 reg : {0x30, 0x31, 0x34, 0x35, 0x5B, 0x5C, 0x5D}) g_cmos[reg] = r.u8v();
    u16 file_len = r.u16v();
    std::vector<unsigned char> file = r.bytes(file_len);

    FwCfgDevice dev;
    dev.present = !(flags & 1);
    dev.add("etc/boot-fail-wait", 4, {5, 0, 0, 0});
    bool file_present = !(flags & 2);
    if (file_present) dev.add("etc/e820", u32(file.size()), file);
    dev.add("etc/table-loader", 4096, {});
    FwCfg fw;
    fw.init(&dev);

    E820Map map;
    // Whatever an earlier map held must not matter.
    map.add(0x12345000, 0x1000, kE820Nvs);
    RamInfo info = memmap_setup(map, fw, fake_cmos);
    check_memmap(map, info, dev.present, file_present, u32(file.size()));

    run_ops(map, r);
    print_log_if_asked();
    return 0;
}
