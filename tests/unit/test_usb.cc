// SPDX-License-Identifier: LGPL-3.0-or-later
// USB descriptors (the interface a class driver takes) and the Bulk-Only
// Transport's CBW/CSW.
#include <gtest/gtest.h>

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
