// SPDX-License-Identifier: LGPL-3.0-or-later
#include <gtest/gtest.h>

#include "fw/irqroute.h"

using namespace reef;

// The expectations are QEMU's wiring: hw/isa/piix (pc) rotates pin + slot - 1
// over PIRQ[A-D]; hw/isa/lpc_ich9 (q35) rotates slots 0-24 over PIRQ[E-H],
// D30 to E-H, and the D25-D31 IR registers' reset value 0x3210 (INTA->A ...).
TEST(IntxRouting, PiixRotatesFromSlotMinusOne) {
    IntxRouting r = intx_routing(Chipset::kI440fx);
    EXPECT_EQ(r.npirqs, 4);
    EXPECT_EQ(r.router_bdf, 0x0008);
    EXPECT_EQ(r.line_of(1, 1), 0);   // PIIX3 INTA -> PIRQA
    EXPECT_EQ(r.line_of(1, 4), 3);   // UHCI at 01.2 uses INTD -> PIRQD
    EXPECT_EQ(r.line_of(2, 1), 1);
    EXPECT_EQ(r.line_of(3, 1), 2);
    EXPECT_EQ(r.line_of(4, 1), 3);
    EXPECT_EQ(r.line_of(5, 1), 0);
    EXPECT_EQ(r.line_of(5, 2), 1);
    EXPECT_EQ(r.line_of(0, 1), 3);
    EXPECT_EQ(r.irq_of(4, 1), 11);
    EXPECT_EQ(r.irq_of(5, 1), 10);
    EXPECT_EQ(r.irq_of(5, 0), 0xFF);
    EXPECT_EQ(r.irq_of(5, 5), 0xFF);
    EXPECT_EQ(r.link_reg(0), 0x60);
    EXPECT_EQ(r.link_reg(3), 0x63);
}

TEST(IntxRouting, Ich9SlotsAndFixedDevices) {
    IntxRouting r = intx_routing(Chipset::kQ35);
    EXPECT_EQ(r.npirqs, 8);
    EXPECT_EQ(r.router_bdf, 0x00F8);
    EXPECT_EQ(r.line_of(0, 1), 4);
    EXPECT_EQ(r.line_of(1, 1), 5);
    EXPECT_EQ(r.line_of(3, 2), 0 + 4);  // (3 + 1) & 3 = 0 -> PIRQE
    EXPECT_EQ(r.line_of(24, 1), 4);
    EXPECT_EQ(r.line_of(25, 1), 0);
    EXPECT_EQ(r.line_of(31, 1), 0);     // SATA/SMBus at 1f.x: PIRQA
    EXPECT_EQ(r.line_of(31, 2), 1);
    EXPECT_EQ(r.line_of(29, 4), 3);
    EXPECT_EQ(r.line_of(30, 1), 4);
    EXPECT_EQ(r.line_of(30, 4), 7);
    EXPECT_EQ(r.link_reg(4), 0x68);
    EXPECT_EQ(r.link_reg(7), 0x6B);
    EXPECT_EQ(r.irq_of(31, 1), 10);
    EXPECT_EQ(r.irq_of(2, 1), 11);     // PIRQG
}

TEST(IntxRouting, UnknownChipsetRoutesNothing) {
    IntxRouting r = intx_routing(Chipset::kUnknown);
    EXPECT_EQ(r.npirqs, 0);
    EXPECT_EQ(r.line_of(3, 1), -1);
    EXPECT_EQ(r.irq_of(3, 1), 0xFF);
}
