// SPDX-License-Identifier: LGPL-3.0-or-later
// The block layer's runtime half (16-bit): BIOS drive numbers and the
// dispatcher that validates a request once and hands it to the driver's
// 16-bit path or, through call32, to its 32-bit path.
#include "block/block.h"
#include "hw/ata.h"
#include "hw/floppy.h"
#include "lib/bda.h"
#include "lib/log.h"

DEFINE_RTVAR(reef::DriveMap, g_drives);
DEFINE_RTVAR(reef::BootList, g_boot);

extern "C" u32 call32(u32 func_flat, u32 arg);
DECLARE_CALL32(c32_block_io);
DECLARE_CALL32(c32_block_media);

namespace reef {
namespace {

// Which paths a driver has (docs/block-layer.md).
struct DriverPaths {
    bool has16, has32;
};
DriverPaths paths_of(DriverType t) {
    if (scsi_driver(t)) return {false, true};
    switch (t) {
    case DriverType::kAta: return {true, true};
    case DriverType::kFloppy: return {true, false};
    case DriverType::kVirtioBlk: return {false, true};
    case DriverType::kAhci: return {false, true};
    case DriverType::kNvme: return {false, true};
    case DriverType::kCdEmu: return {false, true};
    default: return {false, false};
    }
}

// 16-bit paths: called directly.
u8 io16(BlockRequest& req) {
    Drive* d = req.drive.get();
    switch (d->driver) {
    case DriverType::kAta:
        return ata_rw(*reinterpret_cast<AtaDrive*>(d), req.op, req.lba, req.count, req.buf, &req.done);
    case DriverType::kFloppy:
        return floppy_rw(*reinterpret_cast<FloppyDrive*>(d), req.op, req.lba, req.count, req.buf, &req.done);
    default:
        return disk_status::kBadCommand;
    }
}

}  // namespace

Drive* block_drive(u8 dl) {
    const DriveMap& m = g_drives;
    if (dl >= 0xE0) return u8(dl - 0xE0) < m.ncd ? m.cd[dl - 0xE0].get() : nullptr;
    if (dl >= 0x80) return u8(dl - 0x80) < m.nhd ? m.hd[dl - 0x80].get() : nullptr;
    return dl < m.nfloppy ? m.floppy[dl].get() : nullptr;
}

u8 block_drive_number(const Drive* d) {
    const DriveMap& m = g_drives;
    for (u8 i = 0; i < m.nhd; i++)
        if (m.hd[i].get() == d) return u8(0x80 + i);
    for (u8 i = 0; i < m.nfloppy; i++)
        if (m.floppy[i].get() == d) return i;
    for (u8 i = 0; i < m.ncd; i++)
        if (m.cd[i].get() == d) return u8(0xE0 + i);
    return 0xFF;
}

void block_map_boot_hd(Drive* d) {
    DriveMap& m = g_drives;
    for (u8 i = 0; i < m.nhd; i++) {
        if (m.hd[i].get() != d) continue;
        RtPtr<Drive> p = m.hd[i];
        for (; i > 0; i--) m.hd[i] = m.hd[i - 1];
        m.hd[0] = p;
        return;
    }
}

namespace {
// The equipment word's diskette bits: bit 0 (drives present) and 7:6 (count - 1).
void set_floppy_equipment(u8 n) {
    u16 e = u16(BDA_GET(equipment) & ~0x00C1u);
    if (n) e = u16(e | 0x0001 | ((n - 1) & 3) << 6);
    BDA_SET(equipment, e);
}
}  // namespace

void block_insert_front(Drive* d) {
    DriveMap& m = g_drives;
    bool fl = d->kind == DriveKind::kFloppy;
    RtPtr<Drive>* list = fl ? m.floppy : m.hd;
    u8& n = fl ? m.nfloppy : m.nhd;
    u8 max = fl ? DriveMap::kMaxFloppy : DriveMap::kMaxHd;
    if (n < max) n++;
    for (u8 i = u8(n - 1); i > 0; i--) list[i] = list[i - 1];
    list[0] = RtPtr<Drive>::of(d);
    if (fl) set_floppy_equipment(n);
    else BDA_SET(hdcount, n);
}

void block_remove(Drive* d) {
    DriveMap& m = g_drives;
    bool fl = d->kind == DriveKind::kFloppy;
    RtPtr<Drive>* list = fl ? m.floppy : m.hd;
    u8& n = fl ? m.nfloppy : m.nhd;
    for (u8 i = 0; i < n; i++) {
        if (list[i].get() != d) continue;
        for (; i + 1 < n; i++) list[i] = list[i + 1];
        n--;
        break;
    }
    if (fl) set_floppy_equipment(n);
    else BDA_SET(hdcount, n);
}

u8 block_media_check(Drive& d) {
    if (in_vm86()) return disk_status::kOk;
    return u8(call32(CALL32_ADDR(c32_block_media), rt_flat_addr(&d)));
}

u8 block_rw(Drive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done) {
    *done = 0;
    MemGuard guard{u32(BDA_GET(ebda_seg)) << 4};
    u8 err = block_check(d, op, lba, count, buf, guard);
    if (err) {
        dlog(3, "block: drive %x: %s of %u at lba %llu, buffer 0x%x refused (status %02x)\n",
             block_drive_number(&d), op == BlockOp::kRead ? "read" : op == BlockOp::kWrite ? "write" : "verify",
             count, (unsigned long long)lba, buf, err);
        return err;
    }
    if (!count) return disk_status::kOk;
    BlockRequest req{RtPtr<Drive>::of(&d), op, lba, count, buf, 0};
    DriverPaths paths = paths_of(d.driver);
    u64 end = u64(buf) + u64(count) * d.sector_size;
    if (paths.has16 && (op == BlockOp::kVerify || end <= MemGuard::kBiosEnd)) {
        err = io16(req);
    } else if (paths.has32 && !in_vm86()) {
        err = u8(call32(CALL32_ADDR(c32_block_io), rt_flat_addr(&req)));
    } else {
        dlog(2, "block: drive %x: buffer 0x%x unreachable from %s\n", block_drive_number(&d), buf,
             in_vm86() ? "vm86 mode" : "this driver");
        err = disk_status::kBadCommand;
    }
    *done = req.done;
    return err;
}

}  // namespace reef
