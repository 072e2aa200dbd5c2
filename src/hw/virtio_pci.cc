// SPDX-License-Identifier: LGPL-3.0-or-later
// Virtio PCI transport set-up at POST (hw/virtio_pci.h).
#include "hw/virtio_pci.h"

#include "fw/malloc.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace virtio;

constexpr u16 kStatusCapList = 1u << 4;
constexpr u8 kCapPointer = 0x34;
constexpr int kMaxCaps = 48;

void log_bdf(int level, const VirtioPci& vp, const char* what) {
    dlog(level, "%s %02x:%02x.%x: %s\n", vp.name, pci_bus(vp.bdf), pci_dev(vp.bdf), pci_fn(vp.bdf), what);
}

// Where a modern capability points: its BAR's address + offset (0: none);
// *len = the window's bytes.
u32 cap_addr(PciConfig& cfg, u16 bdf, u8 cap, u32* len = nullptr) {
    u8 bar = cfg.read8(bdf, u8(cap + kCapBar));
    const PciBar* b = bar < 6 ? pci_find_bar(bdf, bar) : nullptr;
    if (!b || b->kind != BarKind::kMem || !b->placed || b->addr >= (u64(1) << 32)) return 0;
    u32 off = cfg.read32(bdf, u8(cap + kCapOffset)), n = cfg.read32(bdf, u8(cap + kCapLength));
    if (u64(off) + n > b->size) return 0;
    if (len) *len = n;
    return u32(b->addr) + off;
}

void set_status(VirtioPci& vp, u8 st) {
    if (vp.modern) mmio_write<u8>(vp.common + common::kDeviceStatus, st);
    else RegStatus::write(vp.iobase, st);
}

u8 get_status(const VirtioPci& vp) {
    return vp.modern ? mmio_read<u8>(vp.common + common::kDeviceStatus) : RegStatus::read(vp.iobase);
}

bool find_caps(VirtioPci& vp) {
    PciConfig& cfg = pci_config();
    u16 bdf = vp.bdf;
    if (!(cfg.read16(bdf, pcireg::kStatus) & kStatusCapList)) return false;
    u8 cap = u8(cfg.read8(bdf, kCapPointer) & 0xFC);
    for (int guard = 0; cap && guard < kMaxCaps; guard++, cap = u8(cfg.read8(bdf, u8(cap + 1)) & 0xFC)) {
        if (cfg.read8(bdf, cap) != kPciCapVendor) continue;
        switch (cfg.read8(bdf, u8(cap + kCapCfgType))) {
        case kCapCommon: if (!vp.common) vp.common = cap_addr(cfg, bdf, cap); break;
        case kCapNotify:
            if (!vp.notify) {
                vp.notify = cap_addr(cfg, bdf, cap, &vp.notify_len);
                vp.notify_mult = cfg.read32(bdf, u8(cap + kCapNotifyMultiplier));
            }
            break;
        case kCapIsr: if (!vp.isr) vp.isr = cap_addr(cfg, bdf, cap); break;
        case kCapDevice: if (!vp.dev) vp.dev = cap_addr(cfg, bdf, cap); break;
        }
    }
    return vp.common && vp.notify && vp.isr && vp.dev;
}

}  // namespace

bool virtio_pci_open(const PciDevice& pd, bool modern, const char* name, VirtioPci* out) {
    VirtioPci& vp = *out;
    vp = VirtioPci{};
    vp.bdf = pd.bdf;
    vp.modern = modern;
    vp.name = name;
    if (modern) {
        if (!find_caps(vp)) {
            log_bdf(1, vp, "virtio 1.0 capabilities missing or outside their BARs; skipped");
            return false;
        }
    } else {
        const PciBar* bar = pci_find_bar(pd.bdf, 0);
        if (!bar || bar->kind != BarKind::kIo || !bar->placed) {
            log_bdf(1, vp, "no I/O BAR0; skipped");
            return false;
        }
        vp.iobase = u16(bar->addr);
    }
    set_status(vp, 0);  // reset
    set_status(vp, kStAcknowledge);
    set_status(vp, kStAcknowledge | kStDriver);
    return true;
}

bool virtio_pci_features(VirtioPci& vp, u32 want, u32* got) {
    if (!vp.modern) {
        *got = RegHostFeatures::read(vp.iobase) & want;
        RegGuestFeatures::write(vp.iobase, *got);
        return true;
    }
    using namespace common;
    mmio_write<u32>(vp.common + kDeviceFeatureSelect, 0);
    u32 lo = mmio_read<u32>(vp.common + kDeviceFeature);
    mmio_write<u32>(vp.common + kDeviceFeatureSelect, 1);
    u32 hi = mmio_read<u32>(vp.common + kDeviceFeature);
    if (!(hi & kFeatVersion1Hi)) {
        log_bdf(1, vp, "no VIRTIO_F_VERSION_1; skipped");
        virtio_pci_fail(vp);
        return false;
    }
    *got = lo & want;
    mmio_write<u32>(vp.common + kDriverFeatureSelect, 0);
    mmio_write<u32>(vp.common + kDriverFeature, *got);
    mmio_write<u32>(vp.common + kDriverFeatureSelect, 1);
    mmio_write<u32>(vp.common + kDriverFeature, kFeatVersion1Hi);
    set_status(vp, kStAcknowledge | kStDriver | kStFeaturesOk);
    if (!(get_status(vp) & kStFeaturesOk)) {
        log_bdf(1, vp, "features refused; skipped");
        virtio_pci_fail(vp);
        return false;
    }
    return true;
}

bool virtio_pci_queue(VirtioPci& vp, u16 index, u16 min_entries, u16 max_entries, const char* what, VirtQueue* q) {
    using namespace common;
    u16 size;
    const char* bad = nullptr;
    u32 notify = 0;
    if (vp.modern) {
        mmio_write<u16>(vp.common + kQueueSelect, index);
        size = mmio_read<u16>(vp.common + kQueueSize);
        // This queue's doorbell: 2 bytes inside the notify window.
        u64 off = u64(mmio_read<u16>(vp.common + kQueueNotifyOff)) * vp.notify_mult;
        if (off + 2 > vp.notify_len) bad = "notify address outside the notify window";
        notify = vp.notify + u32(off);
    } else {
        RegQueueSelect::write(vp.iobase, index);
        size = RegQueueSize::read(vp.iobase);
        // Its ring is as big as the device says (QEMU takes sizes that are
        // no power of two, virtio-scsi's virtqueue_size=3).
        if (size > kLegacyMaxQueue) bad = "more than 1024 entries in a legacy ring";
    }
    if (size < min_entries) {
        dlog(1, "%s %02x:%02x.%x: %s has %u entries (needs %u); device skipped\n", vp.name, pci_bus(vp.bdf),
             pci_dev(vp.bdf), pci_fn(vp.bdf), what, size, min_entries);
        virtio_pci_fail(vp);
        return false;
    }
    if (bad) {
        dlog(1, "%s %02x:%02x.%x: %s of %u entries: %s; device skipped\n", vp.name, pci_bus(vp.bdf),
             pci_dev(vp.bdf), pci_fn(vp.bdf), what, size, bad);
        virtio_pci_fail(vp);
        return false;
    }
    if (vp.modern && size > max_entries) {
        size = max_entries;
        mmio_write<u16>(vp.common + kQueueSize, size);
    }
    u32 ring = post_alloc().alloc(Zone::kHigh, ring_bytes(size), kLegacyAlign, "virtio queue");
    if (!ring) {
        virtio_pci_fail(vp);
        return false;
    }
    virtq_init(reinterpret_cast<void*>(uintptr_t(ring)), size);
    *q = VirtQueue{};
    q->ring = ring;
    q->size = size;
    q->index = index;
    q->modern = vp.modern;
    q->iobase = vp.iobase;
    if (vp.modern) {
        // 64-bit fields as two 32-bit writes, low half first (virtio 1.0 4.1.3.1).
        auto write64 = [](u32 a, u32 v) { mmio_write<u32>(a, v), mmio_write<u32>(a + 4, 0); };
        write64(vp.common + kQueueDesc, ring);
        write64(vp.common + kQueueDriver, ring + avail_offset(size));
        write64(vp.common + kQueueDevice, ring + used_offset(size));
        mmio_write<u16>(vp.common + kQueueEnable, 1);
        q->notify = notify;
        q->isr = vp.isr;
    } else {
        RegQueuePfn::write(vp.iobase, ring / kLegacyAlign);
    }
    return true;
}

u32 virtio_pci_cfg32(const VirtioPci& vp, u32 offset) {
    return vp.modern ? mmio_read<u32>(vp.dev + offset) : inl(u16(vp.iobase + kLegacyConfig + offset));
}

u16 virtio_pci_cfg16(const VirtioPci& vp, u32 offset) {
    return vp.modern ? mmio_read<u16>(vp.dev + offset) : inw(u16(vp.iobase + kLegacyConfig + offset));
}

void virtio_pci_driver_ok(VirtioPci& vp) {
    set_status(vp, u8(kStAcknowledge | kStDriver | kStDriverOk | (vp.modern ? kStFeaturesOk : 0)));
}

void virtio_pci_fail(VirtioPci& vp) { set_status(vp, kStFailed); }

}  // namespace reef
