// SPDX-License-Identifier: LGPL-3.0-or-later
// VMware paravirtual SCSI (pvscsi, PCI 15ADh:07C0h): the register window in
// BAR0, a rings-state page, a request ring and a completion ring of one
// page each (set up with PVSCSI_CMD_SETUP_RINGS through the command
// register), requests kicked through the kick registers, completions
// polled on the rings-state page. Pure layout and message building (host
// unit tests too); the transport is src/hw/pvscsi.cc, set-up pvscsi_setup.cc.
#pragma once
#include "lib/types.h"

namespace reef {

struct ScsiCmd;

namespace pvscsi {
constexpr u16 kVendor = 0x15AD, kDevice = 0x07C0;
// Registers (offsets into BAR0).
constexpr u32 kRegCommand = 0x0000, kRegCommandData = 0x0004, kRegCommandStatus = 0x0008,
              kRegIntrStatus = 0x100C, kRegIntrMask = 0x2010, kRegKickNonRwIo = 0x3014, kRegKickRwIo = 0x4018;
constexpr u32 kBarMin = kRegKickRwIo + 4;  // BAR0 covers every register we touch
// Commands (written to kRegCommand, their data words to kRegCommandData).
constexpr u32 kCmdAdapterReset = 1, kCmdSetupRings = 3;
constexpr u32 kCommandSucceeded = 0;  // kRegCommandStatus
// Request flags.
constexpr u32 kFlagDirNone = 1u << 2, kFlagDirToHost = 1u << 3, kFlagDirToDevice = 1u << 4;
constexpr u8 kSimpleQueueTag = 0x20;
// Host adapter status of a completion (hostStatus).
constexpr u16 kBtSuccess = 0x00, kBtDataUnderrun = 0x0C, kBtSelectionTimeout = 0x11, kBtDataRun = 0x12;
constexpr u32 kPage = 4096, kPageShift = 12;
constexpr u32 kMaxRingPages = 32;
constexpr u32 kMaxTargets = 64;
}  // namespace pvscsi

struct PvscsiReqDesc {
    u64 context;
    u64 data_addr;
    u64 data_len;
    u64 sense_addr;
    u32 sense_len;
    u32 flags;
    u8 cdb[16];
    u8 cdb_len;
    u8 lun[8];  // SAM LUN: byte 1 holds a single-level LUN
    u8 tag;
    u8 bus;
    u8 target;
    u8 vcpu_hint;
    u8 unused[59];
} PACKED;
static_assert(sizeof(PvscsiReqDesc) == 128);

struct PvscsiCmpDesc {
    u64 context;
    u64 data_len;
    u32 sense_len;
    u16 host_status;
    u16 scsi_status;
    u32 pad[2];
} PACKED;
static_assert(sizeof(PvscsiCmpDesc) == 32);

// The first bytes of the rings-state page (the device writes the log2 ring
// sizes at set-up and the completion producer index).
struct PvscsiRingsState {
    u32 req_prod, req_cons, req_entries_log2;
    u32 cmp_prod, cmp_cons, cmp_entries_log2;
    u8 pad[104];
    u32 msg_prod, msg_cons, msg_entries_log2;
} PACKED;
static_assert(sizeof(PvscsiRingsState) == 140);

// PVSCSI_CMD_SETUP_RINGS' data: page numbers (address >> 12).
struct PvscsiSetupRings {
    u32 req_pages, cmp_pages;
    u64 rings_state_ppn;
    u64 req_ppns[pvscsi::kMaxRingPages];
    u64 cmp_ppns[pvscsi::kMaxRingPages];
} PACKED;
static_assert(sizeof(PvscsiSetupRings) == 528);

// The ring slot of free-running index `idx` in a ring of 2^log2 entries.
constexpr u32 pvscsi_slot(u32 idx, u32 log2) { return idx & ((1u << log2) - 1); }
// Requests posted but not completed fill the ring?
constexpr bool pvscsi_ring_full(u32 req_prod, u32 cmp_cons, u32 log2) { return req_prod - cmp_cons >= (1u << log2); }

// One page of each ring, the rings-state page at `state`.
PvscsiSetupRings pvscsi_setup_rings(u32 state, u32 req_ring, u32 cmp_ring);
// The request for `c` on target:lun (bus 0), autosense into `sense_addr`.
void pvscsi_build_request(PvscsiReqDesc* r, const ScsiCmd& c, u64 context, u8 target, u8 lun, u32 sense_addr);
// Fills c->status and the autosense from a completion (`sense`: the sense
// buffer). Returns disk_status::kOk when the device answered, kTimeout
// when nothing is at that address, kControllerFail for other host errors.
u8 pvscsi_complete(const PvscsiCmpDesc& cmp, const u8* sense, ScsiCmd* c);

// An adapter's state, in the first page of its DMA block (after the part
// of the rings-state page the device uses); pages 2 and 3 are the rings.
struct PvscsiCtrl {
    u32 regs;                        // BAR0 (flat)
    u32 state, req_ring, cmp_ring;   // flat, one page each
    u32 sense;                       // scsi::kSenseLen bytes of autosense
    u64 context;                     // of the last request
    u16 bdf;
    bool broken;                     // a request timed out: the rings are not trusted
};
namespace pvscsi {
constexpr u32 kCtrlOffset = 0x800, kSenseOffset = 0x900, kDmaBytes = 3 * kPage;
}

}  // namespace reef
