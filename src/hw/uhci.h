// SPDX-License-Identifier: LGPL-3.0-or-later
// UHCI host controllers (PCI class 0Ch/03h/00h: QEMU's piix3-usb-uhci,
// piix4-usb-uhci, the ICH9 UHCI functions): full- and low-speed devices on
// the two root ports, control, bulk and interrupt-in transfers as TD chains
// under one queue head that every frame list entry points at, polled (no
// interrupts). Transfers are 32-bit runtime code (uhci.cc), set-up POST
// code (uhci_setup.cc). docs/usb.md.
#pragma once
#include "hw/usb_hc.h"

namespace reef {

namespace uhci {
constexpr u8 kPciProgIfUhci = 0x00;
constexpr u8 kPciLegSup = 0xC0;            // PCI configuration: legacy support (16 bits)
constexpr u16 kLegSupClear = 0x8F00;       // SMI/trap status cleared, legacy emulation and PIRQ off
// I/O registers (BAR4).
constexpr u16 kUsbCmd = 0x00, kUsbSts = 0x02, kUsbIntr = 0x04, kFrNum = 0x06, kFlBaseAdd = 0x08, kSofMod = 0x0C,
              kPortSc = 0x10;
constexpr u16 kCmdRun = 1u << 0, kCmdHcReset = 1u << 1, kCmdMaxP64 = 1u << 7;
constexpr u16 kStsHalted = 1u << 5, kStsAll = 0x3F;
constexpr u16 kPortCcs = 1u << 0, kPortCsc = 1u << 1, kPortPe = 1u << 2, kPortPec = 1u << 3, kPortLowSpeed = 1u << 8,
              kPortReset = 1u << 9;
constexpr u16 kPortRwc = kPortCsc | kPortPec;
constexpr u32 kNumPorts = 2;
// Link pointers, TDs.
constexpr u32 kLinkTerminate = 1u << 0, kLinkQh = 1u << 1, kLinkDepth = 1u << 2;
constexpr u32 kTdActive = 1u << 23, kTdStalled = 1u << 22, kTdBuffer = 1u << 21, kTdBabble = 1u << 20,
              kTdCrcTimeout = 1u << 18, kTdBitstuff = 1u << 17, kTdIoc = 1u << 24, kTdLowSpeed = 1u << 26,
              kTdCerr3 = 3u << 27, kTdSpd = 1u << 29;
constexpr u32 kTdActLenMask = 0x7FF;
constexpr u8 kPidSetup = 0x2D, kPidIn = 0x69, kPidOut = 0xE1;
constexpr u32 kTokAddrShift = 8, kTokEpShift = 15, kTokToggle = 1u << 19, kTokMaxLenShift = 21;
constexpr u32 kFrames = 1024;
constexpr u32 kTdPool = 224;                // TDs per transfer chunk (in the controller's block)
constexpr u32 kXferTimeoutUs = 5000000;
}  // namespace uhci

struct UhciTd {
    u32 link, status, token, buf;
    u32 pad[4];  // 32 bytes: simple indexing, 16-byte alignment kept
};
static_assert(sizeof(UhciTd) == 32);

struct UhciQh {
    u32 link, element;
    u32 pad[2];
};

// The controller's state: its block holds the frame list (4 KiB), the
// queue head and the TD pool.
struct UhciCtrl {
    u16 io;
    u16 bdf;
    bool broken;
    u8 next_addr;
    u32 qh;      // flat: the one queue head
    u32 tds;     // flat: kTdPool TDs
    u32 setup;   // flat: 8 bytes for SETUP packets
    // Interrupt-in polling: an empty queue head after the other one, then
    // one queue head per interrupt pipe (each device's, in its page),
    // linked in the order configured.
    u32 int_qh, int_tail;
};

// Per device with an interrupt-in pipe (in its DMA page, before the
// UsbDevice): its queue head and its one TD.
constexpr u32 kUhciDevIntQh = 0x000, kUhciDevIntTd = 0x020;

// ---- 32-bit runtime (uhci.cc): the UHCI side of usb_hc.h ----------------
u8 uhci_control(UsbDevice& d, const UsbSetup& s, u32 buf);
u8 uhci_transfer(UsbDevice& d, UsbPipe p, u32 buf, u32 len, u32* actual);
void uhci_recover(UsbDevice& d, UsbPipe p);
bool uhci_poll_in(UsbDevice& d, u32 buf, u32 len);

// ---- POST (uhci_setup.cc) ---------------------------------------------
void uhci_setup();

}  // namespace reef
