// SPDX-License-Identifier: LGPL-3.0-or-later
// The logical units behind the SCSI host adapters that need nothing per
// unit but the adapter and the address (virtio-scsi, LSI 53C895A,
// AM53C974): one pool of drives in the runtime data for all of them, each
// pointing at its adapter's state in the permanent high zone.
#pragma once
#include "block/drive.h"

namespace reef {

struct ScsiHbaDrive {
    Drive drive;        // first: what the block layer sees
    u32 hba;            // flat address of the adapter's state
    u16 target;
    u16 lun;
};

struct ScsiHbaPool {
    static constexpr int kMaxDrives = 12;
    ScsiHbaDrive drives[kMaxDrives];
    u8 ndrives;
};
ScsiHbaPool& scsi_hba_pool();

template <class Hba> Hba& hba_of(const ScsiHbaDrive& d) { return *reinterpret_cast<Hba*>(uintptr_t(d.hba)); }

#if defined(REEF_MODE32)
// POST: the next free drive of the pool, cleared and addressed (driver,
// adapter, target, LUN), or null when the pool is full; scsi_hba_keep()
// makes it permanent once it is registered.
ScsiHbaDrive* scsi_hba_next(DriverType driver, u32 hba, u16 target, u16 lun);
void scsi_hba_keep();
// POST: an adapter whose registers are in I/O BAR0: its base in *io and
// `size` zeroed bytes for its state in the permanent high zone (the flat
// address; 0, with a log line naming `name`, when the BAR is missing or
// there is no memory). *label gets "<name> bb:dd.f" for the log lines.
struct PciDevice;
u32 scsi_hba_io_setup(const PciDevice& pd, const char* name, u32 size, u16* io, char (&label)[24]);
// POST: scsi_register_lun() on the next free drive, which is kept when it
// registers; max_bytes (0: none) bounds each command.
bool scsi_hba_add_lun(DriverType driver, u32 hba, u16 bdf, u16 target, u16 lun, const char* name, u32 max_bytes);
#endif

}  // namespace reef
