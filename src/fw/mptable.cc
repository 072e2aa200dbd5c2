// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/mptable.h"

#include "lib/checksum.h"

namespace reef {
namespace {

class Writer {
public:
    Writer(u8* p) : p_(p) {}
    void u8_(u32 v) { p_[n_++] = u8(v); }
    void u16_(u32 v) { u8_(v); u8_(v >> 8); }
    void u32_(u32 v) { u16_(v); u16_(v >> 16); }
    void str(const char* s, u32 width) {
        for (u32 i = 0; i < width; i++) u8_(*s ? u8(*s++) : u8(' '));
    }
    void zeros(u32 k) { while (k--) u8_(0); }
    u32 size() const { return n_; }

private:
    u8* p_;
    u32 n_ = 0;
};

constexpr int kIsaIrqs = 16;

// The IOAPIC input a PCI PIRQ line reaches: on i440FX through the PIIX3
// router's ISA IRQ; on Q35 the ICH9 also wires PIRQ[A-H] straight to
// IOAPIC inputs 16-23 (QEMU's APIC-mode _PRT uses those).
u8 ioapic_pin_of_line(const IntxRouting& r, int line) {
    return r.chipset == Chipset::kQ35 ? u8(16 + line) : r.irq_of_line(line);
}

// ISA IRQs whose IOAPIC input PCI takes (then no ISA entry is given).
u16 pci_owned_pins(const MpInput& in) {
    u16 m = 0;
    for (int i = 0; i < in.npci; i++) {
        int line = in.routing.line_of(in.pci[i].dev, in.pci[i].pin);
        if (line < 0) continue;
        u8 pin = ioapic_pin_of_line(in.routing, line);
        if (pin < kIsaIrqs) m = u16(m | (1u << pin));
    }
    return m;
}

int io_int_count(const MpInput& in) {
    int n = 1;  // ExtINT on input 0
    u16 owned = pci_owned_pins(in);
    for (int irq = 0; irq < kIsaIrqs; irq++) {
        u8 pin = irq == 0 ? 2 : u8(irq);
        if (irq != 2 && !(owned & (1u << pin))) n++;
    }
    for (int i = 0; i < in.npci; i++)
        if (in.routing.line_of(in.pci[i].dev, in.pci[i].pin) >= 0) n++;
    return n;
}

}  // namespace

u32 mptable_listed_cpus(const MpCpu* cpus, int ncpus) {
    u32 n = 0;
    for (int i = 0; i < ncpus; i++) n += cpus[i].apic_id <= mp::kMaxApicId;
    return n;
}

u32 mptable_size(const MpInput& in) {
    return mp::kHeaderSize + mptable_listed_cpus(in.cpus, in.ncpus) * mp::kCpuEntrySize +
           (2 /* buses */ + 1 /* IOAPIC */ + u32(io_int_count(in)) + 2 /* LINT0/1 */) * mp::kEntrySize;
}

u32 mptable_build(const MpInput& in, u8* buf, u32 max) {
    if (mptable_listed_cpus(in.cpus, in.ncpus) == 0) return 0;
    u32 len = mptable_size(in);
    if (len > max || len > 0xFFFF) return 0;
    int entries = 0;
    Writer w(buf);
    w.str("PCMP", 4);
    w.u16_(len);
    w.u8_(mp::kSpecRev);
    w.u8_(0);  // checksum, below
    w.str("REEFBIOS", 8);
    w.str("QEMU VM", 12);
    w.u32_(0);  // OEM table
    w.u16_(0);
    w.u16_(0);  // entry count, below
    w.u32_(in.lapic_addr);
    w.u16_(0);  // no extended entries
    w.u8_(0);
    w.u8_(0);

    for (int i = 0; i < in.ncpus; i++) {
        if (in.cpus[i].apic_id > mp::kMaxApicId) continue;
        entries++;
        w.u8_(mp::kEntryCpu);
        w.u8_(u8(in.cpus[i].apic_id));
        w.u8_(in.lapic_version);
        w.u8_(mp::kCpuEnabled | (in.cpus[i].bsp ? mp::kCpuBsp : 0));
        w.u32_(in.cpu_signature);
        w.u32_(in.cpu_features);
        w.zeros(8);
    }
    w.u8_(mp::kEntryBus), w.u8_(mp::kBusPci), w.str("PCI", 6), entries++;
    w.u8_(mp::kEntryBus), w.u8_(mp::kBusIsa), w.str("ISA", 6), entries++;
    w.u8_(mp::kEntryIoapic), w.u8_(in.ioapic_id), w.u8_(in.ioapic_version), w.u8_(1), w.u32_(in.ioapic_addr);
    entries++;

    auto io_int = [&](u8 type, u16 flags, u8 bus, u8 bus_irq, u8 pin) {
        w.u8_(mp::kEntryIoInt), w.u8_(type), w.u16_(flags), w.u8_(bus), w.u8_(bus_irq);
        w.u8_(in.ioapic_id), w.u8_(pin);
        entries++;
    };
    io_int(mp::kIntExtInt, mp::kFlagsConforming, mp::kBusIsa, 0, 0);
    u16 owned = pci_owned_pins(in);
    for (int irq = 0; irq < kIsaIrqs; irq++) {
        u8 pin = irq == 0 ? 2 : u8(irq);  // the PIT is on input 2
        if (irq == 2 || (owned & (1u << pin))) continue;
        u16 flags = in.sci_irq && irq == in.sci_irq ? mp::kFlagsLevelHigh : mp::kFlagsConforming;
        io_int(mp::kIntInt, flags, mp::kBusIsa, u8(irq), pin);
    }
    for (int i = 0; i < in.npci; i++) {
        const MpPciPin& p = in.pci[i];
        int line = in.routing.line_of(p.dev, p.pin);
        if (line < 0) continue;
        io_int(mp::kIntInt, mp::kFlagsLevelHigh, mp::kBusPci, u8((p.dev << 2) | (p.pin - 1)),
               ioapic_pin_of_line(in.routing, line));
    }
    for (u8 lint = 0; lint < 2; lint++, entries++) {
        w.u8_(mp::kEntryLocalInt), w.u8_(lint == 0 ? mp::kIntExtInt : mp::kIntNmi);
        w.u16_(mp::kFlagsConforming), w.u8_(mp::kBusIsa), w.u8_(0), w.u8_(mp::kAllLapics), w.u8_(lint);
    }
    buf[34] = u8(entries);
    buf[35] = u8(entries >> 8);
    buf[7] = checksum_byte(buf, len);
    return w.size();
}

void mp_floating_build(u8 out[mp::kFloatingSize], u32 table_addr) {
    Writer w(out);
    w.str("_MP_", 4);
    w.u32_(table_addr);
    w.u8_(1);  // length in paragraphs
    w.u8_(mp::kSpecRev);
    w.u8_(0);  // checksum
    w.u8_(0);  // feature 1: the configuration table is present
    w.u8_(0);  // feature 2: IMCRP clear, virtual wire mode
    w.zeros(3);
    out[10] = checksum_byte(out, mp::kFloatingSize);
}

}  // namespace reef
