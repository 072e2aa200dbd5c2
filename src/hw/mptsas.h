// SPDX-License-Identifier: LGPL-3.0-or-later
// LSI SAS1068 (mptsas1068, PCI 1000h:0054h), Fusion-MPT message interface:
// IOC INIT through the doorbell handshake, then SCSI IO request messages
// posted to the request FIFO; a command that went well comes back as its
// context on the reply FIFO, any other as the address of a reply frame
// (taken from the frames we posted to the reply free FIFO). Registers in
// the memory BAR (BAR1). Pure layout and message building (host unit tests
// too); the transport is src/hw/mptsas.cc, set-up mptsas_setup.cc.
#pragma once
#include "lib/types.h"

namespace reef {

struct ScsiCmd;

namespace mpt {
constexpr u16 kVendor = 0x1000, kDeviceSas1068 = 0x0054;
constexpr u8 kMmioBar = 1;
// Registers.
constexpr u32 kRegDoorbell = 0x00, kRegHostIntrStatus = 0x30, kRegHostIntrMask = 0x34, kRegRequestFifo = 0x40,
              kRegReplyFifo = 0x44;  // read: reply post FIFO; write: reply free FIFO
constexpr u32 kRegsSize = 0x48;
// Doorbell: the IOC state on reads, a function (and its dword count) on writes.
constexpr u32 kStateMask = 0xF0000000, kStateReset = 0x00000000, kStateReady = 0x10000000,
              kStateOperational = 0x20000000, kStateFault = 0x40000000;
constexpr u32 kDoorbellActive = 0x08000000, kDoorbellDataMask = 0x0000FFFF;
constexpr u32 kDoorbellFunctionShift = 24, kDoorbellDwordsShift = 16;
// Host interrupt status and mask bits.
constexpr u32 kHisDoorbell = 0x00000001, kHisReply = 0x00000008, kHisIopDoorbell = 0x80000000;
constexpr u32 kHimDoorbell = 0x00000001, kHimReply = 0x00000008;
// Functions.
constexpr u8 kFnScsiIo = 0x00, kFnIocInit = 0x02, kFnMessageUnitReset = 0x40, kFnHandshake = 0x42;
constexpr u8 kWhoInitHostBios = 0x02;
// SCSI IO Control: data direction.
constexpr u32 kControlNoData = 0x00000000, kControlWrite = 0x01000000, kControlRead = 0x02000000;
// Simple scatter/gather element flags (FlagsLength bits 31:24) and length.
constexpr u32 kSgeLast = 0x80000000, kSgeEndOfBuffer = 0x40000000, kSgeSimple = 0x10000000,
              kSgeHostToIoc = 0x04000000, kSgeEndOfList = 0x01000000, kSgeLengthMask = 0x00FFFFFF;
// Reply FIFO words.
constexpr u32 kReplyEmpty = 0xFFFFFFFF, kReplyAddressBit = 0x80000000;
// IOCStatus (bits 14:0).
constexpr u16 kIocStatusMask = 0x7FFF;
constexpr u16 kIocSuccess = 0x0000, kIocInvalidBus = 0x0041, kIocInvalidTarget = 0x0042, kIocDeviceNotThere = 0x0043,
              kIocDataUnderrun = 0x0045;
// SCSIState bits.
constexpr u8 kScsiStateAutosenseValid = 0x01, kScsiStateNoStatus = 0x04;
constexpr u8 kMaxTargets = 8;        // the SAS1068's ports
constexpr u16 kReplyFrameSize = 64;  // bytes; a SCSI IO reply is 36
}  // namespace mpt

struct MptIocInit {
    u8 who_init;
    u8 reserved1;
    u8 chain_offset;
    u8 function;
    u8 flags;
    u8 max_devices;
    u8 max_buses;
    u8 msg_flags;
    u32 msg_context;
    u16 reply_frame_size;
    u16 reserved2;
    u32 host_mfa_high;
    u32 sense_buffer_high;
} PACKED;
static_assert(sizeof(MptIocInit) == 24);

struct MptIocInitReply {
    u8 who_init;
    u8 reserved1;
    u8 msg_length;  // dwords
    u8 function;
    u8 flags;
    u8 max_devices;
    u8 max_buses;
    u8 msg_flags;
    u32 msg_context;
    u16 reserved2;
    u16 ioc_status;
    u32 ioc_log_info;
} PACKED;
static_assert(sizeof(MptIocInitReply) == 20);

struct MptScsiIoRequest {
    u8 target;
    u8 bus;
    u8 chain_offset;
    u8 function;
    u8 cdb_len;
    u8 sense_len;
    u8 reserved;
    u8 msg_flags;
    u32 msg_context;
    u8 lun[8];
    u32 control;
    u8 cdb[16];
    u32 data_len;
    u32 sense_addr;
    // One simple 32-bit scatter/gather element.
    u32 sge_flags_length;
    u32 sge_addr;
} PACKED;
static_assert(sizeof(MptScsiIoRequest) == 56);

struct MptScsiIoReply {
    u8 target;
    u8 bus;
    u8 msg_length;
    u8 function;
    u8 cdb_len;
    u8 sense_len;
    u8 reserved;
    u8 msg_flags;
    u32 msg_context;
    u8 scsi_status;
    u8 scsi_state;
    u16 ioc_status;
    u32 ioc_log_info;
    u32 transfer_count;
    u32 sense_count;
    u32 response_info;
    u16 task_tag;
    u16 reserved1;
} PACKED;
static_assert(sizeof(MptScsiIoReply) == 36);

MptIocInit mpt_ioc_init(u8 max_devices, u16 reply_frame_size);
// The SCSI IO request for `c` on target:lun (bus 0), autosense into
// `sense_addr` (scsi::kSenseLen bytes). False if the data does not fit one
// element (more than kSgeLengthMask bytes).
bool mpt_build_scsi_io(MptScsiIoRequest* m, const ScsiCmd& c, u32 context, u8 target, u8 lun, u32 sense_addr);

// A reply FIFO word: empty, a context reply (the command went well) or the
// address of a reply frame.
constexpr bool mpt_reply_is_address(u32 w) { return w != mpt::kReplyEmpty && (w & mpt::kReplyAddressBit); }
constexpr u32 mpt_reply_frame(u32 w) { return w << 1; }
// Fills c->status and the autosense from an address reply (`sense`: the
// request's sense buffer). Returns disk_status::kOk when the device
// answered, kTimeout when no device is at that address, kControllerFail
// for other IOC errors.
u8 mpt_scsi_io_result(const MptScsiIoReply& r, const u8* sense, ScsiCmd* c);

// An adapter's state, at the start of its DMA block (one page): then the
// request frame, its sense buffer and the reply frames.
struct MptCtrl {
    u32 regs;       // the memory BAR (flat)
    u32 request;    // MptScsiIoRequest (flat)
    u32 sense;      // scsi::kSenseLen bytes
    u32 replies;    // kReplyFrames frames of kReplyFrameSize bytes
    u32 context;    // of the last request (bit 31 clear: context replies)
    u16 bdf;
    bool broken;    // a request timed out: the FIFOs are not trusted
};
namespace mpt {
constexpr u32 kPage = 4096, kRequestOffset = 0x40, kSenseOffset = 0x80, kRepliesOffset = 0x100, kReplyFrames = 4;
static_assert(kRepliesOffset + kReplyFrames * kReplyFrameSize <= kPage);
}

}  // namespace reef
