// SPDX-License-Identifier: LGPL-3.0-or-later
// USB descriptors (the interface a class driver takes) and the Bulk-Only
// Transport's CBW/CSW.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "hw/usb.h"

using namespace reef;

namespace {
// QEMU's usb-storage at SuperSpeed: one interface, bulk in 81h, out 02h, companions.
std::vector<u8> storage_config() {
    std::vector<u8> d = {9, 2, 0, 0, 1, 1, 0, 0xC0, 0,
                         9, 4, 0, 0, 2, 8, 6, 0x50, 0,
                         7, 5, 0x81, 2, 0x00, 0x04, 0,
                         6, 0x30, 15, 0, 0, 0,
                         7, 5, 0x02, 2, 0x00, 0x04, 0,
                         6, 0x30, 15, 0, 0, 0};
    d[2] = u8(d.size());
    return d;
}
}  // namespace

TEST(UsbDesc, FindsBulkOnlyStorage) {
    auto d = storage_config();
    UsbInterfaceInfo i;
    ASSERT_TRUE(usb_find_interface(d.data(), u32(d.size()), usb::kClassMassStorage, usb::kMsdProtoBot, &i));
    EXPECT_EQ(i.config_value, 1);
    EXPECT_EQ(i.number, 0);
    EXPECT_EQ(i.subclass, usb::kMsdSubclassScsi);
    EXPECT_EQ(i.in.addr, 0x81);
    EXPECT_EQ(i.in.type, usb::kEpBulk);
    EXPECT_EQ(i.in.mps, 1024);
    EXPECT_EQ(i.in.max_burst, 15);
    EXPECT_EQ(i.out.addr, 0x02);
    EXPECT_EQ(i.out.max_burst, 15);
    EXPECT_FALSE(usb_find_interface(d.data(), u32(d.size()), usb::kClassMassStorage, usb::kMsdProtoUas, &i));
    EXPECT_FALSE(usb_find_interface(d.data(), u32(d.size()), usb::kClassHid, 0xFF, &i));
}

TEST(UsbDesc, SecondInterfaceAndInterruptEndpoint) {
    std::vector<u8> d = {9, 2, 0, 0, 2, 3, 0, 0xA0, 50,
                         9, 4, 0, 0, 1, 0xFF, 0, 0, 0,
                         7, 5, 0x81, 2, 64, 0, 0,
                         9, 4, 1, 0, 1, 3, 1, 1, 0,
                         9, 0x21, 0x11, 1, 0, 1, 0x22, 63, 0,
                         7, 5, 0x82, 3, 8, 0, 10};
    d[2] = u8(d.size());
    UsbInterfaceInfo i;
    ASSERT_TRUE(usb_find_interface(d.data(), u32(d.size()), usb::kClassHid, usb::kHidProtoKeyboard, &i));
    EXPECT_EQ(i.config_value, 3);
    EXPECT_EQ(i.number, 1);
    EXPECT_EQ(i.in.addr, 0x82);
    EXPECT_EQ(i.in.type, usb::kEpInterrupt);
    EXPECT_EQ(i.in.mps, 8);
    EXPECT_EQ(i.in.interval, 10);
    EXPECT_EQ(i.out.addr, 0);
}

TEST(UsbDesc, DamagedDescriptorsStopTheWalk) {
    auto d = storage_config();
    UsbInterfaceInfo i;
    EXPECT_FALSE(usb_find_interface(d.data(), 8, usb::kClassMassStorage, 0xFF, &i));  // short header
    auto bad = d;
    bad[9] = 0;  // the interface descriptor's length: 0
    EXPECT_FALSE(usb_find_interface(bad.data(), u32(bad.size()), usb::kClassMassStorage, 0xFF, &i));
    bad = d;
    bad[18] = 200;  // an endpoint past the end: the walk stops, the interface was found
    ASSERT_TRUE(usb_find_interface(bad.data(), u32(bad.size()), usb::kClassMassStorage, 0xFF, &i));
    EXPECT_EQ(i.in.addr, 0);
    bad = d;
    bad[2] = 18;  // wTotalLength shorter than what was read: the endpoints are outside
    ASSERT_TRUE(usb_find_interface(bad.data(), u32(bad.size()), usb::kClassMassStorage, 0xFF, &i));
    EXPECT_EQ(i.out.addr, 0);
    bad = d;
    bad[1] = 1;  // not a configuration descriptor
    EXPECT_FALSE(usb_find_interface(bad.data(), u32(bad.size()), usb::kClassMassStorage, 0xFF, &i));
}

TEST(UsbDesc, MaxPacketZero) {
    EXPECT_EQ(usb_default_mps0(UsbSpeed::kLow), 8);
    EXPECT_EQ(usb_default_mps0(UsbSpeed::kSuper), 512);
    EXPECT_EQ(usb_mps0_from_desc(UsbSpeed::kSuper, 9), 512);
    EXPECT_EQ(usb_mps0_from_desc(UsbSpeed::kSuper, 64), 0);
    EXPECT_EQ(usb_mps0_from_desc(UsbSpeed::kFull, 8), 8);
    EXPECT_EQ(usb_mps0_from_desc(UsbSpeed::kFull, 12), 0);
    EXPECT_EQ(usb_mps0_from_desc(UsbSpeed::kHigh, 64), 64);
    EXPECT_EQ(usb_mps0_from_desc(UsbSpeed::kHigh, 8), 0);
}

TEST(UsbBot, CbwAndCsw) {
    u8 cdb[10] = {0x28, 0, 0, 0, 0, 1, 0, 0, 2, 0};
    BotCbw c = bot_make_cbw(7, 1024, true, 3, cdb, 10);
    const u8* b = reinterpret_cast<const u8*>(&c);
    EXPECT_EQ(b[0], 'U');
    EXPECT_EQ(b[3], 'C');
    EXPECT_EQ(c.tag, 7u);
    EXPECT_EQ(c.data_len, 1024u);
    EXPECT_EQ(c.flags, bot::kCbwFlagIn);
    EXPECT_EQ(c.lun, 3);
    EXPECT_EQ(c.cb_len, 10);
    EXPECT_EQ(c.cb[0], 0x28);
    u8 long_cdb[20] = {};
    EXPECT_EQ(bot_make_cbw(1, 0, false, 0, long_cdb, 20).cb_len, 16);

    u8 csw[13] = {'U', 'S', 'B', 'S', 7, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(bot_check_csw(csw, 13, 7), BotResult::kPassed);
    EXPECT_EQ(bot_check_csw(csw, 12, 7), BotResult::kInvalid);
    EXPECT_EQ(bot_check_csw(csw, 13, 8), BotResult::kInvalid);
    csw[12] = 1;
    EXPECT_EQ(bot_check_csw(csw, 13, 7), BotResult::kFailed);
    csw[12] = 2;
    EXPECT_EQ(bot_check_csw(csw, 13, 7), BotResult::kPhaseError);
    csw[12] = 3;
    EXPECT_EQ(bot_check_csw(csw, 13, 7), BotResult::kInvalid);
    csw[12] = 0;
    csw[0] = 'X';
    EXPECT_EQ(bot_check_csw(csw, 13, 7), BotResult::kInvalid);
}

TEST(UsbPath, DeviceFieldRoundTrips) {
    u64 v = usb_path_device(3, 0x321, 3);
    EXPECT_EQ(usb_path_lun(v), 3u);
    EXPECT_EQ(usb_path_route(v), 0x321u);
    EXPECT_EQ(usb_path_depth(v), 3);
    EXPECT_EQ(usb_path_device(0, 0, 0), 0u);  // a root-port disk, LUN 0: the device path is 0
    EXPECT_EQ(usb_path_route(usb_path_device(0, 0xFFFFFFFF, 0)), 0xFFFFFu);
}

namespace {
// A UAS device as real ones are: alternate 0 Bulk-Only, alternate 1 UAS
// with four SuperSpeed bulk endpoints, each followed by its companion
// (bulk streams: bmAttributes 4 = 16 streams) and Pipe Usage descriptor,
// the status pipe listed before data-in.
std::vector<u8> uas_config() {
    std::vector<u8> d = {9, 2, 0, 0, 1, 1, 0, 0xC0, 0,
                         9, 4, 0, 0, 2, 8, 6, 0x50, 0,  // alt 0: BOT
                         7, 5, 0x81, 2, 0x00, 0x04, 0, 6, 0x30, 15, 0, 0, 0,
                         7, 5, 0x02, 2, 0x00, 0x04, 0, 6, 0x30, 15, 0, 0, 0,
                         9, 4, 0, 1, 4, 8, 6, 0x62, 0,  // alt 1: UAS
                         7, 5, 0x01, 2, 0x00, 0x04, 0, 6, 0x30, 0, 0, 0, 0, 4, 0x24, 1, 0,      // command
                         7, 5, 0x82, 2, 0x00, 0x04, 0, 6, 0x30, 15, 4, 0, 0, 4, 0x24, 2, 0,     // status
                         7, 5, 0x83, 2, 0x00, 0x04, 0, 6, 0x30, 15, 4, 0, 0, 4, 0x24, 3, 0,     // data in
                         7, 5, 0x04, 2, 0x00, 0x04, 0, 6, 0x30, 15, 4, 0, 0, 4, 0x24, 4, 0};    // data out
    d[2] = u8(d.size());
    return d;
}
}  // namespace

TEST(UsbUas, PipesFromPipeUsageDescriptors) {
    auto d = uas_config();
    UsbInterfaceInfo i;
    ASSERT_TRUE(usb_find_interface(d.data(), u32(d.size()), usb::kClassMassStorage, usb::kMsdProtoUas, &i));
    EXPECT_EQ(i.alt, 1);
    EXPECT_EQ(i.cmd.addr, 0x01);
    EXPECT_EQ(i.cmd.max_streams, 0);
    EXPECT_EQ(i.status.addr, 0x82);
    EXPECT_EQ(i.status.max_streams, 4);
    EXPECT_EQ(i.in.addr, 0x83);   // not the status pipe that came first
    EXPECT_EQ(i.in.max_streams, 4);
    EXPECT_EQ(i.out.addr, 0x04);  // not the command pipe
    EXPECT_EQ(i.out.mps, 1024);
    // The Bulk-Only alternate has none of it.
    ASSERT_TRUE(usb_find_interface(d.data(), u32(d.size()), usb::kClassMassStorage, usb::kMsdProtoBot, &i));
    EXPECT_EQ(i.alt, 0);
    EXPECT_EQ(i.in.addr, 0x81);
    EXPECT_EQ(i.cmd.addr, 0);
    EXPECT_EQ(i.status.addr, 0);
}

TEST(UsbUas, MissingPipeUsageLeavesPipesEmpty) {
    auto d = uas_config();
    d.resize(d.size() - 4);  // the data-out pipe's Pipe Usage gone: out stays the command pipe
    d[2] = u8(d.size());
    UsbInterfaceInfo i;
    ASSERT_TRUE(usb_find_interface(d.data(), u32(d.size()), usb::kClassMassStorage, usb::kMsdProtoUas, &i));
    EXPECT_EQ(i.out.addr, 0x01);
    EXPECT_EQ(i.cmd.addr, 0x01);
}

TEST(UsbUas, CommandIu) {
    u8 cdb[10] = {0x28, 0, 0x12, 0x34, 0x56, 0x78, 0, 0, 8, 0};
    u8 iu[uas::kCommandIuLen];
    uas_make_command_iu(iu, 0x0102, 3, cdb, sizeof(cdb));
    EXPECT_EQ(iu[0], uas::kIuCommand);
    EXPECT_EQ(iu[2], 0x01);
    EXPECT_EQ(iu[3], 0x02);
    EXPECT_EQ(iu[4], 0);  // simple task
    EXPECT_EQ(iu[6], 0);  // no additional CDB
    EXPECT_EQ(iu[8], 0);
    EXPECT_EQ(iu[9], 3);
    EXPECT_EQ(0, memcmp(iu + 16, cdb, sizeof(cdb)));
    for (u32 k = 16 + sizeof(cdb); k < uas::kCommandIuLen; k++) EXPECT_EQ(iu[k], 0);
}

TEST(UasStatus, SenseReadyResponseAndDamage) {
    UasStatusInfo info;
    u8 sense[18];
    u8 ready[4] = {uas::kIuReadReady, 0, 0, 1};
    EXPECT_EQ(uas_parse_status(ready, 4, 1, &info, sense, sizeof(sense)), UasIu::kReadReady);
    EXPECT_EQ(uas_parse_status(ready, 4, 2, &info, sense, sizeof(sense)), UasIu::kInvalid);  // another tag
    EXPECT_EQ(uas_parse_status(ready, 3, 1, &info, sense, sizeof(sense)), UasIu::kInvalid);  // short
    u8 wr[4] = {uas::kIuWriteReady, 0, 0, 1};
    EXPECT_EQ(uas_parse_status(wr, 4, 1, &info, sense, sizeof(sense)), UasIu::kWriteReady);
    // CHECK CONDITION with 18 bytes of fixed sense (NOT READY, 3Ah).
    u8 s[16 + 18] = {uas::kIuSense, 0, 0, 1, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 18, 0x70, 0, 0x02};
    s[16 + 12] = 0x3A;
    ASSERT_EQ(uas_parse_status(s, sizeof(s), 1, &info, sense, sizeof(sense)), UasIu::kSense);
    EXPECT_EQ(info.status, 0x02);
    EXPECT_EQ(info.sense_len, 18);
    EXPECT_EQ(sense[2], 0x02);
    EXPECT_EQ(sense[12], 0x3A);
    // A sense length past what arrived, or past the buffer, is cut.
    ASSERT_EQ(uas_parse_status(s, 20, 1, &info, sense, sizeof(sense)), UasIu::kSense);
    EXPECT_EQ(info.sense_len, 4);
    s[14] = 0x01;  // 274 bytes claimed
    ASSERT_EQ(uas_parse_status(s, sizeof(s), 1, &info, sense, 8), UasIu::kSense);
    EXPECT_EQ(info.sense_len, 8);
    EXPECT_EQ(uas_parse_status(s, 15, 1, &info, sense, sizeof(sense)), UasIu::kInvalid);
    u8 resp[8] = {uas::kIuResponse, 0, 0, 1, 0, 0, 0, 0x09};
    ASSERT_EQ(uas_parse_status(resp, 8, 1, &info, sense, sizeof(sense)), UasIu::kResponse);
    EXPECT_EQ(info.response, 0x09);
    u8 bad[4] = {0x42, 0, 0, 1};
    EXPECT_EQ(uas_parse_status(bad, 4, 1, &info, sense, sizeof(sense)), UasIu::kInvalid);
}
