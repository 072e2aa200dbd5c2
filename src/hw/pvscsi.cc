// SPDX-License-Identifier: LGPL-3.0-or-later
// pvscsi: the SCSI transport (32-bit runtime; src/hw/pvscsi.h). One request
// at a time: it goes into the request ring at the producer index, a kick
// register write starts the device, and the completion ring's producer
// index on the rings-state page says when it is done (interrupts masked).
#include "hw/pvscsi.h"

#include "block/scsi.h"
#include "fw/pci_alloc.h"
#include "hw/scsi_hba.h"
#include "lib/log.h"

namespace reef {
namespace {

constexpr u32 kIoTimeoutUs = 5000000;

bool is_rw(u8 opcode) {
    return opcode == scsi::kRead10 || opcode == scsi::kWrite10 || opcode == scsi::kRead16 ||
           opcode == scsi::kWrite16;
}

}  // namespace

u8 pvscsi_exec(HbaDrive& d, ScsiCmd* c) {
    PvscsiCtrl& a = *hba_ptr<PvscsiCtrl>(d.ctrl);
    if (a.broken) return disk_status::kControllerFail;
    volatile PvscsiRingsState* s = hba_ptr<volatile PvscsiRingsState>(a.state);
    u32 prod = s->req_prod, cons = s->cmp_cons;
    u32 req_log2 = s->req_entries_log2, cmp_log2 = s->cmp_entries_log2;
    if (pvscsi_ring_full(prod, cons, req_log2)) return disk_status::kControllerFail;
    u64 context = ++a.context;
    pvscsi_build_request(hba_ptr<PvscsiReqDesc>(a.req_ring) + pvscsi_slot(prod, req_log2), *c, context,
                         u8(d.target), d.lun, a.sense);
    barrier();
    s->req_prod = prod + 1;
    HbaRegs{a.regs, false}.write(is_rw(c->cdb[0]) ? pvscsi::kRegKickRwIo : pvscsi::kRegKickNonRwIo, 0);
    if (!hba_wait(kIoTimeoutUs, [&] { return s->cmp_prod != cons; })) {
        a.broken = true;
        dlog(1, "pvscsi %02x:%02x.%x: command %02x to target %u timed out; adapter abandoned\n", pci_bus(a.bdf),
             pci_dev(a.bdf), pci_fn(a.bdf), c->cdb[0], d.target);
        return disk_status::kTimeout;
    }
    barrier();
    PvscsiCmpDesc cmp = hba_ptr<PvscsiCmpDesc>(a.cmp_ring)[pvscsi_slot(cons, cmp_log2)];
    s->cmp_cons = cons + 1;
    if (cmp.context != context) return disk_status::kControllerFail;
    return pvscsi_complete(cmp, hba_ptr<u8>(a.sense), c);
}

}  // namespace reef
