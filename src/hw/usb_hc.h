// SPDX-License-Identifier: LGPL-3.0-or-later
// A USB device as the class drivers see it, whichever host controller it is
// on (xHCI: src/hw/xhci.h, EHCI: src/hw/ehci.h), and the transfers they
// use; usb_hc.cc sends each to the device's controller driver. docs/usb.md.
#pragma once
#include "hw/usb.h"
#include "hw/xhci_ring.h"

namespace reef {

// Pipes of a device: the default control pipe and one endpoint each way;
// a UAS device also has its status (in) and command (out) pipes, whose
// rings / queue heads are in its UAS page (usb_uas_attach), not the device page.
enum UsbPipe : u8 { kPipeControl = 0, kPipeIn = 1, kPipeOut = 2, kPipeStatus = 3, kPipeCmd = 4, kPipeCount = 5 };
constexpr int kPipesInDevPage = 3;  // control, in, out

// A device on a root port; lives in its own DMA block (the output device
// context, then its transfer rings, then this).
enum class UsbHcKind : u8 { kXhci = 0, kEhci = 1, kUhci = 2, kOhci = 3 };

struct UsbDevice {
    UsbHcKind kind;
    u32 hc;                   // flat XhciCtrl / EhciCtrl
    u16 bdf;                  // the controller's PCI function
    u32 out_ctx;
    u8 slot, port, path_port; // xHCI root port number; its number in its protocol (QEMU's path)
    u8 depth;                 // hubs between the root port and the device
    u32 route;                // route string: the hub port at each tier, 4 bits each
    u8 tt_slot, tt_port;      // the high-speed hub whose transaction translator serves a full/low-speed device
    UsbSpeed speed;
    u16 mps0;
    u8 iface;
    u8 ep_addr[kPipeCount];   // endpoint addresses (0: control)
    u16 ep_mps[kPipeCount];
    u8 dci[kPipeCount];       // device context index of each pipe
    XhciRing ring[kPipeCount];
    // EHCI: the device address, a queue head per pipe, the data toggles.
    u8 addr;
    u32 qh[kPipeCount];
    u8 toggle[kPipeCount];
    u32 tag;                  // last BOT tag
    // xHCI streams (UAS on SuperSpeed): the stream ID each pipe's transfers
    // use (0: the endpoint has no streams) and its Stream Context Array.
    u8 stream[kPipeCount];
    u32 stream_array[kPipeCount];
    // Interrupt-in polling (HID): a TRB is outstanding on pipe In.
    bool poll_armed, poll_done;
    u8 poll_cc;
    u32 poll_len;
};

// The interface's endpoint behind pipe p (kPipeIn .. kPipeCmd).
inline const UsbEndpointInfo& usb_pipe_endpoint(const UsbInterfaceInfo& i, int p) {
    return p == kPipeIn ? i.in : p == kPipeOut ? i.out : p == kPipeStatus ? i.status : i.cmd;
}

// A small DMA buffer of the class driver's (a HID report), this far past the
// UsbDevice in its page.
constexpr u32 kUsbDevBufferOffset = 0x300, kUsbDevBufferLen = 0x100;
// Where the UsbDevice sits in its DMA page (the controller's structures before it).
constexpr u32 kUsbDevStructOffset = 0xC00, kUsbDevPage = 0x1000;
static_assert(sizeof(UsbDevice) <= kUsbDevBufferOffset);

// ---- 32-bit runtime (usb_hc.cc: to the device's controller driver) -------
// A control transfer on the default pipe: `s.length` bytes at flat `buf`
// in the direction of s.request_type. kCcSuccess (a short packet counts
// as success) or the completion code; a stall is cleared.
u8 usb_control(UsbDevice& d, const UsbSetup& s, u32 buf);
// Bulk or interrupt transfer of `len` bytes on pipe In or Out, waited for;
// *actual gets the bytes moved. kCcSuccess (or kCcShortPacket) or the code.
u8 usb_transfer(UsbDevice& d, UsbPipe p, u32 buf, u32 len, u32* actual);
// After a stall: resets the endpoint, puts its dequeue at the enqueue and
// clears the device's halt feature. After a timeout: stops it first.
void usb_recover(UsbDevice& d, UsbPipe p, bool stop);
// UHCI, OHCI (their recovery): the device's halt on pipe p cleared
// (CLEAR_FEATURE ENDPOINT_HALT), its data toggle back to DATA0.
void usb_clear_halt(UsbDevice& d, UsbPipe p);
// Interrupt-in polling without waiting: arms one transfer of `len` bytes
// at `buf` (if none is outstanding) and says whether one completed since
// (its code and length in poll_cc/poll_len; the next call rearms).
bool usb_poll_in(UsbDevice& d, u32 buf, u32 len);

}  // namespace reef
