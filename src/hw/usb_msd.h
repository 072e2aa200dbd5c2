// SPDX-License-Identifier: LGPL-3.0-or-later
// USB mass storage, Bulk-Only Transport (usb-storage): each logical unit a
// SCSI drive of the block layer (block/scsi.h), its transport a CBW, the
// data, a CSW on the device's bulk pipes. docs/usb.md.
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
};

struct UsbState {
    static constexpr int kMaxDrives = 8;
    UsbMsdDrive drives[kMaxDrives];
    u8 ndrives;
};
UsbState& usb_state();

// At most this much per command (the transfer ring holds the TD).
constexpr u32 kUsbMsdMaxBytes = 256 * 1024;
constexpr u8 kUsbMsdMaxLun = 15;

// 32-bit runtime: the SCSI transport of DriverType::kUsbMsd.
u8 usb_msd_exec(UsbMsdDrive& d, ScsiCmd* c);

// POST: a device whose interface is mass storage / BOT: its pipes
// configured, each LUN probed and registered. True if a drive came of it.
bool usb_msd_attach(UsbDevice& d, const UsbInterfaceInfo& info);

}  // namespace reef
