// SPDX-License-Identifier: LGPL-3.0-or-later
// What the SCSI host adapters' POST set-up shares (src/hw/scsi_hba.h): DMA
// blocks, register windows, and one call per logical unit that probes and
// registers it through the SCSI layer.
#include "block/scsi.h"
#include "fw/malloc.h"
#include "fw/pci.h"
#include "hw/scsi_hba.h"
#include "lib/log.h"

namespace reef {

namespace {
constexpr u32 kPage = 4096;
constexpr u64 kIoSpaceEnd = 0x10000, k4GiB = u64(1) << 32;
}  // namespace

u32 hba_dma_alloc(u32 bytes, const char* what) {
    u32 p = post_alloc().alloc(Zone::kHigh, align_up(bytes, kPage), kPage, what);
    if (p) phys_mem().zero(p, align_up(bytes, kPage));  // not rep stosb: 4096 trips
    return p;
}

bool hba_regs(u16 bdf, u8 index, u32 min_size, const char* name, HbaRegs* out) {
    const PciBar* bar = pci_find_bar(bdf, index);
    bool ok = bar && bar->placed && bar->size >= min_size &&
              ((bar->kind == BarKind::kIo && bar->addr + bar->size <= kIoSpaceEnd) ||
               (bar->kind == BarKind::kMem && bar->addr + bar->size <= k4GiB));
    if (!ok) {
        dlog(1, "%s %02x:%02x.%x: BAR%u not placed (or too small); skipped\n", name, pci_bus(bdf), pci_dev(bdf),
             pci_fn(bdf), index);
        return false;
    }
    *out = HbaRegs{u32(bar->addr), bar->kind == BarKind::kIo};
    return true;
}

bool hba_add_lun(DriverType t, u32 ctrl, u16 bdf, u16 target, u8 lun, const char* name, u32 max_bytes) {
    HbaState& st = hba_state();
    if (st.ndrives >= HbaState::kMaxDrives) {
        dlog(1, "%s %d:%u: no room for more SCSI adapter drives (%d); skipped\n", name, target, lun,
             HbaState::kMaxDrives);
        return false;
    }
    HbaDrive& d = st.drives[st.ndrives];
    d = HbaDrive{};
    d.drive.driver = t;
    d.ctrl = ctrl;
    d.target = target;
    d.lun = lun;
    if (!scsi_register_lun(d.drive, bdf, target, lun, name)) return false;
    if (max_bytes) d.drive.max_transfer = max_bytes / d.drive.sector_size;
    st.ndrives++;
    return true;
}

void hba_scan(DriverType t, u32 ctrl, u16 bdf, u16 ntargets, const char* name, u32 max_bytes) {
    for (u16 target = 0; target < ntargets; target++) hba_add_lun(t, ctrl, bdf, target, 0, name, max_bytes);
}

}  // namespace reef
