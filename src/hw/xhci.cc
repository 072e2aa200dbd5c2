// SPDX-License-Identifier: LGPL-3.0-or-later
// xHCI at run time (src/hw/xhci.h): the command ring, control, bulk and
// interrupt transfers, stall recovery, all polled on the event ring
// against PIT timeouts.
#include "hw/xhci.h"

#include "hw/timer.h"
#include "lib/log.h"

namespace reef {

using namespace xhci;

namespace {

template <class T> T* flat(u32 a) { return reinterpret_cast<T*>(uintptr_t(a)); }
void wr32(u32 a, u32 v) { *reinterpret_cast<volatile u32*>(uintptr_t(a)) = v; }

XhciCtrl& ctrl_of(UsbDevice& d) { return *flat<XhciCtrl>(d.hc); }

void ring_doorbell(XhciCtrl& c, u32 slot, u32 target) {
    asm volatile("mfence" ::: "memory");
    wr32(c.db + 4 * slot, target);
}

u32 push(XhciRing& r, XhciTrb t) { return xhci_ring_push(r, flat<XhciTrb>(r.base), t); }

// What a wait is for: a command completion for the command TRB at `trb`,
// or a transfer event on slot/dci (trb = the TD's last TRB).
struct Want {
    u8 type;
    u8 slot, dci;
    u32 trb;
};

// Pops one event: 0 when there is none, 2 when it is the one wanted (in
// *out), 1 otherwise. A transfer event of an armed interrupt pipe that
// nobody waits for completes that pipe's poll.
int take_event(XhciCtrl& c, const Want* w, XhciTrb* out) {
    XhciTrb ev;
    if (!xhci_event_pop(c.ev, flat<volatile XhciTrb>(c.ev.base), &ev)) return 0;
    wr32(c.rt + kIr0 + kErdp, xhci_event_dequeue(c.ev) | kErdpBusy);
    wr32(c.rt + kIr0 + kErdp + 4, 0);
    u8 type = xhci_trb_type(ev);
    if (w && type == w->type) {
        if (type == kTrbCommandCompletion && u32(ev.param) == w->trb) {
            *out = ev;
            return 2;
        }
        if (type == kTrbTransferEvent && xhci_trb_slot(ev) == w->slot && xhci_trb_ep(ev) == w->dci) {
            u8 cc = xhci_trb_cc(ev);
            // A short packet inside a TD may be reported before its end.
            if (u32(ev.param) == w->trb || (cc != kCcSuccess && cc != kCcShortPacket)) {
                *out = ev;
                return 2;
            }
            return 1;
        }
    }
    if (type == kTrbTransferEvent) {
        u8 s = xhci_trb_slot(ev);
        if (s && s <= kMaxSlots && c.devs[s]) {
            UsbDevice& d = *flat<UsbDevice>(c.devs[s]);
            if (d.poll_armed && xhci_trb_ep(ev) == d.dci[kPipeIn]) {
                d.poll_armed = false;
                d.poll_done = true;
                d.poll_cc = xhci_trb_cc(ev);
                d.poll_len = ev.status & 0xFFFFFF;  // the residue; usb_poll_in makes it a length
            }
        }
    }
    return 1;
}

// Waits for the wanted event; kCcTimeout when none came in time.
u8 wait_for(XhciCtrl& c, const Want& w, u32 timeout_us, XhciTrb* out) {
    PitStopwatch sw;
    u32 limit = pit_ticks_from_us(timeout_us);
    for (;;) {
        int got = take_event(c, &w, out);
        if (got == 2) return xhci_trb_cc(*out);
        if (got) continue;
        if (sw.poll() > limit) return kCcTimeout;
        asm volatile("pause" ::: "memory");
    }
}

}  // namespace

u8 xhci_command(XhciCtrl& c, XhciTrb cmd, XhciTrb* ev) {
    if (c.broken) return kCcTimeout;
    XhciTrb local;
    if (!ev) ev = &local;
    Want w{kTrbCommandCompletion, 0, 0, push(c.cmd, cmd)};
    ring_doorbell(c, 0, 0);
    u8 cc = wait_for(c, w, kCmdTimeoutUs, ev);
    if (cc == kCcTimeout) {
        dlog(1, "xhci %02x:%02x.%x: command %u timed out; controller abandoned\n", c.bdf >> 8, (c.bdf >> 3) & 31,
             c.bdf & 7, xhci_trb_type(cmd));
        c.broken = true;
    }
    return cc;
}

namespace {
// The endpoint's state back to running at the enqueue: Reset Endpoint
// (after a stall or an error), or Stop Endpoint (a TD that never ended),
// then Set TR Dequeue Pointer.
void restart_ep(UsbDevice& d, UsbPipe p, bool stop) {
    XhciCtrl& c = ctrl_of(d);
    u32 slot_ep = u32(d.slot) << kTrbSlotShift | u32(d.dci[p]) << kTrbEpShift;
    xhci_command(c, XhciTrb{0, 0, xhci_trb_control(stop ? kTrbStopEndpoint : kTrbResetEndpoint) | slot_ep});
    // A streamed endpoint: the stream's ring (its ID, a primary context).
    u64 dq = xhci_ring_dequeue_ptr(d.ring[p]) | (d.stream[p] ? kSctPrimary : 0);
    xhci_command(c, XhciTrb{dq, u32(d.stream[p]) << kTrbStreamShift, xhci_trb_control(kTrbSetTrDequeue) | slot_ep});
}
}  // namespace

void xhci_recover(UsbDevice& d, UsbPipe p, bool stop) {
    restart_ep(d, p, stop);
    if (p != kPipeControl && !stop) {
        UsbSetup s{usb::kDirOut | usb::kTypeStandard | usb::kRecipEndpoint, usb::kReqClearFeature,
                   usb::kFeatureEndpointHalt, d.ep_addr[p], 0};
        xhci_control(d, s, 0);
    }
}

u8 xhci_control(UsbDevice& d, const UsbSetup& s, u32 buf) {
    XhciCtrl& c = ctrl_of(d);
    if (c.broken) return kCcTimeout;
    XhciRing& r = d.ring[kPipeControl];
    bool in = s.request_type & usb::kDirIn;
    u64 setup;
    __builtin_memcpy(&setup, &s, sizeof(setup));
    u32 trt = !s.length ? kTrtNoData : in ? kTrtIn : kTrtOut;
    push(r, XhciTrb{setup, 8, xhci_trb_control(kTrbSetup) | kTrbIdt | trt << kTrbTrtShift});
    if (s.length) push(r, XhciTrb{buf, s.length, xhci_trb_control(kTrbData) | (in ? kTrbDirIn : 0)});
    // The status stage goes the other way (IN when there is no data).
    u32 last = push(r, XhciTrb{0, 0, xhci_trb_control(kTrbStatus) | kTrbIoc | (in && s.length ? 0 : kTrbDirIn)});
    ring_doorbell(c, d.slot, d.dci[kPipeControl]);
    XhciTrb ev;
    u8 cc = wait_for(c, Want{kTrbTransferEvent, d.slot, d.dci[kPipeControl], last}, kXferTimeoutUs, &ev);
    if (cc == kCcSuccess || cc == kCcShortPacket) return kCcSuccess;
    dlog(2, "usb slot %u: control request %02x/%02x failed (completion code %u)\n", d.slot, s.request_type,
         s.request, cc);
    if (cc == kCcTimeout) restart_ep(d, kPipeControl, true);
    else if (cc == kCcStall || cc == kCcTransaction || cc == kCcBabble) restart_ep(d, kPipeControl, false);
    return cc;
}

u8 xhci_transfer(UsbDevice& d, UsbPipe p, u32 buf, u32 len, u32* actual) {
    XhciCtrl& c = ctrl_of(d);
    *actual = 0;
    if (c.broken) return kCcTimeout;
    XhciChunk ch[kXferRingTrbs / 2];
    u32 n = xhci_split(buf, len, d.ep_mps[p], ch, ARRAY_SIZE(ch));
    if (!n) return kCcTrbError;
    XhciRing& r = d.ring[p];
    u32 last = 0;
    for (u32 i = 0; i < n; i++) {
        bool end = i + 1 == n;
        u32 ctl = xhci_trb_control(kTrbNormal) | (end ? kTrbIoc : kTrbChain);
        last = push(r, XhciTrb{ch[i].addr, ch[i].len | ch[i].td_size << kTdSizeShift, ctl});
    }
    ring_doorbell(c, d.slot, d.dci[p] | u32(d.stream[p]) << kDbStreamShift);
    XhciTrb ev;
    u8 cc = wait_for(c, Want{kTrbTransferEvent, d.slot, d.dci[p], last}, kXferTimeoutUs, &ev);
    if (cc == kCcSuccess || cc == kCcShortPacket) {
        u32 residue = ev.status & 0xFFFFFF;
        *actual = len - min(residue, len);
        return cc;
    }
    if (cc == kCcTimeout) restart_ep(d, p, true);
    return cc;
}

bool xhci_poll_in(UsbDevice& d, u32 buf, u32 len) {
    XhciCtrl& c = ctrl_of(d);
    if (c.broken) return false;
    if (!d.poll_armed && !d.poll_done) {
        push(d.ring[kPipeIn], XhciTrb{buf, len, xhci_trb_control(kTrbNormal) | kTrbIoc});
        d.poll_armed = true;
        ring_doorbell(c, d.slot, d.dci[kPipeIn]);
    }
    XhciTrb ev;
    while (take_event(c, nullptr, &ev)) {}
    if (!d.poll_done) return false;
    d.poll_done = false;
    d.poll_len = len - min(d.poll_len, len);
    return true;
}

}  // namespace reef
