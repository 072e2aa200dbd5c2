// SPDX-License-Identifier: LGPL-3.0-or-later
// AM53C974 I/O (32-bit runtime): one command through the ESP core's
// phases, polled on the status register's interrupt bit.
#include "hw/esp_scsi.h"

#include "block/scsi.h"
#include "hw/timer.h"
#include "lib/io.h"
#include "lib/log.h"

namespace reef {

namespace {
using namespace esp;
constexpr u32 kStepTimeoutUs = 5000000;
constexpr int kMaxSteps = 16;
u32 flat_of(const void* p) { return u32(reinterpret_cast<uintptr_t>(p)); }

u8 rd(u16 io, u16 reg) { return u8(inl(u16(io + reg * kRegStride))); }
void wr(u16 io, u16 reg, u8 v) { outl(v, u16(io + reg * kRegStride)); }

// The core's transfer counter and the DMA engine for `len` bytes at `buf`.
void dma(u16 io, u32 buf, u32 len, bool to_host) {
    wr(io, kTcLo, u8(len));
    wr(io, kTcMid, u8(len >> 8));
    wr(io, kTcHi, u8(len >> 16));
    outl(kDmaIdle, u16(io + kDmaCmd));
    outl(buf, u16(io + kDmaStartAddr));
    outl(len, u16(io + kDmaStartCount));
    outl(kDmaStart | (to_host ? kDmaToHost : 0), u16(io + kDmaCmd));
}

// Waits for the core's interrupt; returns false on timeout. *stat is the
// status (the phase) at the interrupt, *intr the interrupt bits (reading
// them clears the interrupt).
bool wait_int(u16 io, u8* stat, u8* intr) {
    // Most steps are done by the time we look: the clock starts only when
    // one is not.
    if (!((*stat = rd(io, kStatus)) & kStatInt)) {
        PitStopwatch sw;
        u32 limit = pit_ticks_from_us(kStepTimeoutUs);
        while (!((*stat = rd(io, kStatus)) & kStatInt)) {
            if (sw.poll() > limit) return false;
            asm volatile("pause" ::: "memory");
        }
    }
    *intr = rd(io, kIntr);
    return true;
}
}  // namespace

u8 esp_scsi_exec(HbaDrive& d, ScsiCmd* c) {
    EspHba& h = *hba_ptr<EspHba>(d.ctrl);
    u16 io = h.iobase;
    h.msg_cdb[0] = kMsgIdentify;  // LUN 0
    __builtin_memcpy(h.msg_cdb + 1, c->cdb, c->cdb_len);
    asm volatile("" ::: "memory");
    wr(io, kCmd, kCmdFlush);
    wr(io, kBusId, u8(d.target));
    dma(io, flat_of(h.msg_cdb), 1u + c->cdb_len, false);
    wr(io, kCmd, kCmdSelectAtn | kCmdDma);
    bool selected = false, data_done = false, complete = false;
    u8 stat = 0, intr = 0;
    for (int step = 0; step < kMaxSteps; step++) {
        if (!wait_int(io, &stat, &intr)) {
            dlog(1, "am53c974 %x: target %u command %02x timed out (status %02x)\n", io, d.target, c->cdb[0], stat);
            wr(io, kCmd, kCmdResetChip);
            return disk_status::kTimeout;
        }
        if (intr & kIntrDisconnect) {
            if (complete) return disk_status::kOk;
            if (!selected) return disk_status::kTimeout;  // nothing at that id
            break;
        }
        selected = true;
        if (complete) continue;  // message accepted: the disconnect follows
        u8 phase = stat & kPhaseMask;
        if (phase == kPhaseDataIn || phase == kPhaseDataOut) {
            if (data_done) continue;  // the transfer ended; status follows
            if (!c->len || (phase == kPhaseDataOut) != c->write) break;
            dma(io, c->buf, c->len, !c->write);
            wr(io, kCmd, kCmdTransferInfo | kCmdDma);
            data_done = true;
        } else if (phase == kPhaseStatus) {
            wr(io, kCmd, kCmdCompleteSeq);
        } else if (phase == kPhaseMsgIn && (intr & kIntrFuncComplete)) {
            c->status = rd(io, kFifo);
            rd(io, kFifo);  // the message: COMMAND COMPLETE
            wr(io, kCmd, kCmdMsgAccepted);
            complete = true;
        } else {
            break;
        }
    }
    dlog(1, "am53c974 %x: target %u command %02x: unexpected status %02x interrupt %02x\n", io, d.target, c->cdb[0],
         stat, intr);
    wr(io, kCmd, kCmdResetChip);
    return disk_status::kControllerFail;
}

}  // namespace reef
