// SPDX-License-Identifier: LGPL-3.0-or-later
// xHCI ring arithmetic (src/hw/xhci_ring.h): pure logic.
#include "hw/xhci_ring.h"

namespace reef {

using namespace xhci;

u32 xhci_ring_push(XhciRing& r, XhciTrb* mem, XhciTrb t) {
    u32 at = r.idx;
    t.control = (t.control & ~kTrbCycle) | r.cycle;
    XhciTrb body = t;
    body.control &= ~kTrbCycle;
    // The cycle bit last: the controller owns the TRB from then on.
    mem[at].param = body.param;
    mem[at].status = body.status;
    __atomic_store_n(&mem[at].control, t.control, __ATOMIC_RELEASE);
    r.idx = u16(r.idx + 1);
    if (r.idx == r.size - 1) {
        XhciTrb& link = mem[r.idx];
        link.param = r.base;
        link.status = 0;
        __atomic_store_n(&link.control, xhci_trb_control(kTrbLink) | kTrbToggleCycle | (t.control & kTrbChain) | r.cycle,
                         __ATOMIC_RELEASE);
        r.idx = 0;
        r.cycle ^= 1;
    }
    return r.base + at * 16u;
}

bool xhci_event_pop(XhciEventRing& r, const volatile XhciTrb* mem, XhciTrb* out) {
    u32 control = __atomic_load_n(&mem[r.idx].control, __ATOMIC_ACQUIRE);
    if ((control & kTrbCycle) != r.cycle) return false;
    out->param = mem[r.idx].param;
    out->status = mem[r.idx].status;
    out->control = control;
    r.idx = u16(r.idx + 1);
    if (r.idx == r.size) {
        r.idx = 0;
        r.cycle ^= 1;
    }
    return true;
}

u32 xhci_split(u32 buf, u32 len, u32 mps, XhciChunk* out, u32 max) {
    if (!len || !mps) return 0;
    u32 n = 0, left = len;
    while (left) {
        if (n == max) return 0;
        u32 room = kTrbMaxLen - (buf & (kTrbMaxLen - 1));
        u32 l = left < room ? left : room;
        left -= l;
        u32 packets = (left + mps - 1) / mps;
        out[n++] = XhciChunk{buf, l, packets > kTdSizeMax ? kTdSizeMax : packets};
        buf += l;
    }
    return n;
}

u8 xhci_ep_interval(bool full_or_low, u8 b) {
    if (!b) b = 1;
    if (full_or_low) {
        // b frames = 8 * b microframes: the largest power of two not above.
        u32 uframes = u32(b) * 8;
        u8 e = 0;
        while ((2u << e) <= uframes) e++;
        return e;
    }
    if (b > 16) b = 16;
    return u8(b - 1);
}

}  // namespace reef
