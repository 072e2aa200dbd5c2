// SPDX-License-Identifier: LGPL-3.0-or-later
// OHCI at run time (src/hw/ohci.h): a control or bulk transfer is a chain
// of general TDs from the controller's pool queued on its control or bulk
// ED (aimed at the device's address and endpoint first); completion is
// polled on the ED's head pointer reaching its tail, or its Halted bit.
// Interrupt-in polling uses each device's own ED in the periodic list, with
// two TDs taking turns as the armed one and the tail.
#include "hw/ohci.h"

#include "hw/timer.h"
#include "lib/log.h"

namespace reef {

using namespace ohci;
using xhci::kCcBabble, xhci::kCcDataBuffer, xhci::kCcShortPacket, xhci::kCcStall, xhci::kCcSuccess,
    xhci::kCcTimeout, xhci::kCcTransaction;

namespace {

template <class T> T* flat(u32 a) { return reinterpret_cast<T*>(uintptr_t(a)); }
void wr(const OhciCtrl& c, u32 reg, u32 v) { *reinterpret_cast<volatile u32*>(uintptr_t(c.regs + reg)) = v; }
u32 load(const u32& v) { return __atomic_load_n(&v, __ATOMIC_ACQUIRE); }
void store(u32& v, u32 x) { __atomic_store_n(&v, x, __ATOMIC_RELEASE); }

u8 td_cc(u32 flags) { return u8(flags >> kTdCcShift); }

u8 to_usb_cc(u8 cc) {
    switch (cc) {
    case kTdCcNoError: return kCcSuccess;
    case kTdCcStall: return kCcStall;
    case kTdCcDataUnderrun: return kCcShortPacket;
    case kTdCcDataOverrun: return kCcBabble;
    case kTdCcBufferOverrun:
    case kTdCcBufferUnderrun: return kCcDataBuffer;
    default: return kCcTransaction;
    }
}

u32 ed_flags(const UsbDevice& d, u8 ep, u32 mps) { return ohci_ed_flags(d, ep, mps); }

// Aims an idle ED (head == tail == the pool's first TD) at the device, with
// data toggle carry `carry`.
void aim(OhciCtrl& c, u32 ed_addr, u32 flags, bool carry) {
    OhciEd& ed = *flat<OhciEd>(ed_addr);
    store(ed.flags, flags | kEdSkip);
    ed.tail = c.tds;
    store(ed.head, c.tds | (carry ? kEdCarry : 0));
    store(ed.flags, flags);
}

// Back to idle, keeping the toggle carry; the controller skips the ED
// while its pointers change.
bool idle(OhciCtrl& c, u32 ed_addr) {
    OhciEd& ed = *flat<OhciEd>(ed_addr);
    u32 flags = load(ed.flags);
    store(ed.flags, flags | kEdSkip);
    bool carry = load(ed.head) & kEdCarry;
    ed.tail = c.tds;
    store(ed.head, c.tds | (carry ? kEdCarry : 0));
    store(ed.flags, flags & ~kEdSkip);
    return carry;
}

// TD i of the pool: `dp` direction and toggle bits, `len` bytes at `buf`.
void set_td(OhciCtrl& c, u32 i, u32 bits, u32 buf, u32 len) {
    OhciTd& t = flat<OhciTd>(c.tds)[i];
    t.flags = bits | kTdNoDelay | kTdCcNotAccessed;
    t.cbp = len ? buf : 0;
    t.be = len ? buf + len - 1 : 0;
    t.next = c.tds + (i + 1) * u32(sizeof(OhciTd));
    flat<u32>(c.lens)[i] = len;
}

// Runs pool TDs 0..n-1 on the ED; *moved counts bytes, *ndone the TDs that
// completed. kCcShortPacket when an IN TD came short (DataUnderrun: the ED
// halted there, the rest is dropped).
u8 run(OhciCtrl& c, u32 ed_addr, u32 list_filled, u32 n, u32* moved, u32* ndone) {
    OhciEd& ed = *flat<OhciEd>(ed_addr);
    OhciTd* td = flat<OhciTd>(c.tds);
    u32 tail = c.tds + n * u32(sizeof(OhciTd));
    store(ed.tail, tail);
    wr(c, kCommandStatus, list_filled);
    PitStopwatch sw;
    u32 limit = pit_ticks_from_us(kXferTimeoutUs);
    u8 cc = kCcSuccess;
    for (;;) {
        u32 head = load(ed.head);
        if ((head & kEdPtrMask) == tail || (head & kEdHalted)) break;
        if (sw.poll() > limit) {
            cc = kCcTimeout;
            break;
        }
        asm volatile("pause" ::: "memory");
    }
    *moved = *ndone = 0;
    for (u32 i = 0; i < n && cc != kCcTimeout; i++) {
        u32 f = load(td[i].flags);
        u8 tcc = td_cc(f);
        if (tcc >= 0xE) break;  // not reached
        u32 len = flat<u32>(c.lens)[i];
        u32 cbp = td[i].cbp;
        *moved += cbp ? cbp - (td[i].be - len + 1) : len;
        *ndone = i + 1;
        if (tcc != kTdCcNoError) {
            cc = to_usb_cc(tcc);
            break;
        }
    }
    wr(c, kInterruptStatus, kIntWdh);
    if (cc == kCcTimeout) {
        // Out of the schedule: skipped, a frame for the controller to let go.
        store(ed.flags, load(ed.flags) | kEdSkip);
        PitStopwatch w;
        u32 frame = pit_ticks_from_us(2000);
        while (w.poll() < frame) asm volatile("pause");
    }
    return cc;
}

u32 ed_of(const OhciCtrl& c, UsbPipe p) { return p == kPipeControl ? c.ctl_ed : c.bulk_ed; }

}  // namespace

u8 ohci_control(UsbDevice& d, const UsbSetup& s, u32 buf) {
    OhciCtrl& c = *flat<OhciCtrl>(d.hc);
    if (c.broken) return kCcTimeout;
    bool in = s.request_type & usb::kDirIn;
    u32 mps = d.mps0 ? d.mps0 : 8;
    __builtin_memcpy(flat<void>(c.setup), &s, sizeof(s));
    aim(c, c.ctl_ed, ed_flags(d, 0, mps), false);
    u32 n = 0;
    set_td(c, n++, kTdDpSetup | kTdToggleData0, c.setup, 8);
    // The data stage in TDs of at most one page crossing, whole packets in
    // all but the last; the first is DATA1, the rest follow the carry.
    u32 dir = in ? kTdDpIn : kTdDpOut;
    for (u32 off = 0; off < s.length;) {
        u32 room = 8192 - ((buf + off) & 0xFFF);
        u32 l = min<u32>(s.length - off, room - room % mps);
        if (n + 2 >= kTdPool) return xhci::kCcTrbError;
        set_td(c, n++, dir | (off ? 0 : kTdToggleData1) | (off + l == s.length ? kTdRounding : 0), buf + off, l);
        off += l;
    }
    u32 status_dir = in && s.length ? kTdDpOut : kTdDpIn;
    u32 status_td = n;
    set_td(c, n++, status_dir | kTdToggleData1, 0, 0);
    u32 moved, ndone;
    u8 cc = run(c, c.ctl_ed, kCmdClf, n, &moved, &ndone);
    if (cc == kCcShortPacket && ndone < status_td) {
        // A short IN packet ended the data stage early: the status stage alone.
        idle(c, c.ctl_ed);
        set_td(c, 0, status_dir | kTdToggleData1, 0, 0);
        cc = run(c, c.ctl_ed, kCmdClf, 1, &moved, &ndone);
    }
    if (cc != kCcTimeout) idle(c, c.ctl_ed);
    else aim(c, c.ctl_ed, ed_flags(d, 0, mps), false);
    if (cc == kCcSuccess || cc == kCcShortPacket) return kCcSuccess;
    dlog(2, "usb addr %u: control request %02x/%02x failed (completion code %u)\n", d.addr, s.request_type, s.request,
         cc);
    return cc;
}

u8 ohci_transfer(UsbDevice& d, UsbPipe p, u32 buf, u32 len, u32* actual) {
    OhciCtrl& c = *flat<OhciCtrl>(d.hc);
    *actual = 0;
    if (c.broken) return kCcTimeout;
    u32 mps = d.ep_mps[p] ? d.ep_mps[p] : 64;
    u32 dir = p == kPipeIn ? kTdDpIn : kTdDpOut;
    u32 off = 0;
    do {
        aim(c, c.bulk_ed, ed_flags(d, d.ep_addr[p], mps), d.toggle[p]);
        u32 n = 0;
        while (n + 1 < kTdPool && (off < len || (!len && !n))) {
            u32 room = 8192 - ((buf + off) & 0xFFF);
            u32 l = min<u32>(len - off, room - room % mps);
            set_td(c, n++, dir, buf + off, l);
            off += l;
        }
        // The last TD of the transfer may come short without an error.
        if (off == len) flat<OhciTd>(c.tds)[n - 1].flags |= kTdRounding;
        u32 moved, ndone;
        u8 cc = run(c, c.bulk_ed, kCmdBlf, n, &moved, &ndone);
        *actual += moved;
        if (cc == kCcTimeout) {
            dlog(2, "usb addr %u: transfer on endpoint %02x timed out\n", d.addr, d.ep_addr[p]);
            aim(c, c.bulk_ed, ed_flags(d, d.ep_addr[p], mps), d.toggle[p]);
            return cc;
        }
        d.toggle[p] = idle(c, c.bulk_ed);
        if (cc != kCcSuccess) return cc;
    } while (off < len);
    return kCcSuccess;
}

void ohci_recover(UsbDevice& d, UsbPipe p) {
    OhciCtrl& c = *flat<OhciCtrl>(d.hc);
    idle(c, ed_of(c, p));
    if (p != kPipeControl) usb_clear_halt(d, p);
}

bool ohci_poll_in(UsbDevice& d, u32 buf, u32 len) {
    OhciCtrl& c = *flat<OhciCtrl>(d.hc);
    if (c.broken) return false;
    u32 page = u32(reinterpret_cast<uintptr_t>(&d)) - kUsbDevStructOffset;
    OhciEd& ed = *flat<OhciEd>(page + kOhciDevIntEd);
    if (!d.poll_armed) {
        // The TD at the head (== tail: idle) becomes the armed one, the other the tail.
        u32 cur = load(ed.head) & kEdPtrMask;
        u32 other = cur == page + kOhciDevIntTd ? page + kOhciDevIntTail : page + kOhciDevIntTd;
        OhciTd& t = *flat<OhciTd>(cur);
        t.flags = kTdDpIn | kTdRounding | kTdNoDelay | kTdCcNotAccessed;
        t.cbp = buf;
        t.be = buf + len - 1;
        t.next = other;
        store(ed.tail, other);
        d.poll_armed = true;
        return false;
    }
    u32 head = load(ed.head);
    u32 tail = load(ed.tail);
    bool halted = head & kEdHalted;
    if ((head & kEdPtrMask) != tail && !halted) return false;  // NAKed: no report yet
    d.poll_armed = false;
    // The TD that ran: the halted one at the head, or the one before the tail.
    u32 done = halted ? head & kEdPtrMask : tail == page + kOhciDevIntTd ? page + kOhciDevIntTail : page + kOhciDevIntTd;
    if (halted) {
        // Idle again at the tail, DATA0 (the caller clears the device's halt).
        store(ed.flags, load(ed.flags) | kEdSkip);
        store(ed.head, tail);
        store(ed.flags, load(ed.flags) & ~kEdSkip);
    }
    OhciTd& t = *flat<OhciTd>(done);
    u8 tcc = td_cc(load(t.flags));
    d.poll_cc = to_usb_cc(tcc);
    if (d.poll_cc == kCcShortPacket) d.poll_cc = kCcSuccess;
    d.poll_len = t.cbp ? t.cbp - buf : len;
    wr(c, kInterruptStatus, kIntWdh);
    return true;
}

}  // namespace reef
