// SPDX-License-Identifier: LGPL-3.0-or-later
// NVMe at POST: reset, the admin queues, identify, one I/O queue pair, a
// drive per active namespace of nonzero size.
#include "fw/malloc.h"
#include "fw/pci.h"
#include "hw/nvme.h"
#include "hw/timer.h"
#include "lib/io.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace nvme;

constexpr u16 kQueueEntries = 8;
constexpr u32 kAdminTimeoutUs = 2000000;
// The largest namespace list we walk (CNS 2 returns up to 1024 ids).
constexpr u32 kMaxNsids = 1024;

u32 rd32(u32 a) { return mmio_read<u32>(a); }
void wr32(u32 a, u32 v) { mmio_write<u32>(a, v); }
u64 rd64(u32 a) { return rd32(a) | (u64(rd32(a + 4)) << 32); }
void wr64(u32 a, u64 v) { wr32(a, u32(v)), wr32(a + 4, u32(v >> 32)); }
template <class T> T get(u32 a) {
    T v;
    __builtin_memcpy(&v, reinterpret_cast<const void*>(uintptr_t(a)), sizeof(T));
    return v;
}

u32 page() {
    u32 p = post_alloc().alloc(Zone::kHigh, kPage, kPage, "nvme queue");
    if (p) __builtin_memset(reinterpret_cast<void*>(uintptr_t(p)), 0, kPage);
    return p;
}

constexpr u32 kAllOnes = 0xFFFFFFFF;  // what a removed (or dead) device reads

// Waits for CSTS.RDY == want with fatal status clear. False, with one log
// line, when CSTS reads all ones (the device is gone: its RDY bit means
// nothing), on fatal status while enabling, and on a timeout (naming fatal
// status when the reset did not clear it).
bool wait_ready(NvmeCtrl& c, bool want, u32 timeout_us) {
    const char* what = want ? "enabling" : "disabling";
    u8 b = pci_bus(c.bdf), dv = pci_dev(c.bdf), fn = pci_fn(c.bdf);
    PitStopwatch sw;
    u32 limit = pit_ticks_from_us(timeout_us);
    for (;;) {
        u32 csts = rd32(c.bar + kRegCsts);
        if (csts == kAllOnes) {
            dlog(1, "nvme %02x:%02x.%x: CSTS reads all ones while %s (device gone); skipped\n", b, dv, fn, what);
            return false;
        }
        bool cfs = csts & kCstsCfs;
        if (cfs && want) {
            dlog(1, "nvme %02x:%02x.%x: controller fatal status (CSTS %x) while enabling; skipped\n", b, dv, fn, csts);
            return false;
        }
        if (bool(csts & kCstsRdy) == want && !cfs) return true;
        if (sw.poll() > limit) {
            if (cfs)
                dlog(1, "nvme %02x:%02x.%x: controller fatal status (CSTS %x) after reset; skipped\n", b, dv, fn,
                     csts);
            else
                dlog(1, "nvme %02x:%02x.%x: timed out %s (CSTS %x); skipped\n", b, dv, fn, what, csts);
            return false;
        }
        asm volatile("pause" ::: "memory");
    }
}

// An admin command's outcome: true on success, else false with one log
// line (nvme_command has logged a timeout already).
bool admin_ok(const NvmeCtrl& c, u16 st, const char* what) {
    if (!st) return true;
    if (st != kStatusTimeout)
        dlog(1, "nvme %02x:%02x.%x: %s failed (status %x); skipped\n", pci_bus(c.bdf), pci_dev(c.bdf),
             pci_fn(c.bdf), what, st);
    return false;
}

u16 identify(NvmeCtrl& c, u32 cns, u32 nsid) {
    NvmeSqe cmd{};
    cmd.cdw0 = kAdmIdentify;
    cmd.nsid = nsid;
    cmd.prp1 = c.prp_list;  // one page: the identify data
    cmd.cdw10 = cns;
    __builtin_memset(reinterpret_cast<void*>(uintptr_t(c.prp_list)), 0, kPage);
    return nvme_command(c, c.admin, cmd, kAdminTimeoutUs);
}

void init_queue(NvmeCtrl& c, NvmeQueue& q, u16 qid, u32 sq, u32 cq, u32 stride) {
    q.sq = sq;
    q.cq = cq;
    q.size = kQueueEntries;
    q.sq_tail = q.cq_head = 0;
    q.phase = 1;
    q.sq_doorbell = c.bar + kRegDoorbells + (2 * qid) * stride;
    q.cq_doorbell = c.bar + kRegDoorbells + (2 * qid + 1) * stride;
}

// The pages a controller gets: admin SQ and CQ, I/O SQ and CQ, the PRP list.
constexpr int kCtrlPages = 5;

// Brings the controller up to a working I/O queue pair; *enabled is set
// once CC.EN was written (then a failure leaves it to be disabled again).
bool bring_up(const PciDevice& pd, NvmeCtrl& c, u32 (&pages)[kCtrlPages], bool* enabled) {
    c = NvmeCtrl{};
    c.bdf = pd.bdf;
    u8 b = pci_bus(pd.bdf), dv = pci_dev(pd.bdf), fn = pci_fn(pd.bdf);
    const PciBar* bar = pci_find_bar(pd.bdf, 0);
    if (!bar || bar->kind != BarKind::kMem || !bar->placed || bar->addr + 0x2000 > (u64(1) << 32) ||
        bar->size < 0x2000) {
        dlog(1, "nvme %02x:%02x.%x: BAR0 not placed below 4 GiB; skipped\n", b, dv, fn);
        return false;
    }
    c.bar = u32(bar->addr);
    u64 cap = rd64(c.bar + kRegCap);
    if (cap == ~u64(0)) {
        dlog(1, "nvme %02x:%02x.%x: CAP reads all ones (device gone); skipped\n", b, dv, fn);
        return false;
    }
    u32 to_us = u32((cap >> 24) & 0xFF) * 500000;
    if (!to_us) to_us = 500000;
    u32 stride = 4u << ((cap >> 32) & 0xF);
    u32 mqes = u32(cap & 0xFFFF) + 1;
    u32 mpsmin = u32((cap >> 48) & 0xF);
    if (!(cap & (u64(1) << 37)) || mpsmin != 0 || mqes < 2) {
        dlog(1, "nvme %02x:%02x.%x: unsupported (CAP %llx: no NVM command set, 4 KiB pages or queues); skipped\n",
             b, dv, fn, (unsigned long long)cap);
        return false;
    }
    if (u64(kRegDoorbells) + 4 * stride > bar->size) {  // the admin and I/O queue pairs' doorbells
        dlog(1, "nvme %02x:%02x.%x: doorbells outside BAR0; skipped\n", b, dv, fn);
        return false;
    }
    // Disable (a controller reset, which also clears fatal status left
    // from before), then the admin queues.
    u32 cc = rd32(c.bar + kRegCc);
    if ((cc & kCcEn) || (rd32(c.bar + kRegCsts) & kCstsCfs)) wr32(c.bar + kRegCc, cc & ~kCcEn);
    if (!wait_ready(c, false, to_us)) return false;
    for (u32& p : pages)
        if (!(p = page())) return false;
    u32 asq = pages[0], acq = pages[1], iosq = pages[2], iocq = pages[3];
    c.prp_list = pages[4];
    u16 qe = u16(min<u32>(kQueueEntries, mqes));
    init_queue(c, c.admin, 0, asq, acq, stride);
    init_queue(c, c.io, 1, iosq, iocq, stride);
    c.admin.size = c.io.size = qe;
    wr32(c.bar + kRegIntms, 0xFFFFFFFF);  // polled: no pin interrupts
    wr32(c.bar + kRegAqa, u32(qe - 1) | (u32(qe - 1) << 16));
    wr64(c.bar + kRegAsq, asq);
    wr64(c.bar + kRegAcq, acq);
    wr32(c.bar + kRegCc, kCcIosqes | kCcIocqes | kCcEn);  // CSS NVM, MPS 0, round robin
    *enabled = true;
    if (!wait_ready(c, true, to_us)) return false;

    if (!admin_ok(c, identify(c, kCnsController, 0), "identify controller")) return false;
    u8 mdts = get<u8>(c.prp_list + kIdCtrlMdts);
    c.max_bytes = kPage * kPrpListEntries;  // what one PRP list page maps (plus PRP1)
    if (mdts && mdts < 9) c.max_bytes = kPage << mdts;

    NvmeSqe cmd{};
    cmd.cdw0 = kAdmCreateCq;
    cmd.prp1 = iocq;
    cmd.cdw10 = 1 | (u32(qe - 1) << 16);
    cmd.cdw11 = 1;  // physically contiguous, no interrupts
    u16 st = nvme_command(c, c.admin, cmd, kAdminTimeoutUs);
    if (!st) {
        cmd = NvmeSqe{};
        cmd.cdw0 = kAdmCreateSq;
        cmd.prp1 = iosq;
        cmd.cdw10 = 1 | (u32(qe - 1) << 16);
        cmd.cdw11 = 1 | (1u << 16);  // physically contiguous, completions on CQ 1
        st = nvme_command(c, c.admin, cmd, kAdminTimeoutUs);
    }
    if (!admin_ok(c, st, "creating the I/O queues")) return false;
    dlog(1, "nvme %02x:%02x.%x: version %x, %u KiB per command, queues of %u\n", b, dv, fn, rd32(c.bar + kRegVs),
         c.max_bytes >> 10, qe);
    return true;
}

// Sets the controller up; one that fails after it was enabled is disabled
// again (it must not touch our queues later) and its pages are given back.
bool setup_ctrl(const PciDevice& pd, NvmeCtrl& c) {
    u32 pages[kCtrlPages] = {};
    bool enabled = false;
    if (bring_up(pd, c, pages, &enabled)) return true;
    if (enabled) wr32(c.bar + kRegCc, 0);
    for (u32 p : pages)
        if (p) post_alloc().free(p);
    return false;
}

// Identifies namespace `nsid` and registers it (false: none, or empty).
bool add_namespace(NvmeCtrl& c, u8 ci, u32 nsid) {
    NvmeState& st = nvme_state();
    u8 b = pci_bus(c.bdf), dv = pci_dev(c.bdf), fn = pci_fn(c.bdf);
    if (u16 s = identify(c, kCnsNamespace, nsid)) {
        if (s != kStatusTimeout)
            dlog(1, "nvme %02x:%02x.%x ns %u: identify failed (status %x); skipped\n", b, dv, fn, nsid, s);
        return false;
    }
    u64 nsze = get<u64>(c.prp_list + kIdNsNsze);
    u8 fmt = get<u8>(c.prp_list + kIdNsFlbas) & 0xF;
    u32 lbaf = get<u32>(c.prp_list + kIdNsLbaf + 4 * fmt);
    u8 lbads = u8(lbaf >> 16);
    if (!nsze) {
        dlog(1, "nvme %02x:%02x.%x ns %u: the namespace is empty (0 sectors); skipped\n", b, dv, fn, nsid);
        return false;
    }
    if ((lbads != 9 && lbads != 12) || (lbaf & 0xFFFF)) {
        dlog(1, "nvme %02x:%02x.%x ns %u: unsupported LBA format (LBADS %u, metadata %u); skipped\n", b, dv, fn,
             nsid, lbads, lbaf & 0xFFFF);
        return false;
    }
    NvmeDrive& d = st.drives[st.ndrives];
    d = NvmeDrive{};
    d.ctrl = ci;
    d.nsid = nsid;
    // EDD 3.0 has no NVMe interface type: "SCSI" (docs/block-layer.md).
    block_init_pci_hd(d.drive, DriverType::kNvme, nsze, u16(1u << lbads), c.bdf, "SCSI    ");
    d.drive.path.device = nsid - 1;  // as the LUN
    dlog(1, "nvme %02x:%02x.%x ns %u: %llu sectors of %u bytes (%llu MiB)\n", b, dv, fn, nsid,
         (unsigned long long)nsze, d.drive.sector_size, (unsigned long long)((nsze << lbads) >> 20));
    char desc[sizeof(BootEntry::desc)];
    snformat(desc, sizeof(desc), "NVMe %02x:%02x.%x ns %u", b, dv, fn, nsid);
    block_register(&d.drive, desc);
    st.ndrives++;
    return true;
}

}  // namespace

void nvme_setup() {
    NvmeState& st = nvme_state();
    st.nctrls = st.ndrives = 0;
    const PciState& ps = pci_state();
    for (int i = 0; i < ps.ndevices && st.nctrls < NvmeState::kMaxCtrls; i++) {
        const PciDevice& pd = ps.devices[i];
        if (pd.class_code != 0x01 || pd.subclass != 0x08 || pd.prog_if != 0x02) continue;
        u8 ci = st.nctrls;
        NvmeCtrl& c = st.ctrls[ci];
        if (!setup_ctrl(pd, c)) continue;
        st.nctrls++;
        u32 nn = get<u32>(c.prp_list + kIdCtrlNn);
        // The active namespace list (NVMe 1.1+); a controller that refuses
        // it gets namespaces 1..NN tried one by one.
        u32 ids[64];
        u32 nids = 0;
        if (!identify(c, kCnsActiveList, 0)) {
            for (u32 k = 0; k < 64; k++) {
                u32 id = get<u32>(c.prp_list + 4 * k);
                if (!id) break;
                ids[nids++] = id;
            }
        } else {
            for (u32 id = 1; id <= nn && id <= kMaxNsids && nids < 64; id++) ids[nids++] = id;
        }
        if (!nids && !c.broken)
            dlog(1, "nvme %02x:%02x.%x: no active namespace\n", pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf));
        // A command that timed out broke the controller (logged once): stop.
        for (u32 k = 0; k < nids && !c.broken && st.ndrives < NvmeState::kMaxDrives; k++)
            add_namespace(c, ci, ids[k]);
    }
}

}  // namespace reef
