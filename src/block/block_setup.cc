// SPDX-License-Identifier: LGPL-3.0-or-later
// The block layer at POST: drivers register their drives; once all have,
// the boot list gets its default order and the BDA its disk count.
#include "block/block.h"
#include "block/cdemu.h"
#include "fw/bootpaths.h"
#include "fw/malloc.h"
#include "fw/pci.h"
#include "hw/cmos.h"
#include "hw/disk_geometry.h"
#include "lib/bda.h"
#include "lib/checksum.h"
#include "lib/far.h"
#include "lib/log.h"

namespace reef {
namespace {

BootKind boot_kind(DriveKind k) {
    switch (k) {
    case DriveKind::kFloppy: return BootKind::kFloppy;
    case DriveKind::kCdrom: return BootKind::kCdrom;
    default: return BootKind::kHd;
    }
}

const char* kind_name(BootKind k) {
    switch (k) {
    case BootKind::kFloppy: return "floppy";
    case BootKind::kHd: return "hd";
    case BootKind::kCdrom: return "cd";
    case BootKind::kBev: return "bev";
    case BootKind::kBcv: return "bcv";
    }
    return "?";
}

// The translated fixed disk parameter table (INT 41h/46h) of hard disk
// 80h/81h, in the EBDA.
void set_fdpt(int idx, const Drive& d) {
    u8 t[16] = {};
    u16 lcyl = d.lchs.cylinders, pcyl = d.pchs.cylinders ? d.pchs.cylinders : lcyl;
    t[0] = u8(lcyl);
    t[1] = u8(lcyl >> 8);
    t[2] = u8(d.lchs.heads);
    t[3] = 0xA0;  // signature: translated table
    t[4] = u8(d.pchs.spt ? d.pchs.spt : d.lchs.spt);
    t[5] = 0xFF;  // write precompensation: none
    t[6] = 0xFF;
    t[8] = u8(d.lchs.heads > 8 ? 0x08 : 0x00);
    t[9] = u8(pcyl);
    t[10] = u8(pcyl >> 8);
    t[11] = u8(d.pchs.heads ? d.pchs.heads : d.lchs.heads);
    t[12] = t[9];
    t[13] = t[10];
    t[14] = u8(d.lchs.spt);
    t[15] = checksum_byte(t, 15);
    u16 ebda = BDA_GET(ebda_seg);
    u16 off = u16(__builtin_offsetof(Ebda, fdpt) + 16 * idx);
    far_copy_to(ebda, off, t, 16);
    far_write<SegOff>(0, (idx ? 0x46 : 0x41) * 4u, SegOff{off, ebda});
}

// QEMU's -boot order= in CMOS (3Dh low/high nibble, 38h high nibble):
// 1 floppy, 2 hard disk, 3 CD-ROM, 4 network. The position of a kind in it
// is its priority; kinds not named come after, in SeaBIOS's default order.
u8 cmos_priority(BootKind k) {
    u8 b12 = cmos_read(cmos::kBootOrder12);
    u8 order[3] = {u8(b12 & 0x0F), u8(b12 >> 4), u8(cmos_read(cmos::kBootOrder3) >> 4)};
    u8 code = k == BootKind::kFloppy ? 1 : (k == BootKind::kHd || k == BootKind::kBcv) ? 2 : k == BootKind::kCdrom ? 3 : 4;
    for (u8 i = 0; i < 3; i++)
        if (order[i] == code) return i;
    return u8(3 + code);
}

// Entries that bootorder lists boot first, in its order; the others after
// them in the CMOS order.
constexpr u8 kUnlistedPriority = 64;

u8 boot_priority(const BootEntry& e) {
    int pos = bootorder_position(e);
    return pos >= 0 ? u8(pos) : u8(kUnlistedPriority + cmos_priority(e.kind));
}

}  // namespace

bool block_register_vector(BootKind kind, u16 seg, u16 off, const char* desc, u8 bios_drive) {
    BootList& b = RT(g_boot);
    if (b.count >= BootList::kMax) return false;
    BootEntry& e = b.entry[b.count++];
    e = BootEntry{};
    e.kind = kind;
    e.vec_seg = seg;
    e.vec_off = off;
    e.bios_drive = bios_drive;
    u32 i = 0;
    for (; desc[i] && i + 1 < sizeof(e.desc); i++) e.desc[i] = desc[i];
    e.desc[i] = 0;
    return true;
}

void block_init_pci_hd(Drive& g, DriverType t, u64 sectors, u16 sector_size, u16 bdf, const char* iface) {
    g.driver = t;
    g.kind = DriveKind::kHd;
    g.sector_size = sector_size;
    g.sectors = sectors;
    Geometry geo = disk_translate(sectors);
    g.lchs = Chs{geo.cylinders, geo.heads, geo.spt};
    g.pchs = g.lchs;
    g.translation = Translation::kLba;
    DrivePath& p = g.path;
    __builtin_memcpy(p.host_bus, "PCI ", 4);
    __builtin_memcpy(p.iface, iface, 8);
    p.bus = pci_bus(bdf);
    p.slot = pci_dev(bdf);
    p.func = pci_fn(bdf);
}

bool block_register(Drive* d, const char* desc) {
    DriveMap& m = RT(g_drives);
    RtPtr<Drive> p = RtPtr<Drive>::of(d);
    switch (d->kind) {
    case DriveKind::kHd:
        if (m.nhd >= DriveMap::kMaxHd) return false;
        m.hd[m.nhd++] = p;
        break;
    case DriveKind::kFloppy:
        if (m.nfloppy >= DriveMap::kMaxFloppy) return false;
        m.floppy[m.nfloppy++] = p;
        break;
    case DriveKind::kCdrom:
        if (m.ncd >= DriveMap::kMaxCd) return false;
        m.cd[m.ncd++] = p;
        break;
    }
    BootList& b = RT(g_boot);
    if (b.count < BootList::kMax) {
        BootEntry& e = b.entry[b.count++];
        e = BootEntry{};
        e.kind = boot_kind(d->kind);
        e.drive = p;
        u32 i = 0;
        for (; desc[i] && i + 1 < sizeof(e.desc); i++) e.desc[i] = desc[i];
        e.desc[i] = 0;
    }
    return true;
}

void block_order_boot_list() {
    BootList& b = RT(g_boot);
    for (int i = 0; i < b.count; i++) b.entry[i].priority = boot_priority(b.entry[i]);
    // Stable sort by priority (registration order breaks ties).
    for (int i = 1; i < b.count; i++)
        for (int j = i; j > 0 && b.entry[j - 1].priority > b.entry[j].priority; j--) {
            BootEntry t = b.entry[j];
            b.entry[j] = b.entry[j - 1];
            b.entry[j - 1] = t;
        }
    // -boot strict=on (HALT): what bootorder does not list does not boot.
    if (bootorder_strict()) {
        int n = 0;
        for (int i = 0; i < b.count; i++) {
            if (b.entry[i].priority < kUnlistedPriority) b.entry[n++] = b.entry[i];
            else dlog(2, "boot: %s not in bootorder (HALT); not booted\n", b.entry[i].desc);
        }
        b.count = u8(n);
    }
    for (int i = 0; i < b.count; i++)
        dlog(2, "boot: %d. %s %s\n", i + 1, kind_name(b.entry[i].kind), b.entry[i].desc);
}

void block_finish_setup() {
    DriveMap& m = RT(g_drives);
    BDA_SET(hdcount, m.nhd);
    // El Torito emulation reads CD sectors that only partly belong to a
    // request through this buffer (block32.cc).
    RT(g_cdboot) = CdBootState{};
    if (m.ncd) RT(g_cdboot).bounce = post_alloc().alloc(Zone::kHigh, kCdSectorSize, 16, "CD emulation buffer");
    for (int i = 0; i < m.nhd && i < 2; i++) set_fdpt(i, *m.hd[i]);
}

}  // namespace reef
