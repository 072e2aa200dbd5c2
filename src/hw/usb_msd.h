// SPDX-License-Identifier: LGPL-3.0-or-later
// USB mass storage, Bulk-Only Transport (usb-storage) and USB Attached SCSI
// (usb-uas): each logical unit a SCSI drive of the block layer
// (block/scsi.h), its transport a CBW, the data, a CSW on the device's bulk
// pipes (BOT), or command, data and status IUs on four pipes (UAS). docs/usb.md.
#pragma once
#include "block/drive.h"
#include "hw/usb.h"

namespace reef {

struct ScsiCmd;
struct UsbDevice;

struct UsbMsdDrive {
    Drive drive;   // first: what the block layer sees
    u32 dev;       // flat UsbDevice (its DMA block)
    u8 lun;
    u32 uas;       // UAS: the device's UAS page (usb_uas_attach); 0: Bulk-Only
};

// A UAS device's extra DMA page: its stream context arrays, the status and
// command pipes' rings (xHCI) or queue heads (EHCI), the IU buffers.
constexpr u32 kUasStreamArrays = 0x000;  // 64 bytes per pipe, kPipeIn..kPipeStatus
constexpr u32 kUasRingStatus = 0x100, kUasRingCmd = 0x200;
constexpr u32 kUasQhStatus = 0x300, kUasQhCmd = 0x340;
constexpr u32 kUasCommandIu = 0x400, kUasStatusIu = 0x440;

struct UsbState {
    static constexpr int kMaxDrives = 8;
    UsbMsdDrive drives[kMaxDrives];
    u8 ndrives;
};
UsbState& usb_state();

// At most this much per command (the transfer ring holds the TD).
constexpr u32 kUsbMsdMaxBytes = 256 * 1024;
constexpr u8 kUsbMsdMaxLun = 15;

// 32-bit runtime: the SCSI transport of DriverType::kUsbMsd (Bulk-Only,
// or UAS when d.uas).
u8 usb_msd_exec(UsbMsdDrive& d, ScsiCmd* c);
u8 usb_uas_exec(UsbMsdDrive& d, ScsiCmd* c);

// POST: a device whose interface is mass storage / BOT: its pipes
// configured, each LUN probed and registered. True if a drive came of it.
bool usb_msd_attach(UsbDevice& d, const UsbInterfaceInfo& info);
// POST: the same for a UAS interface (usb-uas): its four pipes (streamed on
// SuperSpeed xHCI), then LUN 0.
bool usb_uas_attach(UsbDevice& d, const UsbInterfaceInfo& info);

}  // namespace reef
