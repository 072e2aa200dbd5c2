// SPDX-License-Identifier: LGPL-3.0-or-later
// USB protocol definitions (USB 2.0 chapter 9, USB 3.2 chapter 9, the Mass
// Storage Bulk-Only Transport 1.0, HID 1.11) and the pure logic on them:
// configuration descriptor parsing, CBW/CSW. Shared by the host
// controller drivers (src/hw/xhci*.cc) and the class drivers
// (src/hw/usb_msd*.cc). docs/usb.md.
#pragma once
#include "lib/types.h"

namespace reef {

namespace usb {
// bmRequestType.
constexpr u8 kDirIn = 0x80, kDirOut = 0x00, kTypeStandard = 0x00, kTypeClass = 0x20, kRecipDevice = 0x00,
             kRecipInterface = 0x01, kRecipEndpoint = 0x02;
// Standard requests.
constexpr u8 kReqGetStatus = 0, kReqClearFeature = 1, kReqSetFeature = 3, kReqSetAddress = 5,
             kReqGetDescriptor = 6, kReqSetConfiguration = 9, kReqSetInterface = 11;
constexpr u16 kFeatureEndpointHalt = 0;
// Descriptor types.
constexpr u8 kDescDevice = 1, kDescConfig = 2, kDescInterface = 4, kDescEndpoint = 5, kDescSsEpCompanion = 0x30;
constexpr u32 kDeviceDescLen = 18, kConfigDescLen = 9, kInterfaceDescLen = 9, kEndpointDescLen = 7,
              kSsCompanionLen = 6;
// Device descriptor offsets.
constexpr u32 kDevMaxPacket0 = 7, kDevVendor = 8, kDevProduct = 10, kDevClass = 4;
// Endpoint address and attributes.
constexpr u8 kEpDirIn = 0x80, kEpNumMask = 0x0F, kEpTypeMask = 0x03;
constexpr u8 kEpControl = 0, kEpIsochronous = 1, kEpBulk = 2, kEpInterrupt = 3;
// Interface classes.
constexpr u8 kClassHid = 0x03, kClassMassStorage = 0x08, kClassHub = 0x09;
constexpr u8 kMsdSubclassScsi = 0x06, kMsdProtoBot = 0x50, kMsdProtoUas = 0x62;
constexpr u8 kHidSubclassBoot = 0x01, kHidProtoKeyboard = 0x01, kHidProtoMouse = 0x02;
// Hubs (USB 2.0 chapter 11): class requests to the hub (recipient device)
// and its ports (recipient other), features, port status bits.
constexpr u8 kRecipOther = 0x03, kDescHub = 0x29;
constexpr u16 kHubPortReset = 4, kHubPortPower = 8, kHubCPortConnection = 16, kHubCPortReset = 20;
constexpr u16 kHubStatConnection = 1u << 0, kHubStatEnable = 1u << 1, kHubStatReset = 1u << 4,
              kHubStatLowSpeed = 1u << 9, kHubStatHighSpeed = 1u << 10;
constexpr u16 kHubChangeReset = 1u << 4;
constexpr u8 kMaxAddress = 127;  // device addresses 1-127 (0: the default address)
constexpr u32 kHubDescPorts = 2, kHubDescCharacteristics = 3, kHubDescMinLen = 7;
constexpr u16 kHubTtThinkMask = 3u << 5;
// Class requests: Bulk-Only Transport (interface), HID.
constexpr u8 kReqBotReset = 0xFF, kReqBotGetMaxLun = 0xFE;
constexpr u8 kReqHidSetIdle = 0x0A, kReqHidSetProtocol = 0x0B;
constexpr u16 kHidBootProtocol = 0;
}  // namespace usb

// Speeds, in the xHCI PORTSC / slot context encoding.
enum class UsbSpeed : u8 { kNone = 0, kFull = 1, kLow = 2, kHigh = 3, kSuper = 4 };

struct UsbSetup {
    u8 request_type, request;
    u16 value, index, length;
} PACKED;
static_assert(sizeof(UsbSetup) == 8);

// A USB drive's DrivePath::device: the LUN (bits 15:0), the route string
// (hub ports, 4 bits per tier, bits 51:32) and the number of hubs (bits
// 59:56); the root port is DrivePath::channel.
constexpr u64 usb_path_device(u32 lun, u32 route, u8 depth) {
    return u64(lun & 0xFFFF) | u64(route & 0xFFFFF) << 32 | u64(depth & 0xF) << 56;
}
constexpr u32 usb_path_lun(u64 dev) { return u32(dev & 0xFFFF); }
constexpr u32 usb_path_route(u64 dev) { return u32((dev >> 32) & 0xFFFFF); }
constexpr u8 usb_path_depth(u64 dev) { return u8((dev >> 56) & 0xF); }

// The default control pipe's max packet size before the device descriptor
// says (8 bytes are enough to read bMaxPacketSize0 at any of these).
u16 usb_default_mps0(UsbSpeed s);
// bMaxPacketSize0 as bytes: 2^n for SuperSpeed devices (USB 3.2 9.6.1),
// the value itself otherwise; 0 when it is not one the spec allows.
u16 usb_mps0_from_desc(UsbSpeed s, u8 b);

struct UsbEndpointInfo {
    u8 addr;        // 0: none found
    u8 type;        // usb::kEpBulk, kEpInterrupt
    u16 mps;        // wMaxPacketSize bits 10:0
    u8 interval;    // bInterval
    u8 max_burst;   // SuperSpeed companion bMaxBurst (0 otherwise)
    u8 max_streams; // SuperSpeed bulk companion: log2 of the streams it has (0: none)
};

// The first interface of a configuration that a class driver takes.
struct UsbInterfaceInfo {
    u8 config_value;              // bConfigurationValue of the configuration
    u8 number, alt;
    u8 cls, subclass, proto;
    UsbEndpointInfo in, out;      // the first bulk or interrupt endpoint each way
    // UAS (protocol 62h): the pipes named by Pipe Usage descriptors; in and
    // out are then the data-in and data-out pipes.
    UsbEndpointInfo status, cmd;
};

// Walks the configuration descriptor `d` (`len` bytes: the whole
// wTotalLength, or as much as was read) for the first interface of class
// `cls` whose protocol is `proto` (any subclass: 0xFF matches every
// protocol) and collects its endpoints. False when there is none, or the
// descriptors are damaged (a length below 2 or past the end stops the walk).
bool usb_find_interface(const u8* d, u32 len, u8 cls, u8 proto, UsbInterfaceInfo* out);

// ---- Bulk-Only Transport ------------------------------------------------
namespace bot {
constexpr u32 kCbwSignature = 0x43425355, kCswSignature = 0x53425355;
constexpr u8 kCbwFlagIn = 0x80;
constexpr u32 kCbwLen = 31, kCswLen = 13;
constexpr u8 kCswPassed = 0, kCswFailed = 1, kCswPhaseError = 2;
}  // namespace bot

struct BotCbw {
    u32 signature, tag, data_len;
    u8 flags, lun, cb_len;
    u8 cb[16];
} PACKED;
static_assert(sizeof(BotCbw) == bot::kCbwLen);

struct BotCsw {
    u32 signature, tag, residue;
    u8 status;
} PACKED;
static_assert(sizeof(BotCsw) == bot::kCswLen);

BotCbw bot_make_cbw(u32 tag, u32 data_len, bool in, u8 lun, const u8* cdb, u8 cdb_len);

enum class BotResult : u8 { kPassed, kFailed, kPhaseError, kInvalid };
// Checks a CSW of `got` bytes against the CBW's tag (BOT 6.3): a CSW that
// is short, has the wrong signature or tag, or a status above 2 is
// invalid (the device needs a reset recovery), as is a phase error.
BotResult bot_check_csw(const u8* csw, u32 got, u32 tag);

// ---- USB Attached SCSI (UAS 1.0, T10 UAS-2) ------------------------------
// Four bulk pipes: commands out, status in, data in, data out. On
// SuperSpeed the status and data pipes are streamed (the stream ID is the
// command's tag); at high speed the device announces the data phase with a
// READ READY / WRITE READY IU on the status pipe.
namespace uas {
constexpr u8 kDescPipeUsage = 0x24;  // bLength 4, bDescriptorType, bPipeID, reserved
constexpr u8 kPipeIdCommand = 1, kPipeIdStatus = 2, kPipeIdDataIn = 3, kPipeIdDataOut = 4;
// Information unit IDs.
constexpr u8 kIuCommand = 0x01, kIuSense = 0x03, kIuResponse = 0x04, kIuReadReady = 0x06, kIuWriteReady = 0x07;
constexpr u32 kCommandIuLen = 32;   // header, attribute, LUN, a 16-byte CDB
constexpr u32 kSenseIuHeader = 16;  // sense data follows
constexpr u32 kStatusIuMax = 64;    // what the status buffer holds
constexpr u32 kTag = 1;             // one command at a time: always the same tag (and stream)
}  // namespace uas

// The Command IU for `cdb` (simple task attribute) to `lun` (single-level).
void uas_make_command_iu(u8* iu, u16 tag, u8 lun, const u8* cdb, u8 cdb_len);

// A status-pipe IU of `got` bytes, checked against `tag`.
enum class UasIu : u8 { kReadReady, kWriteReady, kSense, kResponse, kInvalid };
struct UasStatusInfo {
    u8 status;       // Sense IU: the SCSI status
    u8 sense_len;    // bytes of sense data (at most `sense_max`, copied to sense)
    u8 response;     // Response IU: the response code
};
UasIu uas_parse_status(const u8* iu, u32 got, u16 tag, UasStatusInfo* out, u8* sense, u32 sense_max);

}  // namespace reef
