// SPDX-License-Identifier: LGPL-3.0-or-later
// LSI 53C895A at POST: reset the chip (interrupts stay masked: we poll),
// then LUN 0 of targets 0-6.
#include "block/scsi.h"
#include "fw/pci.h"
#include "hw/lsi_scsi.h"
#include "lib/format.h"
#include "lib/io.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace lsi;

void setup_one(const PciDevice& pd) {
    HbaRegs regs;
    if (!hba_regs(pd.bdf, 0, kRegsSize, "lsi", &regs) || !regs.io) return;
    u16 io = u16(regs.base);
    u32 hba = hba_dma_alloc(sizeof(LsiHba), "lsi");
    if (!hba) return;
    LsiHba& h = *hba_ptr<LsiHba>(hba);
    char name[24];
    snformat(name, sizeof(name), "lsi %02x:%02x.%x", pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf));
    h.iobase = io;
    outb(kIstatSrst, u16(io + kRegIstat0));
    outb(0, u16(io + kRegIstat0));
    outb(0, u16(io + kRegDien));
    outb(0, u16(io + kRegSien0));
    outb(0, u16(io + kRegSien1));
    dlog(1, "%s: 53C895A at I/O %x\n", name, io);
    hba_scan(DriverType::kLsiScsi, hba, pd.bdf, kMaxTarget, name, kMaxMoveBytes);
}

}  // namespace

void lsi_scsi_setup() {
    const PciState& ps = pci_state();
    for (int i = 0; i < ps.ndevices; i++) {
        const PciDevice& pd = ps.devices[i];
        if (pd.vendor == kVendor && pd.device == kDev53c895a) setup_one(pd);
    }
}

}  // namespace reef
