// SPDX-License-Identifier: LGPL-3.0-or-later
// virtio-scsi at POST: the transport (hw/virtio_pci.h), the request queue,
// then every target (INQUIRY to LUN 0; an absent target answers BAD_TARGET
// at once) and the other LUNs that REPORT LUNS names.
#include "block/scsi.h"
#include "fw/pci.h"
#include "hw/virtio_pci.h"
#include "hw/virtio_scsi.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace virtio;

constexpr u16 kMinQueue = 3;     // one command: header, response, data
constexpr u16 kMaxQueue = 16;    // entries we use on a modern device (one command at a time)
constexpr u16 kMaxTargetScan = 255;
constexpr u32 kReportLunsEntries = 16;
constexpr u32 kReportLunsHeader = 8, kLunEntryBytes = 8;
constexpr u16 kMaxLun = 0xFF;  // HbaDrive::lun

u32 be32(const u8* p) { return u32(p[0]) << 24 | u32(p[1]) << 16 | u32(p[2]) << 8 | p[3]; }

// Does anything answer at the target? A TEST UNIT READY to its LUN 0
// through the transport itself (no sense handling): an absent target's
// BAD_TARGET response is a transport error. The scan runs this for every
// target id, so it does as little as it can.
bool target_present(HbaDrive& probe, const ScsiCmd& tur, u16 target) {
    probe.target = target;
    ScsiCmd c = tur;
    return virtio_scsi_exec(probe, &c) == disk_status::kOk;
}

// The LUNs other than 0 that REPORT LUNS lists (peripheral or flat-space
// addressing, single level).
void scan_luns(HbaDrive& probe, const VirtioScsiHba& h, u16 bdf, const char* name) {
    u8 buf[kReportLunsHeader + kReportLunsEntries * kLunEntryBytes] = {};
    ScsiCmd c = scsi_cmd(scsi::kReportLuns, u32(uintptr_t(buf)), sizeof(buf));
    c.cdb_len = 12;
    c.cdb[6] = u8(sizeof(buf) >> 24);
    c.cdb[7] = u8(sizeof(buf) >> 16);
    c.cdb[8] = u8(sizeof(buf) >> 8);
    c.cdb[9] = u8(sizeof(buf));
    if (scsi_exec(probe.drive, &c) || c.status != scsi::kStatusGood) return;
    u32 n = min<u32>(be32(buf) / kLunEntryBytes, kReportLunsEntries);
    for (u32 i = 0; i < n; i++) {
        const u8* e = buf + kReportLunsHeader + i * kLunEntryBytes;
        u8 method = e[0] >> 6;
        if (method > 1) continue;  // logical unit / extended addressing: not offered
        u16 lun = u16((e[0] & 0x3F) << 8 | e[1]);
        if (lun == 0) continue;
        if (lun > kMaxLun) {
            dlog(1, "%s %u:%u: LUNs past %u are not offered; skipped\n", name, probe.target, lun, kMaxLun);
            continue;
        }
        hba_add_lun(DriverType::kVirtioScsi, probe.ctrl, bdf, probe.target, u8(lun), name, h.max_bytes);
    }
}

void setup_one(const PciDevice& pd) {
    VirtioPci vp;
    u32 feats;
    if (!virtio_pci_open(pd, pd.device == kDevScsiModern, "virtio-scsi", &vp)) return;
    if (!virtio_pci_features(vp, 0, &feats)) return;
    u32 hba = hba_dma_alloc(sizeof(VirtioScsiHba), "virtio-scsi");
    if (!hba) {
        virtio_pci_fail(vp);
        return;
    }
    VirtioScsiHba& h = *hba_ptr<VirtioScsiHba>(hba);
    if (!virtio_pci_queue(vp, virtio_scsi::kRequestQueue, kMinQueue, kMaxQueue, "request queue", &h.q)) return;
    u32 cdb_size = virtio_pci_cfg32(vp, virtio_scsi::kCfgCdbSize);
    u32 sense_size = virtio_pci_cfg32(vp, virtio_scsi::kCfgSenseSize);
    if (cdb_size > virtio_scsi::kCdbSize || sense_size > virtio_scsi::kSenseSize) {
        dlog(1, "virtio-scsi %02x:%02x.%x: cdb_size %u / sense_size %u larger than %u / %u; skipped\n", pci_bus(pd.bdf),
             pci_dev(pd.bdf), pci_fn(pd.bdf), cdb_size, sense_size, virtio_scsi::kCdbSize, virtio_scsi::kSenseSize);
        virtio_pci_fail(vp);
        return;
    }
    // One data segment per command (seg_max >= 1 always holds); max_sectors
    // bounds the command in 512-byte units.
    u32 max_sectors = virtio_pci_cfg32(vp, virtio_scsi::kCfgMaxSectors);
    u32 seg_max = virtio_pci_cfg32(vp, virtio_scsi::kCfgSegMax);
    h.max_bytes = max_sectors && max_sectors < 0x800000 ? max_sectors * 512 : 0;
    u16 max_target = min<u16>(virtio_pci_cfg16(vp, virtio_scsi::kCfgMaxTarget), kMaxTargetScan);
    virtio_pci_driver_ok(vp);
    dlog(1, "virtio-scsi %02x:%02x.%x: %s, queue of %u, max_target %u, seg_max %u, max_sectors %u\n", pci_bus(pd.bdf),
         pci_dev(pd.bdf), pci_fn(pd.bdf), vp.modern ? "virtio 1.0" : "legacy", h.q.size, max_target, seg_max,
         max_sectors);
    char name[24];
    snformat(name, sizeof(name), "virtio-scsi %02x:%02x.%x", pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf));
    HbaDrive probe{};
    probe.drive.driver = DriverType::kVirtioScsi;
    probe.ctrl = hba;
    const ScsiCmd tur = scsi_cmd(scsi::kTestUnitReady, 0, 0);
    for (u16 t = 0; t <= max_target && hba_state().ndrives < HbaState::kMaxDrives; t++) {
        if (!target_present(probe, tur, t)) continue;
        hba_add_lun(DriverType::kVirtioScsi, hba, pd.bdf, t, 0, name, h.max_bytes);
        scan_luns(probe, h, pd.bdf, name);
    }
}

}  // namespace

void virtio_scsi_setup() {
    const PciState& ps = pci_state();
    for (int i = 0; i < ps.ndevices; i++) {
        const PciDevice& pd = ps.devices[i];
        if (pd.vendor != kVendor) continue;
        if (pd.device != kDevScsiTransitional && pd.device != kDevScsiModern) continue;
        setup_one(pd);
    }
}

}  // namespace reef
