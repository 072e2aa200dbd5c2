// SPDX-License-Identifier: LGPL-3.0-or-later
// AM53C974 at POST: reset the core, then LUN 0 of targets 0-6.
#include "block/scsi.h"
#include "fw/pci.h"
#include "hw/esp_scsi.h"
#include "lib/format.h"
#include "lib/io.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace esp;

void setup_one(const PciDevice& pd) {
    HbaRegs regs;
    if (!hba_regs(pd.bdf, 0, kRegsSize, "am53c974", &regs) || !regs.io) return;
    u16 io = u16(regs.base);
    u32 hba = hba_dma_alloc(sizeof(EspHba), "am53c974");
    if (!hba) return;
    EspHba& h = *hba_ptr<EspHba>(hba);
    char name[24];
    snformat(name, sizeof(name), "am53c974 %02x:%02x.%x", pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf));
    h.iobase = io;
    outl(kCmdResetChip, u16(io + kCmd * kRegStride));
    outl(kDmaIdle, u16(io + kDmaCmd));
    dlog(1, "%s: at I/O %x\n", name, io);
    hba_scan(DriverType::kEsp, hba, pd.bdf, kMaxTarget, name, kMaxTransfer);
}

}  // namespace

void esp_scsi_setup() {
    const PciState& ps = pci_state();
    for (int i = 0; i < ps.ndevices; i++) {
        const PciDevice& pd = ps.devices[i];
        if (pd.vendor == kVendorAmd && pd.device == kDevAm53c974) setup_one(pd);
    }
}

}  // namespace reef
