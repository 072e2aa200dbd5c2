// SPDX-License-Identifier: LGPL-3.0-or-later
// xHCI ring arithmetic: producer rings with their link TRB, the event
// ring's consumer, buffers as Normal TRBs, endpoint intervals.
#include <gtest/gtest.h>

#include "hw/xhci_ring.h"

using namespace reef;
using namespace reef::xhci;

TEST(XhciRing, PushWrapsThroughTheLinkAndTogglesTheCycle) {
    XhciTrb mem[4] = {};
    XhciRing r{0x10000, 4, 0, 1};
    EXPECT_EQ(xhci_ring_push(r, mem, XhciTrb{1, 0, xhci_trb_control(kTrbNormal)}), 0x10000u);
    EXPECT_EQ(mem[0].control & kTrbCycle, 1u);
    EXPECT_EQ(xhci_ring_push(r, mem, XhciTrb{2, 0, xhci_trb_control(kTrbNormal)}), 0x10010u);
    EXPECT_EQ(xhci_ring_push(r, mem, XhciTrb{3, 0, xhci_trb_control(kTrbNormal) | kTrbChain}), 0x10020u);
    // The fourth slot is the link: back to the base, cycle 1, toggle, chain kept.
    EXPECT_EQ(xhci_trb_type(mem[3]), kTrbLink);
    EXPECT_EQ(mem[3].param, 0x10000u);
    EXPECT_EQ(mem[3].control & (kTrbCycle | kTrbToggleCycle | kTrbChain), kTrbCycle | kTrbToggleCycle | kTrbChain);
    EXPECT_EQ(r.idx, 0);
    EXPECT_EQ(r.cycle, 0);
    EXPECT_EQ(xhci_ring_dequeue_ptr(r), 0x10000u);
    xhci_ring_push(r, mem, XhciTrb{4, 0, xhci_trb_control(kTrbNormal) | kTrbCycle});
    EXPECT_EQ(mem[0].control & kTrbCycle, 0u);  // the new cycle, whatever the caller set
    EXPECT_EQ(mem[0].param, 4u);
    EXPECT_EQ(xhci_ring_dequeue_ptr(r), 0x10010u);
}

TEST(XhciRing, EventRingConsumerFollowsTheCycle) {
    XhciTrb mem[2] = {};
    XhciEventRing r{0x20000, 2, 0, 1};
    XhciTrb ev;
    EXPECT_FALSE(xhci_event_pop(r, mem, &ev));  // cycle 0: not written yet
    mem[0] = XhciTrb{0x1234, u32(kCcSuccess) << 24, xhci_trb_control(kTrbCommandCompletion) | 5u << 24 | 1};
    ASSERT_TRUE(xhci_event_pop(r, mem, &ev));
    EXPECT_EQ(ev.param, 0x1234u);
    EXPECT_EQ(xhci_trb_cc(ev), kCcSuccess);
    EXPECT_EQ(xhci_trb_slot(ev), 5);
    EXPECT_EQ(xhci_event_dequeue(r), 0x20010u);
    EXPECT_FALSE(xhci_event_pop(r, mem, &ev));
    mem[1].control = 1;
    ASSERT_TRUE(xhci_event_pop(r, mem, &ev));
    EXPECT_EQ(r.idx, 0);
    EXPECT_EQ(r.cycle, 0);
    EXPECT_FALSE(xhci_event_pop(r, mem, &ev));  // mem[0] still has cycle 1: old
    mem[0].control = 0;
    EXPECT_TRUE(xhci_event_pop(r, mem, &ev));
}

TEST(XhciRing, SplitAt64KiBBoundaries) {
    XhciChunk c[4];
    ASSERT_EQ(xhci_split(0x1000, 512, 512, c, 4), 1u);
    EXPECT_EQ(c[0].addr, 0x1000u);
    EXPECT_EQ(c[0].len, 512u);
    EXPECT_EQ(c[0].td_size, 0u);
    ASSERT_EQ(xhci_split(0xF000, 0x12000, 512, c, 4), 3u);
    EXPECT_EQ(c[0].len, 0x1000u);
    EXPECT_EQ(c[1].addr, 0x10000u);
    EXPECT_EQ(c[1].len, 0x10000u);
    EXPECT_EQ(c[2].addr, 0x20000u);
    EXPECT_EQ(c[2].len, 0x1000u);
    EXPECT_EQ(c[0].td_size, 31u);      // 0x11000 bytes left: capped
    EXPECT_EQ(c[1].td_size, 8u);       // 0x1000 / 512
    EXPECT_EQ(c[2].td_size, 0u);
    EXPECT_EQ(xhci_split(0xF000, 0x12000, 512, c, 2), 0u);  // does not fit
    EXPECT_EQ(xhci_split(0x1000, 0, 512, c, 4), 0u);
    EXPECT_EQ(xhci_split(0x1000, 13, 0, c, 4), 0u);
}

TEST(XhciRing, EndpointInterval) {
    EXPECT_EQ(xhci_ep_interval(true, 10), 6);   // 80 microframes: 2^6 = 64
    EXPECT_EQ(xhci_ep_interval(true, 1), 3);    // 8 microframes
    EXPECT_EQ(xhci_ep_interval(true, 0), 3);
    EXPECT_EQ(xhci_ep_interval(false, 4), 3);   // 2^(4-1)
    EXPECT_EQ(xhci_ep_interval(false, 1), 0);
    EXPECT_EQ(xhci_ep_interval(false, 200), 15);
}

TEST(XhciRing, CompletionCodesNameAStallForLogLines) {
    EXPECT_STREQ(xhci::cc_text(xhci::kCcStall), "stalled");
    EXPECT_STREQ(xhci::cc_text(xhci::kCcTimeout), "timed out");
    EXPECT_STREQ(xhci::cc_text(xhci::kCcTransaction), "transaction error");
    EXPECT_STREQ(xhci::cc_text(0x42), "failed");
}
