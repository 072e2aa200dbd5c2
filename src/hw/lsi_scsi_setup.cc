// SPDX-License-Identifier: LGPL-3.0-or-later
// LSI 53C895A at POST: reset the chip (interrupts stay masked: we poll),
// then LUN 0 of targets 0-6.
#include "block/scsi.h"
#include "fw/pci.h"
#include "hw/lsi_scsi.h"
#include "lib/io.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace lsi;

void setup_one(const PciDevice& pd) {
    u16 io;
    char name[24];
    u32 hba = scsi_hba_io_setup(pd, "lsi", sizeof(LsiHba), &io, name);
    if (!hba) return;
    LsiHba& h = *reinterpret_cast<LsiHba*>(uintptr_t(hba));
    h.iobase = io;
    outb(kIstatSrst, u16(io + kRegIstat0));
    outb(0, u16(io + kRegIstat0));
    outb(0, u16(io + kRegDien));
    outb(0, u16(io + kRegSien0));
    outb(0, u16(io + kRegSien1));
    dlog(1, "%s: 53C895A at I/O %x\n", name, io);
    for (u8 t = 0; t < kMaxTarget; t++) scsi_hba_add_lun(DriverType::kLsiScsi, hba, pd.bdf, t, 0, name, kMaxMoveBytes);
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
