// SPDX-License-Identifier: LGPL-3.0-or-later
// UHCI at run time (src/hw/uhci.h): a transfer is a chain of TDs, one
// packet each, hung on the controller's queue head; completion is polled on
// the TDs' Active bits. Long transfers run in chunks of the TD pool.
#include "hw/uhci.h"

#include "hw/timer.h"
#include "lib/io.h"
#include "lib/log.h"

namespace reef {

using namespace uhci;
using xhci::kCcBabble, xhci::kCcDataBuffer, xhci::kCcShortPacket, xhci::kCcStall, xhci::kCcSuccess,
    xhci::kCcTimeout, xhci::kCcTransaction;

namespace {

template <class T> T* flat(u32 a) { return reinterpret_cast<T*>(uintptr_t(a)); }

u32 token(const UsbDevice& d, u8 pid, u8 ep, bool toggle, u32 len) {
    return u32(pid) | u32(d.addr) << kTokAddrShift | u32(ep & usb::kEpNumMask) << kTokEpShift |
           (toggle ? kTokToggle : 0) | ((len ? len - 1 : 0x7FF) & 0x7FF) << kTokMaxLenShift;
}

u8 status_cc(u32 st) {
    if (st & kTdBabble) return kCcBabble;
    if (st & kTdBuffer) return kCcDataBuffer;
    if (st & (kTdCrcTimeout | kTdBitstuff)) return kCcTransaction;
    return kCcStall;
}

// Runs TDs 0..n-1 of the pool (linked depth first); *moved counts bytes,
// *ndone the packets that went through. kCcShortPacket when an IN packet
// came short (the rest is dropped).
u8 run(UhciCtrl& c, u32 n, u32* moved, u32* ndone) {
    UhciTd* td = flat<UhciTd>(c.tds);
    UhciQh& qh = *flat<UhciQh>(c.qh);
    *moved = 0;
    __atomic_store_n(&qh.element, c.tds, __ATOMIC_RELEASE);
    PitStopwatch sw;
    u32 limit = pit_ticks_from_us(kXferTimeoutUs);
    for (;;) {
        u32 i = 0, got = 0;
        for (; i < n; i++) {
            u32 st = __atomic_load_n(&td[i].status, __ATOMIC_ACQUIRE);
            if (st & kTdActive) break;
            u32 act = (st + 1) & kTdActLenMask;
            u32 max = ((td[i].token >> kTokMaxLenShift) + 1) & kTdActLenMask;
            got += act;
            if (st & kTdStalled) {
                qh.element = kLinkTerminate;
                *moved = got;
                *ndone = i;
                return status_cc(st);
            }
            if (act < max && u8(td[i].token) == kPidIn && i + 1 < n) {
                qh.element = kLinkTerminate;
                for (u32 k = i + 1; k < n; k++) td[k].status &= ~kTdActive;
                *moved = got;
                *ndone = i + 1;
                return kCcShortPacket;
            }
        }
        if (i == n) {
            *moved = got;
            *ndone = n;
            return kCcSuccess;
        }
        if (sw.poll() > limit) {
            qh.element = kLinkTerminate;
            for (u32 k = 0; k < n; k++) td[k].status &= ~kTdActive;
            *ndone = 0;
            return kCcTimeout;
        }
        asm volatile("pause" ::: "memory");
    }
}

void set_td(UhciCtrl& c, u32 i, bool last, u32 status, u32 tok, u32 buf) {
    UhciTd& t = flat<UhciTd>(c.tds)[i];
    t.link = last ? kLinkTerminate : (c.tds + (i + 1) * sizeof(UhciTd)) | kLinkDepth;
    t.token = tok;
    t.buf = buf;
    t.status = status | kTdActive | kTdCerr3;
}

u32 speed_bits(const UsbDevice& d) { return d.speed == UsbSpeed::kLow ? kTdLowSpeed : 0; }

}  // namespace

u8 uhci_control(UsbDevice& d, const UsbSetup& s, u32 buf) {
    UhciCtrl& c = *flat<UhciCtrl>(d.hc);
    if (c.broken) return kCcTimeout;
    bool in = s.request_type & usb::kDirIn;
    u32 mps = d.mps0 ? d.mps0 : 8;
    u32 packets = (s.length + mps - 1) / mps;
    if (packets + 2 > kTdPool) return xhci::kCcTrbError;
    __builtin_memcpy(flat<void>(c.setup), &s, sizeof(s));
    u32 sp = speed_bits(d), n = 0;
    set_td(c, n++, false, sp, token(d, kPidSetup, 0, false, 8), c.setup);
    bool toggle = true;
    for (u32 off = 0; off < s.length; off += mps) {
        u32 l = min<u32>(mps, s.length - off);
        // Short packet detect on IN: the controller stops at a short packet
        // instead of going on to the next TD (the status stage, which then
        // runs here).
        set_td(c, n++, false, sp | (in ? kTdSpd : 0), token(d, in ? kPidIn : kPidOut, 0, toggle, l), buf + off);
        toggle = !toggle;
    }
    u32 status_tok = token(d, in && s.length ? kPidOut : kPidIn, 0, true, 0);
    set_td(c, n++, true, sp | kTdIoc, status_tok, 0);
    u32 moved, ndone;
    u8 cc = run(c, n, &moved, &ndone);
    if (cc == kCcShortPacket) {
        // A short IN data packet ends the data stage: the status stage alone.
        set_td(c, 0, true, sp | kTdIoc, status_tok, 0);
        cc = run(c, 1, &moved, &ndone);
    }
    if (cc == kCcSuccess || cc == kCcShortPacket) return kCcSuccess;
    dlog(2, "usb addr %u: control request %02x/%02x failed (completion code %u)\n", d.addr, s.request_type, s.request,
         cc);
    return cc;
}

u8 uhci_transfer(UsbDevice& d, UsbPipe p, u32 buf, u32 len, u32* actual) {
    UhciCtrl& c = *flat<UhciCtrl>(d.hc);
    *actual = 0;
    if (c.broken) return kCcTimeout;
    u32 mps = d.ep_mps[p] ? d.ep_mps[p] : 64;
    u8 pid = p == kPipeIn ? kPidIn : kPidOut;
    // IN: short packet detect, so that a short packet ends the chain there
    // (the next TD would take the device's next data, a CSW say).
    u32 sp = speed_bits(d) | (p == kPipeIn ? kTdSpd : 0);
    u32 off = 0;
    do {
        u32 n = 0;
        bool toggle = d.toggle[p];
        while (n < kTdPool && (off < len || (!len && !n))) {
            u32 l = min<u32>(mps, len - off);
            set_td(c, n, false, sp, token(d, pid, d.ep_addr[p], toggle, l), buf + off);
            toggle = !toggle;
            off += l;
            n++;
        }
        UhciTd& last = flat<UhciTd>(c.tds)[n - 1];
        last.link = kLinkTerminate;
        last.status |= kTdIoc;
        u32 moved, ndone;
        u8 cc = run(c, n, &moved, &ndone);
        *actual += moved;
        if (ndone & 1) d.toggle[p] ^= 1;  // the toggle after the packets that went through
        if (cc != kCcSuccess) {
            if (cc == kCcTimeout) dlog(2, "usb addr %u: transfer on endpoint %02x timed out\n", d.addr, d.ep_addr[p]);
            return cc;
        }
    } while (off < len);
    return kCcSuccess;
}

void uhci_recover(UsbDevice& d, UsbPipe p) {
    UhciCtrl& c = *flat<UhciCtrl>(d.hc);
    flat<UhciQh>(c.qh)->element = kLinkTerminate;
    if (p != kPipeControl) usb_clear_halt(d, p);
}

bool uhci_poll_in(UsbDevice& d, u32 buf, u32 len) {
    UhciCtrl& c = *flat<UhciCtrl>(d.hc);
    if (c.broken) return false;
    u32 page = u32(reinterpret_cast<uintptr_t>(&d)) - kUsbDevStructOffset;
    UhciTd& t = *flat<UhciTd>(page + kUhciDevIntTd);
    if (!d.poll_armed) {
        t.link = kLinkTerminate;
        t.token = token(d, kPidIn, d.ep_addr[kPipeIn], d.toggle[kPipeIn], len);
        t.buf = buf;
        __atomic_store_n(&t.status, speed_bits(d) | kTdActive | kTdCerr3, __ATOMIC_RELEASE);
        __atomic_store_n(&flat<UhciQh>(page + kUhciDevIntQh)->element, page + kUhciDevIntTd, __ATOMIC_RELEASE);
        d.poll_armed = true;
        return false;
    }
    u32 st = __atomic_load_n(&t.status, __ATOMIC_ACQUIRE);
    if (st & kTdActive) return false;  // NAKed: still waiting for a report
    d.poll_armed = false;
    if (st & kTdStalled) {
        d.poll_cc = status_cc(st);
        return true;
    }
    d.toggle[kPipeIn] ^= 1;
    d.poll_cc = kCcSuccess;
    d.poll_len = (st + 1) & kTdActLenMask;
    return true;
}

}  // namespace reef
