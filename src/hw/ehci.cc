// SPDX-License-Identifier: LGPL-3.0-or-later
// EHCI at run time (src/hw/ehci.h): a transfer is a chain of qTDs hung on
// the pipe's queue head (its overlay pointed at the first), polled until
// the last one is done, one halts, or one ends short.
#include "hw/ehci.h"

#include "hw/timer.h"
#include "lib/log.h"

namespace reef {

using namespace ehci;
using xhci::kCcBabble, xhci::kCcDataBuffer, xhci::kCcShortPacket, xhci::kCcStall, xhci::kCcSuccess,
    xhci::kCcTimeout, xhci::kCcTransaction, xhci::kCcTrbError;

namespace {

template <class T> T* flat(u32 a) { return reinterpret_cast<T*>(uintptr_t(a)); }
u32 block_of(const UsbDevice& d) { return u32(reinterpret_cast<uintptr_t>(&d)) - kUsbDevStructOffset; }

// Fills qTD `q` for `len` bytes at `buf` (at most 5 pages from its offset).
void fill_qtd(EhciQtd& q, u32 next, u32 alt, u32 token, u32 buf, u32 len) {
    q.next = next;
    q.alt_next = alt;
    q.buf[0] = buf;
    for (u32 i = 1; i < kQtdPages; i++) q.buf[i] = (buf & ~(kPage - 1)) + i * kPage;
    __atomic_store_n(&q.token, token | len << kTokBytesShift | kTokActive | kTokCerr3, __ATOMIC_RELEASE);
}

// What one qTD may carry from `buf`: up to five pages, whole packets unless
// it is the last.
u32 qtd_len(u32 buf, u32 left, u32 mps) {
    u32 room = kQtdPages * kPage - (buf & (kPage - 1));
    if (left <= room) return left;
    return room - room % mps;
}

u8 token_cc(u32 tok) {
    if (tok & kTokBabble) return kCcBabble;
    if (tok & kTokBuffer) return kCcDataBuffer;
    if (tok & kTokXact) return kCcTransaction;
    return kCcStall;  // halted without another error: the device stalled
}

// Runs the `n` qTDs at `q` on queue head `qh` (DTC: toggles per qTD, else the
// overlay keeps the toggle). kCcSuccess, kCcShortPacket (short_ends: a
// short IN qTD ends the chain, its alternate being the terminating one) or
// an error; *moved counts the bytes.
u8 run(UsbDevice& d, EhciQh& qh, EhciQtd* q, u32 n, const u32* lens, bool short_ends, u32* moved) {
    EhciCtrl& c = *flat<EhciCtrl>(d.hc);
    *moved = 0;
    if (c.broken) return kCcTimeout;
    u32 keep = qh.overlay.token & kTokToggle;
    qh.overlay.alt_next = kLinkTerminate;
    qh.overlay.next = u32(reinterpret_cast<uintptr_t>(q));
    __atomic_store_n(&qh.overlay.token, keep, __ATOMIC_RELEASE);  // inactive, not halted: the HC fetches q
    PitStopwatch sw;
    u32 limit = pit_ticks_from_us(kXferTimeoutUs);
    for (;;) {
        bool done = true;
        for (u32 i = 0; i < n; i++) {
            u32 tok = __atomic_load_n(&q[i].token, __ATOMIC_ACQUIRE);
            if (tok & kTokActive) {
                done = false;
                break;
            }
            u32 left = (tok >> kTokBytesShift) & kTokBytesMask;
            *moved += lens[i] - left;
            if (tok & kTokHalted) return token_cc(tok);
            if (short_ends && left && (tok & (3u << 8)) == kTokPidIn && i + 1 < n) {
                // Short: the HC went to the alternate (terminating) qTD.
                for (u32 k = i + 1; k < n; k++) q[k].token &= ~kTokActive;
                return kCcShortPacket;
            }
        }
        if (done) return kCcSuccess;
        *moved = 0;
        if (sw.poll() > limit) {
            for (u32 i = 0; i < n; i++) q[i].token &= ~kTokActive;
            qh.overlay.next = kLinkTerminate;
            qh.overlay.token &= ~kTokActive;
            return kCcTimeout;
        }
        asm volatile("pause" ::: "memory");
    }
}

}  // namespace

u8 ehci_control(UsbDevice& d, const UsbSetup& s, u32 buf) {
    u32 blk = block_of(d);
    EhciQh& qh = *flat<EhciQh>(d.qh[kPipeControl]);
    EhciQtd* q = flat<EhciQtd>(blk + kEhciQtdArea);
    __builtin_memcpy(flat<void>(blk + kEhciSetupOffset), &s, sizeof(s));
    bool in = s.request_type & usb::kDirIn;
    u32 lens[3] = {8, s.length, 0};
    u32 n = s.length ? 3 : 2;
    u32 qa = blk + kEhciQtdArea;
    u32 status_tok = (in && s.length ? kTokPidOut : kTokPidIn) | kTokToggle | kTokIoc;
    if (s.length > kQtdPages * kPage - (buf & (kPage - 1))) return kCcTrbError;
    fill_qtd(q[n - 1], kLinkTerminate, kLinkTerminate, status_tok, 0, 0);
    lens[n - 1] = 0;
    if (s.length) fill_qtd(q[1], qa + 64, qa + 64, (in ? kTokPidIn : kTokPidOut) | kTokToggle, buf, s.length);
    fill_qtd(q[0], qa + 32, kLinkTerminate, kTokPidSetup, blk + kEhciSetupOffset, 8);
    u32 moved;
    u8 cc = run(d, qh, q, n, lens, false, &moved);
    if (cc == kCcSuccess || cc == kCcShortPacket) return kCcSuccess;
    dlog(2, "usb addr %u: control request %02x/%02x failed (completion code %u)\n", d.addr, s.request_type, s.request,
         cc);
    qh.overlay.token = 0;  // EP0 needs no CLEAR_FEATURE: the next SETUP clears a stall
    qh.overlay.next = kLinkTerminate;
    return cc;
}

u8 ehci_transfer(UsbDevice& d, UsbPipe p, u32 buf, u32 len, u32* actual) {
    *actual = 0;
    u32 blk = block_of(d);
    EhciQh& qh = *flat<EhciQh>(d.qh[p]);
    EhciQtd* q = flat<EhciQtd>(blk + kEhciQtdArea);
    u32 qa = blk + kEhciQtdArea;
    u32 lens[kEhciMaxQtds];
    u32 n = 0, off = 0;
    u32 pid = (d.ep_addr[p] & usb::kEpDirIn) ? kTokPidIn : kTokPidOut;
    // The terminating alternate: an inactive qTD after the chain's room.
    u32 stop = qa + (kEhciMaxQtds - 1) * 32;
    flat<EhciQtd>(stop)->token = 0;
    flat<EhciQtd>(stop)->next = flat<EhciQtd>(stop)->alt_next = kLinkTerminate;
    do {
        if (n + 1 >= kEhciMaxQtds) return kCcTrbError;
        u32 l = qtd_len(buf + off, len - off, d.ep_mps[p] ? d.ep_mps[p] : 512);
        lens[n] = l;
        off += l;
        n++;
    } while (off < len);
    off = 0;
    for (u32 i = 0; i < n; i++) {
        bool last = i + 1 == n;
        fill_qtd(q[i], last ? kLinkTerminate : qa + (i + 1) * 32, stop, pid | (last ? kTokIoc : 0), buf + off, lens[i]);
        off += lens[i];
    }
    u8 cc = run(d, qh, q, n, lens, true, actual);
    if (cc == kCcTimeout) dlog(2, "usb addr %u: transfer on endpoint %02x timed out\n", d.addr, d.ep_addr[p]);
    return cc;
}

void ehci_recover(UsbDevice& d, UsbPipe p) {
    EhciQh& qh = *flat<EhciQh>(d.qh[p]);
    qh.overlay.next = kLinkTerminate;
    qh.overlay.token = 0;  // not halted, DATA0
    if (p == kPipeControl) return;
    UsbSetup s{usb::kDirOut | usb::kTypeStandard | usb::kRecipEndpoint, usb::kReqClearFeature,
               usb::kFeatureEndpointHalt, d.ep_addr[p], 0};
    ehci_control(d, s, 0);
}

bool ehci_poll_in(UsbDevice&, u32, u32) { return false; }  // no HID on EHCI (full/low speed: the companion's)

}  // namespace reef
