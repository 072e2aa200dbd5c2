// SPDX-License-Identifier: LGPL-3.0-or-later
// The split virtqueue, driver side (hw/virtio_ring.h), against a fake
// device that reads the avail ring and completes chains in the used ring.
#include <gtest/gtest.h>

#include <vector>

#include "hw/virtio_ring.h"

using namespace reef;
using namespace reef::virtio;

namespace {

struct FakeDevice {
    explicit FakeDevice(u16 qsize) : qsize(qsize), mem(ring_bytes(qsize), 0xAA) {}
    Desc* desc() { return reinterpret_cast<Desc*>(mem.data()); }
    Avail* avail() { return reinterpret_cast<Avail*>(mem.data() + avail_offset(qsize)); }
    Used* used() { return reinterpret_cast<Used*>(mem.data() + used_offset(qsize)); }
    // Walks the next available chain; returns its buffers.
    std::vector<VirtqBuf> pop() {
        std::vector<VirtqBuf> out;
        u16 head = avail()->ring[seen % qsize];
        for (u16 i = head;; i = desc()[i].next) {
            out.push_back({desc()[i].addr, desc()[i].len, (desc()[i].flags & kDescWrite) != 0});
            if (!(desc()[i].flags & kDescNext)) break;
            if (out.size() > qsize) break;
        }
        last_head = head;
        seen++;
        return out;
    }
    void complete(u32 written) {
        used()->ring[used()->idx % qsize] = UsedElem{last_head, written};
        used()->idx = u16(used()->idx + 1);
    }
    u16 qsize;
    std::vector<u8> mem;
    u16 seen = 0, last_head = 0;
};

TEST(VirtioRing, InitEmptiesTheRingsAndAsksForNoInterrupts) {
    FakeDevice dev(8);
    virtq_init(dev.mem.data(), 8);
    EXPECT_EQ(dev.avail()->idx, 0);
    EXPECT_EQ(dev.avail()->flags, kAvailNoInterrupt);
    EXPECT_EQ(dev.used()->idx, 0);
    u16 last = 0;
    u32 len;
    EXPECT_FALSE(virtq_take_used(dev.mem.data(), 8, &last, &len));
}

TEST(VirtioRing, ChainsInOrderWithDirections) {
    FakeDevice dev(4);
    virtq_init(dev.mem.data(), 4);
    VirtqBuf bufs[3] = {{0x1000, 51, false}, {0x2000, 108, true}, {0x3000, 4096, true}};
    ASSERT_TRUE(virtq_publish(dev.mem.data(), 4, bufs, 3));
    EXPECT_EQ(dev.avail()->idx, 1);
    auto got = dev.pop();
    ASSERT_EQ(got.size(), 3u);
    for (int i = 0; i < 3; i++) {
        EXPECT_EQ(got[i].addr, bufs[i].addr);
        EXPECT_EQ(got[i].len, bufs[i].len);
        EXPECT_EQ(got[i].device_writes, bufs[i].device_writes);
    }
    EXPECT_EQ(dev.desc()[2].flags & kDescNext, 0);
}

TEST(VirtioRing, UsedRingIsConsumedOncePerCompletionAcrossWrap) {
    constexpr u16 kSize = 3;  // the smallest queue QEMU offers
    FakeDevice dev(kSize);
    virtq_init(dev.mem.data(), kSize);
    u16 last = 0;
    for (int i = 0; i < 70000; i++) {  // past the 16-bit index wrap
        VirtqBuf b[2] = {{0x1000, 16, false}, {0x2000, 1, true}};
        ASSERT_TRUE(virtq_publish(dev.mem.data(), kSize, b, 2));
        u32 len = 0;
        ASSERT_FALSE(virtq_take_used(dev.mem.data(), kSize, &last, &len));
        ASSERT_EQ(dev.pop().size(), 2u);
        dev.complete(u32(i & 0xFF));
        ASSERT_TRUE(virtq_take_used(dev.mem.data(), kSize, &last, &len));
        ASSERT_EQ(len, u32(i & 0xFF));
        ASSERT_FALSE(virtq_take_used(dev.mem.data(), kSize, &last, &len));
    }
    EXPECT_EQ(last, u16(70000));
}

TEST(VirtioRing, RefusesEmptyAndOversizedChains) {
    FakeDevice dev(3);
    virtq_init(dev.mem.data(), 3);
    VirtqBuf b[4] = {};
    EXPECT_FALSE(virtq_publish(dev.mem.data(), 3, b, 0));
    EXPECT_FALSE(virtq_publish(dev.mem.data(), 3, b, 4));
    EXPECT_FALSE(virtq_publish(dev.mem.data(), 0, b, 1));  // a zero-sized queue
    EXPECT_EQ(dev.avail()->idx, 0);
}

}  // namespace
