// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/memmap.h"

#include "fw/fwcfg.h"
#include "fw/platform.h"
#include "lib/log.h"

namespace reef {
namespace {

constexpr u64 k1M = 0x100000, k4G = 0x100000000ull;

// QEMU's etc/e820 entry: le64 address, le64 length, le32 type.
struct QemuE820 {
    u64 address;
    u64 length;
    u32 type;
} PACKED;

bool from_fwcfg(E820Map& map) {
    const FwCfgFile* f = fwcfg().present() ? fwcfg().find("etc/e820") : nullptr;
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
    fwcfg().read_file(*f, 0, entries, n * sizeof(QemuE820));
    bool ram = false;
    for (u32 i = 0; i < n; i++) {
        const QemuE820& e = entries[i];
        dlog(3, "memmap: fw_cfg e820 0x%llx+0x%llx type %u\n", (unsigned long long)e.address,
             (unsigned long long)e.length, e.type);
        if (e.length == 0 || e.address + e.length < e.address) continue;
        if (e.type == kE820Ram) {
            // Below 1 MiB the firmware owns the layout.
            u64 base = max(e.address, k1M), end = e.address + e.length;
            if (end > base) {
                map.add(base, end - base, kE820Ram);
                ram = true;
            }
        } else {
            map.add(e.address, e.length, e.type);
        }
    }
    return ram;
}

void from_cmos(E820Map& map) {
    u64 above16m = (u64(cmos_read(cmos::kMemAbove16MHigh)) << 8 | cmos_read(cmos::kMemAbove16MLow)) << 16;
    u64 low_top;
    if (above16m) {
        low_top = 16 * MiB + above16m;
    } else {
        u64 kb = u64(cmos_read(cmos::kExtMemHigh)) << 8 | cmos_read(cmos::kExtMemLow);
        low_top = k1M + kb * 1024;
    }
    u64 high = (u64(cmos_read(cmos::kMemAbove4G2)) << 16 | u64(cmos_read(cmos::kMemAbove4G1)) << 8 |
                cmos_read(cmos::kMemAbove4G0)) << 16;
    map.add(k1M, low_top - k1M, kE820Ram);
    if (high) map.add(k4G, high, kE820Ram);
}

}  // namespace

RamInfo memmap_setup(E820Map& map) {
    map.clear();
    RamInfo info{};
    info.from_fwcfg = from_fwcfg(map);
    if (!info.from_fwcfg) {
        map.clear();
        from_cmos(map);
    }
    u64 ebda = CONV_MEM_END - EBDA_SIZE_KB * 1024;
    map.add(0, ebda, kE820Ram);
    map.add(ebda, CONV_MEM_END - ebda, kE820Reserved);
    map.add(ROM_BASE, k1M - ROM_BASE, kE820Reserved);
    map.add(ROM_HIGH_BASE, ROM_SIZE, kE820Reserved);
    info.low_top = map.ram_top_below(k4G);
    info.high_bytes = map.total(kE820Ram, k4G);
    dlog(1, "memmap: RAM %llu MiB below 4 GiB, %llu MiB above (from %s)\n",
         (unsigned long long)(info.low_top >> 20), (unsigned long long)(info.high_bytes >> 20),
         info.from_fwcfg ? "fw_cfg etc/e820" : "CMOS");
    return info;
}

}  // namespace reef
