// SPDX-License-Identifier: LGPL-3.0-or-later
// Fake hardware for the drivers built for the host (tagged hosthw in
// src/sources.list): lib/io.h's port I/O and MMIO hooks land on per-test
// device callbacks, physical memory is one low mapping the POST allocator
// hands out, the PIT is a clock that moves on each read, and what the
// drivers take from POST (the PCI device list and BARs, PCI config space,
// the block layer's registration) are small stand-ins.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "block/drive.h"
#include "fw/pci.h"
#include "host_support.h"

namespace reef::test {

// A device's registers: `off` is relative to the region's base.
struct HwRegion {
    std::function<u64(u32 off, u8 size)> read;
    std::function<void(u32 off, u8 size, u64 v)> write;
};

// Unmapped MMIO and ports read all ones and drop writes (as on a real bus).
class FakeHw {
public:
    // Forgets every region, the PCI devices, the registered drives, the
    // allocator's blocks and the log; the clock restarts at 0.
    void reset();
    void map_mmio(u32 base, u32 len, HwRegion r);
    void map_ports(u16 base, u16 len, HwRegion r);

    // A PCI function in pci_state() and in the fake config space.
    FakePci::Dev& add_device(u16 bdf, u16 vendor, u16 device, u8 cls, u8 sub, u8 prog_if = 0);
    // A placed BAR of the device (what pci_setup() would have left).
    void add_bar(u16 bdf, u8 index, BarKind kind, u64 addr, u64 size);

    // Physical memory: the allocator's high zone lies in [kRamBase, kRamEnd).
    static constexpr u32 kRamBase = 0x30000000, kRamEnd = 0x30100000;  // clear of a non-PIE binary and its heap
    static void* ram(u32 addr);

    // The fake PIT: every counter read moves the clock on by kTickStep.
    static constexpr u32 kTickStep = 1193;  // ~1 ms
    u64 elapsed_us() const;

    struct Registered {
        Drive* drive;
        std::string desc;
    };
    std::vector<Registered> registered;

    FakePci pci;
    u64 pit_ticks = 0;

    u32 port_read(u16 port, u8 size);
    void port_write(u16 port, u8 size, u32 v);
    u64 mmio_read(u32 addr, u8 size);
    void mmio_write(u32 addr, u8 size, u64 v);

private:
    struct Mapping {
        u32 base, len;
        HwRegion r;
    };
    std::vector<Mapping> mmio_, ports_;
};
FakeHw& hw();

// Lines of level 1 (errors, warnings, one-line summaries) since the last reset.
std::vector<std::string> level1_lines();

}  // namespace reef::test
