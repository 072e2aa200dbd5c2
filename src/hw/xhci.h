// SPDX-License-Identifier: LGPL-3.0-or-later
// xHCI host controllers (PCI class 0Ch/03h/30h: QEMU's qemu-xhci and
// nec-usb-xhci): the controller, the devices on its root ports, control
// and bulk transfers, all polled (no interrupts). The transfer paths are
// 32-bit runtime code (xhci.cc; INT 13h on a USB disk reaches them
// through call32); controller set-up and enumeration are POST code
// (xhci_setup.cc). docs/usb.md.
#pragma once
#include "hw/usb_hc.h"
#include "hw/xhci_ring.h"

namespace reef {

namespace xhci {
// PCI class code of an xHC.
constexpr u8 kPciClassSerialBus = 0x0C, kPciSubclassUsb = 0x03, kPciProgIfXhci = 0x30;
// Capability registers.
constexpr u32 kCapLength = 0x00, kHcsParams1 = 0x04, kHcsParams2 = 0x08, kHccParams1 = 0x10, kDbOff = 0x14,
              kRtsOff = 0x18;
constexpr u32 kHccAc64 = 1u << 0, kHccCsz = 1u << 2, kHccPpc = 1u << 3;
// Operational registers (from CAPLENGTH).
constexpr u32 kUsbCmd = 0x00, kUsbSts = 0x04, kPageSize = 0x08, kCrcr = 0x18, kDcbaap = 0x30, kConfig = 0x38,
              kPortBase = 0x400, kPortStride = 0x10;
constexpr u32 kCmdRun = 1u << 0, kCmdReset = 1u << 1, kCmdIntEnable = 1u << 2;
constexpr u32 kStsHalted = 1u << 0, kStsHostError = 1u << 2, kStsNotReady = 1u << 11, kStsHcError = 1u << 12;
constexpr u32 kCrcrRcs = 1u << 0;
// PORTSC.
constexpr u32 kPortCcs = 1u << 0, kPortPed = 1u << 1, kPortPr = 1u << 4, kPortPp = 1u << 9, kPortSpeedShift = 10,
              kPortSpeedMask = 0xF, kPortCsc = 1u << 17, kPortPec = 1u << 18, kPortWrc = 1u << 19,
              kPortOcc = 1u << 20, kPortPrc = 1u << 21, kPortPlc = 1u << 22, kPortCec = 1u << 23,
              kPortWakeBits = 7u << 25;
constexpr u32 kPortChangeBits = kPortCsc | kPortPec | kPortWrc | kPortOcc | kPortPrc | kPortPlc | kPortCec;
// Runtime registers: interrupter 0.
constexpr u32 kIr0 = 0x20, kIman = 0x00, kImod = 0x04, kErstSz = 0x08, kErstBa = 0x10, kErdp = 0x18;
constexpr u32 kErdpBusy = 1u << 3;  // EHB, write 1 to clear
// Extended capabilities (HCCPARAMS1 bits 31:16, dwords).
constexpr u8 kExtLegacy = 1, kExtProtocol = 2;
constexpr u32 kLegBiosOwned = 1u << 16, kLegOsOwned = 1u << 24, kLegCtlSts = 0x04;
constexpr u32 kLegSmiEnables = 0x0000E01F;  // USBLEGCTLSTS enable bits (xHCI 1.2 7.1.2)
constexpr u32 kLegSmiEvents = 0xE0000000;   // its RW1C event bits
// Endpoint context types (xHCI 1.2 table 6-9).
constexpr u8 kEpTypeBulkOut = 2, kEpTypeIntOut = 3, kEpTypeControl = 4, kEpTypeBulkIn = 6, kEpTypeIntIn = 7;
constexpr u8 kEpStateHalted = 2;
// Streams (xHCI 1.2 4.12): endpoint context dword 0 MaxPStreams (bits
// 14:10; 1 = a primary array of 4 entries) and LSA (linear array, no
// secondary arrays); a stream context's type (bits 3:1) 1 = primary ring.
constexpr u32 kEpMaxPStreams1 = 1u << 10, kEpLsa = 1u << 15;
constexpr u32 kStreamArrayEntries = 4;
constexpr u64 kSctPrimary = 1u << 1;
constexpr u32 kDbStreamShift = 16, kTrbStreamShift = 16;  // doorbell target bits 31:16; Set TR Dequeue dword 2
// Ring sizes (TRBs).
constexpr u16 kCmdRingTrbs = 16, kEventRingTrbs = 64, kXferRingTrbs = 16;
constexpr u8 kMaxSlots = 16, kMaxPorts = 32, kMaxScratchpads = 32;
constexpr u32 kCmdTimeoutUs = 2000000, kXferTimeoutUs = 5000000;
}  // namespace xhci

// What an xHC needs at run time; lives in its DMA block (permanent high
// zone), which also holds the rings, the ERST, the DCBAA and the input
// context (layout in xhci_setup.cc).
// A Stream Context (16 bytes): the stream's TR dequeue pointer | SCT | DCS.
struct XhciStreamCtx {
    u64 dequeue;
    u64 reserved;
};

struct XhciCtrl {
    u32 op, rt, db;           // flat addresses of the register groups
    u16 bdf;
    u8 ctx_size;              // 32 or 64 (HCCPARAMS1.CSZ)
    u8 max_slots, nports;
    bool broken;              // a command timed out: nothing more is tried
    XhciRing cmd;
    XhciEventRing ev;
    u32 dcbaa, input_ctx;
    u32 devs[xhci::kMaxSlots + 1];  // UsbDevice by slot id (flat), for stray events
};

// ---- 32-bit runtime (xhci.cc): the xHCI side of usb_hc.h ----------------
// A command on the command ring; the completion code (kCcTimeout: none
// came; the controller is marked broken). *ev gets the completion event.
u8 xhci_command(XhciCtrl& c, XhciTrb cmd, XhciTrb* ev = nullptr);
u8 xhci_control(UsbDevice& d, const UsbSetup& s, u32 buf);
u8 xhci_transfer(UsbDevice& d, UsbPipe p, u32 buf, u32 len, u32* actual);
void xhci_recover(UsbDevice& d, UsbPipe p, bool stop);
bool xhci_poll_in(UsbDevice& d, u32 buf, u32 len);

// ---- POST (xhci_setup.cc) -----------------------------------------------
// Finds every xHC, resets it, enumerates its root ports and hands each
// device to the class drivers (usb_msd_setup.cc). Controllers with nothing
// attached that we use are halted and reset again.
void xhci_setup();

}  // namespace reef
