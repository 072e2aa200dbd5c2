// SPDX-License-Identifier: LGPL-3.0-or-later
// INT 13h (and INT 40h) for diskette drives 00h/01h. Any floppy-kind drive
// of the block layer is served: the sectors move through block_rw() in the
// drive's logical geometry whatever its driver (the ISA controller, El
// Torito floppy emulation, ...); what only a real diskette drive has (its
// CMOS type and parameter table, the change line, media types) comes from
// the floppy controller driver (hw/floppy.h).
#include "block/block.h"
#include "fw/fixed_offsets.h"
#include "hw/floppy.h"
#include "lib/bda.h"
#include "lib/log.h"
#include "svc/handlers.h"

namespace reef {
namespace {
using namespace disk_status;

constexpr u8 kMediaTypeUnsupported = 0x0C;
constexpr u8 kNoChangeLine = 0x01, kChangeLine = 0x02;  // AH=15h
constexpr u8 kDasdMax = 0x04;                           // AH=17h: AL 1-4

void set_status(Regs16* r, u8 status) {
    BDA_SET(floppy_last_status, status);
    if (status) r->fail(status);
    else r->ok();
}

FloppyDrive* fdc_drive(Drive* d) {
    return d && d->driver == DriverType::kFloppy ? reinterpret_cast<FloppyDrive*>(d) : nullptr;
}

void point_es_di(Regs16* r, const void* table) {
    r->es = RTDATA_SEG;
    r->di = u16(reinterpret_cast<uintptr_t>(table));
}

void chs_rw(Drive& d, Regs16* r, BlockOp op) {
    if (FloppyDrive* fd = fdc_drive(&d)) {
        // The geometry is the medium's: detect it first.
        u8 e = floppy_media_ready(*fd);
        if (e) {
            r->al = 0;
            set_status(r, e);
            return;
        }
    }
    ChsRequest c;
    u8 err = chs_decode(d.lchs, r->cx, r->dh, r->al, &c);
    u32 done = 0;
    if (!err) err = block_rw(d, op, c.lba, c.count, (u32(r->es) << 4) + r->bx, &done);
    r->al = u8(done);
    set_status(r, err);
}

void format_track(Drive& d, Regs16* r) {
    FloppyDrive* fd = fdc_drive(&d);
    if (fd) {
        u8 e = floppy_media_ready(*fd);
        if (e) return set_status(r, e);
    }
    u16 cx = u16((r->cx & 0xFFC0) | 1);
    if (!chs_address_valid(d.lchs, cx, r->dh) || !r->al || r->al > d.lchs.spt) return set_status(r, kBadCommand);
    if (d.read_only()) return set_status(r, kWriteProtected);
    if (!fd) return set_status(r, kOk);  // nothing to lay down on an emulated diskette
    set_status(r, floppy_format_track(*fd, r->ch, r->dh, r->al, (u32(r->es) << 4) + r->bx));
}

void drive_params(Drive* d, Regs16* r) {
    u8 count = g_drives.nfloppy;
    if (!d) {
        set_status(r, kBadCommand);
        r->dl = count;
        return;
    }
    FloppyDrive* fd = fdc_drive(d);
    Chs g = d->lchs;
    u8 type = floppy_type_of(g);
    if (fd) {
        // The medium in the drive once detected (its table too), else the
        // drive's largest.
        type = fd->type;
        if (fd->media) {
            point_es_di(r, fd->media_dpt);
        } else {
            const FloppyFormat* f = floppy_native_format(fd->type);
            g = Chs{f->cylinders, f->heads, f->spt};
            point_es_di(r, fd->dpt);
        }
    } else {
        SegOff t = far_read<SegOff>(0, 0x1E * 4u);
        r->es = t.seg;
        r->di = t.off;
    }
    u16 maxcyl = u16(g.cylinders - 1);
    r->ax = 0;
    r->bh = 0;
    r->bl = type;
    r->ch = u8(maxcyl);
    r->cl = u8(((maxcyl >> 2) & 0xC0) | (g.spt & 0x3F));
    r->dh = u8(g.heads - 1);
    r->dl = count;
    set_status(r, kOk);
}

void set_media_type(FloppyDrive* fd, Regs16* r) {
    if (!fd) return set_status(r, kBadCommand);
    u16 cyl = u16(((r->cl & 0xC0) << 2 | r->ch) + 1);
    const FloppyFormat* f = floppy_find_media(fd->type, cyl, r->cl & 0x3F);
    if (!f) return set_status(r, kMediaTypeUnsupported);
    u8 e = floppy_media_ready(*fd);
    if (e) return set_status(r, e);
    floppy_fill_dpt(*f, fd->media_dpt);
    point_es_di(r, fd->media_dpt);
    set_status(r, kOk);
}

}  // namespace

void floppy_service(Regs16* r) {
    Drive* d = block_drive(r->dl);
    FloppyDrive* fd = fdc_drive(d);
    switch (r->ah) {
    case 0x00:  // reset
        set_status(r, g_floppy.ndrives ? floppy_reset() : kOk);
        return;
    case 0x01: {  // status of the last operation
        u8 last = BDA_GET(floppy_last_status);
        r->ah = last;
        r->al = 0;
        BDA_SET(floppy_last_status, u8(0));
        if (last) r->set_cf();
        else r->clear_cf();
        return;
    }
    case 0x08:
        drive_params(d, r);
        return;
    case 0x15:  // drive type: none, or a diskette drive with/without change line
        r->ah = !d ? 0 : fd && fd->type != floppy::kType360K ? kChangeLine : kNoChangeLine;
        r->clear_cf();
        return;
    }
    if (!d) {
        dlog(3, "int13 floppy ah=%x: no drive %x\n", r->ah, r->dl);
        return set_status(r, r->ah == 0x16 ? kTimeout : kBadCommand);
    }
    switch (r->ah) {
    case 0x02:
        chs_rw(*d, r, BlockOp::kRead);
        break;
    case 0x03:
        chs_rw(*d, r, BlockOp::kWrite);
        break;
    case 0x04:
        chs_rw(*d, r, BlockOp::kVerify);
        break;
    case 0x05:
        format_track(*d, r);
        break;
    case 0x16:  // media change: 06h after a change (emulated media never change)
        set_status(r, fd && floppy_media_changed(*fd) ? kMediaChanged : kOk);
        break;
    case 0x17:  // set the DASD type for format
        set_status(r, fd && r->al >= 1 && r->al <= kDasdMax ? kOk : kBadCommand);
        break;
    case 0x18:
        set_media_type(fd, r);
        break;
    default:
        set_status(r, kBadCommand);
    }
}

}  // namespace reef

using namespace reef;

HANDLER(handle_int40) {
    // Transfers wait for IRQ6 with interrupts on, as in INT 13h.
    asm volatile("sti" ::: "memory");
    floppy_service(r);
}
