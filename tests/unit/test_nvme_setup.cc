// SPDX-License-Identifier: LGPL-3.0-or-later
// The NVMe driver (src/hw/nvme_setup.cc, nvme.cc) against a fake controller
// (tests/unit/host_hw.h): reset and enable, the admin queue, the I/O queue
// pair, namespaces; and controllers that report fatal status, vanish (all
// ones), never become ready or never complete a command. Each bad one gets
// one log line, ends disabled, and the next controller is still set up.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "fw/malloc.h"
#include "host_hw.h"
#include "hw/nvme.h"

using namespace reef;
using reef::test::FakeHw;
using reef::test::hw;

namespace {

// A controller in BAR0 at `base`: registers, the admin queue and the I/O
// queues it was asked to create, identify data for `ns_sectors` (namespace
// i + 1; 0 = inactive), reads from `disk`.
struct FakeNvme {
    u16 bdf;
    u32 base;
    u8 cap_to = 4;  // CAP.TO, 500 ms units
    u64 cap() const { return (u64(1) << 37) | (u64(cap_to) << 24) | 63; }  // NVM, MQES 64, DSTRD 0
    u32 cc = 0, csts = 0, aqa = 0;
    u64 asq = 0, acq = 0;
    // Misbehaviour.
    bool cfs_clears_on_reset = true;  // with csts |= kCstsCfs at the start
    bool cfs_on_enable = false;
    bool gone = false;                // every register reads all ones
    bool never_ready = false;
    bool gone_on_enable = false;
    bool never_completes = false;     // admin commands are swallowed
    std::vector<u64> ns_sectors = {2048};
    std::vector<u8> disk;
    // What it saw.
    std::vector<u8> admin_ops;
    std::vector<u32> cc_writes;
    u16 io_cq_size = 0, io_sq_size = 0;

    struct Queue {
        u64 sq = 0, cq = 0;
        u16 size = 0, head = 0, cq_tail = 0;
        u8 phase = 1;
    } q[2];

    void install() {
        hw().add_device(bdf, 0x1B36, 0x0010, 0x01, 0x08, 0x02);
        hw().add_bar(bdf, 0, BarKind::kMem, base, 0x4000);
        hw().map_mmio(base, 0x4000, {[this](u32 off, u8 size) { return read(off, size); },
                                     [this](u32 off, u8 size, u64 v) { write(off, size, v); }});
    }

    u64 read(u32 off, u8 size) {
        if (gone) return size == 8 ? ~u64(0) : (u64(1) << (8 * size)) - 1;
        switch (off) {
        case nvme::kRegCap: return size == 8 ? cap() : u32(cap());
        case nvme::kRegCap + 4: return u32(cap() >> 32);
        case nvme::kRegVs: return 0x10400;
        case nvme::kRegCc: return cc;
        case nvme::kRegCsts: return csts;
        }
        return 0;
    }

    void write(u32 off, u8, u64 v) {
        if (off == nvme::kRegCc) cc_writes.push_back(u32(v));  // also when gone: what the driver did
        if (gone) return;
        switch (off) {
        case nvme::kRegCc: {
            u32 old = cc;
            cc = u32(v);
            if (!(cc & nvme::kCcEn)) {  // a controller reset
                csts &= ~nvme::kCstsRdy;
                if (cfs_clears_on_reset) csts &= ~nvme::kCstsCfs;
            } else if (!(old & nvme::kCcEn)) {
                gone = gone_on_enable;
                if (cfs_on_enable) csts |= nvme::kCstsCfs;
                else if (!never_ready) csts |= nvme::kCstsRdy;
                q[0] = Queue{asq, acq, u16((aqa & 0xFFF) + 1)};
            }
            return;
        }
        case nvme::kRegAqa: aqa = u32(v); return;
        case nvme::kRegAsq: asq = (asq & ~u64(0xFFFFFFFF)) | u32(v); return;
        case nvme::kRegAsq + 4: asq = (asq & 0xFFFFFFFF) | (v << 32); return;
        case nvme::kRegAcq: acq = (acq & ~u64(0xFFFFFFFF)) | u32(v); return;
        case nvme::kRegAcq + 4: acq = (acq & 0xFFFFFFFF) | (v << 32); return;
        }
        if (off >= nvme::kRegDoorbells) {
            u32 db = (off - nvme::kRegDoorbells) / 4;
            if (db % 2 == 0 && db / 2 < 2) run(db / 2, u16(v));
        }
    }

    static u8* mem(u64 a) { return static_cast<u8*>(FakeHw::ram(u32(a))); }

    void run(u32 qid, u16 tail) {
        Queue& qu = q[qid];
        while (qu.size && qu.head != tail) {
            NvmeSqe cmd;
            std::memcpy(&cmd, mem(qu.sq + 64u * qu.head), sizeof(cmd));
            qu.head = u16((qu.head + 1) % qu.size);
            if (qid == 0 && never_completes) continue;
            u16 sc = qid == 0 ? admin(cmd) : io(cmd);
            NvmeCqe cqe{};
            cqe.sq_head = qu.head;
            cqe.sq_id = u16(qid);
            cqe.cid = u16(cmd.cdw0 >> 16);
            cqe.status = u16((sc << 1) | qu.phase);
            std::memcpy(mem(qu.cq + 16u * qu.cq_tail), &cqe, sizeof(cqe));
            if (++qu.cq_tail == qu.size) qu.cq_tail = 0, qu.phase ^= 1;
        }
    }

    u16 admin(const NvmeSqe& cmd) {
        u8 op = u8(cmd.cdw0);
        admin_ops.push_back(op);
        u8* buf = mem(cmd.prp1);
        switch (op) {
        case nvme::kAdmIdentify: {
            std::memset(buf, 0, 4096);
            u32 cns = cmd.cdw10 & 0xFF;
            if (cns == nvme::kCnsController) {
                u32 nn = u32(ns_sectors.size());
                std::memcpy(buf + nvme::kIdCtrlNn, &nn, 4);
            } else if (cns == nvme::kCnsActiveList) {
                u32 k = 0;
                for (u32 id = 1; id <= ns_sectors.size(); id++)
                    if (ns_sectors[id - 1] && id > cmd.nsid) std::memcpy(buf + 4 * k++, &id, 4);
            } else if (cns == nvme::kCnsNamespace) {
                if (cmd.nsid == 0 || cmd.nsid > ns_sectors.size()) return 0x0B;  // invalid namespace
                u64 nsze = ns_sectors[cmd.nsid - 1];
                std::memcpy(buf + nvme::kIdNsNsze, &nsze, 8);
                u32 lbaf = 9u << 16;  // 512-byte sectors, no metadata
                std::memcpy(buf + nvme::kIdNsLbaf, &lbaf, 4);
            }
            return 0;
        }
        case nvme::kAdmCreateCq:
            io_cq_size = u16((cmd.cdw10 >> 16) + 1);
            q[1].cq = cmd.prp1;
            q[1].cq_tail = 0, q[1].phase = 1;
            return 0;
        case nvme::kAdmCreateSq:
            io_sq_size = u16((cmd.cdw10 >> 16) + 1);
            q[1].sq = cmd.prp1;
            q[1].size = io_sq_size;
            q[1].head = 0;
            return 0;
        }
        return 0x01;  // invalid opcode
    }

    u16 io(const NvmeSqe& cmd) {
        if (u8(cmd.cdw0) != nvme::kCmdRead) return 0x01;
        u64 lba = cmd.cdw10 | (u64(cmd.cdw11) << 32);
        u32 bytes = ((cmd.cdw12 & 0xFFFF) + 1) * 512;
        if (bytes > 4096 || (lba + 1) * 512 > disk.size()) return 0x80;  // LBA out of range
        std::memcpy(mem(cmd.prp1), disk.data() + lba * 512, bytes);
        return 0;
    }
};

class NvmeSetup : public ::testing::Test {
protected:
    void SetUp() override { hw().reset(); }
    // The lines naming this controller at level 1.
    static std::vector<std::string> lines_of(const char* bdf) {
        std::vector<std::string> out;
        for (auto& l : test::level1_lines())
            if (l.find(bdf) != std::string::npos) out.push_back(l);
        return out;
    }
    // The driver's last word to CC left it disabled (or it never enabled it).
    static bool disabled(const FakeNvme& c) { return c.cc_writes.empty() || !(c.cc_writes.back() & nvme::kCcEn); }
    // POST's set-up over `bad` (00:04.0) and a good controller (00:05.0)
    // behind it: the bad one gets exactly one level-1 line, containing each
    // of `words`, sends no admin command and ends disabled; the good one
    // still becomes a drive.
    void run_bad(FakeNvme& bad, std::initializer_list<const char*> words) {
        good = FakeNvme{u16(0x28), 0xFE100000u};
        bad.install();
        good.install();
        nvme_setup();
        auto lines = lines_of("00:04.0");
        ASSERT_EQ(lines.size(), 1u) << test::log_text();
        for (const char* w : words) EXPECT_NE(lines[0].find(w), std::string::npos) << w << " in " << lines[0];
        EXPECT_TRUE(bad.admin_ops.empty());
        EXPECT_TRUE(disabled(bad));
        ASSERT_EQ(hw().registered.size(), 1u) << test::log_text();
        EXPECT_EQ(hw().registered[0].desc, "NVMe 00:05.0 ns 1");
        EXPECT_EQ(nvme_state().nctrls, 1);
    }
    FakeNvme bad{u16(0x20), 0xFE000000u}, good{u16(0x28), 0xFE100000u};
};

TEST_F(NvmeSetup, GoodPathCreatesQueuesAndRegistersEveryNamespace) {
    FakeNvme c{u16(0x20), 0xFE000000u};
    c.ns_sectors = {2048, 0, 8192};  // namespace 2 inactive
    c.disk.assign(2048 * 512, 0);
    std::memcpy(c.disk.data() + 512, "sector one", 10);
    c.install();
    nvme_setup();
    ASSERT_EQ(hw().registered.size(), 2u) << test::log_text();
    EXPECT_EQ(hw().registered[0].desc, "NVMe 00:04.0 ns 1");
    EXPECT_EQ(hw().registered[1].desc, "NVMe 00:04.0 ns 3");
    EXPECT_EQ(hw().registered[0].drive->sectors, 2048u);
    EXPECT_EQ(hw().registered[1].drive->sectors, 8192u);
    EXPECT_EQ(hw().registered[0].drive->sector_size, 512);
    // Identify controller, the I/O CQ then SQ, the active list, each namespace.
    std::vector<u8> ops = {nvme::kAdmIdentify, nvme::kAdmCreateCq, nvme::kAdmCreateSq, nvme::kAdmIdentify,
                           nvme::kAdmIdentify, nvme::kAdmIdentify};
    EXPECT_EQ(c.admin_ops, ops);
    EXPECT_EQ(c.io_cq_size, 8);
    EXPECT_EQ(c.io_sq_size, 8);
    EXPECT_TRUE(c.csts & nvme::kCstsRdy);
    EXPECT_TRUE(test::log_contains("nvme 00:04.0: version 10400"));

    // The I/O queue pair works: sector 1 through it, more times than the
    // queue has entries (the tail and the phase wrap).
    u32 buf = post_alloc().alloc(Zone::kHigh, 4096, 4096, "test buffer");
    ASSERT_NE(buf, 0u);
    for (int i = 0; i < 20; i++) {
        std::memset(FakeHw::ram(buf), 0, 512);
        u32 done = 0;
        ASSERT_EQ(nvme_rw(nvme_state().drives[0], BlockOp::kRead, 1, 1, buf, &done), 0) << i;
        EXPECT_EQ(done, 1u);
        EXPECT_EQ(std::memcmp(FakeHw::ram(buf), "sector one", 10), 0) << i;
    }
    // A read the device fails: an error status, not a hang.
    u32 done = 0;
    EXPECT_NE(nvme_rw(nvme_state().drives[0], BlockOp::kRead, 4000, 1, buf, &done), 0);
    EXPECT_EQ(done, 0u);
}

TEST_F(NvmeSetup, FatalStatusBeforeEnableIsClearedByAReset) {
    FakeNvme c{u16(0x20), 0xFE000000u};
    c.csts = nvme::kCstsCfs;  // left over from an earlier life
    c.install();
    nvme_setup();
    ASSERT_FALSE(c.cc_writes.empty());
    EXPECT_FALSE(c.cc_writes[0] & nvme::kCcEn);  // reset first
    ASSERT_EQ(hw().registered.size(), 1u) << test::log_text();
    EXPECT_TRUE(lines_of("nvme 00:04.0: controller fatal").empty()) << test::log_text();
}

TEST_F(NvmeSetup, FatalStatusThatSurvivesTheResetSkipsTheController) {
    bad.csts = nvme::kCstsCfs;
    bad.cfs_clears_on_reset = false;
    run_bad(bad, {"fatal status", "after reset"});
}

TEST_F(NvmeSetup, FatalStatusAfterEnableSkipsTheController) {
    bad.cfs_on_enable = true;
    run_bad(bad, {"fatal status", "enabling"});
    EXPECT_LT(hw().elapsed_us(), 100000u);  // seen at once, not after CAP.TO
}

TEST_F(NvmeSetup, ControllerReadingAllOnesIsGone) {
    bad.gone = true;
    run_bad(bad, {"all ones", "gone"});
    EXPECT_LT(hw().elapsed_us(), 100000u);
}

TEST_F(NvmeSetup, GoneAfterEnableIsNotReady) {
    // Surprise removal as it is enabled: CSTS reads all ones, whose RDY bit
    // must not count as ready.
    bad.gone_on_enable = true;
    run_bad(bad, {"all ones", "enabling"});
}

TEST_F(NvmeSetup, ReadyTimeoutFollowsCapTo) {
    for (u8 to : {u8(4), u8(0)}) {
        SCOPED_TRACE(to);
        hw().reset();
        bad = FakeNvme{u16(0x20), 0xFE000000u};
        bad.never_ready = true;
        bad.cap_to = to;
        run_bad(bad, {"timed out enabling"});
        u64 want = to ? to * 500000u : 500000u;  // CAP.TO in 500 ms units; 0 taken as 500 ms
        EXPECT_GE(hw().elapsed_us(), want);
        EXPECT_LT(hw().elapsed_us(), want + 50000);
    }
}

TEST_F(NvmeSetup, AdminCommandTimeoutIsOneLine) {
    bad.never_completes = true;
    run_bad(bad, {"command 06 timed out"});
    // Its queue pages went back: only the good controller's stay.
    EXPECT_EQ(post_alloc().used(Zone::kHigh), 5 * 4096u);
}

}  // namespace
