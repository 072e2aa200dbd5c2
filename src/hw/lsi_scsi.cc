// SPDX-License-Identifier: LGPL-3.0-or-later
// LSI 53C895A I/O (32-bit runtime): build the command's program, start it,
// poll the interrupt status.
#include "hw/lsi_scsi.h"

#include "block/scsi.h"
#include "hw/timer.h"
#include "lib/io.h"
#include "lib/log.h"

namespace reef {

namespace {
constexpr u32 kCommandTimeoutUs = 5000000;
constexpr int kMaxPhaseRestarts = 4;
u32 flat_of(const void* p) { return u32(reinterpret_cast<uintptr_t>(p)); }

u8 rd(u16 io, u16 reg) { return inb(u16(io + reg)); }
void wr(u16 io, u16 reg, u8 v) { outb(v, u16(io + reg)); }

// DSP, low byte first: the write of its top byte starts the program.
void start_at(u16 io, u32 addr) {
    for (u16 i = 0; i < 4; i++) wr(io, u16(lsi::kRegDsp + i), u8(addr >> (8 * i)));
}

u32 dsps(u16 io) {
    u32 v = 0;
    for (u16 i = 0; i < 4; i++) v |= u32(rd(io, u16(lsi::kRegDsps + i))) << (8 * i);
    return v;
}
}  // namespace

u8 lsi_scsi_exec(HbaDrive& d, ScsiCmd* c) {
    using namespace lsi;
    LsiHba& h = *hba_ptr<LsiHba>(d.ctrl);
    u16 io = h.iobase;
    __builtin_memcpy(h.cdb, c->cdb, sizeof(h.cdb));
    h.identify = kMsgIdentify;  // LUN 0, no disconnect privilege asked for
    h.status = 0xFF;
    LsiCommand lc{u8(d.target), flat_of(&h.identify), flat_of(h.cdb), c->cdb_len, c->buf, c->len, c->write,
                  flat_of(&h.status), flat_of(&h.msgin)};
    u32 resume = lsi_build_script(h.script, flat_of(h.script), lc);
    asm volatile("" ::: "memory");
    start_at(io, flat_of(h.script));
    PitStopwatch sw;
    u32 limit = pit_ticks_from_us(kCommandTimeoutUs);
    int restarts = 0;
    for (;;) {
        u8 istat = rd(io, kRegIstat0);
        if (istat & (kIstatDip | kIstatSip)) {
            u8 dstat = (istat & kIstatDip) ? rd(io, kRegDstat) : 0;
            u8 sist0 = (istat & kIstatSip) ? rd(io, kRegSist0) : 0;
            u8 sist1 = (istat & kIstatSip) ? rd(io, kRegSist1) : 0;
            if (sist1 & kSist1Sto) return disk_status::kTimeout;  // nothing at that id
            if ((dstat & kDstatSir) && dsps(io) == kIntDone) break;
            // A short transfer (the target went to status or message in with
            // bytes of the move left): go on from the phase dispatch.
            if ((sist0 & kSist0Ma) && restarts++ < kMaxPhaseRestarts) {
                u8 phase = rd(io, kRegSstat1) & kPhaseMask;
                if (phase == kPhaseStatus || phase == kPhaseMsgIn) {
                    start_at(io, resume);
                    continue;
                }
            }
            dlog(1, "lsi %x: target %u command %02x stopped: DSTAT %02x SIST0 %02x SIST1 %02x DSPS %08x\n", io,
                 d.target, c->cdb[0], dstat, sist0, sist1, dsps(io));
            return disk_status::kControllerFail;
        }
        if (sw.poll() > limit) {
            dlog(1, "lsi %x: target %u command %02x timed out\n", io, d.target, c->cdb[0]);
            wr(io, kRegIstat0, kIstatAbrt);
            return disk_status::kTimeout;
        }
        asm volatile("pause" ::: "memory");
    }
    asm volatile("" ::: "memory");
    c->status = h.status;
    return disk_status::kOk;
}

}  // namespace reef
