// SPDX-License-Identifier: LGPL-3.0-or-later
// INT 13h for hard disks: the CHS functions and the EDD 3.0 extensions
// (Phoenix "BIOS Enhanced Disk Drive Specification" 3.0).
#include "hw/ata.h"
#include "lib/bda.h"
#include "lib/log.h"
#include "lib/rtvars.h"
#include "svc/handlers.h"

namespace reef {
namespace {

using namespace disk_status;
constexpr u8 kEdd30 = 0x30;
constexpr u16 kEddFixedAccess = 0x01, kEddParams = 0x04;

struct Dap {
    u8 size;
    u8 reserved;
    u16 count;
    u16 off, seg;
    u64 lba;
    u64 flat;  // only when size >= 0x18 and seg:off = FFFF:FFFF
} PACKED;

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

const AtaDrive* drive_for(u8 dl) {
    const AtaState& st = g_ata;
    u8 i = u8(dl - 0x80);
    if (i >= st.nhd) return nullptr;
    return &st.drives[st.hd[i]];
}

// CHS from CX/DH: cylinder 10 bits, sector 6 bits (1-based), head 8 bits.
bool chs_to_lba(const AtaDrive& d, Regs16* r, u32* lba) {
    u16 cyl = u16(r->ch | ((r->cl & 0xC0) << 2));
    u16 sec = r->cl & 0x3F;
    u16 head = r->dh;
    if (!sec || sec > d.lchs.spt || head >= d.lchs.heads || cyl >= d.lchs.cylinders) return false;
    *lba = (u32(cyl) * d.lchs.heads + head) * d.lchs.spt + sec - 1;
    return true;
}

void chs_rw(const AtaDrive& d, Regs16* r, AtaOp op) {
    u8 count = r->al;
    u32 lba;
    if (!count || count > 128 || !chs_to_lba(d, r, &lba)) {
        r->al = 0;
        set_status(r, kBadCommand);
        return;
    }
    u32 done = 0;
    u8 err = ata_rw(d, op, lba, count, r->es, r->bx, &done);
    r->al = u8(done);
    set_status(r, err);
}

void ext_rw(const AtaDrive& d, Regs16* r, AtaOp op) {
    Dap dap{};
    far_copy_from(&dap, r->ds, r->si, 0x10);
    if (dap.size < 0x10) {
        set_status(r, kBadCommand);
        return;
    }
    if (dap.size >= 0x18) far_copy_from(&dap, r->ds, r->si, 0x18);
    u16 seg = dap.seg, off = dap.off;
    if (seg == 0xFFFF && off == 0xFFFF) {
        // A 64-bit flat buffer: reachable from real mode only below 1 MiB.
        if (dap.size < 0x18 || dap.flat >= 0x100000 - 512u * dap.count) {
            set_status(r, kBadCommand);
            return;
        }
        seg = u16(dap.flat >> 4);
        off = u16(dap.flat & 0xF);
    }
    u32 done = 0;
    u8 err = kOk;
    if (dap.count) err = ata_rw(d, op, dap.lba, dap.count, seg, off, &done);
    far_write<u16>(r->ds, u16(r->si + 2), u16(done));
    set_status(r, err);
}

void edd_params(const AtaDrive& d, Regs16* r) {
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
    if (d.sectors > kMaxChsSectors) {
        p.flags = 0;
        p.cylinders = 16383;
        p.heads = 16;
        p.spt = 63;
    } else {
        p.flags = 0x0002;  // CHS information is valid
        p.cylinders = d.phys.cylinders ? d.phys.cylinders : d.lchs.cylinders;
        p.heads = d.phys.heads ? d.phys.heads : d.lchs.heads;
        p.spt = d.phys.spt ? d.phys.spt : d.lchs.spt;
    }
    p.sectors = d.sectors;
    p.bytes_per_sector = 512;
    u16 len = 0x1A;
    if (size >= 0x1E) {
        p.dpte_seg = RTDATA_SEG;
        p.dpte_off = u16(reinterpret_cast<uintptr_t>(&d.dpte));
        len = 0x1E;
    }
    if (size >= 0x42) {
        p.key = 0xBEDD;
        p.path_len = 36;
        __builtin_memcpy(p.host_bus, "PCI ", 4);
        __builtin_memcpy(p.interface, "ATA     ", 8);
        // PIIX IDE is 00:01.1 on QEMU's i440FX machine.
        p.iface_path[0] = 0;
        p.iface_path[1] = 1;
        p.iface_path[2] = 1;
        p.iface_path[3] = d.channel;
        p.device_path[0] = d.slave;
        u8 sum = 0;
        const u8* b = reinterpret_cast<const u8*>(&p);
        for (unsigned i = 0x1E; i < 0x41; i++) sum = u8(sum + b[i]);
        p.checksum = u8(-sum);
        len = 0x42;
    }
    p.size = len;
    far_copy_to(r->ds, r->si, &p, len);
    set_status(r, kOk);
}

void disk_service(Regs16* r) {
    const AtaDrive* dp = drive_for(r->dl);
    if (!dp) {
        set_status(r, kBadCommand);
        return;
    }
    const AtaDrive& d = *dp;
    switch (r->ah) {
    case 0x00:  // reset
    case 0x0D:  // alternate reset
    case 0x10:  // test unit ready
    case 0x11:  // recalibrate
        set_status(r, kOk);
        break;
    case 0x01: {  // status of the last operation
        u8 last = BDA_GET(disk_last_status);
        r->ah = last;
        r->al = 0;
        BDA_SET(disk_last_status, u8(0));
        if (last) r->set_cf();
        else r->clear_cf();
        break;
    }
    case 0x02:
        chs_rw(d, r, AtaOp::kRead);
        break;
    case 0x03:
        chs_rw(d, r, AtaOp::kWrite);
        break;
    case 0x04:
        chs_rw(d, r, AtaOp::kVerify);
        break;
    case 0x05: {  // format track: nothing to do on an ATA disk, check the args
        u32 lba;
        u8 cl = r->cl;
        r->cl = u8((cl & 0xC0) | 1);
        bool ok = chs_to_lba(d, r, &lba);
        r->cl = cl;
        set_status(r, ok ? kOk : kBadCommand);
        break;
    }
    case 0x08: {  // drive parameters
        u16 maxcyl = u16(d.lchs.cylinders - 1);
        r->ch = u8(maxcyl);
        r->cl = u8(((maxcyl >> 2) & 0xC0) | (d.lchs.spt & 0x3F));
        r->dh = u8(d.lchs.heads - 1);
        r->dl = g_ata.nhd;
        r->ax = 0;
        r->bl = 0;
        set_status(r, kOk);
        break;
    }
    case 0x0C: {  // seek
        u32 lba;
        u8 cl = r->cl;
        r->cl = u8((cl & 0xC0) | 1);
        bool ok = chs_to_lba(d, r, &lba);
        r->cl = cl;
        set_status(r, ok ? kOk : kSeekFail);
        break;
    }
    case 0x15: {  // disk type: fixed disk, CX:DX sectors
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
        ext_rw(d, r, AtaOp::kRead);
        break;
    case 0x43:
        ext_rw(d, r, AtaOp::kWrite);
        break;
    case 0x44:
        ext_rw(d, r, AtaOp::kVerify);
        break;
    case 0x45:  // lock/unlock, eject, media change: the removable-media
    case 0x46:  // subset, not offered for fixed disks (41h CX bit 1 clear)
    case 0x49:
        set_status(r, kBadCommand);
        break;
    case 0x47: {  // extended seek
        Dap dap{};
        far_copy_from(&dap, r->ds, r->si, 0x10);
        set_status(r, dap.lba < d.sectors ? kOk : kSectorNotFound);
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
    if (r->dl < 0x80) floppy_service(r);
    else disk_service(r);
}
