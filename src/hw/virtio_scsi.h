// SPDX-License-Identifier: LGPL-3.0-or-later
// virtio-scsi (PCI 1AF4:1004 transitional, 1AF4:1048 virtio 1.0): the
// request queue (queue 2) carries one SCSI command at a time, polled; the
// control and event queues are not used. A SCSI transport of the block
// layer (block/scsi.h): the runtime part runs one CDB, the POST part finds
// the targets and LUNs and registers them through scsi_register_lun().
#pragma once
#include "block/block.h"
#include "hw/scsi_hba.h"
#include "hw/virtio.h"

namespace reef {

struct ScsiCmd;

namespace virtio_scsi {
constexpr u16 kRequestQueue = 2;  // 0: control, 1: event, 2..: requests
// Device configuration, offsets (virtio 1.0 section 5.6.4).
constexpr u32 kCfgNumQueues = 0, kCfgSegMax = 4, kCfgMaxSectors = 8, kCfgCmdPerLun = 12, kCfgEventInfoSize = 16,
              kCfgSenseSize = 20, kCfgCdbSize = 24, kCfgMaxChannel = 28, kCfgMaxTarget = 30, kCfgMaxLun = 32;
// The request header's CDB and the response's sense area, at their
// default sizes (the configuration's cdb_size and sense_size).
constexpr u32 kCdbSize = 32, kSenseSize = 96;
// virtio_scsi_cmd_resp.response.
constexpr u8 kRespOk = 0, kRespOverrun = 1, kRespAborted = 2, kRespBadTarget = 3, kRespReset = 4, kRespBusy = 5,
             kRespTransportFailure = 6, kRespTargetFailure = 7, kRespNexusFailure = 8, kRespFailure = 9,
             kRespIncorrectLun = 12;
// The LUN field: byte 0 is 1, byte 1 the target, bytes 2-3 the LUN in
// flat-space addressing (40h in the high byte).
constexpr u8 kLunFirstByte = 1, kLunFlatSpace = 0x40;
constexpr u16 kMaxLunAddressable = 0x3FFF;
}  // namespace virtio_scsi

struct VirtioScsiCmdReq {
    u8 lun[8];
    u64 id;
    u8 task_attr, prio, crn;
    u8 cdb[virtio_scsi::kCdbSize];
} PACKED;
static_assert(sizeof(VirtioScsiCmdReq) == 51);

struct VirtioScsiCmdResp {
    u32 sense_len;
    u32 resid;
    u16 status_qualifier;
    u8 status;
    u8 response;
    u8 sense[virtio_scsi::kSenseSize];
} PACKED;
static_assert(sizeof(VirtioScsiCmdResp) == 108);

// One adapter: its queue and the request/response of the one command in
// flight (in the permanent high zone, e820-reserved).
struct VirtioScsiHba {
    VirtQueue q;
    u32 max_bytes;      // per command (max_sectors); 0: no limit
    VirtioScsiCmdReq req;
    VirtioScsiCmdResp resp;
};

// 32-bit runtime: the SCSI transport of DriverType::kVirtioScsi (an
// adapter drive, hw/scsi_hba.h, whose ctrl is a VirtioScsiHba).
u8 virtio_scsi_exec(HbaDrive& d, ScsiCmd* c);

// POST: every virtio-scsi function, each target up to max_target (at most
// kMaxTargetScan), LUN 0 and what REPORT LUNS lists.
void virtio_scsi_setup();

}  // namespace reef
