// SPDX-License-Identifier: LGPL-3.0-or-later
// EHCI host controllers (PCI class 0Ch/03h/20h: QEMU's usb-ehci and the
// ICH9 EHCI functions): high-speed devices on the root ports, control and
// bulk transfers through queue heads on the asynchronous schedule, polled
// (no interrupts). Full- and low-speed devices belong to the companion
// controllers (UHCI; not driven). Transfers are 32-bit runtime code
// (ehci.cc), set-up and port handling POST code (ehci_setup.cc). docs/usb.md.
#pragma once
#include "hw/usb_hc.h"

namespace reef {

namespace ehci {
constexpr u8 kPciProgIfEhci = 0x20;
// Capability registers.
constexpr u32 kCapLength = 0x00, kHcsParams = 0x04, kHccParams = 0x08;
constexpr u32 kHcsPortsMask = 0xF, kHcsPpc = 1u << 4;
// Operational registers.
constexpr u32 kUsbCmd = 0x00, kUsbSts = 0x04, kUsbIntr = 0x08, kCtrlDsSegment = 0x10, kAsyncListAddr = 0x18,
              kConfigFlag = 0x40, kPortSc = 0x44;
constexpr u32 kCmdRun = 1u << 0, kCmdReset = 1u << 1, kCmdPeriodic = 1u << 4, kCmdAsync = 1u << 5;
constexpr u32 kStsHalted = 1u << 12, kStsAsync = 1u << 15;
// PORTSC.
constexpr u32 kPortCcs = 1u << 0, kPortCsc = 1u << 1, kPortPe = 1u << 2, kPortPec = 1u << 3, kPortOcc = 1u << 5,
              kPortReset = 1u << 8, kPortLineMask = 3u << 10, kPortLineK = 1u << 10, kPortPower = 1u << 12,
              kPortOwner = 1u << 13;
constexpr u32 kPortRwc = kPortCsc | kPortPec | kPortOcc;
// USBLEGSUP (PCI configuration space, at HCCPARAMS.EECP).
constexpr u8 kExtLegacy = 1;
constexpr u32 kLegBiosOwned = 1u << 16, kLegCtlSts = 4;
// Link pointers, queue heads, qTDs.
constexpr u32 kLinkTerminate = 1u << 0, kLinkQh = 1u << 1;
constexpr u32 kQhDtc = 1u << 14, kQhHead = 1u << 15, kQhControl = 1u << 27, kQhEpsHigh = 2u << 12,
              kQhMult1 = 1u << 30;
constexpr u32 kTokActive = 1u << 7, kTokHalted = 1u << 6, kTokBuffer = 1u << 5, kTokBabble = 1u << 4,
              kTokXact = 1u << 3, kTokErrors = kTokBuffer | kTokBabble | kTokXact;
constexpr u32 kTokPidOut = 0u << 8, kTokPidIn = 1u << 8, kTokPidSetup = 2u << 8, kTokCerr3 = 3u << 10,
              kTokIoc = 1u << 15, kTokToggle = 1u << 31;
constexpr u32 kTokBytesShift = 16, kTokBytesMask = 0x7FFF;
constexpr u32 kQtdPages = 5, kPage = 4096;
constexpr u32 kXferTimeoutUs = 5000000;
}  // namespace ehci

// A queue head (32-byte aligned; 48 bytes used) and a qTD (32 bytes).
struct EhciQtd {
    u32 next, alt_next, token;
    u32 buf[ehci::kQtdPages];
};
static_assert(sizeof(EhciQtd) == 32);

struct EhciQh {
    u32 link, chars, caps, current;
    EhciQtd overlay;
    u32 pad[4];
};
static_assert(sizeof(EhciQh) == 64);

// The controller's state, in its DMA block with the async list's head QH.
struct EhciCtrl {
    u32 op;
    u16 bdf;
    bool broken;
    u8 next_addr;
    u32 head_qh;   // flat: the reclamation list head
};

// ---- 32-bit runtime (ehci.cc): the EHCI side of usb_hc.h ----------------
u8 ehci_control(UsbDevice& d, const UsbSetup& s, u32 buf);
u8 ehci_transfer(UsbDevice& d, UsbPipe p, u32 buf, u32 len, u32* actual);
void ehci_recover(UsbDevice& d, UsbPipe p);
bool ehci_poll_in(UsbDevice& d, u32 buf, u32 len);

// A device's DMA page: the queue heads, then the qTDs (and the setup
// packet), the UsbDevice at kUsbDevStructOffset.
constexpr u32 kEhciQtdArea = 0x100, kEhciSetupOffset = 0x0E0, kEhciMaxQtds = (0xC00 - kEhciQtdArea) / 32;

// ---- POST (ehci_setup.cc) ---------------------------------------------
void ehci_setup();

}  // namespace reef
