// SPDX-License-Identifier: LGPL-3.0-or-later
// ATA PIO driver, I/O path (built in both modes). Polls status (the drive's
// interrupt is masked with nIEN); every wait has a timeout measured on the
// PIT, and every wait yields to pending IRQs (hw/timer.h).
#include "hw/ata.h"

#include "hw/timer.h"
#include "lib/far.h"
#include "lib/io.h"
#include "lib/log.h"

namespace reef {

namespace ata {

void delay400ns(u16 ctl) {
    for (int i = 0; i < 4; i++) RegAltStatus::read(ctl);
}

u8 wait_not_busy(u16 io, u32 timeout_us) {
    u32 limit = pit_ticks_from_us(timeout_us);
    PitStopwatch sw;
    for (;;) {
        u8 st = RegStatus::read(io);
        if (!(st & kStBsy)) return st;
        if (sw.poll() > limit) return 0xFF;
    }
}

}  // namespace ata

namespace {
using namespace ata;

u8 status_to_error(u8 st) {
    if (st == 0xFF) return disk_status::kTimeout;
    if (st & kStDf) return disk_status::kWriteFault;
    if (st & kStErr) return disk_status::kBadEcc;
    return disk_status::kUndefined;
}

u8 select(const AtaDrive& d, u8 lba_high4) {
    if (wait_not_busy(d.iobase, kTimeoutUs) == 0xFF) return disk_status::kTimeout;
    RegDevice::write(d.iobase, u8(kDevObs | kDevLba | (d.slave ? kDevSlave : 0) | (lba_high4 & 0x0F)));
    delay400ns(d.ctlbase);
    u8 st = wait_not_busy(d.iobase, kTimeoutUs);
    if (st == 0xFF) return disk_status::kTimeout;
    if (!d.atapi && !(st & kStDrdy)) return disk_status::kNotReady;
    return disk_status::kOk;
}

// One sector (256 words) between the data port and the flat address `buf`.
void pio_sector(u16 port, u32 buf, bool out) {
    u32 n = 256;
#if defined(REEF_MODE16)
    // Below 1 MiB: a normalised real-mode pointer, so the sector never
    // crosses its segment.
    u16 seg = u16(buf >> 4);
    u32 p = buf & 0xF;
    if (out)
        asm volatile("pushw %%ds\n\tmovw %w3, %%ds\n\tcld\n\trep outsw\n\tpopw %%ds"
                     : "+S"(p), "+c"(n) : "d"(port), "r"(seg) : "memory");
    else
        asm volatile("pushw %%es\n\tmovw %w3, %%es\n\tcld\n\trep insw\n\tpopw %%es"
                     : "+D"(p), "+c"(n) : "d"(port), "r"(seg) : "memory");
#else
    uintptr_t p = buf;
    if (out) asm volatile("cld; rep outsw" : "+S"(p), "+c"(n) : "d"(port) : "memory");
    else asm volatile("cld; rep insw" : "+D"(p), "+c"(n) : "d"(port) : "memory");
#endif
}

// One command of at most 256 (LBA28) or 65536 (LBA48) sectors.
u8 rw_chunk(const AtaDrive& d, BlockOp op, u64 lba, u32 count, u32& buf, u32* done) {
    bool ext = d.lba48 && (lba + count > (1ull << 28) || count > 256);
    u8 err = select(d, ext ? 0 : u8(lba >> 24));
    if (err) return err;
    u16 io = d.iobase;
    if (ext) {
        RegCount::write(io, u8(count >> 8));
        RegLba0::write(io, u8(lba >> 24));
        RegLba1::write(io, u8(lba >> 32));
        RegLba2::write(io, u8(lba >> 40));
    }
    RegFeature::write(io, 0);
    RegCount::write(io, u8(count));
    RegLba0::write(io, u8(lba));
    RegLba1::write(io, u8(lba >> 8));
    RegLba2::write(io, u8(lba >> 16));
    u8 cmd = op == BlockOp::kRead    ? (ext ? kCmdReadPioExt : kCmdReadPio)
             : op == BlockOp::kWrite ? (ext ? kCmdWritePioExt : kCmdWritePio)
                                     : (ext ? kCmdVerifyExt : kCmdVerify);
    RegCommand::write(io, cmd);
    delay400ns(d.ctlbase);
    if (op == BlockOp::kVerify) {
        u8 st = wait_not_busy(io, kTimeoutUs);
        if (st == 0xFF || st & (kStErr | kStDf)) return status_to_error(st);
        *done += count;
        return disk_status::kOk;
    }
    for (u32 i = 0; i < count; i++) {
        u8 st = wait_not_busy(io, kTimeoutUs);
        if (st == 0xFF || st & (kStErr | kStDf)) return status_to_error(st);
        if (!(st & kStDrq)) return disk_status::kControllerFail;
        pio_sector(RegData::port(io), buf, op == BlockOp::kWrite);
        buf += 512;
        if (op == BlockOp::kWrite) delay400ns(d.ctlbase);
        (*done)++;
    }
    u8 st = wait_not_busy(io, kTimeoutUs);
    if (st == 0xFF || st & (kStErr | kStDf)) return status_to_error(st);
    return disk_status::kOk;
}

}  // namespace

u8 ata_rw(const AtaDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done) {
    *done = 0;
    if (d.atapi) return disk_status::kBadCommand;
    u32 max = d.lba48 ? 65536 : 256;
    while (count) {
        u32 n = count < max ? count : max;
        u8 err = rw_chunk(d, op, lba, n, buf, done);
        if (err) {
            dlog(3, "ata%d-%d: %s of lba %llu failed: status 0x%x\n", d.channel, d.slave,
                 op == BlockOp::kWrite ? "write" : op == BlockOp::kRead ? "read" : "verify",
                 (unsigned long long)lba, err);
            return err;
        }
        lba += n;
        count -= n;
    }
    return disk_status::kOk;
}

}  // namespace reef
