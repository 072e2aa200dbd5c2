// SPDX-License-Identifier: LGPL-3.0-or-later
// The PCI IRQ Routing Table ("$PIR", PCI IRQ Routing Table Specification
// 1.0): which interrupt router link each bus-0 device's INTA#-INTD# drives
// and the ISA IRQs each link may be steered to. Pure logic (host unit
// tests): built from the bus-0 device list and the chipset's INTx routing
// (fw/irqroute.h); POST installs it in the F-segment (src/fw/pcibios_fw.cc),
// where OSes scan for it, and the PCI BIOS hands out its slot entries
// (INT 1Ah B10Eh, src/svc/pcibios.cc).
#pragma once
#include "fw/irqroute.h"

namespace reef {

namespace pir {
constexpr u32 kSignature = 0x52495024;  // "$PIR"
constexpr u16 kVersion = 0x0100;        // 1.0
constexpr u32 kHeaderSize = 32, kSlotSize = 16;
// One slot entry per device number: bus 0 has 32.
constexpr int kMaxSlots = 32;
constexpr u32 kMaxSize = kHeaderSize + kMaxSlots * kSlotSize;
}  // namespace pir

struct PirLink {
    u8 link;      // the router's value for the line (0: not connected)
    u16 bitmap;   // ISA IRQs the line may be steered to
} PACKED;

struct PirSlot {
    u8 bus;
    u8 devfn;     // device << 3 (the function bits are 0)
    PirLink pins[4];  // INTA#-INTD#
    u8 slot;      // 0: embedded in the chipset, else the device number
    u8 reserved;
} PACKED;

struct PirHeader {
    u32 signature;
    u16 version;
    u16 size;     // header + slot entries
    u8 router_bus, router_devfn;
    u16 exclusive_irqs;     // ISA IRQs dedicated to PCI
    u32 compatible_router;  // vendor | device << 16
    u32 miniport_data;
    u8 reserved[11];
    u8 checksum;            // all `size` bytes add up to 0
} PACKED;

static_assert(sizeof(PirSlot) == pir::kSlotSize && sizeof(PirHeader) == pir::kHeaderSize);

// Bytes the table for `devs` takes: the header and one slot entry for each
// device number on bus 0 with a function that has an interrupt pin (1-4).
u32 pir_table_size(const PciDevice* devs, int n);

// Writes the table into `buf` (`capacity` bytes) and returns its size.
// Slot entries come in device-number order, each with all four pins (the
// wiring is the slot's, whichever functions are present). A table that does
// not fit is cut after the last whole slot entry that does (logged), and is
// still valid. Returns 0, writing nothing, when the routing is unknown
// (rt.npirqs == 0) or not even the header fits.
u32 pir_build(const PciDevice* devs, int n, const IntxRouting& rt, void* buf, u32 capacity);

}  // namespace reef
