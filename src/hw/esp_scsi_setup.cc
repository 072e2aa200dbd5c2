// SPDX-License-Identifier: LGPL-3.0-or-later
// AM53C974 at POST: reset the core, then LUN 0 of targets 0-6.
#include "block/scsi.h"
#include "fw/pci.h"
#include "hw/esp_scsi.h"
#include "lib/io.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace esp;

void setup_one(const PciDevice& pd) {
    u16 io;
    char name[24];
    u32 hba = scsi_hba_io_setup(pd, "am53c974", sizeof(EspHba), &io, name);
    if (!hba) return;
    EspHba& h = *reinterpret_cast<EspHba*>(uintptr_t(hba));
    h.iobase = io;
    outl(kCmdResetChip, u16(io + kCmd * kRegStride));
    outl(kDmaIdle, u16(io + kDmaCmd));
    dlog(1, "%s: at I/O %x\n", name, io);
    for (u8 t = 0; t < kMaxTarget; t++) scsi_hba_add_lun(DriverType::kEsp, hba, pd.bdf, t, 0, name, kMaxTransfer);
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
