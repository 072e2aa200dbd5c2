// SPDX-License-Identifier: LGPL-3.0-or-later
// Virtio PCI devices at POST (init32): the legacy (transitional, I/O BAR0)
// or the virtio 1.0 (capabilities in memory BARs) handshake, feature
// negotiation, the device configuration and request queues. One copy for
// every virtio driver (virtio-blk, virtio-scsi).
#pragma once
#include "fw/pci.h"
#include "hw/virtio.h"

namespace reef {

// The largest legacy queue we take (its size is the device's; 1024 entries
// are a 28 KiB ring of the 256 KiB permanent high zone).
constexpr u16 kLegacyMaxQueue = 1024;

struct VirtioPci {
    u16 bdf;
    bool modern;
    const char* name;   // "virtio-blk", ...: what the log lines say
    u16 iobase;         // legacy: BAR0
    u32 common, notify, notify_mult, isr, dev;  // modern: flat addresses
    u32 notify_len;     // modern: bytes of the notify window
};

// Finds the device's interface (modern when `modern`, else the legacy I/O
// BAR0), resets it and sets ACKNOWLEDGE | DRIVER. False, with a log line,
// when the BAR or capabilities are missing.
bool virtio_pci_open(const PciDevice& pd, bool modern, const char* name, VirtioPci* vp);

// Offers the device-specific feature bits `want` (of the low 32) that the
// device has; modern: also VIRTIO_F_VERSION_1, then FEATURES_OK is set and
// checked. Returns false (device marked FAILED, a log line) when refused.
bool virtio_pci_features(VirtioPci& vp, u32 want, u32* got);

// Sets up queue `index` with at most `max_entries` entries (a modern device
// is given a smaller size; a legacy device's size is fixed) in the
// permanent high zone. False (device marked FAILED, one log line naming
// `what`) when the queue has fewer than `min_entries` entries (0: the queue
// does not exist), a legacy size above kLegacyMaxQueue, a notify address
// outside the notify window, or no memory.
bool virtio_pci_queue(VirtioPci& vp, u16 index, u16 min_entries, u16 max_entries, const char* what, VirtQueue* q);

// The device configuration (after the common registers; legacy without
// MSI-X).
u32 virtio_pci_cfg32(const VirtioPci& vp, u32 offset);
u16 virtio_pci_cfg16(const VirtioPci& vp, u32 offset);

void virtio_pci_driver_ok(VirtioPci& vp);
void virtio_pci_fail(VirtioPci& vp);

}  // namespace reef
