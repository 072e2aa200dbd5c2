// SPDX-License-Identifier: LGPL-3.0-or-later
// SCSI drives at POST (src/block/scsi.h): one call per logical unit that an
// adapter driver found, so that every SCSI adapter probes, names and
// registers its disks and CD-ROMs the same way.
#include "block/block.h"
#include "block/scsi.h"
#include "fw/pci.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {

bool scsi_register_lun(Drive& d, u16 bdf, u16 target, u32 lun, const char* name) {
    ScsiProbe pr;
    ScsiProbeStatus ps = scsi_probe(d, &pr);
    if (ps == ScsiProbeStatus::kNoDevice) return false;
    if (ps == ScsiProbeStatus::kUnsupported) {
        dlog(2, "%s: %d:%u: device type %02x (%s %s) not a disk or CD-ROM; skipped\n", name, target, lun, pr.inq.type,
             pr.inq.vendor, pr.inq.product);
        return false;
    }
    if (ps != ScsiProbeStatus::kOk) {
        const char* what = ps == ScsiProbeStatus::kNotReady ? "not ready" : "does not answer";
        if (pr.inq.vendor[0] || pr.inq.product[0])
            dlog(1, "%s %d:%u: %s %s %s; skipped\n", name, target, lun, pr.inq.vendor, pr.inq.product, what);
        else  // not even INQUIRY: no names to show
            dlog(1, "%s %d:%u: %s; skipped\n", name, target, lun, what);
        return false;
    }
    if (!scsi_fill_drive(d, pr, name)) return false;
    DrivePath& p = d.path;
    __builtin_memcpy(p.host_bus, "PCI ", 4);
    __builtin_memcpy(p.iface, "SCSI    ", 8);
    p.bus = pci_bus(bdf);
    p.slot = pci_dev(bdf);
    p.func = pci_fn(bdf);
    p.channel = 0;
    // EDD 3.0 SCSI device path: the target id (word 0), then the LUN.
    p.device = u64(target) | u64(lun) << 16;
    bool cd = d.kind == DriveKind::kCdrom;
    if (cd)
        dlog(1, "%s %d:%u: CD-ROM %s %s, %s\n", name, target, lun, pr.inq.vendor, pr.inq.product,
             pr.medium ? "medium present" : "no medium");
    else
        dlog(1, "%s %d:%u: %s %s, %llu blocks of %u bytes (%llu MiB)%s\n", name, target, lun, pr.inq.vendor,
             pr.inq.product, (unsigned long long)d.sectors, d.sector_size,
             (unsigned long long)((d.sectors * d.sector_size) >> 20), d.read_only() ? ", read-only" : "");
    char desc[sizeof(BootEntry::desc)];
    snformat(desc, sizeof(desc), "%s %d:%u %s", name, target, lun, pr.inq.product);
    return block_register(&d, desc);
}

}  // namespace reef
