// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/memmap.h"

#include "lib/log.h"

namespace reef {
namespace {

constexpr u64 k1M = 0x100000, k4G = 0x100000000ull;

// CMOS memory size registers (QEMU fills them like a PC/AT BIOS setup).
constexpr u8 kCmosExtMemLow = 0x30, kCmosExtMemHigh = 0x31;            // KiB above 1 MiB
constexpr u8 kCmosAbove16MLow = 0x34, kCmosAbove16MHigh = 0x35;        // 64 KiB units
constexpr u8 kCmosAbove4G0 = 0x5B, kCmosAbove4G1 = 0x5C, kCmosAbove4G2 = 0x5D;  // 64 KiB units

// QEMU's etc/e820 entry: le64 address, le64 length, le32 type.
struct QemuE820 {
    u64 address;
    u64 length;
    u32 type;
} PACKED;

bool from_fwcfg(E820Map& map, const FwCfg& fw) {
    const FwCfgFile* f = fw.present() ? fw.find("etc/e820") : nullptr;
    if (!f) return false;
    if (f->size == 0 || f->size % sizeof(QemuE820)) {
        dlog(1, "memmap: etc/e820 has a malformed size (%u bytes); using CMOS\n", f->size);
        return false;
    }
    u32 n = f->size / sizeof(QemuE820);
    constexpr u32 kMax = 32;
    if (n > kMax) {
        dlog(1, "memmap: etc/e820 has %u entries, only %u used\n", n, kMax);
        n = kMax;
    }
    QemuE820 entries[kMax];
    fw.read_file(*f, 0, entries, n * sizeof(QemuE820));
    bool ram = false;
    u32 dropped = 0;
    for (u32 i = 0; i < n; i++) {
        const QemuE820& e = entries[i];
        dlog(3, "memmap: fw_cfg e820 0x%llx+0x%llx type %u\n", (unsigned long long)e.address,
             (unsigned long long)e.length, e.type);
        if (e.length == 0 || e.address + e.length < e.address || e.type == 0) continue;
        // Below 1 MiB the firmware owns the layout, and the ROM's high alias
        // stays reserved: an entry only types what lies outside both, in up
        // to two pieces (below the alias, above 4 GiB).
        u64 base = max<u64>(e.address, k1M), end = e.address + e.length;
        u64 piece[2][2] = {{base, min<u64>(end, IMAGE_HIGH_BASE)}, {max<u64>(base, k4G), end}};
        bool added = false, full = false;
        for (auto& p : piece) {
            if (p[1] <= p[0]) continue;
            if (map.add(p[0], p[1] - p[0], e.type)) added = true;
            else full = true;
        }
        if (full) dropped++;
        if (added && e.type == kE820Ram) ram = true;
    }
    if (dropped) dlog(1, "memmap: e820 table full, %u etc/e820 entries dropped\n", dropped);
    return ram;
}

void from_cmos(E820Map& map, CmosReader cmos) {
    u64 above16m = (u64(cmos(kCmosAbove16MHigh)) << 8 | cmos(kCmosAbove16MLow)) << 16;
    u64 low_top;
    if (above16m) {
        low_top = 16 * MiB + above16m;
    } else {
        u64 kb = u64(cmos(kCmosExtMemHigh)) << 8 | cmos(kCmosExtMemLow);
        low_top = k1M + kb * 1024;
    }
    // 34h/35h can say up to 4 GiB + 16 MiB - 64 KiB: RAM never covers the
    // ROM's high alias (nor crosses 4 GiB).
    low_top = min<u64>(low_top, IMAGE_HIGH_BASE);
    u64 high = (u64(cmos(kCmosAbove4G2)) << 16 | u64(cmos(kCmosAbove4G1)) << 8 | cmos(kCmosAbove4G0)) << 16;
    map.add(k1M, low_top - k1M, kE820Ram);
    if (high) map.add(k4G, high, kE820Ram);
}

}  // namespace

RamInfo memmap_setup(E820Map& map, const FwCfg& fw, CmosReader cmos) {
    // The platform's own ranges go in first, so that a long etc/e820 can
    // never crowd them out of the table.
    map.clear();
    u64 ebda = CONV_MEM_END - EBDA_SIZE_KB * 1024;
    map.add(0, ebda, kE820Ram);
    map.add(ebda, CONV_MEM_END - ebda, kE820Reserved);
    map.add(ROM_BASE, k1M - ROM_BASE, kE820Reserved);
    map.add(IMAGE_HIGH_BASE, IMAGE_SIZE, kE820Reserved);
    RamInfo info{};
    info.from_fwcfg = from_fwcfg(map, fw);
    if (!info.from_fwcfg) from_cmos(map, cmos);
    info.low_top = map.ram_top_below(k4G);
    info.high_bytes = map.total(kE820Ram, k4G);
    dlog(1, "memmap: RAM %llu MiB below 4 GiB, %llu MiB above (from %s)\n",
         (unsigned long long)(info.low_top >> 20), (unsigned long long)(info.high_bytes >> 20),
         info.from_fwcfg ? "fw_cfg etc/e820" : "CMOS");
    return info;
}

}  // namespace reef
