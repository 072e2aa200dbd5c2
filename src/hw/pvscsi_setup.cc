// SPDX-License-Identifier: LGPL-3.0-or-later
// pvscsi at POST: reset, one page per ring, then INQUIRY on every target
// (LUN 0: QEMU's pvscsi has no other).
#include "block/scsi.h"
#include "fw/malloc.h"
#include "fw/pci.h"
#include "hw/pvscsi.h"
#include "hw/scsi_hba.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace pvscsi;

// The largest ring one page holds, as log2 of its entries.
constexpr u32 kReqLog2Max = 5, kCmpLog2Max = 7;
static_assert((1u << kReqLog2Max) * sizeof(PvscsiReqDesc) == kPage);
static_assert((1u << kCmpLog2Max) * sizeof(PvscsiCmpDesc) == kPage);

void command(const HbaRegs& r, u32 cmd, const void* data, u32 bytes) {
    r.write(kRegCommand, cmd);
    const u32* w = static_cast<const u32*>(data);
    for (u32 i = 0; i < bytes / 4; i++) r.write(kRegCommandData, w[i]);
}

// Sets the adapter up; its state (in a new DMA block) or 0.
u32 setup_adapter(const PciDevice& pd) {
    u8 b = pci_bus(pd.bdf), dv = pci_dev(pd.bdf), fn = pci_fn(pd.bdf);
    HbaRegs r;
    if (!hba_regs(pd.bdf, 0, kBarMin, "pvscsi", &r)) return 0;
    u32 mem = hba_dma_alloc(kDmaBytes, "pvscsi rings");
    if (!mem) return 0;
    PvscsiCtrl& a = *hba_ptr<PvscsiCtrl>(mem + kCtrlOffset);
    a = PvscsiCtrl{};
    a.regs = r.base;
    a.state = mem;
    a.req_ring = mem + kPage;
    a.cmp_ring = mem + 2 * kPage;
    a.sense = mem + kSenseOffset;
    a.bdf = pd.bdf;
    r.write(kRegIntrMask, 0);  // polled
    command(r, kCmdAdapterReset, nullptr, 0);
    PvscsiSetupRings rings = pvscsi_setup_rings(a.state, a.req_ring, a.cmp_ring);
    command(r, kCmdSetupRings, &rings, sizeof(rings));
    u32 status = r.read(kRegCommandStatus);
    const PvscsiRingsState& s = *hba_ptr<PvscsiRingsState>(a.state);
    if (status != kCommandSucceeded || !s.req_entries_log2 || s.req_entries_log2 > kReqLog2Max ||
        !s.cmp_entries_log2 || s.cmp_entries_log2 > kCmpLog2Max) {
        dlog(1, "pvscsi %02x:%02x.%x: setting up the rings failed (status %x, rings 2^%u/2^%u); skipped\n", b, dv, fn,
             status, s.req_entries_log2, s.cmp_entries_log2);
        post_alloc().free(mem);
        return 0;
    }
    dlog(2, "pvscsi %02x:%02x.%x: rings of %u requests, %u completions\n", b, dv, fn, 1u << s.req_entries_log2,
         1u << s.cmp_entries_log2);
    return hba_flat(&a);
}

}  // namespace

void pvscsi_setup() {
    hba_for_each(kVendor, kDevice, kDevice, [](const PciDevice& pd) {
        if (u32 ctrl = setup_adapter(pd)) hba_scan(DriverType::kPvscsi, ctrl, pd.bdf, kMaxTargets, "pvscsi", 0);
    });
}

}  // namespace reef
