// SPDX-License-Identifier: LGPL-3.0-or-later
// EHCI at POST (src/hw/ehci.h): legacy ownership released, halt, reset,
// the asynchronous schedule with its head queue head, every port routed
// to EHCI (CONFIGFLAG); each connected port reset, a high-speed device
// addressed (SET_ADDRESS) and enumerated (usb_enum.cc); full- and
// low-speed devices handed to the companion controller. Polled waits only.
#include "fw/pci.h"
#include "hw/ehci.h"
#include "hw/scsi_hba.h"
#include "hw/usb_enum.h"
#include "hw/xhci.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {

using namespace ehci;

namespace {

constexpr u32 kOffHeadQh = 0x100;
constexpr u32 kHaltTimeoutUs = 20000, kResetTimeoutUs = 250000, kPortResetTimeoutUs = 100000,
              kScheduleTimeoutUs = 20000;
constexpr u8 kMaxEhciPorts = 15;

u32 rd32(u32 a) { return *reinterpret_cast<volatile u32*>(uintptr_t(a)); }
void wr32(u32 a, u32 v) { *reinterpret_cast<volatile u32*>(uintptr_t(a)) = v; }
template <class T> T* flat(u32 a) { return reinterpret_cast<T*>(uintptr_t(a)); }
bool wait_reg(u32 reg, u32 mask, u32 want, u32 timeout_us) {
    return hba_wait(timeout_us, [&] { return (rd32(reg) & mask) == want; });
}

void init_qh(EhciQh& qh, u32 chars, u32 link) {
    __builtin_memset(&qh, 0, sizeof(qh));
    qh.link = link;
    qh.chars = chars;
    qh.caps = kQhMult1;
    qh.overlay.next = qh.overlay.alt_next = kLinkTerminate;
}

u32 qh_chars(u8 addr, u8 ep, u16 mps, bool control) {
    return u32(addr) | u32(ep & usb::kEpNumMask) << 8 | kQhEpsHigh | u32(mps) << 16 | (control ? kQhDtc : 0);
}

// Puts `qh` into the asynchronous list right after the head.
void link_qh(EhciCtrl& c, u32 qh) {
    EhciQh& head = *flat<EhciQh>(c.head_qh);
    flat<EhciQh>(qh)->link = head.link;
    asm volatile("" ::: "memory");
    __atomic_store_n(&head.link, qh | kLinkQh, __ATOMIC_RELEASE);
}

void release_legacy(u16 bdf, u32 hcc, const char* name) {
    u8 eecp = u8(hcc >> 8);
    if (eecp < 0x40) return;
    u32 v = pci_config().read32(bdf, eecp);
    if (u8(v) != kExtLegacy) return;
    if (v & kLegBiosOwned) pci_config().write32(bdf, eecp, v & ~kLegBiosOwned);
    pci_config().write32(bdf, u8(eecp + kLegCtlSts), 0);  // no SMIs
    dlog(2, "%s: legacy support: BIOS ownership released\n", name);
}

bool reset_hc(EhciCtrl& c, const char* name) {
    wr32(c.op + kUsbCmd, rd32(c.op + kUsbCmd) & ~(kCmdRun | kCmdAsync | kCmdPeriodic));
    if (!wait_reg(c.op + kUsbSts, kStsHalted, kStsHalted, kHaltTimeoutUs)) {
        dlog(1, "%s: does not halt; skipped\n", name);
        return false;
    }
    wr32(c.op + kUsbCmd, kCmdReset);
    if (!wait_reg(c.op + kUsbCmd, kCmdReset, 0, kResetTimeoutUs)) {
        dlog(1, "%s: reset does not complete; skipped\n", name);
        return false;
    }
    return true;
}

// Port reset; PORTSC afterwards, or 0 when no high-speed device is usable.
u32 port_enable(EhciCtrl& c, const char* name, u32 port) {
    u32 reg = c.op + kPortSc + 4 * (port - 1);
    u32 sc = rd32(reg);
    if (!(sc & kPortCcs)) return 0;
    if ((sc & kPortLineMask) == kPortLineK) {  // a low-speed device: the companion's
        wr32(reg, (sc & ~kPortRwc) | kPortOwner);
        dlog(1, "%s port %u: low-speed device; left to the companion controller\n", name, port);
        return 0;
    }
    u32 base = (sc & ~(kPortRwc | kPortPe)) | kPortPower;
    wr32(reg, base | kPortReset);
    // The reset's 50 ms (USB 2.0 7.1.7.5) is not waited for (docs/usb.md):
    // QEMU's ports reset at once.
    wr32(reg, base & ~kPortReset);
    if (!wait_reg(reg, kPortReset, 0, kPortResetTimeoutUs)) {
        dlog(1, "%s port %u: reset does not end; skipped\n", name, port);
        return 0;
    }
    sc = rd32(reg);
    wr32(reg, sc);  // acknowledge the changes (PE written as 1 keeps it)
    if (!(sc & kPortPe)) {
        wr32(reg, (sc & ~(kPortRwc | kPortPe)) | kPortOwner);
        dlog(1, "%s port %u: not a high-speed device; left to the companion controller\n", name, port);
        return 0;
    }
    return sc;
}

bool enumerate_port(EhciCtrl& c, u32 ctrl_flat, const char* name, u32 port) {
    if (!port_enable(c, name, port)) return false;
    if (c.next_addr > usb::kMaxAddress) return false;
    UsbDevice* dp = usb_new_root_device(UsbHcKind::kEhci, ctrl_flat, c.bdf, u8(port), UsbSpeed::kHigh,
                                        usb_default_mps0(UsbSpeed::kHigh));
    if (!dp) return false;
    UsbDevice& d = *dp;
    u32 blk = u32(reinterpret_cast<uintptr_t>(dp)) - kUsbDevStructOffset;
    for (int p = 0; p < kPipesInDevPage; p++) d.qh[p] = blk + p * sizeof(EhciQh);
    init_qh(*flat<EhciQh>(d.qh[kPipeControl]), qh_chars(0, 0, d.mps0, true), kLinkTerminate);
    link_qh(c, d.qh[kPipeControl]);
    return usb_address_and_enumerate(d, c.next_addr++, name, port);
}

void setup_one(const PciDevice& pd) {
    char name[16];
    snformat(name, sizeof(name), "ehci %02x:%02x.%x", pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf));
    HbaRegs regs;
    if (!hba_regs(pd.bdf, 0, 0x100, "ehci", &regs) || regs.io) return;
    u32 cap = regs.base;
    u32 hcs = rd32(cap + kHcsParams), hcc = rd32(cap + kHccParams);
    u32 blk = hba_dma_alloc(kPage, "ehci");
    if (!blk) return;
    EhciCtrl& c = *flat<EhciCtrl>(blk);
    c.bdf = pd.bdf;
    c.op = cap + (rd32(cap + kCapLength) & 0xFF);
    c.next_addr = 1;
    c.head_qh = blk + kOffHeadQh;
    release_legacy(pd.bdf, hcc, name);
    if (!reset_hc(c, name)) return;
    EhciQh& head = *flat<EhciQh>(c.head_qh);
    init_qh(head, kQhHead | kQhEpsHigh, c.head_qh | kLinkQh);
    head.overlay.token = kTokHalted;  // never runs anything
    wr32(c.op + kCtrlDsSegment, 0);
    wr32(c.op + kUsbIntr, 0);
    wr32(c.op + kAsyncListAddr, c.head_qh);
    wr32(c.op + kUsbCmd, kCmdRun | kCmdAsync);
    wr32(c.op + kConfigFlag, 1);  // every port to EHCI
    if (!wait_reg(c.op + kUsbSts, kStsHalted | kStsAsync, kStsAsync, kScheduleTimeoutUs)) {
        dlog(1, "%s: the schedule does not start; skipped\n", name);
        return;
    }
    u32 nports = min<u32>(hcs & kHcsPortsMask, kMaxEhciPorts);
    if (hcs & kHcsPpc)
        for (u32 p = 1; p <= nports; p++) {
            u32 reg = c.op + kPortSc + 4 * (p - 1);
            wr32(reg, (rd32(reg) & ~(kPortRwc | kPortPe)) | kPortPower);
        }
    dlog(1, "%s: %u ports\n", name, nports);
    int used = 0;
    for (u32 p = 1; p <= nports && !c.broken; p++) used += enumerate_port(c, blk, name, p);
    if (!used) {
        reset_hc(c, name);
        wr32(c.op + kConfigFlag, 0);  // ports back to the companions
        dlog(2, "%s: nothing to drive; halted\n", name);
    }
}

}  // namespace

bool ehci_set_mps0(UsbDevice& d, u16 mps) {
    EhciQh& qh = *flat<EhciQh>(d.qh[kPipeControl]);
    qh.chars = (qh.chars & ~(0x7FFu << 16)) | u32(mps) << 16;
    d.mps0 = mps;
    return true;
}

bool ehci_configure(UsbDevice& d, const UsbInterfaceInfo& info) {
    EhciCtrl& c = *flat<EhciCtrl>(d.hc);
    for (int p = kPipeIn; p < kPipeCount; p++) {
        const UsbEndpointInfo& e = usb_pipe_endpoint(info, p);
        if (!e.addr) continue;
        if (e.type != usb::kEpBulk) {
            dlog(1, "ehci: endpoint %02x: only bulk endpoints are driven; skipped\n", e.addr);
            return false;
        }
        d.ep_addr[p] = e.addr;
        d.ep_mps[p] = e.mps;
        init_qh(*flat<EhciQh>(d.qh[p]), qh_chars(d.addr, e.addr, e.mps, false), kLinkTerminate);
        link_qh(c, d.qh[p]);
    }
    return true;
}

void ehci_addressed(UsbDevice& d) {
    EhciQh& qh0 = *flat<EhciQh>(d.qh[kPipeControl]);
    qh0.chars = qh_chars(d.addr, 0, d.mps0, true);
}

void ehci_setup() { usb_for_each_hc(kPciProgIfEhci, setup_one); }

}  // namespace reef
