// SPDX-License-Identifier: LGPL-3.0-or-later
// Floppy drives at POST: the drive types in CMOS register 10h become
// block-layer drives 00h/01h (with boot entries), the equipment word and
// IRQ6 are set up. The controller itself is not touched until the first
// access (src/hw/floppy.cc detects the medium then).
#include "hw/cmos.h"
#include "hw/floppy.h"
#include "hw/pic.h"
#include "lib/bda.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {
namespace {
constexpr u16 kEquipFloppy = 0x0001;       // bit 0: diskette drives present
constexpr u16 kEquipFloppyCountShift = 6;  // bits 7-6: drives - 1
constexpr u16 kEquipFloppyCountMask = 0x00C0;
constexpr u8 kFloppyIrq = 6;

// The first DMA controller cascades into channel 4 of the second (as SeaBIOS
// and the AT BIOS set them up); channel 2 gets programmed per transfer.
void isa_dma_setup() {
    using namespace isadma;
    Reset1::write(0);
    Reset2::write(0);
    Mode2::write(kModeCascade);  // channel 4 (bits 1-0 = 0)
    Mask2::write(0);             // unmask channel 4
}

const char* type_name(u8 t) {
    switch (t) {
    case floppy::kType360K: return "360K 5.25\"";
    case floppy::kType1M2: return "1.2M 5.25\"";
    case floppy::kType720K: return "720K 3.5\"";
    case floppy::kType1M44: return "1.44M 3.5\"";
    case floppy::kType2M88: return "2.88M 3.5\"";
    }
    return "?";
}
}  // namespace

void floppy_setup() {
    FloppyState& s = RT(g_floppy);
    s = FloppyState{};
    u8 types = cmos_read(cmos::kFloppyTypes);
    if (!types) return;
    for (u8 unit = 0; unit < 2; unit++) {
        u8 t = u8(unit ? types & 0x0F : types >> 4);
        if (!t) continue;
        const FloppyFormat* f = floppy_native_format(t);
        if (!f) {
            dlog(1, "floppy%d: CMOS drive type %u unknown; drive ignored\n", unit, t);
            continue;
        }
        FloppyDrive& d = s.drives[s.ndrives];
        d = FloppyDrive{};
        d.unit = unit;
        d.type = t;
        floppy_fill_dpt(*f, d.dpt);
        Drive& g = d.drive;
        g.driver = DriverType::kFloppy;
        g.kind = DriveKind::kFloppy;
        g.flags = Drive::kRemovable;
        g.sector_size = floppy::kSectorSize;
        // The drive's own medium until the first access detects the real one.
        g.lchs = Chs{f->cylinders, f->heads, f->spt};
        g.sectors = u32(f->cylinders) * f->heads * f->spt;
        g.translation = Translation::kNone;
        __builtin_memcpy(g.path.host_bus, "ISA ", 4);
        __builtin_memcpy(g.path.iface, "FDC     ", 8);
        g.path.device = unit;
        char desc[sizeof(BootEntry::desc)];
        snformat(desc, sizeof(desc), "Floppy [drive %c]", 'A' + unit);
        if (!block_register(&g, desc)) continue;
        dlog(1, "floppy%d: %s drive (CMOS type %u)\n", unit, type_name(t), t);
        s.ndrives++;
    }
    if (!s.ndrives) return;
    u16 equip = u16(BDA_GET(equipment) & ~(kEquipFloppy | kEquipFloppyCountMask));
    equip = u16(equip | kEquipFloppy | ((s.ndrives - 1) << kEquipFloppyCountShift));
    BDA_SET(equipment, equip);
    isa_dma_setup();
    pic::unmask(kFloppyIrq);
}

}  // namespace reef
