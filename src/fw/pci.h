// SPDX-License-Identifier: LGPL-3.0-or-later
// PCI setup during POST (bus 0 on i440FX/PIIX3 and Q35/ICH9): devices, BARs, INTx routing.
#pragma once
#include "fw/irqroute.h"
#include "fw/pci_alloc.h"

namespace reef {

// Configuration mechanism #1 (ports 0xCF8/0xCFC).
PciConfig& pci_config();

struct PciState {
    static constexpr int kMaxDevices = 64, kMaxBars = 128;
    PciDevice devices[kMaxDevices];
    int ndevices;
    PciBar bars[kMaxBars];
    int nbars;
    PciWindow io, mem;
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

// Enumerates bus 0, sizes and places BARs below 4 GiB above `ram_top`,
// enables the devices, routes INTx and runs the quirks.
void pci_setup(u64 low_ram_top, const PciQuirk* quirks, int nquirks);

const PciBar* pci_find_bar(u16 bdf, u8 index);

// The first address below 4 GiB that devices decode (the 32-bit PCI window,
// Q35's ECAM): where the MTRRs' uncached hole starts.
u64 pci_hole_start();

}  // namespace reef
