// SPDX-License-Identifier: LGPL-3.0-or-later
// The SCSI layer's pure half: CDBs, sense data, INQUIRY and READ CAPACITY
// parsing, and the INT 13h status a failed command turns into.
#include <gtest/gtest.h>

#include "block/scsi.h"

using namespace reef;

TEST(ScsiCdb, ReadWrite10WhenItFits) {
    ScsiCmd c = scsi_cmd_rw(false, 0x12345678, 0x20, 0x7C00, 2048);
    EXPECT_EQ(c.cdb_len, 10);
    EXPECT_EQ(c.cdb[0], scsi::kRead10);
    EXPECT_EQ(c.cdb[2], 0x12);
    EXPECT_EQ(c.cdb[5], 0x78);
    EXPECT_EQ(c.cdb[7], 0x00);
    EXPECT_EQ(c.cdb[8], 0x20);
    EXPECT_EQ(c.len, 0x20u * 2048);
    EXPECT_FALSE(c.write);
    c = scsi_cmd_rw(true, 0xFFFFFFFFull, 1, 0, 512);  // last block a 10-byte CDB reaches
    EXPECT_EQ(c.cdb[0], scsi::kWrite10);
    EXPECT_TRUE(c.write);
}

TEST(ScsiCdb, ReadWrite16PastTwoTerabytesOrLongCounts) {
    ScsiCmd c = scsi_cmd_rw(false, 0x100000000ull, 8, 0, 512);
    EXPECT_EQ(c.cdb_len, 16);
    EXPECT_EQ(c.cdb[0], scsi::kRead16);
    EXPECT_EQ(c.cdb[5], 0x01);  // bit 32 of the LBA
    EXPECT_EQ(c.cdb[13], 8);
    c = scsi_cmd_rw(false, 0xFFFFFFFFull, 2, 0, 512);  // ends past 32 bits
    EXPECT_EQ(c.cdb[0], scsi::kRead16);
    c = scsi_cmd_rw(true, 0, 0x10000, 0, 512);
    EXPECT_EQ(c.cdb[0], scsi::kWrite16);
    EXPECT_EQ(c.cdb[11], 0x01);
    EXPECT_EQ(c.cdb[12], 0x00);
}

TEST(ScsiCdb, SmallCommands) {
    ScsiCmd c = scsi_cmd_inquiry(0x1000);
    EXPECT_EQ(c.cdb_len, 6);
    EXPECT_EQ(c.cdb[4], scsi::kInquiryLen);
    c = scsi_cmd_read_capacity16(0x1000);
    EXPECT_EQ(c.cdb_len, 16);
    EXPECT_EQ(c.cdb[1], scsi::kSaReadCapacity16);
    EXPECT_EQ(c.cdb[13], 32);
    EXPECT_EQ(scsi_cmd(scsi::kTestUnitReady, 0, 0).cdb_len, 6);
    EXPECT_EQ(scsi_cmd_read_capacity10(0).cdb_len, 10);
}

TEST(ScsiSense, FixedAndDescriptorFormats) {
    u8 fixed[18] = {0x70, 0, 0x02, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x3A, 0x01};
    ScsiSense s = scsi_parse_sense(fixed, sizeof(fixed));
    EXPECT_EQ(s.key, 2);
    EXPECT_EQ(s.asc, 0x3A);
    EXPECT_EQ(s.ascq, 0x01);
    u8 desc[8] = {0x72, 0x06, 0x28, 0x00};
    s = scsi_parse_sense(desc, sizeof(desc));
    EXPECT_EQ(s.key, 6);
    EXPECT_EQ(s.asc, 0x28);
    // Too short for ASC/ASCQ: the key only.
    u8 shortfixed[8] = {0xF0, 0, 0x03, 0, 0, 0, 0, 0};
    s = scsi_parse_sense(shortfixed, sizeof(shortfixed));
    EXPECT_EQ(s.key, 3);
    EXPECT_EQ(s.asc, 0);
    u8 junk[4] = {0x12, 0x34, 0x56, 0x78};
    s = scsi_parse_sense(junk, sizeof(junk));
    EXPECT_EQ(s.key, 0);
    EXPECT_EQ(scsi_parse_sense(fixed, 0).key, 0);
}

TEST(ScsiInquiry, TypeQualifierAndStrings) {
    u8 d[36] = {0x05, 0x80, 0, 0, 31};
    memcpy(d + 8, "QEMU    ", 8);
    memcpy(d + 16, "QEMU CD-ROM     ", 16);
    ScsiInquiry q;
    ASSERT_TRUE(scsi_parse_inquiry(d, sizeof(d), &q));
    EXPECT_EQ(q.type, scsi::kTypeCdrom);
    EXPECT_EQ(q.qualifier, 0);
    EXPECT_TRUE(q.removable);
    EXPECT_STREQ(q.vendor, "QEMU");
    EXPECT_STREQ(q.product, "QEMU CD-ROM");
    d[0] = 0x7F;  // no device at this LUN
    ASSERT_TRUE(scsi_parse_inquiry(d, sizeof(d), &q));
    EXPECT_EQ(q.qualifier, 3);
    EXPECT_FALSE(scsi_parse_inquiry(d, 7, &q));
    d[8] = 0x01;  // unprintable: dropped
    ASSERT_TRUE(scsi_parse_inquiry(d, sizeof(d), &q));
    EXPECT_STREQ(q.vendor, " EMU");
}

TEST(ScsiCapacity, TenAndSixteen) {
    u8 c10[8] = {0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00};
    u64 n = 0;
    u32 bs = 0;
    ASSERT_TRUE(scsi_parse_capacity10(c10, &n, &bs));
    EXPECT_EQ(n, 0x10001u);
    EXPECT_EQ(bs, 2048u);
    u8 full[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x02, 0x00};
    n = 7;
    EXPECT_FALSE(scsi_parse_capacity10(full, &n, &bs));
    EXPECT_EQ(n, 7u);
    u8 c16[32] = {0, 0, 0x01, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0x10, 0x00};  // last LBA 17FFFFFFFFFh
    scsi_parse_capacity16(c16, &n, &bs);
    EXPECT_EQ(n, 0x17FFFFFFFFFull + 1);
    EXPECT_EQ(bs, 4096u);
}

TEST(ScsiStatus, SenseToInt13) {
    using namespace disk_status;
    EXPECT_EQ(scsi_sense_status({2, 0x3A, 0}, false), kNoMedia);
    EXPECT_EQ(scsi_sense_status({2, 0x04, 1}, false), kNotReady);
    EXPECT_EQ(scsi_sense_status({6, 0x28, 0}, false), kMediaChanged);
    EXPECT_EQ(scsi_sense_status({7, 0x27, 0}, true), kWriteProtected);
    EXPECT_EQ(scsi_sense_status({3, 0x11, 0}, false), kBadEcc);
    EXPECT_EQ(scsi_sense_status({3, 0x0C, 0}, true), kWriteFault);
    EXPECT_EQ(scsi_sense_status({5, 0x21, 0}, false), kSectorNotFound);
    EXPECT_EQ(scsi_sense_status({5, 0x20, 0}, false), kBadCommand);
    EXPECT_EQ(scsi_sense_status({4, 0, 0}, false), kControllerFail);
    EXPECT_EQ(scsi_sense_status({9, 0, 0}, false), kUndefined);
}
