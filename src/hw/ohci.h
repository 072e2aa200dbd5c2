// SPDX-License-Identifier: LGPL-3.0-or-later
// OHCI host controllers (PCI class 0Ch/03h/10h: QEMU's pci-ohci): full- and
// low-speed devices on the root hub's ports; control and bulk transfers as
// general TDs queued on one control and one bulk endpoint descriptor (ED)
// that are re-aimed at each transfer, interrupt-in polling on a per-device
// ED in the periodic list; all polled (no interrupts). OHCI 1.0a. Transfers
// are 32-bit runtime code (ohci.cc), set-up POST code (ohci_setup.cc).
// docs/usb.md.
#pragma once
#include "hw/usb_hc.h"

namespace reef {

namespace ohci {
constexpr u8 kPciProgIfOhci = 0x10;
// Operational registers (BAR0, memory).
constexpr u32 kRevision = 0x00, kControl = 0x04, kCommandStatus = 0x08, kInterruptStatus = 0x0C,
              kInterruptDisable = 0x14, kHcca = 0x18, kControlHeadEd = 0x20, kControlCurrentEd = 0x24,
              kBulkHeadEd = 0x28, kBulkCurrentEd = 0x2C, kFmInterval = 0x34, kPeriodicStart = 0x40,
              kRhDescriptorA = 0x48, kRhStatus = 0x50, kRhPortStatus = 0x54;
constexpr u32 kRegsSize = 0x100;
// HcControl.
constexpr u32 kCtlCbsr4 = 3u << 0, kCtlPle = 1u << 2, kCtlCle = 1u << 4, kCtlBle = 1u << 5, kCtlHcfsMask = 3u << 6,
              kCtlHcfsReset = 0u << 6, kCtlHcfsOperational = 2u << 6, kCtlIr = 1u << 8;
// HcCommandStatus.
constexpr u32 kCmdHcr = 1u << 0, kCmdClf = 1u << 1, kCmdBlf = 1u << 2, kCmdOcr = 1u << 3;
// HcInterruptStatus / Disable.
constexpr u32 kIntWdh = 1u << 1, kIntAll = 0x7F | (1u << 30), kIntMie = 1u << 31;
// HcFmInterval: the 1 ms frame (FI = 11999 bit times), its largest data
// packet (FSMPS, OHCI 1.0a 7.3.1: (FI - 210) * 6 / 7), and the toggle bit.
constexpr u32 kFrameInterval = 11999, kFsmpsShift = 16, kFit = 1u << 31;
// HcRhDescriptorA, HcRhStatus.
constexpr u32 kRhaNdpMask = 0xFF, kRhaNps = 1u << 9, kRhaPotpgtShift = 24;
constexpr u32 kRhsLpsc = 1u << 16;  // set global power
// HcRhPortStatus: reads / writes.
constexpr u32 kPortCcs = 1u << 0, kPortPes = 1u << 1, kPortPrs = 1u << 4, kPortLsda = 1u << 9, kPortCsc = 1u << 16,
              kPortPesc = 1u << 17, kPortPrsc = 1u << 20, kPortChangeAll = 0x1F0000;
constexpr u32 kPortSetReset = 1u << 4, kPortSetPower = 1u << 8;
constexpr u32 kMaxPorts = 15;
// Endpoint descriptor dword 0 (flags), HeadP's low bits.
constexpr u32 kEdEnShift = 7, kEdDirFromTd = 0u << 11, kEdDirOut = 1u << 11, kEdDirIn = 2u << 11,
              kEdLowSpeed = 1u << 13, kEdSkip = 1u << 14, kEdMpsShift = 16;
constexpr u32 kEdHalted = 1u << 0, kEdCarry = 1u << 1, kEdPtrMask = ~0xFu;
// General TD dword 0.
constexpr u32 kTdRounding = 1u << 18, kTdDpSetup = 0u << 19, kTdDpOut = 1u << 19, kTdDpIn = 2u << 19,
              kTdNoDelay = 7u << 21, kTdToggleData0 = 2u << 24, kTdToggleData1 = 3u << 24, kTdCcShift = 28,
              kTdCcNotAccessed = 0xFu << 28;
// Completion codes (OHCI 1.0a 4.3.3).
constexpr u8 kTdCcNoError = 0, kTdCcCrc = 1, kTdCcBitStuffing = 2, kTdCcToggleMismatch = 3, kTdCcStall = 4,
             kTdCcNotResponding = 5, kTdCcPidCheck = 6, kTdCcUnexpectedPid = 7, kTdCcDataOverrun = 8, kTdCcDataUnderrun = 9,
             kTdCcBufferOverrun = 0xC, kTdCcBufferUnderrun = 0xD;
constexpr u32 kTdPool = 128;  // TDs per transfer chunk (in the controller's block)
constexpr u32 kXferTimeoutUs = 5000000;
constexpr u32 kHccaInterruptTable = 32;
}  // namespace ohci

struct OhciEd {
    u32 flags, tail, head, next;
};
struct OhciTd {
    u32 flags, cbp, next, be;
};
static_assert(sizeof(OhciEd) == 16 && sizeof(OhciTd) == 16);

// The controller's state, in its DMA block with the HCCA, the control and
// bulk EDs, the TD pool.
struct OhciCtrl {
    u32 regs;    // flat MMIO base
    u16 bdf;
    bool broken;
    u8 next_addr;
    u32 hcca;    // flat, 256-byte aligned
    u32 ctl_ed, bulk_ed;
    u32 tds;     // flat: kTdPool TDs (the first one the EDs' idle head and tail)
    u32 lens;    // flat: kTdPool u32s, each TD's length
    u32 setup;   // flat: 8 bytes for SETUP packets
    u32 int_tail;  // flat: the last interrupt ED in the periodic list (0: none)
};

// Per device (in its DMA page, before the UsbDevice): the interrupt-in ED
// and its two TDs (the armed one and the tail).
constexpr u32 kOhciDevIntEd = 0x000, kOhciDevIntTd = 0x010, kOhciDevIntTail = 0x020;

// An ED's dword 0 for endpoint `ep` of the device (direction from the TDs).
inline u32 ohci_ed_flags(const UsbDevice& d, u8 ep, u32 mps) {
    return u32(d.addr) | u32(ep & usb::kEpNumMask) << ohci::kEdEnShift | ohci::kEdDirFromTd |
           (d.speed == UsbSpeed::kLow ? ohci::kEdLowSpeed : 0) | mps << ohci::kEdMpsShift;
}

// ---- 32-bit runtime (ohci.cc): the OHCI side of usb_hc.h ----------------
u8 ohci_control(UsbDevice& d, const UsbSetup& s, u32 buf);
u8 ohci_transfer(UsbDevice& d, UsbPipe p, u32 buf, u32 len, u32* actual);
void ohci_recover(UsbDevice& d, UsbPipe p);
bool ohci_poll_in(UsbDevice& d, u32 buf, u32 len);

// ---- POST (ohci_setup.cc) ---------------------------------------------
void ohci_setup();

}  // namespace reef
