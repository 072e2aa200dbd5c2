// SPDX-License-Identifier: LGPL-3.0-or-later
// ISA floppy controller, I/O path (16-bit): commands through the FIFO,
// data through ISA DMA channel 2, completion through IRQ6 (INT 0Eh sets
// bit 7 of BDA 40:3E). Every wait polls with a timeout (hw/timer.h).
#include "hw/floppy.h"

#include "hw/timer.h"
#include "lib/bda.h"
#include "lib/far.h"
#include "lib/log.h"

DEFINE_RTVAR(reef::FloppyState, g_floppy);

namespace reef {
namespace {
using namespace fdc;
using namespace disk_status;

constexpr u32 kFifoTimeoutUs = 500000;    // one command or result byte
constexpr u32 kIrqTimeoutUs = 3000000;    // a seek, or a track's transfer (real drives: < 1 s)
constexpr u32 kResetPulseUs = 4;          // DOR reset held at least 4 us (82077AA)
constexpr u8 kRecalIrq = 0x80;            // BDA 40:3E bit 7: INT 0Eh seen; bits 0-1: drive recalibrated
constexpr u8 kMotorBusyTicks = 0xFF;      // BDA 40:40 while a command runs
constexpr u8 kMotorWriteOp = 0x80;        // BDA 40:3F bit 7: write operation
constexpr u8 kDptMotorOff = 2;            // DPT byte: motor-off delay in ticks
constexpr u8 kDptSpecify1 = 0, kDptSpecify2 = 1;
constexpr u8 kDataLength = 0xFF;
constexpr int kResetSenseCount = 4;
constexpr u32 kMotorDelayMs = CONFIG_FLOPPY_MOTOR_DELAY_MS;       // one SENSE INTERRUPT per drive after a reset

FloppyState& state() { return g_floppy; }

void clear_irq() { BDA_SET(floppy_recal, u8(BDA_GET(floppy_recal) & ~kRecalIrq)); }

bool wait_irq() {
    u32 limit = pit_ticks_from_us(kIrqTimeoutUs);
    PitStopwatch sw;
    for (;;) {
        u8 f = BDA_GET(floppy_recal);
        if (f & kRecalIrq) {
            BDA_SET(floppy_recal, u8(f & ~kRecalIrq));
            return true;
        }
        if (sw.poll() > limit) return false;
    }
}

// The main status register once it requests a byte transfer, 0 on timeout.
u8 wait_rqm() {
    u32 limit = pit_ticks_from_us(kFifoTimeoutUs);
    PitStopwatch sw;
    for (;;) {
        u8 m = Msr::read();
        if (m & kMsrRqm) return m;
        if (sw.poll() > limit) return 0;
    }
}

u8 fail(u8 err, const char* what) {
    dlog(2, "floppy: %s: status %02x; the controller will be reset\n", what, err);
    state().ready = false;
    return err;
}

u8 send(const u8* b, u8 n) {
    for (u8 i = 0; i < n; i++) {
        u8 m = wait_rqm();
        if (!m) return fail(kTimeout, "command byte not accepted");
        if (m & kMsrDio) return fail(kControllerFail, "controller has data where a command byte goes");
        Fifo::write(b[i]);
    }
    return kOk;
}

u8 results(u8* b, u8 n) {
    for (u8 i = 0; i < n; i++) {
        u8 m = wait_rqm();
        if (!m) return fail(kTimeout, "no result byte");
        if (!(m & kMsrDio)) return fail(kControllerFail, "result phase ended early");
        b[i] = Fifo::read();
    }
    return kOk;
}

u8 sense_interrupt(u8* st0, u8* pcn) {
    const u8 cmd = kCmdSenseInt;
    u8 r[2];
    u8 e = send(&cmd, 1);
    if (!e) e = results(r, 2);
    *st0 = r[0];
    *pcn = r[1];
    return e;
}

u8 controller_reset() {
    FloppyState& s = state();
    s.ready = false;
    for (int i = 0; i < s.ndrives; i++) {
        s.drives[i].media = 0;
        far_write<u8>(kBdaSeg, __builtin_offsetof(Bda, floppy_media_state) + i, 0);
        far_write<u8>(kBdaSeg, __builtin_offsetof(Bda, floppy_track) + i, 0);
    }
    BDA_SET(floppy_recal, u8(0));
    Dor::write(kDorDmaIrq);  // reset asserted, DMA and IRQ gate on
    udelay(kResetPulseUs);
    Dor::write(u8(kDorNotReset | kDorDmaIrq));
    if (!wait_irq()) {
        dlog(1, "floppy: the controller did not interrupt after its reset (IRQ6); status 80h\n");
        return kTimeout;
    }
    for (int i = 0; i < kResetSenseCount; i++) {
        u8 st0, pcn;
        u8 e = sense_interrupt(&st0, &pcn);
        if (e) return e;
    }
    const u8* dpt = s.drives[0].dpt;
    const u8 spec[3] = {kCmdSpecify, dpt[kDptSpecify1], dpt[kDptSpecify2]};
    u8 e = send(spec, 3);
    if (e) return e;
    s.ready = true;
    return kOk;
}

// Motor on and the drive selected (the other motor goes off).
void select(const FloppyDrive& d, bool write) {
    u8 ms = BDA_GET(floppy_motor_status);
    bool running = (ms & (1u << d.unit)) && ((ms >> 4) & 3) == d.unit;
    BDA_SET(floppy_motor_counter, kMotorBusyTicks);
    Dor::write(u8(kDorNotReset | kDorDmaIrq | d.unit | (kDorMotor0 << d.unit)));
    BDA_SET(floppy_motor_status, u8((1u << d.unit) | (d.unit << 4) | (write ? kMotorWriteOp : 0)));
    // Real drives need the motor up to speed before a transfer; QEMU's
    // does not (docs/block-layer.md).
    if (!running)
        for (u32 left = kMotorDelayMs; left;) {
            u32 step = left < 10 ? left : 10;  // a PitStopwatch must be polled every 54 ms
            udelay(step * 1000);
            left -= step;
        }
}

// The INT 08h handler turns the motor off once the counter runs out.
void release(const FloppyDrive& d) {
    BDA_SET(floppy_motor_counter, d.dpt[kDptMotorOff]);
    BDA_SET(floppy_motor_status, u8(BDA_GET(floppy_motor_status) & ~kMotorWriteOp));
}

u8 seek(const FloppyDrive& d, u8 cyl, bool recal) {
    const u8 cmd[3] = {recal ? kCmdRecalibrate : kCmdSeek, d.unit, cyl};
    clear_irq();
    u8 e = send(cmd, recal ? 2 : 3);
    if (e) return e;
    if (!wait_irq()) return fail(kTimeout, recal ? "recalibrate: no IRQ6" : "seek: no IRQ6");
    u8 st0, pcn;
    e = sense_interrupt(&st0, &pcn);
    if (e) return e;
    if ((st0 & kSt0IcMask) || pcn != cyl) {
        dlog(2, "floppy%d: %s to cylinder %u ended at %u (ST0 %02x)\n", d.unit, recal ? "recalibrate" : "seek",
             cyl, pcn, st0);
        return kSeekFail;
    }
    far_write<u8>(kBdaSeg, __builtin_offsetof(Bda, floppy_track) + d.unit, cyl);
    return kOk;
}

u8 seek_to(const FloppyDrive& d, u8 cyl) {
    if (far_read<u8>(kBdaSeg, __builtin_offsetof(Bda, floppy_track) + d.unit) == cyl) return kOk;
    return seek(d, cyl, false);
}

u8 recalibrate(const FloppyDrive& d) {
    // An 80-track drive may need a second one (the 82077AA steps at most 77 times).
    u8 e = seek(d, 0, true);
    if (e == kSeekFail) e = seek(d, 0, true);
    if (!e) BDA_SET(floppy_recal, u8(BDA_GET(floppy_recal) | (1u << d.unit)));
    return e;
}

u8 st_to_error(const u8* r) {
    u8 st1 = r[1];
    if (st1 & kSt1NotWritable) return kWriteProtected;
    if (st1 & kSt1Crc) return kBadEcc;
    if (st1 & kSt1Overrun) return 0x08;  // DMA overrun
    if (st1 & kSt1NoAddressMark) return 0x02;  // address mark not found
    if (st1 & (kSt1NoData | kSt1EndOfCylinder)) return kSectorNotFound;
    return kControllerFail;
}

void dma_setup(u8 mode, u32 phys, u32 bytes) {
    using namespace isadma;
    u16 last = u16(bytes - 1);
    Mask1::write(u8(kMaskSet | kFloppyChannel));
    FlipFlop1::write(0);
    Mode1::write(u8(kModeSingle | mode | kFloppyChannel));
    Ch2Addr::write(u8(phys));
    Ch2Addr::write(u8(phys >> 8));
    Ch2Page::write(u8(phys >> 16));
    FlipFlop1::write(0);
    Ch2Count::write(u8(last));
    Ch2Count::write(u8(last >> 8));
    Mask1::write(kFloppyChannel);
}

// One command moving sectors `sec`..`sec + n - 1` of one track; the DMA
// range [phys, phys + n * 512) must not cross a 64 KiB boundary.
u8 transfer(const FloppyDrive& d, const FloppyFormat& f, BlockOp op, u8 cyl, u8 head, u8 sec, u8 n, u32 phys) {
    u8 cmd, mode;
    switch (op) {
    case BlockOp::kRead: cmd = kCmdRead, mode = isadma::kModeToMemory; break;
    case BlockOp::kWrite: cmd = kCmdWrite, mode = isadma::kModeFromMemory; break;
    default: cmd = kCmdVerify, mode = isadma::kModeVerify; break;
    }
    dma_setup(mode, phys, u32(n) * floppy::kSectorSize);
    const u8 c[9] = {u8(cmd | kCmdMfm), u8((head << 2) | d.unit), cyl, head, sec, floppy::kSizeCode512,
                     u8(sec + n - 1), f.gap, kDataLength};
    clear_irq();
    u8 e = send(c, 9);
    if (e) return e;
    if (!wait_irq()) return fail(kTimeout, "transfer: no IRQ6");
    u8 r[7];
    e = results(r, 7);
    if (e) return e;
    far_copy_to(kBdaSeg, __builtin_offsetof(Bda, floppy_ctrl_status), r, 7);
    if (r[0] & kSt0IcMask) return st_to_error(r);
    return kOk;
}

const FloppyFormat* media_of(const FloppyDrive& d) {
    return d.media ? floppy_media_candidate(d.type, u8(d.media - 1)) : nullptr;
}

// Tries the media of the drive type, densest first: sector 1 of track 0
// read at each data rate (a wrong rate finds no address mark). READ ID
// would do too, but QEMU answers it only after 20 ms.
u8 detect(FloppyDrive& d) {
    FloppyState& s = state();
    u8 last = kTimeout;
    for (u8 i = 0;; i++) {
        const FloppyFormat* f = floppy_media_candidate(d.type, i);
        if (!f) break;
        Ccr::write(f->rate);
        last = transfer(d, *f, BlockOp::kRead, 0, 0, 1, 1, rt_flat_addr(s.bounce));
        if (last == kOk) {
            d.media = u8(i + 1);
            Drive& g = d.drive;
            g.lchs = Chs{f->cylinders, f->heads, f->spt};
            g.sectors = u32(f->cylinders) * f->heads * f->spt;
            floppy_fill_dpt(*f, d.media_dpt);
            u8 old_rate = u8(far_read<u8>(kBdaSeg, __builtin_offsetof(Bda, floppy_media_state) + d.unit) >> 6);
            BDA_SET(floppy_last_data_rate, u8((f->rate << 6) | (old_rate << 2)));
            far_write<u8>(kBdaSeg, __builtin_offsetof(Bda, floppy_media_state) + d.unit,
                          floppy_media_state(d.type, *f));
            dlog(2, "floppy%d: medium %u/%u/%u (%u KiB) at data rate %u\n", d.unit, f->cylinders, f->heads,
                 f->spt, unsigned(g.sectors / 2), f->rate);
            return kOk;
        }
        if (!s.ready) break;  // the controller stopped answering
    }
    dlog(1, "floppy%d: no readable medium in the drive (type %u, last status %02x); status 80h\n", d.unit, d.type,
         last);
    return kTimeout;
}

// Controller up, drive selected, head position known, medium detected.
u8 prepare(FloppyDrive& d, bool write) {
    FloppyState& s = state();
    if (!s.ready) {
        u8 e = controller_reset();
        if (e) return e;
    }
    select(d, write);
    if (!(BDA_GET(floppy_recal) & (1u << d.unit))) {
        u8 e = recalibrate(d);
        if (e) return e;
    }
    bool line = Dir::read() & kDirDiskChange;
    if (line) {
        if (d.media) d.changed = true;
        d.media = 0;
    }
    if (d.media) {
        Ccr::write(media_of(d)->rate);  // the other drive may have set another
        return kOk;
    }
    u8 e = detect(d);
    if (e) return e;
    if (line) {
        // The change line clears with a step while a disk is in the drive.
        e = seek(d, 1, false);
        if (!e) e = seek(d, 0, false);
    }
    return e;
}

u8 finish(const FloppyDrive& d, u8 err) {
    release(d);
    BDA_SET(floppy_last_status, err);
    return err;
}

}  // namespace

u8 floppy_media_ready(FloppyDrive& d) { return finish(d, prepare(d, false)); }

bool floppy_media_changed(FloppyDrive& d) {
    FloppyState& s = state();
    if (!s.ready && controller_reset()) return false;
    select(d, false);
    bool changed = d.changed || (Dir::read() & kDirDiskChange);
    d.changed = false;
    if (changed) d.media = 0;
    release(d);
    return changed;
}

u8 floppy_reset() {
    u8 e = controller_reset();
    BDA_SET(floppy_last_status, e);
    return e;
}

u8 floppy_rw(FloppyDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done) {
    *done = 0;
    u8 e = prepare(d, op == BlockOp::kWrite);
    if (e) return finish(d, e);
    const FloppyFormat& f = *media_of(d);
    if (lba + count > u32(f.cylinders) * f.heads * f.spt) return finish(d, kSectorNotFound);
    FloppyState& s = state();
    u32 pos = u32(lba);
    while (count) {
        u32 track = pos / f.spt;
        u8 sec = u8(pos % f.spt + 1);
        u8 head = u8(track % f.heads);
        u8 cyl = u8(track / f.heads);
        u32 n = f.spt - sec + 1u;
        if (n > count) n = count;
        bool bounce = false;
        if (op != BlockOp::kVerify) {
            u32 fit = dma_sectors_before_boundary(buf, n, floppy::kSectorSize);
            if (fit) n = fit;
            else bounce = true, n = 1;
        }
        e = seek_to(d, cyl);
        if (e) break;
        u32 phys = bounce ? rt_flat_addr(s.bounce) : buf;
        if (bounce && op == BlockOp::kWrite) far_copy_from(s.bounce, u16(buf >> 4), u16(buf & 15), floppy::kSectorSize);
        e = transfer(d, f, op, cyl, head, sec, u8(n), phys);
        if (e) {
            dlog(3, "floppy%d: %s of C/H/S %u/%u/%u (%u sectors) failed: status %02x\n", d.unit,
                 op == BlockOp::kRead ? "read" : op == BlockOp::kWrite ? "write" : "verify", cyl, head, sec,
                 unsigned(n), e);
            break;
        }
        if (bounce && op == BlockOp::kRead) far_copy_to(u16(buf >> 4), u16(buf & 15), s.bounce, floppy::kSectorSize);
        pos += n;
        count -= n;
        buf += n * floppy::kSectorSize;
        *done += n;
    }
    return finish(d, e);
}

u8 floppy_format_track(FloppyDrive& d, u8 cyl, u8 head, u8 count, u32 fields) {
    u8 e = prepare(d, true);
    if (e) return finish(d, e);
    const FloppyFormat& f = *media_of(d);
    e = seek_to(d, cyl);
    if (e) return finish(d, e);
    u32 bytes = u32(count) * 4;
    if (dma_sectors_before_boundary(fields, 1, bytes) == 0) return finish(d, 0x09);  // DMA across 64K
    dma_setup(isadma::kModeFromMemory, fields, bytes);
    const u8 c[6] = {u8(kCmdFormat | kCmdMfm), u8((head << 2) | d.unit), floppy::kSizeCode512, count,
                     f.format_gap, d.dpt[8]};
    clear_irq();
    e = send(c, 6);
    if (!e && !wait_irq()) e = fail(kTimeout, "format: no IRQ6");
    u8 r[7];
    if (!e) e = results(r, 7);
    if (!e) {
        far_copy_to(kBdaSeg, __builtin_offsetof(Bda, floppy_ctrl_status), r, 7);
        if (r[0] & kSt0IcMask) e = st_to_error(r);
    }
    return finish(d, e);
}

}  // namespace reef
