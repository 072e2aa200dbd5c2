// SPDX-License-Identifier: LGPL-3.0-or-later
// PCI INTx routing of QEMU's two chipsets, as their ACPI _PRT and the
// hardware describe it: which PIRQ line a device pin drives, which router
// register steers that line to an ISA IRQ, and the IRQs we steer them to.
// Pure logic: POST (src/fw/pci.cc), the $PIR and MP tables and the PCI BIOS
// all read it; the unit tests check it against QEMU's wiring.
#pragma once
#include "fw/pci_alloc.h"

namespace reef {

enum class Chipset : u8 { kUnknown, kI440fx, kQ35 };

namespace pirq {
// PIIX3 (i440FX, 00:01.0): PIRQRC[A-D] at 60h-63h.
// ICH9 LPC (Q35, 00:1f.0): PIRQ[A-D]_ROUT at 60h-63h, PIRQ[E-H]_ROUT at 68h-6Bh.
// Bit 7 of each register disables the route.
constexpr u8 kRouteA = 0x60, kRouteE = 0x68, kRouteDisable = 0x80;
// The ISA IRQs PCI interrupts may use, and the ones we route to.
constexpr u16 kPciIrqMask = (1u << 5) | (1u << 9) | (1u << 10) | (1u << 11);
constexpr u8 kIrqs[4] = {10, 10, 11, 11};
}  // namespace pirq

struct IntxRouting {
    Chipset chipset;
    u16 router_bdf;       // the interrupt router (PCI-to-ISA bridge)
    u16 router_vendor, router_device;
    int npirqs;           // PIRQ lines: 4 (PIIX3) or 8 (ICH9)

    // The router's configuration register for PIRQ line `line` (0 = A).
    u8 link_reg(int line) const {
        return line < 4 ? u8(pirq::kRouteA + line) : u8(pirq::kRouteE + line - 4);
    }
    // The PIRQ line (0 = A) that pin `pin` (1 = INTA#) of device `dev` on
    // bus 0 drives, or -1 when the pin is not 1-4.
    int line_of(u8 dev, u8 pin) const;
    // A device number of the chipset itself (no slot): the host bridge (0)
    // and the PIIX3 (1) on i440FX; the MCH (0) and the ICH9's own numbers
    // 25-31 on Q35.
    bool embedded(u8 dev) const {
        if (chipset == Chipset::kQ35) return dev == 0 || dev >= 25;
        return dev == 0 || dev == pci_dev(router_bdf);
    }
    // The ISA IRQ we steer PIRQ line `line` to.
    u8 irq_of_line(int line) const { return pirq::kIrqs[line & 3]; }
    // The ISA IRQ a bus-0 device pin ends up on, or 0xFF when none.
    u8 irq_of(u8 dev, u8 pin) const {
        int l = line_of(dev, pin);
        return l < 0 ? u8(0xFF) : irq_of_line(l);
    }
};

// The routing for a chipset; chipset kUnknown has npirqs == 0.
IntxRouting intx_routing(Chipset c);

}  // namespace reef
