// SPDX-License-Identifier: LGPL-3.0-or-later
// UHCI at POST (src/hw/uhci.h): legacy support off, reset, the frame list
// (every entry at the one queue head), run; each connected port reset and
// enabled, its device addressed (SET_ADDRESS) and enumerated
// (usb_enum.cc). Polled waits only.
#include "fw/pci.h"
#include "hw/scsi_hba.h"
#include "hw/uhci.h"
#include "hw/usb_enum.h"
#include "hw/xhci.h"
#include "lib/format.h"
#include "lib/io.h"
#include "lib/log.h"

namespace reef {

using namespace uhci;

namespace {

constexpr u32 kPage = 4096;
constexpr u32 kBlockSize = 3 * kPage;
constexpr u32 kOffCtrl = 0x1000, kOffQh = 0x1040, kOffSetup = 0x1060, kOffIntQh = 0x1080,
              kOffTds = 0x1100;
static_assert(kOffTds + kTdPool * sizeof(UhciTd) <= kBlockSize);
constexpr u8 kBarIo = 4;
constexpr u32 kResetTimeoutUs = 50000, kPortTimeoutUs = 100000;

template <class T> T* flat(u32 a) { return reinterpret_cast<T*>(uintptr_t(a)); }
bool wait_io(u16 port, u16 mask, u16 want, u32 timeout_us) {
    return hba_wait(timeout_us, [&] { return (inw(port) & mask) == want; });
}

bool reset_hc(UhciCtrl& c, const char* name) {
    outw(0, u16(c.io + kUsbCmd));
    outw(kCmdHcReset, u16(c.io + kUsbCmd));
    if (!wait_io(u16(c.io + kUsbCmd), kCmdHcReset, 0, kResetTimeoutUs)) {
        dlog(1, "%s: reset does not complete; skipped\n", name);
        return false;
    }
    return true;
}

// Reset and enable; PORTSC afterwards, 0 when nothing usable is there.
u16 port_enable(UhciCtrl& c, const char* name, u32 port) {
    u16 reg = u16(c.io + kPortSc + 2 * (port - 1));
    u16 sc = inw(reg);
    if (!(sc & kPortCcs)) return 0;
    outw(kPortReset, reg);
    // The 10-50 ms reset (USB 2.0 7.1.7.5) is not held (docs/usb.md).
    outw(0, reg);
    outw(kPortPe | kPortRwc, reg);
    if (!wait_io(reg, kPortPe, kPortPe, kPortTimeoutUs)) {
        dlog(1, "%s port %u: not enabled after reset (PORTSC %x); skipped\n", name, port, inw(reg));
        return 0;
    }
    outw(u16(kPortPe | (inw(reg) & kPortRwc)), reg);
    return inw(reg);
}

bool enumerate_port(UhciCtrl& c, u32 ctrl_flat, const char* name, u32 port, UsbHubList& hubs) {
    u16 sc = port_enable(c, name, port);
    if (!sc || c.next_addr > usb::kMaxAddress) return false;
    // EP0's max packet: 8 is enough for the first 8 bytes at either speed.
    UsbDevice* dp = usb_new_root_device(UsbHcKind::kUhci, ctrl_flat, c.bdf, u8(port),
                                        (sc & kPortLowSpeed) ? UsbSpeed::kLow : UsbSpeed::kFull, 8);
    if (!dp) return false;
    UsbDevice& d = *dp;
    return usb_address_and_enumerate(d, c.next_addr++, name, port, &hubs);
}

void setup_one(const PciDevice& pd) {
    char name[16];
    snformat(name, sizeof(name), "uhci %02x:%02x.%x", pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf));
    HbaRegs regs;
    if (!hba_regs(pd.bdf, kBarIo, 0x14, "uhci", &regs) || !regs.io) return;
    pci_config().write16(pd.bdf, kPciLegSup, kLegSupClear);  // no SMIs, no legacy keyboard emulation
    u32 blk = hba_dma_alloc(kBlockSize, "uhci");
    if (!blk) return;
    UhciCtrl& c = *flat<UhciCtrl>(blk + kOffCtrl);
    c.io = u16(regs.base);
    c.bdf = pd.bdf;
    c.next_addr = 1;
    c.qh = blk + kOffQh;
    c.tds = blk + kOffTds;
    c.setup = blk + kOffSetup;
    c.int_qh = c.int_tail = blk + kOffIntQh;
    if (!reset_hc(c, name)) return;
    UhciQh& iqh = *flat<UhciQh>(c.int_qh);
    iqh.link = iqh.element = kLinkTerminate;
    UhciQh& qh = *flat<UhciQh>(c.qh);
    qh.link = c.int_qh | kLinkQh;  // every frame: transfers, then the interrupt poll
    qh.element = kLinkTerminate;
    for (u32 i = 0; i < kFrames; i++) flat<u32>(blk)[i] = c.qh | kLinkQh;
    outw(0, u16(c.io + kUsbIntr));
    outw(0, u16(c.io + kFrNum));
    outl(blk, u16(c.io + kFlBaseAdd));
    outw(kStsAll, u16(c.io + kUsbSts));
    outw(kCmdRun | kCmdMaxP64, u16(c.io + kUsbCmd));
    if (!wait_io(u16(c.io + kUsbSts), kStsHalted, 0, kResetTimeoutUs)) {
        dlog(1, "%s: does not run; skipped\n", name);
        return;
    }
    dlog(1, "%s: at I/O %x\n", name, c.io);
    int used = 0;
    UsbHubList hubs{};
    for (u32 p = 1; p <= kNumPorts && !c.broken; p++) used += enumerate_port(c, blk + kOffCtrl, name, p, hubs);
    if (!c.broken) used += usb_scan_hubs_addressed(hubs, &c.next_addr, name);
    if (!used) {
        reset_hc(c, name);
        dlog(2, "%s: nothing to drive; halted\n", name);
    }
}

}  // namespace

bool uhci_configure(UsbDevice& d, const UsbInterfaceInfo& info) {
    if (!info.in.addr || info.in.type != usb::kEpInterrupt) return true;
    // The interrupt pipe's own queue head, appended to the interrupt chain.
    UhciCtrl& c = *flat<UhciCtrl>(d.hc);
    u32 qh = u32(reinterpret_cast<uintptr_t>(&d)) - kUsbDevStructOffset + kUhciDevIntQh;
    flat<UhciQh>(qh)->link = flat<UhciQh>(qh)->element = kLinkTerminate;
    __atomic_store_n(&flat<UhciQh>(c.int_tail)->link, qh | kLinkQh, __ATOMIC_RELEASE);
    c.int_tail = qh;
    return true;
}

void uhci_setup() { usb_for_each_hc(kPciProgIfUhci, setup_one); }

}  // namespace reef
