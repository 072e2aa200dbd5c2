// SPDX-License-Identifier: LGPL-3.0-or-later
// The SCSI host adapters' messages (src/hw/scsi_hba_msg.cc): pvscsi ring
// descriptors and index math, MPI SCSI IO requests and replies, MFI frames,
// and what each completion means for a ScsiCmd.
#include <gtest/gtest.h>

#include "block/scsi.h"
#include "hw/megasas.h"
#include "hw/mptsas.h"
#include "hw/pvscsi.h"

using namespace reef;

namespace {

constexpr u32 kBuf = 0x123400, kSense = 0x7F000, kScratch = 0x7F100;

// Fixed-format sense: key, ASC, ASCQ.
void fill_sense(u8* s, u8 key, u8 asc, u8 ascq) {
    for (u32 i = 0; i < scsi::kSenseLen; i++) s[i] = 0;
    s[0] = 0x70, s[2] = key, s[7] = 10, s[12] = asc, s[13] = ascq;
}

ScsiCmd read_cmd() { return scsi_cmd_rw(false, 100, 8, kBuf, 512); }
ScsiCmd write_cmd() { return scsi_cmd_rw(true, 100, 8, kBuf, 512); }
ScsiCmd tur_cmd() { return scsi_cmd(scsi::kTestUnitReady, 0, 0); }

}  // namespace

// ---- pvscsi ---------------------------------------------------------------

TEST(Pvscsi, RingSlotsWrapAndFullness) {
    EXPECT_EQ(pvscsi_slot(0, 5), 0u);
    EXPECT_EQ(pvscsi_slot(31, 5), 31u);
    EXPECT_EQ(pvscsi_slot(32, 5), 0u);
    EXPECT_EQ(pvscsi_slot(0xFFFFFFFFu, 7), 127u);
    EXPECT_FALSE(pvscsi_ring_full(0, 0, 5));
    EXPECT_FALSE(pvscsi_ring_full(31, 0, 5));
    EXPECT_TRUE(pvscsi_ring_full(32, 0, 5));
    // Free-running indexes across the 32-bit wrap.
    EXPECT_FALSE(pvscsi_ring_full(5, 0xFFFFFFF0u, 5));  // 21 outstanding
    EXPECT_TRUE(pvscsi_ring_full(16, 0xFFFFFFF0u, 5));  // 32 outstanding
}

TEST(Pvscsi, SetupRingsNamesPages) {
    PvscsiSetupRings s = pvscsi_setup_rings(0x7FFC0000, 0x7FFC1000, 0x7FFC2000);
    EXPECT_EQ(s.req_pages, 1u);
    EXPECT_EQ(s.cmp_pages, 1u);
    EXPECT_EQ(s.rings_state_ppn, 0x7FFC0u);
    EXPECT_EQ(s.req_ppns[0], 0x7FFC1u);
    EXPECT_EQ(s.cmp_ppns[0], 0x7FFC2u);
    EXPECT_EQ(s.req_ppns[1], 0u);
}

TEST(Pvscsi, RequestDirectionsAndAddress) {
    PvscsiReqDesc r;
    pvscsi_build_request(&r, read_cmd(), 7, 5, 0, kSense);
    EXPECT_EQ(r.context, 7u);
    EXPECT_EQ(r.flags, pvscsi::kFlagDirToHost);
    EXPECT_EQ(r.data_addr, kBuf);
    EXPECT_EQ(r.data_len, 8u * 512);
    EXPECT_EQ(r.sense_addr, kSense);
    EXPECT_EQ(r.sense_len, scsi::kSenseLen);
    EXPECT_EQ(r.cdb[0], scsi::kRead10);
    EXPECT_EQ(r.cdb_len, 10);
    EXPECT_EQ(r.target, 5);
    EXPECT_EQ(r.bus, 0);
    EXPECT_EQ(r.tag, pvscsi::kSimpleQueueTag);
    pvscsi_build_request(&r, write_cmd(), 8, 1, 3, kSense);
    EXPECT_EQ(r.flags, pvscsi::kFlagDirToDevice);
    EXPECT_EQ(r.lun[0], 0);
    EXPECT_EQ(r.lun[1], 3);
    pvscsi_build_request(&r, tur_cmd(), 9, 0, 0, kSense);
    EXPECT_EQ(r.flags, pvscsi::kFlagDirNone);
    EXPECT_EQ(r.data_addr, 0u);
    EXPECT_EQ(r.data_len, 0u);
}

TEST(Pvscsi, CompletionStatusAndAutosense) {
    u8 sense[scsi::kSenseLen];
    fill_sense(sense, scsi::kSenseNotReady, scsi::kAscMediumNotPresent, 0);
    PvscsiCmpDesc cmp{};
    ScsiCmd c = tur_cmd();
    cmp.scsi_status = scsi::kStatusCheckCondition;
    cmp.sense_len = scsi::kSenseLen;
    EXPECT_EQ(pvscsi_complete(cmp, sense, &c), disk_status::kOk);
    EXPECT_EQ(c.status, scsi::kStatusCheckCondition);
    ASSERT_EQ(c.sense_len, scsi::kSenseLen);
    ScsiSense s = scsi_parse_sense(c.sense, c.sense_len);
    EXPECT_EQ(s.key, scsi::kSenseNotReady);
    EXPECT_EQ(s.asc, scsi::kAscMediumNotPresent);

    c = read_cmd();
    cmp = PvscsiCmpDesc{};
    cmp.host_status = pvscsi::kBtDataRun;  // short transfer: still an answer
    EXPECT_EQ(pvscsi_complete(cmp, sense, &c), disk_status::kOk);
    EXPECT_EQ(c.status, scsi::kStatusGood);
    EXPECT_EQ(c.sense_len, 0);
    cmp.host_status = pvscsi::kBtSelectionTimeout;
    EXPECT_EQ(pvscsi_complete(cmp, sense, &c), disk_status::kTimeout);
    cmp.host_status = 0x25;  // bus reset
    EXPECT_EQ(pvscsi_complete(cmp, sense, &c), disk_status::kControllerFail);
}

// ---- MPI ------------------------------------------------------------------

TEST(Mpt, IocInit) {
    MptIocInit m = mpt_ioc_init(8, 64);
    EXPECT_EQ(m.function, mpt::kFnIocInit);
    EXPECT_EQ(m.who_init, mpt::kWhoInitHostBios);
    EXPECT_EQ(m.max_devices, 8);
    EXPECT_EQ(m.max_buses, 1);
    EXPECT_EQ(m.reply_frame_size, 64);
    EXPECT_EQ(m.host_mfa_high, 0u);
    EXPECT_EQ(sizeof(m) % 4, 0u);  // the doorbell takes dwords
}

TEST(Mpt, ScsiIoRequest) {
    MptScsiIoRequest m;
    ASSERT_TRUE(mpt_build_scsi_io(&m, read_cmd(), 0x1234, 6, 0, kSense));
    EXPECT_EQ(m.function, mpt::kFnScsiIo);
    EXPECT_EQ(m.target, 6);
    EXPECT_EQ(m.msg_context, 0x1234u);
    EXPECT_EQ(m.control, mpt::kControlRead);
    EXPECT_EQ(m.data_len, 4096u);
    EXPECT_EQ(m.sense_addr, kSense);
    EXPECT_EQ(m.sense_len, scsi::kSenseLen);
    EXPECT_EQ(m.chain_offset, 0);
    EXPECT_EQ(m.sge_flags_length, mpt::kSgeLast | mpt::kSgeEndOfBuffer | mpt::kSgeSimple | mpt::kSgeEndOfList | 4096);
    EXPECT_EQ(m.sge_addr, kBuf);
    ASSERT_TRUE(mpt_build_scsi_io(&m, write_cmd(), 1, 0, 1, kSense));
    EXPECT_EQ(m.control, mpt::kControlWrite);
    EXPECT_TRUE(m.sge_flags_length & mpt::kSgeHostToIoc);
    EXPECT_EQ(m.lun[1], 1);
    ASSERT_TRUE(mpt_build_scsi_io(&m, tur_cmd(), 2, 0, 0, kSense));
    EXPECT_EQ(m.control, mpt::kControlNoData);
    EXPECT_EQ(m.sge_flags_length & mpt::kSgeLengthMask, 0u);
    EXPECT_TRUE(m.sge_flags_length & mpt::kSgeEndOfList);
    // One element holds at most 16 MiB - 1.
    ScsiCmd big = scsi_cmd_rw(false, 0, 32768, kBuf, 512);
    EXPECT_FALSE(mpt_build_scsi_io(&m, big, 3, 0, 0, kSense));
    big = scsi_cmd_rw(false, 0, 32767, kBuf, 512);
    EXPECT_TRUE(mpt_build_scsi_io(&m, big, 3, 0, 0, kSense));
}

TEST(Mpt, ReplyWords) {
    EXPECT_FALSE(mpt_reply_is_address(mpt::kReplyEmpty));
    EXPECT_FALSE(mpt_reply_is_address(0x1234));  // a context reply
    u32 frame = 0x7FFD0100;
    u32 word = mpt::kReplyAddressBit | (frame >> 1);
    EXPECT_TRUE(mpt_reply_is_address(word));
    EXPECT_EQ(mpt_reply_frame(word), frame);
}

TEST(Mpt, ScsiIoReplies) {
    u8 sense[scsi::kSenseLen];
    fill_sense(sense, scsi::kSenseMediumError, 0x11, 0);
    MptScsiIoReply r{};
    ScsiCmd c = read_cmd();
    r.ioc_status = mpt::kIocDataUnderrun;
    r.scsi_status = scsi::kStatusCheckCondition;
    r.scsi_state = mpt::kScsiStateAutosenseValid;
    r.sense_count = 252;  // more than we asked for: clipped
    EXPECT_EQ(mpt_scsi_io_result(r, sense, &c), disk_status::kOk);
    EXPECT_EQ(c.status, scsi::kStatusCheckCondition);
    ASSERT_EQ(c.sense_len, scsi::kSenseLen);
    EXPECT_EQ(scsi_parse_sense(c.sense, c.sense_len).key, scsi::kSenseMediumError);

    c = read_cmd();
    r = MptScsiIoReply{};
    r.ioc_status = mpt::kIocDataUnderrun;  // a short, good transfer
    EXPECT_EQ(mpt_scsi_io_result(r, sense, &c), disk_status::kOk);
    EXPECT_EQ(c.status, scsi::kStatusGood);
    EXPECT_EQ(c.sense_len, 0);

    r.ioc_status = mpt::kIocDeviceNotThere;
    r.scsi_state = mpt::kScsiStateNoStatus;
    EXPECT_EQ(mpt_scsi_io_result(r, sense, &c), disk_status::kTimeout);
    r.ioc_status = 0x8000 | mpt::kIocInvalidTarget;  // log info flag ignored
    EXPECT_EQ(mpt_scsi_io_result(r, sense, &c), disk_status::kTimeout);
    r.ioc_status = 0x0048;  // task terminated, no SCSI status
    EXPECT_EQ(mpt_scsi_io_result(r, sense, &c), disk_status::kControllerFail);
}

// ---- MFI ------------------------------------------------------------------

TEST(Mfi, PassThroughFrame) {
    MfiPassFrame f;
    mfi_build_pass(&f, read_cmd(), 42, 3, 0, kSense, kScratch);
    EXPECT_EQ(f.h.cmd, mfi::kCmdLdScsiIo);
    EXPECT_EQ(f.h.cmd_status, mfi::kStatPending);
    EXPECT_EQ(f.h.target, 3);
    EXPECT_EQ(f.h.cdb_len, 10);
    EXPECT_EQ(f.h.sense_len, scsi::kSenseLen);
    EXPECT_EQ(f.h.context, 42u);
    EXPECT_EQ(f.h.flags, mfi::kFlagDirRead);
    EXPECT_EQ(f.h.data_len, 4096u);
    EXPECT_EQ(f.h.sge_count, 1);
    EXPECT_EQ(f.sge.addr, kBuf);
    EXPECT_EQ(f.sge.len, 4096u);
    EXPECT_EQ(f.sense_lo, kSense);
    EXPECT_EQ(f.sense_hi, 0u);
    mfi_build_pass(&f, write_cmd(), 43, 3, 0, kSense, kScratch);
    EXPECT_EQ(f.h.flags, mfi::kFlagDirWrite);
    // No data: still one (scratch) element, but nothing to move.
    mfi_build_pass(&f, tur_cmd(), 44, 3, 0, kSense, kScratch);
    EXPECT_EQ(f.h.data_len, 0u);
    EXPECT_EQ(f.h.sge_count, 1);
    EXPECT_EQ(f.sge.addr, kScratch);
    EXPECT_NE(f.sge.len, 0u);
    EXPECT_EQ(f.h.flags, 0);
}

TEST(Mfi, DcmdAndInitFrames) {
    MfiDcmdFrame d;
    mfi_build_dcmd(&d, mfi::kDcmdLdGetList, 5, 0x6000, sizeof(MfiLdList));
    EXPECT_EQ(d.h.cmd, mfi::kCmdDcmd);
    EXPECT_EQ(d.opcode, mfi::kDcmdLdGetList);
    EXPECT_EQ(d.h.data_len, sizeof(MfiLdList));
    EXPECT_EQ(d.sge.addr, 0x6000u);
    EXPECT_EQ(d.sge.len, sizeof(MfiLdList));
    EXPECT_EQ(d.h.flags, mfi::kFlagDirRead);
    EXPECT_EQ(d.h.cmd_status, mfi::kStatPending);

    MfiInitFrame f;
    MfiInitQinfo q;
    mfi_build_init(&f, &q, 0x7FFE0880, 6, 0x7FFE0900, 8, 0x7FFE08C0, 0x7FFE08C4);
    EXPECT_EQ(f.h.cmd, mfi::kCmdInit);
    EXPECT_EQ(f.qinfo_new_lo, 0x7FFE0880u);
    EXPECT_EQ(f.qinfo_new_hi, 0u);
    EXPECT_EQ(q.rq_entries, 8u);
    EXPECT_EQ(q.rq_lo, 0x7FFE0900u);
    EXPECT_EQ(q.pi_lo, 0x7FFE08C0u);
    EXPECT_EQ(q.ci_lo, 0x7FFE08C4u);
    EXPECT_EQ(q.flags, 0u);  // 32-bit contexts
    EXPECT_EQ(mfi_queue_port(0x7FFE0000), 0x7FFE0001u);
}

TEST(Mfi, FrameResults) {
    u8 sense[scsi::kSenseLen];
    fill_sense(sense, scsi::kSenseUnitAttention, scsi::kAscPowerOnReset, 0);
    MfiHeader h{};
    ScsiCmd c = read_cmd();
    h.cmd_status = mfi::kStatOk;
    EXPECT_EQ(mfi_pass_result(h, sense, &c), disk_status::kOk);
    EXPECT_EQ(c.status, scsi::kStatusGood);
    h.cmd_status = mfi::kStatScsiDoneWithError;
    h.scsi_status = scsi::kStatusCheckCondition;
    h.sense_len = 14;  // what the firmware wrote
    EXPECT_EQ(mfi_pass_result(h, sense, &c), disk_status::kOk);
    EXPECT_EQ(c.status, scsi::kStatusCheckCondition);
    EXPECT_EQ(c.sense_len, 14);
    EXPECT_EQ(scsi_parse_sense(c.sense, c.sense_len).asc, scsi::kAscPowerOnReset);
    h.cmd_status = mfi::kStatDeviceNotFound;
    EXPECT_EQ(mfi_pass_result(h, sense, &c), disk_status::kTimeout);
    h.cmd_status = 0x2E;  // SCSI IO failed
    EXPECT_EQ(mfi_pass_result(h, sense, &c), disk_status::kControllerFail);
}
