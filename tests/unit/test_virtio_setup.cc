// SPDX-License-Identifier: LGPL-3.0-or-later
// virtio-blk set-up (src/hw/virtio_blk_setup.cc over the transport in
// virtio_pci.cc) and a request on its queue (virtio.cc) against fake
// devices (tests/unit/host_hw.h), legacy (I/O BAR0) and virtio 1.0
// (capabilities into a memory BAR); and devices whose queue is missing
// (size 0), too big for a legacy ring, or whose notify address lies outside
// the notify window: one log line each, the device FAILED, the next device
// still found.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "block/drive.h"
#include "fw/malloc.h"
#include "host_hw.h"
#include "hw/virtio_blk.h"

using namespace reef;
using reef::test::FakeHw;
using reef::test::hw;

namespace {

// A virtio-blk function: legacy registers in an I/O BAR0 at `iobase`, or
// (modern) common/ISR/device/notify windows in a memory BAR4 at `membar`.
// The device completes each request on notify: every device-writable
// buffer is filled with 0xAB.
struct FakeVirtioBlk {
    u16 bdf;
    bool modern = false;
    u16 iobase = 0xC000;
    u32 membar = 0xFE800000;
    u16 queue_size = 256;
    u64 capacity = 4096;  // 512-byte units
    u16 notify_off = 0;   // modern: queue 0's notify offset (in multiplier units)
    u32 notify_len = 0x1000, notify_mult = 4;
    // What the driver did.
    u8 status = 0;
    std::vector<u8> statuses;
    u32 pfn = 0;
    u16 sel = 0, size_written = 0, enabled = 0;
    u64 desc = 0, driver = 0, device = 0;
    u32 feat_sel = 0, drv_feat_sel = 0, drv_feat[2] = {};
    std::vector<u32> notifies;  // the address (modern) or port offset written

    static constexpr u32 kCommon = 0x0000, kIsr = 0x1000, kDevice = 0x2000, kNotify = 0x3000;

    void install() {
        test::FakePci::Dev& d = hw().add_device(bdf, 0x1AF4, modern ? 0x1042 : 0x1001, 0x01, 0x00);
        if (!modern) {
            hw().add_bar(bdf, 0, BarKind::kIo, iobase, 0x40);
            hw().map_ports(iobase, 0x40, {[this](u32 off, u8 size) { return legacy_read(off, size); },
                                          [this](u32 off, u8 size, u64 v) { legacy_write(off, size, v); }});
            return;
        }
        hw().add_bar(bdf, 4, BarKind::kMem, membar, 0x4000);
        hw().map_mmio(membar, 0x4000, {[this](u32 off, u8 size) { return modern_read(off, size); },
                                       [this](u32 off, u8 size, u64 v) { modern_write(off, size, v); }});
        // Vendor capabilities: common, ISR, device, notify (with its multiplier).
        d.cfg[0x06] |= 0x10;  // status: capability list
        d.cfg[0x34] = 0x40;
        struct Cap {
            u8 type;
            u32 off, len;
        } caps[] = {{1, kCommon, 0x38}, {3, kIsr, 4}, {4, kDevice, 0x40}, {2, kNotify, notify_len}};
        u8 at = 0x40;
        for (int i = 0; i < 4; i++, at = u8(at + 0x14)) {
            u8* c = &d.cfg[at];
            c[0] = 0x09;
            c[1] = i < 3 ? u8(at + 0x14) : 0;
            c[2] = 0x14;
            c[3] = caps[i].type;
            c[4] = 4;  // BAR4
            std::memcpy(c + 8, &caps[i].off, 4);
            std::memcpy(c + 12, &caps[i].len, 4);
            if (caps[i].type == 2) std::memcpy(c + 16, &notify_mult, 4);
        }
    }

    void set_status(u8 v) {
        status = v;
        statuses.push_back(v);
    }

    u64 config(u32 off) const { return off == 0 ? u32(capacity) : off == 4 ? u32(capacity >> 32) : 0; }

    u64 legacy_read(u32 off, u8) {
        switch (off) {
        case 0x00: return 0;  // no optional features
        case 0x08: return pfn;
        case 0x0C: return sel == 0 ? queue_size : 0;
        case 0x12: return status;
        case 0x13: return 0;
        }
        return off >= 0x14 ? config(off - 0x14) : 0;
    }
    void legacy_write(u32 off, u8, u64 v) {
        switch (off) {
        case 0x08: pfn = u32(v); return;
        case 0x0E: sel = u16(v); return;
        case 0x10: notifies.push_back(off), complete(u64(pfn) * 4096); return;
        case 0x12: set_status(u8(v)); return;
        }
    }

    u64 modern_read(u32 off, u8) {
        if (off >= kDevice && off < kDevice + 0x40) return config(off - kDevice);
        if (off == kIsr) return 1;
        switch (off - kCommon) {
        case 0x04: return feat_sel == 1 ? 1 : 0;  // VIRTIO_F_VERSION_1 only
        case 0x12: return 1;                      // num_queues
        case 0x14: return status;
        case 0x18: return sel == 0 ? (size_written ? size_written : queue_size) : 0;
        case 0x1C: return enabled;
        case 0x1E: return notify_off;
        }
        return 0;
    }
    void modern_write(u32 off, u8, u64 v) {
        if (off >= kNotify && off < kNotify + notify_len) {
            notifies.push_back(membar + off);
            complete(desc);
            return;
        }
        auto set64 = [](u64& f, u32 half, u64 x) { f = half ? (f & 0xFFFFFFFF) | (x << 32) : (f & ~u64(0xFFFFFFFF)) | x; };
        switch (off - kCommon) {
        case 0x00: feat_sel = u32(v); return;
        case 0x08: drv_feat_sel = u32(v); return;
        case 0x0C: drv_feat[drv_feat_sel & 1] = u32(v); return;
        case 0x14: set_status(u8(v)); return;
        case 0x16: sel = u16(v); return;
        case 0x18: size_written = u16(v); return;
        case 0x1C: enabled = u16(v); return;
        case 0x20: case 0x24: set64(desc, (off - 0x20) / 4, v); return;
        case 0x28: case 0x2C: set64(driver, (off - 0x28) / 4, v); return;
        case 0x30: case 0x34: set64(device, (off - 0x30) / 4, v); return;
        }
    }

    u16 qsize() const { return size_written ? size_written : queue_size; }

    // The device side of the split ring at `ring`: takes every new avail
    // entry, fills its writable buffers, returns it in the used ring.
    void complete(u64 ring) {
        using namespace virtio;
        u8* base = static_cast<u8*>(FakeHw::ram(u32(ring)));
        auto* descs = reinterpret_cast<Desc*>(base);
        auto* avail = reinterpret_cast<Avail*>(base + avail_offset(qsize()));
        auto* used = reinterpret_cast<Used*>(base + used_offset(qsize()));
        while (used->idx != avail->idx) {
            u16 head = avail->ring[used->idx % qsize()];
            u32 len = 0;
            for (u16 i = head;; i = descs[i].next) {
                if (descs[i].flags & kDescWrite) {
                    std::memset(FakeHw::ram(u32(descs[i].addr)), 0xAB, descs[i].len);
                    len += descs[i].len;
                }
                if (!(descs[i].flags & kDescNext)) break;
            }
            used->ring[used->idx % qsize()] = UsedElem{head, len};
            used->idx = u16(used->idx + 1);
        }
    }
};

constexpr u8 kDriverOk = 4, kFailed = 0x80;

class VirtioSetup : public ::testing::Test {
protected:
    void SetUp() override { hw().reset(); }

    // One request through the queue set up for drive 0: a 16-byte buffer
    // the device writes.
    void run_request(FakeVirtioBlk& dev) {
        VirtQueue& q = virtio_blk_state().drives[0].q;
        u32 buf = post_alloc().alloc(Zone::kHigh, 16, 16, "test buffer");
        ASSERT_NE(buf, 0u);
        VirtqBuf b{buf, 16, true};
        u32 written = 0;
        for (int i = 0; i < 300; i++) {  // more than the ring holds: the indexes wrap
            ASSERT_EQ(virtq_exec(q, &b, 1, 1000000, &written), 0) << i;
            ASSERT_EQ(written, 16u);
        }
        EXPECT_EQ(static_cast<u8*>(FakeHw::ram(buf))[15], 0xAB);
        EXPECT_EQ(dev.notifies.size(), 300u);
    }

    // POST's virtio-blk set-up over `bad` (00:03.0) and a good legacy disk
    // behind it (00:04.0): the bad one gets exactly one level-1 line,
    // containing each of `words`, and ends FAILED; the good one is found.
    void run_bad(FakeVirtioBlk& bad, std::initializer_list<const char*> words) {
        good = FakeVirtioBlk{u16(0x20)};
        good.iobase = 0xC100;
        bad.install();
        good.install();
        virtio_blk_setup();
        std::vector<std::string> lines;
        for (auto& l : test::level1_lines())
            if (l.find("00:03.0") != std::string::npos) lines.push_back(l);
        ASSERT_EQ(lines.size(), 1u) << test::log_text();
        for (const char* w : words) EXPECT_NE(lines[0].find(w), std::string::npos) << w << " in " << lines[0];
        EXPECT_EQ(bad.status, kFailed);
        ASSERT_EQ(hw().registered.size(), 1u) << test::log_text();
        EXPECT_EQ(hw().registered[0].desc, "virtio-blk 00:04.0");
        EXPECT_TRUE(good.status & kDriverOk);
    }
    FakeVirtioBlk bad{u16(0x18)}, good{u16(0x20)};
};

TEST_F(VirtioSetup, LegacyGoodPath) {
    FakeVirtioBlk dev{u16(0x18)};
    dev.install();
    virtio_blk_setup();
    ASSERT_EQ(hw().registered.size(), 1u) << test::log_text();
    EXPECT_EQ(hw().registered[0].desc, "virtio-blk 00:03.0");
    EXPECT_EQ(hw().registered[0].drive->sectors, 4096u);
    EXPECT_EQ(dev.statuses.front(), 0);  // reset first
    EXPECT_EQ(dev.status, 1 | 2 | kDriverOk);
    const VirtQueue& q = virtio_blk_state().drives[0].q;
    EXPECT_EQ(q.size, 256);  // a legacy queue's size is the device's
    EXPECT_EQ(u64(dev.pfn) * 4096, q.ring);
    EXPECT_TRUE(test::log_contains("virtio-blk 00:03.0: legacy, 4096 sectors"));
    run_request(dev);
}

TEST_F(VirtioSetup, ModernGoodPathClampsTheQueue) {
    FakeVirtioBlk dev{u16(0x18)};
    dev.modern = true;
    dev.queue_size = 1024;
    dev.notify_off = 3;
    dev.install();
    virtio_blk_setup();
    ASSERT_EQ(hw().registered.size(), 1u) << test::log_text();
    EXPECT_EQ(dev.status, 1 | 2 | 8 | kDriverOk);
    EXPECT_EQ(dev.drv_feat[1], 1u);  // VIRTIO_F_VERSION_1
    EXPECT_EQ(dev.size_written, 256);  // what the driver allocates for
    EXPECT_EQ(dev.enabled, 1);
    const VirtQueue& q = virtio_blk_state().drives[0].q;
    EXPECT_EQ(q.size, 256);
    EXPECT_EQ(dev.desc, q.ring);
    EXPECT_EQ(dev.driver, q.ring + virtio::avail_offset(256));
    EXPECT_EQ(dev.device, q.ring + virtio::used_offset(256));
    EXPECT_EQ(q.notify, dev.membar + FakeVirtioBlk::kNotify + 3 * 4);
    run_request(dev);
    EXPECT_EQ(dev.notifies.back(), q.notify);
}

TEST_F(VirtioSetup, LegacyZeroSizedQueueSkipsTheDevice) {
    bad.queue_size = 0;
    run_bad(bad, {"request queue has 0 entries", "device skipped"});
}

TEST_F(VirtioSetup, ModernZeroSizedQueueSkipsTheDevice) {
    bad.modern = true;
    bad.queue_size = 0;
    run_bad(bad, {"request queue has 0 entries", "device skipped"});
    EXPECT_EQ(bad.enabled, 0);
}

TEST_F(VirtioSetup, LegacyQueueTooBigIsRejected) {
    for (u16 size : {u16(1025), u16(2048), u16(32768)}) {
        SCOPED_TRACE(size);
        hw().reset();
        bad = FakeVirtioBlk{u16(0x18)};
        bad.queue_size = size;
        run_bad(bad, {"more than 1024 entries", "device skipped"});
        EXPECT_EQ(bad.pfn, 0u);  // no ring given
    }
}

TEST_F(VirtioSetup, LegacyQueuesUpTo1024AreTaken) {
    // 3: the smallest one request fits in (QEMU's virtqueue_size=3), no
    // power of two; 1024: the largest we take.
    for (u16 size : {u16(3), u16(1024)}) {
        SCOPED_TRACE(size);
        hw().reset();
        FakeVirtioBlk dev{u16(0x18)};
        dev.queue_size = size;
        dev.install();
        virtio_blk_setup();
        ASSERT_EQ(hw().registered.size(), 1u) << test::log_text();
        EXPECT_EQ(virtio_blk_state().drives[0].q.size, size);
        EXPECT_EQ(u64(dev.pfn) * 4096, virtio_blk_state().drives[0].q.ring);
    }
}

TEST_F(VirtioSetup, ModernNotifyOutsideTheWindowSkipsTheDevice) {
    bad.modern = true;
    bad.notify_len = 0x100;
    bad.notify_off = 0x40;  // 0x40 * 4 = 0x100: just past the end
    run_bad(bad, {"notify address outside the notify window", "device skipped"});
    EXPECT_EQ(bad.enabled, 0);
    EXPECT_TRUE(bad.notifies.empty());
}

TEST_F(VirtioSetup, ModernNotifyAtTheWindowsEndIsTaken) {
    FakeVirtioBlk dev{u16(0x18)};
    dev.modern = true;
    dev.notify_len = 0x100;
    dev.notify_off = 0x3F;  // bytes 0xFC-0xFD
    dev.install();
    virtio_blk_setup();
    ASSERT_EQ(hw().registered.size(), 1u) << test::log_text();
}

}  // namespace
