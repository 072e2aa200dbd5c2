// SPDX-License-Identifier: LGPL-3.0-or-later
// NVMe command submission and the I/O path (32-bit runtime). One command at
// a time per queue; completions are polled (phase tag) against a PIT
// timeout. Interrupts stay masked (INTMS, and I/O queues created without).
#include "hw/nvme.h"

#include "hw/timer.h"
#include "lib/io.h"
#include "lib/log.h"

namespace reef {

namespace {
NvmeState g_nvme;
constexpr u32 kIoTimeoutUs = 5000000;
template <class T> T* flat(u32 a) { return reinterpret_cast<T*>(uintptr_t(a)); }
}  // namespace

NvmeState& nvme_state() { return g_nvme; }

u16 nvme_command(NvmeCtrl& c, NvmeQueue& q, NvmeSqe cmd, u32 timeout_us, u32* result) {
    if (c.broken) return nvme::kStatusTimeout;
    c.cid = u16(c.cid + 1);
    cmd.cdw0 = (cmd.cdw0 & 0xFFFFu) | (u32(c.cid) << 16);
    flat<NvmeSqe>(q.sq)[q.sq_tail] = cmd;
    q.sq_tail = u16((q.sq_tail + 1) % q.size);
    asm volatile("mfence" ::: "memory");
    mmio_write<u32>(q.sq_doorbell, q.sq_tail);
    volatile NvmeCqe* cqe = flat<volatile NvmeCqe>(q.cq) + q.cq_head;
    PitStopwatch sw;
    u32 limit = pit_ticks_from_us(timeout_us);
    while ((cqe->status & 1) != q.phase) {
        if (sw.poll() > limit) {
            c.broken = true;
            dlog(1, "nvme %02x:%02x.%x: command %02x timed out; controller abandoned\n", c.bdf >> 8,
                 (c.bdf >> 3) & 0x1F, c.bdf & 7, cmd.cdw0 & 0xFF);
            return nvme::kStatusTimeout;
        }
        asm volatile("pause" ::: "memory");
    }
    asm volatile("" ::: "memory");
    u16 status = u16(cqe->status >> 1);
    if (result) *result = cqe->result;
    q.cq_head = u16(q.cq_head + 1);
    if (q.cq_head == q.size) {
        q.cq_head = 0;
        q.phase ^= 1;
    }
    mmio_write<u32>(q.cq_doorbell, q.cq_head);
    return status;
}

u8 nvme_rw(NvmeDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done) {
    *done = 0;
    if (op == BlockOp::kVerify) {  // nothing moves; the range was checked
        *done = count;
        return disk_status::kOk;
    }
    NvmeCtrl& c = g_nvme.ctrls[d.ctrl];
    u32 ss = d.drive.sector_size;
    u32 per = c.max_bytes / ss;
    while (*done < count) {
        u32 n = min<u32>(count - *done, per);
        u32 at = buf + *done * ss;
        NvmePrp prp;
        if (!nvme_build_prp(at, n * ss, flat<u64>(c.prp_list), c.prp_list, &prp)) return disk_status::kBadCommand;
        NvmeSqe cmd{};
        cmd.cdw0 = op == BlockOp::kWrite ? nvme::kCmdWrite : nvme::kCmdRead;
        cmd.nsid = d.nsid;
        cmd.prp1 = prp.prp1;
        cmd.prp2 = prp.prp2;
        u64 slba = lba + *done;
        cmd.cdw10 = u32(slba);
        cmd.cdw11 = u32(slba >> 32);
        cmd.cdw12 = n - 1;
        u16 st = nvme_command(c, c.io, cmd, kIoTimeoutUs);
        if (st == nvme::kStatusTimeout) return disk_status::kTimeout;
        if (st) {
            dlog(2, "nvme %02x:%02x.%x ns %u: status %x at lba %llu (%u sectors)\n", c.bdf >> 8, (c.bdf >> 3) & 0x1F,
                 c.bdf & 7, d.nsid, st, (unsigned long long)slba, n);
            return op == BlockOp::kWrite ? disk_status::kWriteFault : disk_status::kBadEcc;
        }
        *done += n;
    }
    return disk_status::kOk;
}

}  // namespace reef
