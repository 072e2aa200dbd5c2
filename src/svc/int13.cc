// SPDX-License-Identifier: LGPL-3.0-or-later
// INT 13h for hard disks: the CHS functions and the EDD 3.0 extensions
// (Phoenix "BIOS Enhanced Disk Drive Specification" 3.0).
#include "block/block.h"
#include "block/cdemu.h"
#include "lib/checksum.h"
#include "lib/bda.h"
#include "lib/log.h"
#include "lib/rtvars.h"
#include "svc/handlers.h"

namespace reef {
namespace {

using namespace disk_status;
constexpr u8 kEdd30 = 0x30;
constexpr u16 kEddFixedAccess = 0x01, kEddLocking = 0x02, kEddParams = 0x04;
constexpr u8 kNotLocked = 0xB0, kMediaLocked = 0xB1, kLockCountExceeded = 0xB4;
// Lock counts of the CD-ROMs E0h-E3h (INT 13h 45h).
u8 g_cd_locks[4];
constexpr u16 kEddDmaTransparent = 0x01, kEddChsValid = 0x02, kEddRemovable = 0x04;

struct EddParams {
    u16 size;
    u16 flags;
    u32 cylinders, heads, spt;
    u64 sectors;
    u16 bytes_per_sector;
    // EDD 1.1+
    u16 dpte_off, dpte_seg;
    // EDD 3.0
    u16 key;            // 0xBEDD
    u8 path_len;        // 36
    u8 reserved1[3];
    char host_bus[4];   // "PCI "
    char interface[8];  // "ATA     "
    u8 iface_path[8];   // PCI bus, slot, function, channel
    u8 device_path[8];  // ATA: master (0) / slave (1)
    u8 reserved2;
    u8 checksum;
} PACKED;
static_assert(sizeof(EddParams) == 0x42);

void set_status(Regs16* r, u8 status) {
    BDA_SET(disk_last_status, status);
    if (status) r->fail(status);
    else r->ok();
}

void chs_rw(Drive& d, Regs16* r, BlockOp op) {
    ChsRequest c;
    u8 err = chs_decode(d.lchs, r->cx, r->dh, r->al, &c);
    u32 done = 0;
    if (!err) err = block_rw(d, op, c.lba, c.count, (u32(r->es) << 4) + r->bx, &done);
    r->al = u8(done);
    set_status(r, err);
}

void ext_rw(Drive& d, Regs16* r, BlockOp op) {
    u8 raw[kDapMaxSize];
    far_copy_from(raw, r->ds, r->si, sizeof(raw));
    DapRequest dap;
    u8 err = dap_decode(raw, sizeof(raw), &dap);
    u32 done = 0;
    if (!err) err = block_rw(d, op, dap.lba, dap.count, dap.buf, &done);
    // The count field says how many blocks moved, also after an error.
    if (dap.count_size == 4) far_write<u32>(r->ds, u16(r->si + dap.count_off), done);
    else far_write<u16>(r->ds, u16(r->si + dap.count_off), u16(done));
    set_status(r, err);
}

void edd_params(const Drive& d, Regs16* r) {
    u16 size = far_read<u16>(r->ds, r->si);
    if (size < 0x1A) {
        set_status(r, kBadCommand);
        return;
    }
    EddParams p{};
    // EDD 3.0: the CHS fields describe the whole disk only up to 15,482,880
    // sectors (16383/16/63); above that they hold that maximum and the
    // "CHS information valid" flag is clear.
    constexpr u64 kMaxChsSectors = 16383ull * 16 * 63;
    if (d.sectors > kMaxChsSectors || d.kind == DriveKind::kCdrom) {
        p.flags = 0;
        p.cylinders = d.kind == DriveKind::kCdrom ? 0xFFFFFFFF : 16383;
        p.heads = d.kind == DriveKind::kCdrom ? 0xFFFFFFFF : 16;
        p.spt = d.kind == DriveKind::kCdrom ? 0xFFFFFFFF : 63;
    } else {
        p.flags = kEddChsValid;
        const Chs& g = d.pchs.cylinders ? d.pchs : d.lchs;
        p.cylinders = g.cylinders;
        p.heads = g.heads;
        p.spt = g.spt;
    }
    // Transfers across 64 KiB boundaries are fine: the drivers move data by
    // flat address, never by DMA into a segment.
    p.flags = u16(p.flags | kEddDmaTransparent);
    if (d.flags & Drive::kRemovable) p.flags = u16(p.flags | kEddRemovable);
    p.sectors = d.sectors;
    p.bytes_per_sector = d.sector_size;
    u16 len = 0x1A;
    if (size >= 0x1E) {
        p.dpte_seg = d.dpte ? RTDATA_SEG : 0xFFFF;
        p.dpte_off = d.dpte ? d.dpte : 0xFFFF;
        len = 0x1E;
    }
    if (size >= 0x42) {
        p.key = 0xBEDD;
        p.path_len = 36;
        __builtin_memcpy(p.host_bus, d.path.host_bus, 4);
        __builtin_memcpy(p.interface, d.path.iface, 8);
        p.iface_path[0] = d.path.bus;
        p.iface_path[1] = d.path.slot;
        p.iface_path[2] = d.path.func;
        p.iface_path[3] = d.path.channel;
        __builtin_memcpy(p.device_path, &d.path.device, 8);
        // The device path part (from the key at 1Eh to the checksum at 41h).
        p.checksum = checksum_byte(reinterpret_cast<const u8*>(&p) + 0x1E, 0x41 - 0x1E);
        len = 0x42;
    }
    p.size = len;
    far_copy_to(r->ds, r->si, &p, len);
    set_status(r, kOk);
}

// AH=01h: the status of the last operation (and it is cleared).
void last_status(Regs16* r) {
    u8 last = BDA_GET(disk_last_status);
    r->ah = last;
    r->al = 0;
    BDA_SET(disk_last_status, u8(0));
    if (last) r->set_cf();
    else r->clear_cf();
}

// A CD-ROM (E0h and up, no emulation): the EDD functions with 2048-byte
// blocks and the removable-media subset; no CHS access.
void cd_service(Drive& d, Regs16* r) {
    switch (r->ah) {
    case 0x00:
    case 0x0D:
    case 0x10:
    case 0x11:
        set_status(r, kOk);
        break;
    case 0x01:
        last_status(r);
        break;
    case 0x41:
        if (r->bx != 0x55AA) {
            set_status(r, kBadCommand);
            break;
        }
        r->bx = 0xAA55;
        r->ah = kEdd30;
        r->cx = kEddFixedAccess | kEddLocking | kEddParams;
        r->clear_cf();
        break;
    case 0x42:
        ext_rw(d, r, BlockOp::kRead);
        break;
    case 0x43:  // the medium is read-only
        ext_rw(d, r, BlockOp::kWrite);
        break;
    case 0x44:
        ext_rw(d, r, BlockOp::kVerify);
        break;
    case 0x45: {  // lock (AL=0), unlock (1), status (2)
        u8& locks = g_cd_locks[block_drive_number(&d) & 3];
        if (r->al == 0) {
            if (locks == 0xFF) {
                set_status(r, kLockCountExceeded);
                break;
            }
            locks++;
        } else if (r->al == 1) {
            if (!locks) {
                set_status(r, kNotLocked);
                break;
            }
            locks--;
        } else if (r->al != 2) {
            set_status(r, kBadCommand);
            break;
        }
        r->al = locks ? 1 : 0;
        set_status(r, kOk);
        break;
    }
    case 0x46:  // eject: refused while locked
        set_status(r, g_cd_locks[block_drive_number(&d) & 3] ? kMediaLocked : kOk);
        break;
    case 0x47: {
        u8 raw[kDapMaxSize];
        far_copy_from(raw, r->ds, r->si, sizeof(raw));
        DapRequest dap;
        dap_decode(raw, sizeof(raw), &dap);
        set_status(r, raw[0] < 0x10 ? kBadCommand : dap.lba < d.sectors ? kOk : kSectorNotFound);
        break;
    }
    case 0x48:
        edd_params(d, r);
        break;
    case 0x49:  // media change: the drive is asked again
        set_status(r, block_media_check(d) == kMediaChanged ? kMediaChanged : kOk);
        break;
    case 0x4E:  // set hardware configuration: nothing to configure
        set_status(r, kOk);
        break;
    default:  // CHS functions, 08h and the like: not on a CD
        set_status(r, kBadCommand);
    }
}

// Is drive `dl` (below 80h) an El Torito floppy emulation? Those are
// block-layer drives like a hard disk, with a floppy's answers to 08h/15h.
bool emulated_floppy(u8 dl) {
    Drive* d = block_drive(dl);
    return d && d->driver == DriverType::kCdEmu;
}

// The drive type INT 13h 08h reports for an emulated floppy (CMOS codes).
u8 emulated_floppy_type(const Drive& d) {
    return d.lchs.spt == 15 ? 2 : d.lchs.spt == 18 ? 4 : 5;
}

void disk_service(Regs16* r) {
    Drive* dp = block_drive(r->dl);
    if (!dp) {
        set_status(r, kBadCommand);
        return;
    }
    Drive& d = *dp;
    if (d.kind == DriveKind::kCdrom) {
        cd_service(d, r);
        return;
    }
    switch (r->ah) {
    case 0x00:  // reset
    case 0x0D:  // alternate reset
    case 0x10:  // test unit ready
    case 0x11:  // recalibrate
        set_status(r, kOk);
        break;
    case 0x01:  // status of the last operation
        last_status(r);
        break;
    case 0x02:
        chs_rw(d, r, BlockOp::kRead);
        break;
    case 0x03:
        chs_rw(d, r, BlockOp::kWrite);
        break;
    case 0x04:
        chs_rw(d, r, BlockOp::kVerify);
        break;
    case 0x05:  // format track: nothing to do on a fixed disk, check the args
        set_status(r, chs_address_valid(d.lchs, u16((r->cx & 0xFFC0) | 1), r->dh) ? kOk : kBadCommand);
        break;
    case 0x08: {  // drive parameters
        u16 maxcyl = u16(d.lchs.cylinders - 1);
        r->ch = u8(maxcyl);
        r->cl = u8(((maxcyl >> 2) & 0xC0) | (d.lchs.spt & 0x3F));
        r->dh = u8(d.lchs.heads - 1);
        r->ax = 0;
        if (d.kind == DriveKind::kFloppy) {
            // The drive type, and ES:DI at the diskette parameter table.
            r->dl = g_drives.nfloppy;
            r->bl = emulated_floppy_type(d);
            SegOff dpt = far_read<SegOff>(0, 0x1E * 4);
            r->es = dpt.seg;
            r->di = dpt.off;
        } else {
            r->dl = g_drives.nhd;
            r->bl = 0;
        }
        set_status(r, kOk);
        break;
    }
    case 0x0C:  // seek
        set_status(r, chs_address_valid(d.lchs, u16((r->cx & 0xFFC0) | 1), r->dh) ? kOk : kSeekFail);
        break;
    case 0x15: {  // disk type: fixed disk, CX:DX sectors
        if (d.kind == DriveKind::kFloppy) {  // a diskette drive without change line
            r->ah = 0x01;
            BDA_SET(disk_last_status, u8(0));
            r->clear_cf();
            break;
        }
        u32 n = u32(d.lchs.cylinders) * d.lchs.heads * d.lchs.spt;
        r->cx = u16(n >> 16);
        r->dx = u16(n);
        r->ah = 0x03;
        BDA_SET(disk_last_status, u8(0));
        r->clear_cf();
        break;
    }
    case 0x41:  // EDD installation check
        if (r->bx != 0x55AA) {
            set_status(r, kBadCommand);
            break;
        }
        r->bx = 0xAA55;
        r->ah = kEdd30;
        // Fixed disks: no locking/ejecting subset (45h, 46h, 49h).
        r->cx = kEddFixedAccess | kEddParams;
        r->clear_cf();
        break;
    case 0x42:
        ext_rw(d, r, BlockOp::kRead);
        break;
    case 0x43:
        ext_rw(d, r, BlockOp::kWrite);
        break;
    case 0x44:
        ext_rw(d, r, BlockOp::kVerify);
        break;
    case 0x45:  // lock/unlock, eject, media change: the removable-media
    case 0x46:  // subset, not offered for fixed disks (41h CX bit 1 clear)
    case 0x49:
        set_status(r, kBadCommand);
        break;
    case 0x47: {  // extended seek
        u8 raw[kDapMaxSize];
        far_copy_from(raw, r->ds, r->si, sizeof(raw));
        DapRequest dap;
        dap_decode(raw, sizeof(raw), &dap);  // only the LBA matters here
        set_status(r, raw[0] < 0x10 ? kBadCommand : dap.lba < d.sectors ? kOk : kSectorNotFound);
        break;
    }
    case 0x48:
        edd_params(d, r);
        break;
    default:
        set_status(r, kBadCommand);
    }
}

}  // namespace
}  // namespace reef

using namespace reef;

HANDLER(handle_int13) {
    dlog(4, "int13 ax=%x dl=%x\n", r->ax, r->dl);
    // Like the AT BIOS: a long transfer must not stop the clock (IRQs that
    // arrive now nest on the runtime stack).
    asm volatile("sti" ::: "memory");
    if (r->ah >= 0x4A && r->ah <= 0x4D) cdrom_int13(r);
    else if (r->dl >= 0x80 || emulated_floppy(r->dl)) disk_service(r);
    else floppy_service(r);
}
