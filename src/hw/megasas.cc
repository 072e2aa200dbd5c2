// SPDX-License-Identifier: LGPL-3.0-or-later
// MegaRAID SAS: the SCSI transport (32-bit runtime; src/hw/megasas.h). One
// frame per adapter, one command at a time: the frame's address goes to the
// inbound queue port and its status byte is polled.
#include "hw/megasas.h"

#include "block/scsi.h"
#include "fw/pci_alloc.h"
#include "hw/scsi_hba.h"
#include "lib/log.h"

namespace reef {
namespace {
constexpr u32 kIoTimeoutUs = 5000000;
}  // namespace

u8 megasas_post(MegasasCtrl& a, u32 timeout_us) {
    if (a.broken) return mfi::kStatPending;
    volatile MfiHeader* h = hba_ptr<volatile MfiHeader>(a.frame);
    u8 cmd = h->cmd;
    barrier();
    HbaRegs{a.io, true}.write(mfi::kRegInboundQueue, mfi_queue_port(a.frame));
    if (!hba_wait(timeout_us, [&] { return h->cmd_status != mfi::kStatPending; })) {
        a.broken = true;
        dlog(1, "megasas %02x:%02x.%x: frame %02x timed out; adapter abandoned\n", pci_bus(a.bdf), pci_dev(a.bdf),
             pci_fn(a.bdf), cmd);
        return mfi::kStatPending;
    }
    barrier();
    return h->cmd_status;
}

u8 megasas_exec(HbaDrive& d, ScsiCmd* c) {
    MegasasCtrl& a = *hba_ptr<MegasasCtrl>(d.ctrl);
    if (a.broken) return disk_status::kControllerFail;
    MfiPassFrame* f = hba_ptr<MfiPassFrame>(a.frame);
    mfi_build_pass(f, *c, ++a.context, u8(d.target), d.lun, a.sense, a.scratch);
    if (megasas_post(a, kIoTimeoutUs) == mfi::kStatPending) return disk_status::kTimeout;
    return mfi_pass_result(f->h, hba_ptr<u8>(a.sense), c);
}

}  // namespace reef
