// SPDX-License-Identifier: LGPL-3.0-or-later
// The SCSI adapters' drive pool at POST (hw/scsi_hba.h).
#include "block/scsi.h"
#include "fw/malloc.h"
#include "fw/pci.h"
#include "hw/scsi_hba.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {

ScsiHbaDrive* scsi_hba_next(DriverType driver, u32 hba, u16 target, u16 lun) {
    ScsiHbaPool& p = scsi_hba_pool();
    if (p.ndrives >= ScsiHbaPool::kMaxDrives) return nullptr;
    ScsiHbaDrive& d = p.drives[p.ndrives];
    d = ScsiHbaDrive{};
    d.drive.driver = driver;
    d.hba = hba;
    d.target = target;
    d.lun = lun;
    return &d;
}

void scsi_hba_keep() { scsi_hba_pool().ndrives++; }

u32 scsi_hba_io_setup(const PciDevice& pd, const char* name, u32 size, u16* io, char (&label)[24]) {
    snformat(label, sizeof(label), "%s %02x:%02x.%x", name, pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf));
    const PciBar* bar = pci_find_bar(pd.bdf, 0);
    if (!bar || bar->kind != BarKind::kIo || !bar->placed) {
        dlog(1, "%s: no I/O BAR0; skipped\n", label);
        return 0;
    }
    *io = u16(bar->addr);
    u32 hba = post_alloc().alloc(Zone::kHigh, size, 16, name);
    if (hba) __builtin_memset(reinterpret_cast<void*>(uintptr_t(hba)), 0, size);
    return hba;
}

bool scsi_hba_add_lun(DriverType driver, u32 hba, u16 bdf, u16 target, u16 lun, const char* name, u32 max_bytes) {
    ScsiHbaDrive* d = scsi_hba_next(driver, hba, target, lun);
    if (!d) return false;
    // The probe's commands are small; the limit is in blocks of the medium.
    if (!scsi_register_lun(d->drive, bdf, target, lun, name)) return false;
    if (max_bytes) d->drive.max_transfer = max_bytes >= d->drive.sector_size ? max_bytes / d->drive.sector_size : 1;
    scsi_hba_keep();
    return true;
}

}  // namespace reef
