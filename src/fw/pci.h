// SPDX-License-Identifier: LGPL-3.0-or-later
// PCI setup during POST (bus 0 on i440FX/PIIX3 and Q35/ICH9): devices, BARs, INTx routing.
#pragma once
#include "fw/irqroute.h"
#include "fw/pci_alloc.h"

namespace reef {

// Configuration mechanism #1 (ports 0xCF8/0xCFC).
PciConfig& pci_config();

struct PciState {
    static constexpr int kMaxDevices = 256, kMaxBars = 256, kMaxBridges = 64;
    PciDevice devices[kMaxDevices];
    int ndevices;
    PciBar bars[kMaxBars];
    int nbars;
    PciBridge bridges[kMaxBridges];
    int nbridges;
    u8 last_bus;
    PciWindow io, mem, mem64;
    Chipset chipset;
    bool intx_routed;  // the interrupt router was found and programmed
};
PciState& pci_state();

// A device quirk: called for every device that `match` accepts, after its
// BARs are programmed and decoding is enabled.
struct PciQuirk {
    bool (*match)(const PciDevice& dev);
    void (*setup)(PciConfig& cfg, const PciDevice& dev);
};

// Enumerates the whole tree (bridges, extra root buses), sizes and places
// BARs and bridge windows: below 4 GiB above `low_ram_top`, 64-bit
// prefetchable ones above RAM (`high_ram_bytes` past 4 GiB) and QEMU's
// reserved-memory-end. Enables the devices, routes INTx, runs the quirks.
void pci_setup(u64 low_ram_top, u64 high_ram_bytes, const PciQuirk* quirks, int nquirks);

const PciBar* pci_find_bar(u16 bdf, u8 index);
// The device at `bdf` in the list, nullptr if absent.
const PciDevice* pci_find_device(u16 bdf);
// The bridge a device sits behind (nullptr on a root bus).
const PciDevice* pci_upstream(const PciDevice& d);

// The first address below 4 GiB that devices decode (the 32-bit PCI window,
// Q35's ECAM): where the MTRRs' uncached hole starts.
u64 pci_hole_start();

}  // namespace reef
