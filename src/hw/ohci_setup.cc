// SPDX-License-Identifier: LGPL-3.0-or-later
// OHCI at POST (src/hw/ohci.h): ownership from an SMM driver (if one holds
// it), reset, the HCCA, the control and bulk EDs, the frame interval,
// operational; root hub power, each connected port reset and its device
// addressed (SET_ADDRESS) and enumerated (usb_enum.cc). Polled waits only.
#include "fw/pci.h"
#include "hw/ohci.h"
#include "hw/scsi_hba.h"
#include "hw/usb_enum.h"
#include "hw/xhci.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {

using namespace ohci;

namespace {

constexpr u32 kBlockSize = 4096;
// The block: the HCCA (256-byte aligned), the state, the two EDs, the SETUP
// packet, each TD's length, the TD pool.
constexpr u32 kOffHcca = 0x000, kOffCtrl = 0x100, kOffCtlEd = 0x140, kOffBulkEd = 0x150, kOffSetup = 0x160,
              kOffLens = 0x200, kOffTds = 0x400;
static_assert(kOffLens + kTdPool * 4 <= kOffTds && kOffTds + kTdPool * sizeof(OhciTd) <= kBlockSize);
static_assert(sizeof(OhciCtrl) <= kOffCtlEd - kOffCtrl);
constexpr u8 kBarMem = 0;
constexpr u32 kOwnershipTimeoutUs = 500000, kResetTimeoutUs = 10000, kPortTimeoutUs = 100000;

template <class T> T* flat(u32 a) { return reinterpret_cast<T*>(uintptr_t(a)); }
u32 rd(const OhciCtrl& c, u32 reg) { return *reinterpret_cast<volatile u32*>(uintptr_t(c.regs + reg)); }
void wr(const OhciCtrl& c, u32 reg, u32 v) { *reinterpret_cast<volatile u32*>(uintptr_t(c.regs + reg)) = v; }
bool wait_reg(const OhciCtrl& c, u32 reg, u32 mask, u32 want, u32 timeout_us) {
    return hba_wait(timeout_us, [&] { return (rd(c, reg) & mask) == want; });
}

// OHCI 1.0a 5.1.1.3: an SMM driver owns the controller while HcControl.IR
// is set; OwnershipChangeRequest asks it to let go.
bool take_ownership(OhciCtrl& c, const char* name) {
    if (!(rd(c, kControl) & kCtlIr)) return true;
    wr(c, kCommandStatus, kCmdOcr);
    if (!wait_reg(c, kControl, kCtlIr, 0, kOwnershipTimeoutUs)) {
        dlog(1, "%s: the SMM driver keeps the controller (HcControl.IR); skipped\n", name);
        return false;
    }
    dlog(2, "%s: ownership taken from the SMM driver\n", name);
    return true;
}

// Software reset: the controller ends in UsbSuspend with its registers at
// their defaults (HcFmInterval kept by the caller).
bool reset_hc(OhciCtrl& c, const char* name) {
    wr(c, kInterruptDisable, kIntAll | kIntMie);
    wr(c, kCommandStatus, kCmdHcr);
    if (!wait_reg(c, kCommandStatus, kCmdHcr, 0, kResetTimeoutUs)) {
        dlog(1, "%s: reset does not complete; skipped\n", name);
        return false;
    }
    return true;
}

// Port reset; HcRhPortStatus afterwards, 0 when nothing usable is there.
u32 port_enable(OhciCtrl& c, const char* name, u32 port) {
    u32 reg = kRhPortStatus + 4 * (port - 1);
    u32 st = rd(c, reg);
    if (!(st & kPortCcs)) return 0;
    wr(c, reg, kPortSetReset);
    // The 10 ms reset is the root hub's to time (OHCI 1.0a 7.4.4); its end is polled.
    if (!wait_reg(c, reg, kPortPrsc, kPortPrsc, kPortTimeoutUs)) {
        dlog(1, "%s port %u: reset does not end; skipped\n", name, port);
        return 0;
    }
    wr(c, reg, kPortChangeAll);
    st = rd(c, reg);
    if (!(st & kPortPes)) {
        dlog(1, "%s port %u: not enabled after reset (status %x); skipped\n", name, port, st);
        return 0;
    }
    return st;
}

bool enumerate_port(OhciCtrl& c, u32 ctrl_flat, const char* name, u32 port, UsbHubList& hubs) {
    u32 st = port_enable(c, name, port);
    if (!st || c.next_addr > usb::kMaxAddress) return false;
    UsbDevice* dp = usb_new_root_device(UsbHcKind::kOhci, ctrl_flat, c.bdf, u8(port),
                                        (st & kPortLsda) ? UsbSpeed::kLow : UsbSpeed::kFull, 8);
    if (!dp) return false;
    return usb_address_and_enumerate(*dp, c.next_addr++, name, port, &hubs);
}

// An idle ED (skipped until a transfer aims it): head == tail == `td`.
void init_ed(u32 ed, u32 td) {
    OhciEd& e = *flat<OhciEd>(ed);
    e.flags = kEdSkip;
    e.head = e.tail = td;
    e.next = 0;
}

void setup_one(const PciDevice& pd) {
    char name[16];
    snformat(name, sizeof(name), "ohci %02x:%02x.%x", pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf));
    HbaRegs regs;
    if (!hba_regs(pd.bdf, kBarMem, kRegsSize, "ohci", &regs) || regs.io) return;
    u32 blk = hba_dma_alloc(kBlockSize, "ohci");
    if (!blk) return;
    OhciCtrl& c = *flat<OhciCtrl>(blk + kOffCtrl);
    c.regs = regs.base;
    c.bdf = pd.bdf;
    c.next_addr = 1;
    c.hcca = blk + kOffHcca;
    c.ctl_ed = blk + kOffCtlEd;
    c.bulk_ed = blk + kOffBulkEd;
    c.setup = blk + kOffSetup;
    c.lens = blk + kOffLens;
    c.tds = blk + kOffTds;
    if (!take_ownership(c, name) || !reset_hc(c, name)) return;
    // Both EDs idle: head == tail == the pool's first TD.
    init_ed(c.ctl_ed, c.tds);
    init_ed(c.bulk_ed, c.tds);
    __builtin_memset(flat<void>(c.hcca), 0, 256);
    wr(c, kHcca, c.hcca);
    wr(c, kControlHeadEd, c.ctl_ed);
    wr(c, kControlCurrentEd, 0);
    wr(c, kBulkHeadEd, c.bulk_ed);
    wr(c, kBulkCurrentEd, 0);
    wr(c, kInterruptStatus, kIntAll);
    u32 fsmps = (kFrameInterval - 210) * 6 / 7;
    wr(c, kFmInterval, ((rd(c, kFmInterval) & kFit) ^ kFit) | fsmps << kFsmpsShift | kFrameInterval);
    wr(c, kPeriodicStart, kFrameInterval * 9 / 10);
    // Operational within 2 ms of the reset (OHCI 1.0a 7.1.2).
    wr(c, kControl, kCtlHcfsOperational | kCtlCbsr4 | kCtlPle | kCtlCle | kCtlBle);
    u32 rha = rd(c, kRhDescriptorA);
    u32 nports = min<u32>(rha & kRhaNdpMask, kMaxPorts);
    if (!(rha & kRhaNps)) {
        wr(c, kRhStatus, kRhsLpsc);
        for (u32 p = 1; p <= nports; p++) wr(c, kRhPortStatus + 4 * (p - 1), kPortSetPower);
        // POTPGT (power-on to power-good) is not waited for: QEMU's ports are
        // powered at once (docs/usb.md).
    }
    dlog(1, "%s: %u ports\n", name, nports);
    int used = 0;
    UsbHubList hubs{};
    for (u32 p = 1; p <= nports && !c.broken; p++) used += enumerate_port(c, blk + kOffCtrl, name, p, hubs);
    if (!c.broken) used += usb_scan_hubs_addressed(hubs, &c.next_addr, name);
    if (!used) {
        reset_hc(c, name);
        dlog(2, "%s: nothing to drive; reset\n", name);
    }
}

}  // namespace

bool ohci_configure(UsbDevice& d, const UsbInterfaceInfo& info) {
    const UsbEndpointInfo& e = info.in;
    if (!e.addr || e.type != usb::kEpInterrupt) return true;
    // The interrupt pipe's own ED, idle at its first TD, appended to the
    // periodic list that every HCCA slot starts (polled every frame).
    OhciCtrl& c = *flat<OhciCtrl>(d.hc);
    u32 page = u32(reinterpret_cast<uintptr_t>(&d)) - kUsbDevStructOffset;
    u32 ed = page + kOhciDevIntEd;
    OhciEd& x = *flat<OhciEd>(ed);
    x.head = x.tail = page + kOhciDevIntTd;
    x.next = 0;
    x.flags = ohci_ed_flags(d, e.addr, e.mps);
    if (c.int_tail) flat<OhciEd>(c.int_tail)->next = ed;
    else
        for (u32 i = 0; i < kHccaInterruptTable; i++) flat<u32>(c.hcca)[i] = ed;
    c.int_tail = ed;
    return true;
}

void ohci_setup() { usb_for_each_hc(kPciProgIfOhci, setup_one); }

}  // namespace reef
