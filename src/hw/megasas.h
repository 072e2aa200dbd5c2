// SPDX-License-Identifier: LGPL-3.0-or-later
// MegaRAID SAS (megasas: SAS1078, PCI 1000h:0060h; megasas-gen2: SAS2108,
// 1000h:0079h), the MFI firmware interface: an INIT frame hands the
// firmware its reply queue, a DCMD lists the logical drives, and each SCSI
// command is an LD SCSI IO pass-through frame posted to the inbound queue
// port; the firmware writes the frame's status byte when it is done, which
// is what we poll (interrupts stay masked). Registers through the I/O BAR.
// Pure layout and frame building (host unit tests too); the transport is
// src/hw/megasas.cc, set-up megasas_setup.cc.
#pragma once
#include "lib/types.h"

namespace reef {

struct ScsiCmd;

namespace mfi {
constexpr u16 kVendor = 0x1000, kDeviceSas1078 = 0x0060, kDeviceSas2108 = 0x0079;
// Registers (offsets into the I/O BAR).
constexpr u32 kRegInboundDoorbell = 0x20, kRegInboundQueue = 0x40, kRegScratchPad0 = 0xB0;
constexpr u32 kRegsSize = 0x100;
// Firmware state (scratch pad 0, bits 31:28) and the inbound doorbell bits.
constexpr u32 kStateMask = 0xF0000000, kStateWaitHandshake = 0x60000000, kStateBootPending = 0x90000000,
              kStateReady = 0xB0000000, kStateOperational = 0xC0000000, kStateFault = 0xF0000000;
constexpr u32 kMaxCmdsMask = 0x0000FFFF;  // scratch pad 0: commands the firmware takes
constexpr u32 kInitAbort = 0x01, kInitReady = 0x02, kInitMfiMode = 0x04, kInitClearHandshake = 0x08,
              kInitHotplug = 0x10;
// Frame commands.
constexpr u8 kCmdInit = 0x00, kCmdLdScsiIo = 0x03, kCmdDcmd = 0x05;
// Frame flags (32-bit SGL and sense addresses: no SGL64/SENSE64 bits).
constexpr u16 kFlagDirWrite = 0x0008, kFlagDirRead = 0x0010;
// Frame status (cmd_status).
constexpr u8 kStatOk = 0x00, kStatDeviceNotFound = 0x0C, kStatScsiDoneWithError = 0x2D, kStatPending = 0xFF;
// DCMDs.
constexpr u32 kDcmdLdGetList = 0x03010000;
constexpr u32 kMaxLd = 64;
// The firmware maps this much of a frame (its SGL space) when it is posted.
constexpr u32 kFrameSpan = 2048;
constexpr u32 kFrameAlign = 32;  // the queue port takes the address with bits 4:0 as flags
constexpr u32 kQueuePortFlag = 0x1;
}  // namespace mfi

struct MfiHeader {
    u8 cmd;
    u8 sense_len;
    u8 cmd_status;
    u8 scsi_status;
    u8 target;
    u8 lun;
    u8 cdb_len;
    u8 sge_count;
    u64 context;
    u16 flags;
    u16 timeout;
    u32 data_len;
} PACKED;
static_assert(sizeof(MfiHeader) == 24);

struct MfiSge32 {
    u32 addr, len;
} PACKED;

struct MfiPassFrame {
    MfiHeader h;
    u32 sense_lo, sense_hi;
    u8 cdb[16];
    MfiSge32 sge;
} PACKED;
static_assert(sizeof(MfiPassFrame) == 56);

struct MfiDcmdFrame {
    MfiHeader h;
    u32 opcode;
    u8 mbox[12];
    MfiSge32 sge;
} PACKED;
static_assert(sizeof(MfiDcmdFrame) == 48);

struct MfiInitFrame {
    MfiHeader h;
    u32 qinfo_new_lo, qinfo_new_hi, qinfo_old_lo, qinfo_old_hi;
} PACKED;

// The reply queue the INIT frame hands over (its entries, producer and
// consumer indexes are ours to place).
struct MfiInitQinfo {
    u32 flags;
    u32 rq_entries;
    u32 rq_lo, rq_hi;
    u32 pi_lo, pi_hi;
    u32 ci_lo, ci_hi;
} PACKED;
static_assert(sizeof(MfiInitQinfo) == 32);

struct MfiLdList {
    u32 count;
    u32 reserved;
    struct {
        u8 target;
        u8 reserved0;
        u16 seq;
        u8 state;
        u8 reserved1[3];
        u64 size;
    } PACKED ld[mfi::kMaxLd];
} PACKED;
static_assert(sizeof(MfiLdList) == 8 + 16 * mfi::kMaxLd);

// The value the inbound queue port takes for a frame at `frame` (32-byte
// aligned) with no extra frames.
constexpr u32 mfi_queue_port(u32 frame) { return frame | mfi::kQueuePortFlag; }

// The LD SCSI IO frame for `c` on target:lun, autosense into `sense_addr`.
// A command without data still gets one element (the firmware refuses a
// pass-through frame without one): `scratch`, 4 bytes nothing is written to.
void mfi_build_pass(MfiPassFrame* f, const ScsiCmd& c, u32 context, u8 target, u8 lun, u32 sense_addr, u32 scratch);
// A DCMD frame reading `len` bytes into `buf`.
void mfi_build_dcmd(MfiDcmdFrame* f, u32 opcode, u32 context, u32 buf, u32 len);
// The INIT frame and the queue information it points at (`qinfo`).
void mfi_build_init(MfiInitFrame* f, MfiInitQinfo* q, u32 qinfo, u32 context, u32 reply_queue, u32 entries,
                    u32 producer, u32 consumer);
// Fills c->status and the autosense from a completed frame (`sense`: the
// frame's sense buffer). Returns disk_status::kOk when the device
// answered, kTimeout when there is no logical drive at that address,
// kControllerFail for other firmware errors.
u8 mfi_pass_result(const MfiHeader& h, const u8* sense, ScsiCmd* c);

// An adapter's state, in its DMA block (one page): the frame first (the
// firmware maps kFrameSpan bytes of it), then this, the sense buffer, the
// scratch element and the reply queue with its indexes.
struct MegasasCtrl {
    u32 io;         // the I/O BAR
    u32 frame;      // flat, kFrameAlign aligned
    u32 sense;      // scsi::kSenseLen bytes
    u32 scratch;    // the element of commands without data
    u32 context;
    u16 bdf;
    bool broken;    // a frame timed out: the firmware is not trusted
};
namespace mfi {
constexpr u32 kPage = 4096, kCtrlOffset = kFrameSpan, kSenseOffset = kCtrlOffset + 0x40,
              kScratchOffset = kSenseOffset + 0x20, kQinfoOffset = kScratchOffset + 0x20,
              kProducerOffset = kQinfoOffset + 0x40, kConsumerOffset = kProducerOffset + 4,
              kReplyQueueOffset = kProducerOffset + 0x40, kReplyEntries = 8;
static_assert(kReplyQueueOffset + 4 * kReplyEntries <= kPage);
}

#if defined(REEF_MODE32)
// 32-bit: posts the frame at a.frame (its status byte kStatPending) and
// polls its status; kStatPending when it timed out (the adapter is then
// abandoned, with a log line).
u8 megasas_post(MegasasCtrl& a, u32 timeout_us);
#endif

}  // namespace reef
