// SPDX-License-Identifier: LGPL-3.0-or-later
// The $PIR table: layout, checksum, QEMU pc and q35 slot entries, bad input.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "fw/pirtable.h"
#include "host_support.h"

using namespace reef;

namespace {

PciDevice dev(u8 d, u8 fn, u8 pin, u8 bus = 0) {
    PciDevice x{};
    x.bdf = pci_bdf(bus, d, fn);
    x.vendor = 0x8086;
    x.device = 0x1234;
    x.irq_pin = pin;
    return x;
}

// What QEMU -M pc shows on bus 0: i440FX, PIIX3 ISA/IDE/PM (PM: INTA),
// VGA (no pin), e1000 at 3 (INTA), and a two-function device at 5.
std::vector<PciDevice> pc_devices() {
    return {dev(0, 0, 0), dev(1, 0, 0), dev(1, 1, 0), dev(1, 3, 1), dev(2, 0, 0),
            dev(3, 0, 1), dev(5, 0, 1), dev(5, 1, 2)};
}

// -M q35: MCH, VGA, e1000e at 2 (INTA), ICH9 LPC, SATA (INTA), SMBus (INTB).
std::vector<PciDevice> q35_devices() {
    return {dev(0, 0, 0), dev(1, 0, 0), dev(2, 0, 1), dev(31, 0, 0), dev(31, 2, 1), dev(31, 3, 2)};
}

struct Table {
    std::vector<u8> bytes;
    u32 size;
    const PirHeader& h() const { return *reinterpret_cast<const PirHeader*>(bytes.data()); }
    const PirSlot& slot(int i) const {
        return *reinterpret_cast<const PirSlot*>(bytes.data() + pir::kHeaderSize + pir::kSlotSize * i);
    }
    int nslots() const { return int((size - pir::kHeaderSize) / pir::kSlotSize); }
};

Table build(const std::vector<PciDevice>& devs, Chipset c, u32 capacity = pir::kMaxSize) {
    Table t;
    t.bytes.assign(capacity + 16, 0xEE);  // a guard past the capacity
    t.size = pir_build(devs.data(), int(devs.size()), intx_routing(c), t.bytes.data(), capacity);
    return t;
}

u8 sum(const u8* p, u32 n) {
    u8 s = 0;
    for (u32 i = 0; i < n; i++) s = u8(s + p[i]);
    return s;
}

// Slot entry for device `dev` with slot number `slot` and links a-d for
// INTA#-INTD#, each with the PCI IRQ bitmap.
void expect_slot(const PirSlot& s, u8 dev, u8 slot, u8 a, u8 b, u8 c, u8 d) {
    EXPECT_EQ(s.bus, 0);
    EXPECT_EQ(s.devfn, dev << 3);
    EXPECT_EQ(s.slot, slot);
    EXPECT_EQ(s.reserved, 0);
    const u8 want[4] = {a, b, c, d};
    for (int p = 0; p < 4; p++) {
        EXPECT_EQ(s.pins[p].link, want[p]) << "device " << int(dev) << " pin " << p;
        EXPECT_EQ(s.pins[p].bitmap, pirq::kPciIrqMask) << "device " << int(dev) << " pin " << p;
    }
}

}  // namespace

TEST(PirTable, HeaderLayoutAndChecksum) {
    Table t = build(pc_devices(), Chipset::kI440fx);
    ASSERT_EQ(t.size, 32u + 3 * 16u);
    EXPECT_EQ(std::memcmp(t.bytes.data(), "$PIR", 4), 0);
    EXPECT_EQ(t.bytes[4], 0x00);  // version 1.0, minor byte first
    EXPECT_EQ(t.bytes[5], 0x01);
    EXPECT_EQ(t.h().size, t.size);
    EXPECT_EQ(t.h().router_bus, 0);
    EXPECT_EQ(t.h().router_devfn, 0x08);  // 00:01.0
    EXPECT_EQ(t.h().exclusive_irqs, (1u << 10) | (1u << 11));
    EXPECT_EQ(t.h().compatible_router, 0x70008086u);
    EXPECT_EQ(t.h().miniport_data, 0u);
    for (u8 b : t.h().reserved) EXPECT_EQ(b, 0);
    EXPECT_EQ(sum(t.bytes.data(), t.size), 0);
    EXPECT_NE(t.h().checksum, 0);  // this table needs a non-zero fix-up byte
    EXPECT_EQ(t.size, pir_table_size(pc_devices().data(), int(pc_devices().size())));
    for (u32 i = t.size; i < t.bytes.size(); i++) ASSERT_EQ(t.bytes[i], 0xEE) << "wrote past the table at " << i;
}

TEST(PirTable, PcSlotsRotateFromSlotMinusOne) {
    Table t = build(pc_devices(), Chipset::kI440fx);
    ASSERT_EQ(t.nslots(), 3);
    // 00:01 (the PIIX3, embedded): INTA -> PIRQA (60h) ...
    expect_slot(t.slot(0), 1, 0, 0x60, 0x61, 0x62, 0x63);
    // 00:03: INTA -> PIRQC, as QEMU's piix wiring and the ACPI _PRT say.
    expect_slot(t.slot(1), 3, 3, 0x62, 0x63, 0x60, 0x61);
    // 00:05, two functions, one entry.
    expect_slot(t.slot(2), 5, 5, 0x60, 0x61, 0x62, 0x63);
}

TEST(PirTable, Q35SlotsUsePirqEtoHAndTheIch9Devices) {
    Table t = build(q35_devices(), Chipset::kQ35);
    ASSERT_EQ(t.nslots(), 2);
    EXPECT_EQ(t.h().router_devfn, 0xF8);  // 00:1f.0
    EXPECT_EQ(t.h().compatible_router, 0x29188086u);
    EXPECT_EQ(t.h().exclusive_irqs, (1u << 10) | (1u << 11));
    // 00:02: slots 0-24 rotate over PIRQ[E-H] (68h-6Bh) from dev mod 4.
    expect_slot(t.slot(0), 2, 2, 0x6A, 0x6B, 0x68, 0x69);
    // 00:1f (ICH9, embedded): D31IR's reset value, INTA-D -> PIRQA-D.
    expect_slot(t.slot(1), 31, 0, 0x60, 0x61, 0x62, 0x63);
    EXPECT_EQ(sum(t.bytes.data(), t.size), 0);
}

TEST(PirTable, DevicesWithoutPinsOrOffBusZeroGetNoEntry) {
    std::vector<PciDevice> devs = {dev(0, 0, 0), dev(4, 0, 0), dev(6, 0, 1, /*bus=*/1)};
    Table t = build(devs, Chipset::kI440fx);
    EXPECT_EQ(t.size, 32u);
    EXPECT_EQ(sum(t.bytes.data(), t.size), 0);
    EXPECT_EQ(pir_table_size(devs.data(), int(devs.size())), 32u);
}

TEST(PirTable, TooManySlotsAreCutToAValidTable) {
    std::vector<PciDevice> devs;
    for (u8 d = 0; d < 32; d++) devs.push_back(dev(d, 0, 1));
    EXPECT_EQ(pir_table_size(devs.data(), int(devs.size())), pir::kMaxSize);
    test::clear_log();
    Table t = build(devs, Chipset::kI440fx, 32 + 5 * 16 + 7);  // room for 5 entries and a bit
    EXPECT_EQ(t.size, 32u + 5 * 16u);
    EXPECT_EQ(t.h().size, t.size);
    EXPECT_EQ(sum(t.bytes.data(), t.size), 0);
    for (int i = 0; i < 5; i++) EXPECT_EQ(t.slot(i).devfn, i << 3);
    EXPECT_TRUE(test::log_contains("32 device slots need 544 bytes, 119 available; the table keeps the first 5"))
        << test::log_text();
    for (u32 i = t.size; i < t.bytes.size(); i++) ASSERT_EQ(t.bytes[i], 0xEE) << "wrote past the table at " << i;
    // The whole bus fits kMaxSize.
    Table full = build(devs, Chipset::kI440fx);
    EXPECT_EQ(full.size, pir::kMaxSize);
    EXPECT_EQ(full.nslots(), 32);
}

TEST(PirTable, BadInputIsLoggedAndRefusedSafely) {
    // A pin outside INTA#-INTD#: left out, logged.
    test::clear_log();
    std::vector<PciDevice> devs = {dev(3, 0, 5), dev(4, 0, 1)};
    Table t = build(devs, Chipset::kI440fx);
    EXPECT_EQ(t.nslots(), 1);
    EXPECT_EQ(t.slot(0).devfn, 4 << 3);
    EXPECT_TRUE(test::log_contains("00:03.0 reports interrupt pin 5")) << test::log_text();
    // No known router: nothing written.
    test::clear_log();
    Table none = build(pc_devices(), Chipset::kUnknown);
    EXPECT_EQ(none.size, 0u);
    EXPECT_EQ(none.bytes[0], 0xEE);
    EXPECT_TRUE(test::log_contains("no known interrupt router")) << test::log_text();
    // Not even the header fits.
    test::clear_log();
    Table tiny = build(pc_devices(), Chipset::kI440fx, 31);
    EXPECT_EQ(tiny.size, 0u);
    EXPECT_EQ(tiny.bytes[0], 0xEE);
    EXPECT_TRUE(test::log_contains("cannot hold the 32-byte header")) << test::log_text();
}
