// SPDX-License-Identifier: LGPL-3.0-or-later
// xHCI (eXtensible Host Controller Interface 1.2) TRBs and the ring
// arithmetic: producer rings with a link TRB (command and transfer rings),
// the event ring's consumer side, and how a buffer becomes Normal TRBs.
// Pure logic: the rings' memory is passed in (host unit tests:
// tests/unit/test_xhci_ring.cc).
#pragma once
#include "lib/types.h"

namespace reef {

namespace xhci {
// TRB control dword.
constexpr u32 kTrbCycle = 1u << 0, kTrbToggleCycle = 1u << 1 /* link */, kTrbEnt = 1u << 1, kTrbIsp = 1u << 2,
              kTrbChain = 1u << 4, kTrbIoc = 1u << 5, kTrbIdt = 1u << 6, kTrbBsr = 1u << 9 /* address device */,
              kTrbDirIn = 1u << 16 /* data, status stages */;
constexpr u32 kTrbTypeShift = 10, kTrbTypeMask = 0x3F;
constexpr u32 kTrbSlotShift = 24, kTrbEpShift = 16;
constexpr u32 kTrbTrtShift = 16;  // setup stage: transfer type
constexpr u32 kTrtNoData = 0, kTrtOut = 2, kTrtIn = 3;
// TRB types.
constexpr u8 kTrbNormal = 1, kTrbSetup = 2, kTrbData = 3, kTrbStatus = 4, kTrbLink = 6, kTrbEnableSlot = 9,
             kTrbDisableSlot = 10, kTrbAddressDevice = 11, kTrbConfigureEndpoint = 12, kTrbEvaluateContext = 13,
             kTrbResetEndpoint = 14, kTrbStopEndpoint = 15, kTrbSetTrDequeue = 16, kTrbNoOp = 23,
             kTrbTransferEvent = 32, kTrbCommandCompletion = 33, kTrbPortStatusChange = 34;
// Completion codes (event status bits 31:24).
constexpr u8 kCcInvalid = 0, kCcSuccess = 1, kCcDataBuffer = 2, kCcBabble = 3, kCcTransaction = 4, kCcTrbError = 5,
             kCcStall = 6, kCcShortPacket = 13, kCcTimeout = 0xFF /* ours: no event came */;
// What a failed transfer's completion code means, for log lines (every
// controller's driver maps its status bits to these codes).
constexpr const char* cc_text(u8 cc) {
    switch (cc) {
    case kCcSuccess: return "done";
    case kCcStall: return "stalled";
    case kCcTimeout: return "timed out";
    case kCcBabble: return "babbled";
    case kCcTransaction: return "transaction error";
    case kCcDataBuffer: return "buffer error";
    case kCcShortPacket: return "short";
    default: return "failed";
    }
}
constexpr u32 kTrbMaxLen = 0x10000;  // one TRB's buffer: at most 64 KiB, not across a 64 KiB boundary
constexpr u32 kTdSizeShift = 17, kTdSizeMax = 31;
}  // namespace xhci

struct XhciTrb {
    u64 param;
    u32 status;
    u32 control;
};
static_assert(sizeof(XhciTrb) == 16);

constexpr u8 xhci_trb_type(const XhciTrb& t) { return u8((t.control >> xhci::kTrbTypeShift) & xhci::kTrbTypeMask); }
constexpr u8 xhci_trb_cc(const XhciTrb& t) { return u8(t.status >> 24); }
constexpr u8 xhci_trb_slot(const XhciTrb& t) { return u8(t.control >> xhci::kTrbSlotShift); }
constexpr u8 xhci_trb_ep(const XhciTrb& t) { return u8((t.control >> xhci::kTrbEpShift) & 0x1F); }
constexpr u32 xhci_trb_control(u8 type) { return u32(type) << xhci::kTrbTypeShift; }

// A producer ring (command or transfer): `size` TRBs at flat `base`, the
// last one a link back to the first.
struct XhciRing {
    u32 base;
    u16 size;
    u16 idx;      // the enqueue index
    u8 cycle;     // the producer cycle state
};

// Puts `t` (its cycle bit set here) at the enqueue; when that reaches the
// link TRB, the link gets the cycle bit (and `t`'s chain bit, so a TD may
// cross it) and the cycle state toggles. `mem` is the ring's memory.
// Returns the flat address the TRB went to.
u32 xhci_ring_push(XhciRing& r, XhciTrb* mem, XhciTrb t);
// The enqueue's flat address | cycle state: a TR Dequeue Pointer (Set TR
// Dequeue Pointer, the endpoint context) that resumes at the enqueue.
constexpr u64 xhci_ring_dequeue_ptr(const XhciRing& r) { return u64(r.base + r.idx * 16u) | r.cycle; }

// The event ring's consumer side: one segment of `size` TRBs.
struct XhciEventRing {
    u32 base;
    u16 size;
    u16 idx;
    u8 cycle;     // the consumer cycle state
};
// The next event (copied to *out) if the controller wrote one; advances.
bool xhci_event_pop(XhciEventRing& r, const volatile XhciTrb* mem, XhciTrb* out);
constexpr u32 xhci_event_dequeue(const XhciEventRing& r) { return r.base + r.idx * 16u; }

// One Normal TRB's part of a buffer.
struct XhciChunk {
    u32 addr, len;
    u32 td_size;   // packets left after this TRB (xHCI 1.2 4.11.2.4), capped at 31
};
// Splits `len` bytes at `buf` so that no chunk crosses a 64 KiB boundary;
// at most `max` chunks (0: it does not fit, or len is 0). `mps` is the
// endpoint's max packet size (for TD Size).
u32 xhci_split(u32 buf, u32 len, u32 mps, XhciChunk* out, u32 max);

// The Interval field of an endpoint context (xHCI 1.2 6.2.3.6) from an
// interrupt endpoint's bInterval: frames (1 ms) at low and full speed,
// 2^(b-1) microframes at high and SuperSpeed; 125 us * 2^result.
u8 xhci_ep_interval(bool full_or_low, u8 b_interval);

}  // namespace reef
