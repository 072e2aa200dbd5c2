// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/irqroute.h"

namespace reef {

int IntxRouting::line_of(u8 dev, u8 pin) const {
    if (pin < 1 || pin > 4 || npirqs == 0) return -1;
    int p = pin - 1;
    // PIIX3: the pins of device d rotate over PIRQ[A-D] starting at
    // (d - 1) mod 4 (so device 1, the PIIX3 itself, starts at A).
    if (chipset == Chipset::kI440fx) return (dev + 3 + p) & 3;
    // ICH9: devices 0-24 rotate over PIRQ[E-H] starting at d mod 4;
    // device 30 (the DMI-to-PCI bridge) sends INTA-D to PIRQ[E-H]; 25-29
    // and 31 follow their D<n>IR registers, whose reset value sends INTA-D
    // to PIRQ[A-D].
    if (dev <= 24) return 4 + ((dev + p) & 3);
    if (dev == 30) return 4 + p;
    return p;
}

IntxRouting intx_routing(Chipset c) {
    switch (c) {
    case Chipset::kI440fx: return IntxRouting{c, 0x0008, 0x8086, 0x7000, 4};
    case Chipset::kQ35: return IntxRouting{c, 0x00F8, 0x8086, 0x2918, 8};
    case Chipset::kUnknown: break;
    }
    return IntxRouting{Chipset::kUnknown, 0xFFFF, 0, 0, 0};
}

}  // namespace reef
