// SPDX-License-Identifier: LGPL-3.0-or-later
// SCSI drives on the block layer (32-bit runtime; src/block/scsi.h): the
// transport switch, sense handling, the POST probe and block requests.
#include "block/scsi.h"

#include "hw/ahci.h"
#include "hw/ata.h"
#include "hw/scsi_hba.h"
#include "hw/disk_geometry.h"
#include "hw/esp_scsi.h"
#include "hw/lsi_scsi.h"
#include "hw/timer.h"
#include "hw/usb_msd.h"
#include "hw/virtio_scsi.h"
#include "lib/log.h"

namespace reef {
namespace {

constexpr u32 kBecomingReadyUs = 5000000;
constexpr int kMaxUnitAttentions = 8;

u8 transport(Drive& d, ScsiCmd* c) {
    switch (d.driver) {
    case DriverType::kAtapi: return atapi_exec(*reinterpret_cast<AtaDrive*>(&d), c);
    case DriverType::kAhciAtapi: return ahci_atapi_exec(*reinterpret_cast<AhciDrive*>(&d), c);
    case DriverType::kVirtioScsi: return virtio_scsi_exec(*reinterpret_cast<HbaDrive*>(&d), c);
    case DriverType::kLsiScsi: return lsi_scsi_exec(*reinterpret_cast<HbaDrive*>(&d), c);
    case DriverType::kEsp: return esp_scsi_exec(*reinterpret_cast<HbaDrive*>(&d), c);
    case DriverType::kPvscsi: return pvscsi_exec(*reinterpret_cast<HbaDrive*>(&d), c);
    case DriverType::kMptSas: return mptsas_exec(*reinterpret_cast<HbaDrive*>(&d), c);
    case DriverType::kMegasas: return megasas_exec(*reinterpret_cast<HbaDrive*>(&d), c);
    case DriverType::kUsbMsd: return usb_msd_exec(*reinterpret_cast<UsbMsdDrive*>(&d), c);
    default: return disk_status::kBadCommand;
    }
}

u32 flat(const void* p) { return u32(reinterpret_cast<uintptr_t>(p)); }

// One command with no data or a small one into `buf`; the sense (or
// {0,0,0} when it went well) in *s. Returns the transport status, or
// kUndefined for a status other than GOOD and CHECK CONDITION.
u8 run(Drive& d, ScsiCmd& c, ScsiSense* s) {
    *s = ScsiSense{};
    u8 err = scsi_exec(d, &c);
    if (err) return err;
    if (c.status == scsi::kStatusGood) return disk_status::kOk;
    if (c.status == scsi::kStatusCheckCondition) {
        *s = scsi_parse_sense(c.sense, c.sense_len);
        return scsi_sense_status(*s, c.write);
    }
    return disk_status::kUndefined;
}

// TEST UNIT READY until the unit is ready, has no medium, or gives up.
u8 wait_ready(Drive& d) {
    PitStopwatch sw;
    u32 limit = pit_ticks_from_us(kBecomingReadyUs);
    int attentions = 0;
    for (;;) {
        ScsiCmd c = scsi_cmd(scsi::kTestUnitReady, 0, 0);
        ScsiSense s;
        u8 err = run(d, c, &s);
        if (err == disk_status::kOk) return err;
        if (s.key == scsi::kSenseUnitAttention && ++attentions <= kMaxUnitAttentions) continue;
        if (s.key == scsi::kSenseNotReady && s.asc == scsi::kAscNotReadyBecoming && sw.poll() < limit) continue;
        return err;
    }
}

u8 read_capacity(Drive& d, u64* sectors, u32* block_size) {
    u8 buf[32];
    ScsiSense s;
    ScsiCmd c = scsi_cmd_read_capacity10(flat(buf));
    u8 err = run(d, c, &s);
    if (err) return err;
    if (scsi_parse_capacity10(buf, sectors, block_size)) return disk_status::kOk;
    c = scsi_cmd_read_capacity16(flat(buf));
    err = run(d, c, &s);
    if (err) return err;
    scsi_parse_capacity16(buf, sectors, block_size);
    return disk_status::kOk;
}

bool block_size_ok(u32 b) { return b == 512 || b == 1024 || b == 2048 || b == 4096; }

}  // namespace

u8 scsi_exec(Drive& d, ScsiCmd* c) {
    c->status = 0;
    c->sense_len = 0;
    u8 err = transport(d, c);
    if (err || c->status != scsi::kStatusCheckCondition || c->sense_len) return err;
    // No autosense: ask. A failing REQUEST SENSE leaves the sense empty.
    u8 sense[scsi::kSenseLen] = {};
    ScsiCmd rs = scsi_cmd_request_sense(flat(sense));
    if (transport(d, &rs) == disk_status::kOk && rs.status == scsi::kStatusGood) {
        __builtin_memcpy(c->sense, sense, sizeof(sense));
        c->sense_len = u8(sizeof(sense));
    }
    return disk_status::kOk;
}

ScsiProbeStatus scsi_probe(Drive& d, ScsiProbe* out) {
    *out = ScsiProbe{};
    u8 buf[scsi::kInquiryLen] = {};
    ScsiCmd c = scsi_cmd_inquiry(flat(buf));
    ScsiSense s;
    u8 err = run(d, c, &s);
    if (err == disk_status::kTimeout) return ScsiProbeStatus::kNoDevice;
    if (err || !scsi_parse_inquiry(buf, sizeof(buf), &out->inq)) return ScsiProbeStatus::kFailed;
    if (out->inq.qualifier != 0) return ScsiProbeStatus::kNoDevice;
    if (out->inq.type != scsi::kTypeDisk && out->inq.type != scsi::kTypeCdrom) return ScsiProbeStatus::kUnsupported;
    err = wait_ready(d);
    if (err == disk_status::kNoMedia || err == disk_status::kNotReady)
        return out->inq.type == scsi::kTypeCdrom ? ScsiProbeStatus::kOk : ScsiProbeStatus::kNotReady;
    if (err) return ScsiProbeStatus::kFailed;
    if (read_capacity(d, &out->sectors, &out->block_size)) return ScsiProbeStatus::kFailed;
    out->medium = true;
    if (out->inq.type == scsi::kTypeDisk) {
        // Write protection: a device that does not answer is taken as writable.
        u8 hdr[4] = {};
        ScsiCmd ms = scsi_cmd_mode_sense_header(flat(hdr));
        if (run(d, ms, &s) == disk_status::kOk) out->write_protected = hdr[2] & kModeHeaderWp;
    }
    return ScsiProbeStatus::kOk;
}

bool scsi_fill_drive(Drive& d, const ScsiProbe& p, const char* name) {
    bool cd = p.inq.type == scsi::kTypeCdrom;
    if (!cd && !p.medium) {
        dlog(1, "%s: disk not ready; skipped\n", name);
        return false;
    }
    if (p.medium && !block_size_ok(p.block_size)) {
        dlog(1, "%s: block size %u not supported; skipped\n", name, p.block_size);
        return false;
    }
    d.kind = cd ? DriveKind::kCdrom : DriveKind::kHd;
    d.sector_size = u16(p.medium ? p.block_size : 2048);
    d.sectors = p.medium ? p.sectors : 0;
    d.flags = u8((cd || p.write_protected ? Drive::kReadOnly : 0) | (cd || p.inq.removable ? Drive::kRemovable : 0));
    if (cd) {
        d.translation = Translation::kNone;
        d.lchs = d.pchs = Chs{};
    } else {
        Geometry g = disk_translate(d.sectors);
        d.lchs = d.pchs = Chs{g.cylinders, g.heads, g.spt};
        d.translation = Translation::kLba;
    }
    return true;
}

u8 scsi_media_check(Drive& d) {
    u8 err = wait_ready(d);
    if (err) {
        d.sectors = 0;
        return err;
    }
    u64 sectors;
    u32 bs;
    err = read_capacity(d, &sectors, &bs);
    if (err || !block_size_ok(bs)) {
        d.sectors = 0;
        return err ? err : disk_status::kNotReady;
    }
    d.sectors = sectors;
    d.sector_size = u16(bs);
    return disk_status::kOk;
}

u8 scsi_rw(Drive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done) {
    *done = 0;
    if (op == BlockOp::kVerify) {
        *done = count;
        return disk_status::kOk;
    }
    bool write = op == BlockOp::kWrite;
    u32 per = d.max_transfer ? d.max_transfer : 0xFFFF;
    while (*done < count) {
        u32 n = min<u32>(count - *done, per);
        ScsiCmd c = scsi_cmd_rw(write, lba + *done, n, buf + *done * d.sector_size, d.sector_size);
        ScsiSense s;
        u8 err = run(d, c, &s);
        if (err) {
            dlog(2, "scsi: %s of %u at lba %llu failed: status %02x, sense %x/%02x/%02x\n", write ? "write" : "read", n,
                 (unsigned long long)(lba + *done), c.status, s.key, s.asc, s.ascq);
            if (err == disk_status::kMediaChanged) scsi_media_check(d);
            return err;
        }
        *done += n;
    }
    return disk_status::kOk;
}

}  // namespace reef
