// SPDX-License-Identifier: LGPL-3.0-or-later
// virtio-blk at POST: the legacy or the virtio 1.0 handshake (hw/virtio_pci.h),
// one queue, the disk's size.
#include "fw/pci.h"
#include "hw/virtio_blk.h"
#include "hw/virtio_pci.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace virtio;

constexpr u32 kDefaultMaxBytes = 64 * 1024;
constexpr u16 kMinQueue = 3;    // one request: header, data, status
constexpr u16 kMaxQueue = 256;  // entries we use (3 per request; more only cost memory)

bool setup_one(const PciDevice& pd, VirtioBlkDrive& d) {
    d = VirtioBlkDrive{};
    d.max_bytes = kDefaultMaxBytes;
    VirtioPci vp;
    u32 feats = 0;
    if (!virtio_pci_open(pd, pd.device == kDevBlkModern, "virtio-blk", &vp)) return false;
    if (!virtio_pci_features(vp, virtio_blk::kFeatSizeMax | virtio_blk::kFeatRo | virtio_blk::kFeatBlkSize, &feats))
        return false;
    if (!virtio_pci_queue(vp, 0, kMinQueue, kMaxQueue, "request queue", &d.q)) return false;
    if (feats & virtio_blk::kFeatSizeMax) {
        u32 sm = virtio_pci_cfg32(vp, virtio_blk::kCfgSizeMax);
        if (sm >= 512 && sm < d.max_bytes) d.max_bytes = sm & ~511u;
    }
    u64 units = virtio_pci_cfg32(vp, virtio_blk::kCfgCapacity) |
                u64(virtio_pci_cfg32(vp, virtio_blk::kCfgCapacity + 4)) << 32;
    // The logical block size: 512 unless offered; the BIOS serves the disk
    // in those sectors (EDD reports them), as on 4Kn NVMe and SCSI disks.
    u32 bsize = virtio_blk::kUnit;
    if (feats & virtio_blk::kFeatBlkSize) {
        u32 bs = virtio_pci_cfg32(vp, virtio_blk::kCfgBlkSize);
        if (bs == 512 || bs == 1024 || bs == 2048 || bs == 4096)
            bsize = bs;
        else
            dlog(1, "virtio-blk %02x:%02x.%x: block size %u not supported; using 512\n", pci_bus(pd.bdf),
                 pci_dev(pd.bdf), pci_fn(pd.bdf), bs);
    }
    u64 sectors = units / (bsize / virtio_blk::kUnit);
    virtio_pci_driver_ok(vp);
    if (!sectors) {
        dlog(1, "virtio-blk %02x:%02x.%x: the disk is empty (0 sectors); skipped\n", pci_bus(pd.bdf),
             pci_dev(pd.bdf), pci_fn(pd.bdf));
        return false;
    }
    block_init_pci_hd(d.drive, DriverType::kVirtioBlk, sectors, u16(bsize), pd.bdf, "SCSI    ");
    if (d.max_bytes < bsize) d.max_bytes = bsize;  // size_max below one sector: one sector per request
    if (feats & virtio_blk::kFeatRo) d.drive.flags |= Drive::kReadOnly;
    return true;
}

}  // namespace

void virtio_blk_setup() {
    VirtioBlkState& st = virtio_blk_state();
    st.ndrives = 0;
    const PciState& ps = pci_state();
    for (int i = 0; i < ps.ndevices && st.ndrives < VirtioBlkState::kMaxDrives; i++) {
        const PciDevice& pd = ps.devices[i];
        if (pd.vendor != kVendor) continue;
        if (pd.device != kDevBlkTransitional && pd.device != kDevBlkModern) continue;
        VirtioBlkDrive& d = st.drives[st.ndrives];
        if (!setup_one(pd, d)) continue;
        dlog(1, "virtio-blk %02x:%02x.%x: %s, %llu sectors of %u bytes (%llu MiB), queue of %u%s\n",
             pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf), d.q.modern ? "virtio 1.0" : "legacy",
             (unsigned long long)d.drive.sectors, d.drive.sector_size,
             (unsigned long long)((d.drive.sectors * d.drive.sector_size) >> 20), d.q.size,
             d.drive.read_only() ? ", read-only" : "");
        char desc[sizeof(BootEntry::desc)];
        snformat(desc, sizeof(desc), "virtio-blk %02x:%02x.%x", pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf));
        block_register(&d.drive, desc);
        st.ndrives++;
    }
}

}  // namespace reef
