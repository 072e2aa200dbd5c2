// SPDX-License-Identifier: LGPL-3.0-or-later
// The Intel MultiProcessor Specification 1.4 tables, for guests without ACPI
// (-machine acpi=off, old OSes): the floating pointer "_MP_" (F-segment) and
// the configuration table "PCMP" with every CPU found at POST, the PCI and
// ISA buses, the IOAPIC, the interrupt assignments and the LINT0/LINT1
// wiring. Pure logic: src/fw/smp.cc gathers the inputs and places the result.
#pragma once
#include "fw/irqroute.h"
#include "lib/types.h"

namespace reef {

namespace mp {
constexpr u32 kFloatingSize = 16, kHeaderSize = 44;
constexpr u32 kCpuEntrySize = 20, kEntrySize = 8;
constexpr u8 kSpecRev = 4;
constexpr u8 kEntryCpu = 0, kEntryBus = 1, kEntryIoapic = 2, kEntryIoInt = 3, kEntryLocalInt = 4;
constexpr u8 kIntInt = 0, kIntNmi = 1, kIntExtInt = 3;
constexpr u8 kCpuEnabled = 1, kCpuBsp = 2;
constexpr u8 kBusPci = 0, kBusIsa = 1;
// Interrupt flags: polarity bits 1:0 (01 active high), trigger 3:2 (11 level).
constexpr u16 kFlagsConforming = 0, kFlagsLevelHigh = 0x0D;
constexpr u8 kAllLapics = 0xFF;
constexpr u32 kMaxApicId = 0xFE;  // 8-bit IDs, FFh meaning every local APIC
}  // namespace mp

struct MpCpu {
    u32 apic_id;  // the MP table lists only those up to kMaxApicId
    bool bsp;
};

struct MpPciPin {
    u8 dev;   // bus 0 device number
    u8 pin;   // 1 = INTA#
};

struct MpInput {
    const MpCpu* cpus;
    int ncpus;
    u8 lapic_version;
    u32 cpu_signature;   // CPUID 1 EAX
    u32 cpu_features;    // CPUID 1 EDX
    u32 lapic_addr;
    u8 ioapic_id, ioapic_version;
    u32 ioapic_addr;
    IntxRouting routing;
    const MpPciPin* pci;  // distinct (device, pin) pairs in use
    int npci;
    u8 sci_irq;           // ISA IRQ of the ACPI SCI (level, active high), 0 if none
};

// The CPUs an MP table can name: those with 8-bit APIC IDs (up to
// mp::kMaxApicId; past 255 CPUs an OS needs ACPI's x2APIC entries anyway).
u32 mptable_listed_cpus(const MpCpu* cpus, int ncpus);
// Bytes the configuration table of `in` takes.
u32 mptable_size(const MpInput& in);
// Writes the configuration table into buf; returns its length, or 0 when
// it does not fit in `max` or the input is unusable (no CPU).
u32 mptable_build(const MpInput& in, u8* buf, u32 max);
// The floating pointer structure pointing at the table at `table_addr`.
void mp_floating_build(u8 out[mp::kFloatingSize], u32 table_addr);

}  // namespace reef
