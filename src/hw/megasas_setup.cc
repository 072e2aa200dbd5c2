// SPDX-License-Identifier: LGPL-3.0-or-later
// MegaRAID SAS at POST: the firmware to READY, the INIT frame with our
// reply queue, then the logical drive list (one DCMD) and a drive for each
// logical drive that is not offline.
#include "block/scsi.h"
#include "fw/malloc.h"
#include "fw/pci.h"
#include "hw/megasas.h"
#include "hw/scsi_hba.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace mfi;

constexpr u32 kStateTimeoutUs = 2000000;
constexpr u32 kFrameTimeoutUs = 2000000;
constexpr u8 kLdStateOffline = 0;

u32 fw_state(const HbaRegs& r) { return r.read(kRegScratchPad0) & kStateMask; }

// Brings the firmware to READY (false: fault, or it did not get there).
bool to_ready(const HbaRegs& r) {
    u32 st = fw_state(r);
    if (st == kStateReady) return true;
    if (st == kStateFault) return false;
    if (st == kStateOperational) r.write(kRegInboundDoorbell, kInitAbort | kInitReady | kInitMfiMode);
    else if (st == kStateWaitHandshake) r.write(kRegInboundDoorbell, kInitClearHandshake | kInitHotplug);
    else if (st == kStateBootPending) r.write(kRegInboundDoorbell, kInitHotplug);
    return hba_wait(kStateTimeoutUs, [&] { return fw_state(r) == kStateReady; });
}

u32 setup_adapter(const PciDevice& pd) {
    u8 b = pci_bus(pd.bdf), dv = pci_dev(pd.bdf), fn = pci_fn(pd.bdf);
    HbaRegs r;
    if (!hba_regs(pd.bdf, pd.device == kDeviceSas1078 ? 2 : 0, kRegsSize, "megasas", &r)) return 0;
    if (!r.io) {
        dlog(1, "megasas %02x:%02x.%x: no I/O BAR; skipped\n", b, dv, fn);
        return 0;
    }
    if (!to_ready(r)) {
        dlog(1, "megasas %02x:%02x.%x: firmware not ready (state %x); skipped\n", b, dv, fn,
             r.read(kRegScratchPad0));
        return 0;
    }
    u32 max_cmds = r.read(kRegScratchPad0) & kMaxCmdsMask;
    u32 mem = hba_dma_alloc(kPage, "megasas frame");
    if (!mem) return 0;
    MegasasCtrl& a = *hba_ptr<MegasasCtrl>(mem + kCtrlOffset);
    a = MegasasCtrl{};
    a.io = r.base;
    a.frame = mem;
    a.sense = mem + kSenseOffset;
    a.scratch = mem + kScratchOffset;
    a.bdf = pd.bdf;
    mfi_build_init(hba_ptr<MfiInitFrame>(a.frame), hba_ptr<MfiInitQinfo>(mem + kQinfoOffset), mem + kQinfoOffset,
                   ++a.context, mem + kReplyQueueOffset, min<u32>(kReplyEntries, max_cmds), mem + kProducerOffset,
                   mem + kConsumerOffset);
    u8 st = megasas_post(a, kFrameTimeoutUs);
    if (st != kStatOk) {
        dlog(1, "megasas %02x:%02x.%x: INIT frame failed (status %02x); skipped\n", b, dv, fn, st);
        post_alloc().free(mem);
        return 0;
    }
    dlog(2, "megasas %02x:%02x.%x: firmware operational (state %x), %u commands\n", b, dv, fn,
         r.read(kRegScratchPad0) & kStateMask, max_cmds);
    return hba_flat(&a);
}

// The logical drives: each becomes target:0, in target order (the list
// comes in the firmware's order).
void add_drives(MegasasCtrl& a) {
    u8 b = pci_bus(a.bdf), dv = pci_dev(a.bdf), fn = pci_fn(a.bdf);
    MfiLdList list{};
    mfi_build_dcmd(hba_ptr<MfiDcmdFrame>(a.frame), kDcmdLdGetList, ++a.context, hba_flat(&list), sizeof(list));
    u8 st = megasas_post(a, kFrameTimeoutUs);
    if (st != kStatOk) {
        dlog(1, "megasas %02x:%02x.%x: listing the logical drives failed (status %02x)\n", b, dv, fn, st);
        return;
    }
    u64 present = 0;
    u32 n = min<u32>(list.count, kMaxLd);
    dlog(2, "megasas %02x:%02x.%x: %u logical drives\n", b, dv, fn, list.count);
    for (u32 i = 0; i < n; i++) {
        u8 t = list.ld[i].target;
        if (t >= kMaxLd) continue;
        if (list.ld[i].state == kLdStateOffline)
            dlog(1, "megasas %02x:%02x.%x: logical drive %u offline; skipped\n", b, dv, fn, t);
        else
            present |= u64(1) << t;
    }
    for (u16 t = 0; t < kMaxLd; t++)
        if (present & (u64(1) << t)) hba_add_lun(DriverType::kMegasas, hba_flat(&a), a.bdf, t, 0, "megasas", 0);
}

}  // namespace

void megasas_setup() {
    hba_for_each(kVendor, kDeviceSas1078, kDeviceSas2108, [](const PciDevice& pd) {
        if (u32 ctrl = setup_adapter(pd)) add_drives(*hba_ptr<MegasasCtrl>(ctrl));
    });
}

}  // namespace reef
