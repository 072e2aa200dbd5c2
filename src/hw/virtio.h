// SPDX-License-Identifier: LGPL-3.0-or-later
// Virtio over PCI: the legacy interface (virtio 0.9.5 / 1.0 section 4.1.4.8:
// an I/O BAR0 with the common registers, then the device's configuration),
// the modern one's capabilities, and a request queue as the 32-bit runtime
// drivers (virtio-blk, virtio-scsi) use it. Set-up: hw/virtio_pci.h.
#pragma once
#include "hw/virtio_ring.h"
#include "lib/io.h"
#include "lib/types.h"

namespace reef {

namespace virtio {
constexpr u16 kVendor = 0x1AF4;
// Transitional device ids: 0x1000 + the virtio type - 1 for network, 0x1001
// block, ...; modern-only: 0x1040 + type.
constexpr u16 kDevBlkTransitional = 0x1001, kDevBlkModern = 0x1042;
constexpr u16 kDevScsiTransitional = 0x1004, kDevScsiModern = 0x1048;

// Legacy I/O registers, offsets in BAR0.
using RegHostFeatures = IoRegAt<u32, 0x00>;
using RegGuestFeatures = IoRegAt<u32, 0x04>;
using RegQueuePfn = IoRegAt<u32, 0x08>;
using RegQueueSize = IoRegAt<u16, 0x0C>;
using RegQueueSelect = IoRegAt<u16, 0x0E>;
using RegQueueNotify = IoRegAt<u16, 0x10>;
using RegStatus = IoRegAt<u8, 0x12>;
using RegIsr = IoRegAt<u8, 0x13>;
constexpr u16 kLegacyConfig = 0x14;  // device configuration (without MSI-X)

// Device status bits.
constexpr u8 kStAcknowledge = 1, kStDriver = 2, kStDriverOk = 4, kStFeaturesOk = 8, kStFailed = 0x80;

// The modern interface (virtio 1.0 section 4.1.4): vendor-specific PCI
// capabilities point into memory BARs.
constexpr u8 kPciCapVendor = 0x09;
constexpr u8 kCapCommon = 1, kCapNotify = 2, kCapIsr = 3, kCapDevice = 4;
// virtio_pci_cap fields (offsets from the capability).
constexpr u8 kCapCfgType = 3, kCapBar = 4, kCapOffset = 8, kCapLength = 12, kCapNotifyMultiplier = 16;
// Common configuration structure, offsets.
namespace common {
constexpr u32 kDeviceFeatureSelect = 0x00, kDeviceFeature = 0x04, kDriverFeatureSelect = 0x08,
              kDriverFeature = 0x0C, kNumQueues = 0x12, kDeviceStatus = 0x14, kQueueSelect = 0x16,
              kQueueSize = 0x18, kQueueEnable = 0x1C, kQueueNotifyOff = 0x1E, kQueueDesc = 0x20,
              kQueueDriver = 0x28, kQueueDevice = 0x30;
}  // namespace common
// Feature bit 32: VIRTIO_F_VERSION_1 (bit 0 of the second feature word).
constexpr u32 kFeatVersion1Hi = 1u << 0;

}  // namespace virtio

// A request queue of a device, as set up at POST (hw/virtio_pci.h) and
// used by the runtime: where its ring is and how the device is told.
struct VirtQueue {
    u32 ring;        // flat address of the ring (4 KiB aligned)
    u16 size;        // entries
    u16 index;       // the queue's number (what a notify writes)
    u16 last_used;   // used ring index consumed so far
    bool modern;     // virtio 1.0: notify and ISR in memory BARs
    u16 iobase;      // legacy: BAR0
    u32 notify;      // modern: this queue's notify address
    u32 isr;         // modern: the ISR status address
};

#if defined(REEF_MODE32) || defined(REEF_HOST)
// 32-bit runtime: runs one request (`n` buffers, one chain) on the queue and
// polls the used ring for up to `timeout_us`; the ISR is read afterwards so
// that the INTx line drops. kOk (*written = what the device wrote) or
// kTimeout.
u8 virtq_exec(VirtQueue& q, const VirtqBuf* bufs, u16 n, u32 timeout_us, u32* written);
#endif

}  // namespace reef
