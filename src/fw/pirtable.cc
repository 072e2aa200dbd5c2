// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/pirtable.h"

#include "lib/checksum.h"
#include "lib/log.h"

namespace reef {
namespace {

// Device numbers on bus 0 with a function that has a valid interrupt pin
// (bit n = device n); a pin outside 1-4 is logged and ignored.
u32 devices_with_pins(const PciDevice* devs, int n, bool log) {
    u32 mask = 0;
    for (int i = 0; i < n; i++) {
        const PciDevice& d = devs[i];
        if (pci_bus(d.bdf) != 0 || d.irq_pin == 0) continue;
        if (d.irq_pin > 4) {
            if (log)
                dlog(1, "pir: %02x:%02x.%x reports interrupt pin %u (not INTA#-INTD#); left out\n",
                     pci_bus(d.bdf), pci_dev(d.bdf), pci_fn(d.bdf), d.irq_pin);
            continue;
        }
        mask |= 1u << pci_dev(d.bdf);
    }
    return mask;
}

int popcount(u32 v) {
    int c = 0;
    for (; v; v &= v - 1) c++;
    return c;
}

}  // namespace

u32 pir_table_size(const PciDevice* devs, int n) {
    return pir::kHeaderSize + pir::kSlotSize * u32(popcount(devices_with_pins(devs, n, false)));
}

u32 pir_build(const PciDevice* devs, int n, const IntxRouting& rt, void* buf, u32 capacity) {
    if (rt.npirqs == 0) {
        dlog(1, "pir: no known interrupt router; no routing table\n");
        return 0;
    }
    if (capacity < pir::kHeaderSize) {
        dlog(1, "pir: %u bytes cannot hold the 32-byte header; no routing table\n", capacity);
        return 0;
    }
    u32 devmask = devices_with_pins(devs, n, true);
    int want = popcount(devmask);
    int room = int((capacity - pir::kHeaderSize) / pir::kSlotSize);
    if (want > room)
        dlog(1, "pir: %d device slots need %u bytes, %u available; the table keeps the first %d\n", want,
             pir::kHeaderSize + pir::kSlotSize * u32(want), capacity, room);
    int nslots = want < room ? want : room;

    u8* out = static_cast<u8*>(buf);
    PirHeader h{};
    h.signature = pir::kSignature;
    h.version = pir::kVersion;
    h.size = u16(pir::kHeaderSize + pir::kSlotSize * u32(nslots));
    h.router_bus = pci_bus(rt.router_bdf);
    h.router_devfn = u8(rt.router_bdf);
    for (int line = 0; line < rt.npirqs; line++) h.exclusive_irqs |= u16(1u << rt.irq_of_line(line));
    h.compatible_router = rt.router_vendor | u32(rt.router_device) << 16;

    int s = 0;
    for (u8 dev = 0; dev < 32 && s < nslots; dev++) {
        if (!(devmask & (1u << dev))) continue;
        PirSlot e{};
        e.devfn = u8(dev << 3);
        for (u8 pin = 1; pin <= 4; pin++) {
            int line = rt.line_of(dev, pin);
            e.pins[pin - 1] = PirLink{rt.link_reg(line), pirq::kPciIrqMask};
        }
        e.slot = rt.embedded(dev) ? 0 : dev;
        __builtin_memcpy(out + pir::kHeaderSize + pir::kSlotSize * u32(s++), &e, sizeof(e));
    }
    __builtin_memcpy(out, &h, sizeof(h));
    out[__builtin_offsetof(PirHeader, checksum)] = checksum_byte(out, h.size);
    return h.size;
}

}  // namespace reef
