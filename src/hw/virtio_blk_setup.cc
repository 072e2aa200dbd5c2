// SPDX-License-Identifier: LGPL-3.0-or-later
// virtio-blk at POST: the legacy or the virtio 1.0 handshake, one queue,
// the disk's size.
#include "fw/malloc.h"
#include "fw/pci.h"
#include "hw/virtio.h"
#include "hw/virtio_blk.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace virtio;

constexpr u32 kDefaultMaxBytes = 64 * 1024;

constexpr u16 kMaxQueue = 256;  // entries we use (3 per request; more only cost memory)

u32 alloc_ring(u16 qsize) {
    u32 ring = post_alloc().alloc(Zone::kHigh, ring_bytes(qsize), kLegacyAlign, "virtio-blk queue");
    if (!ring) return 0;
    __builtin_memset(reinterpret_cast<void*>(uintptr_t(ring)), 0, ring_bytes(qsize));
    reinterpret_cast<Avail*>(uintptr_t(ring + avail_offset(qsize)))->flags = kAvailNoInterrupt;
    return ring;
}

// The legacy handshake through I/O BAR0; returns the capacity (0: failed).
u64 setup_legacy(const PciDevice& pd, VirtioBlkDrive& d, u32* feats) {
    const PciBar* bar = pci_find_bar(pd.bdf, 0);
    if (!bar || bar->kind != BarKind::kIo || !bar->placed) {
        dlog(1, "virtio-blk %02x:%02x.%x: no I/O BAR0; skipped\n", pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf));
        return 0;
    }
    u16 io = u16(bar->addr);
    d.iobase = io;
    RegStatus::write(io, 0);  // reset
    RegStatus::write(io, kStAcknowledge);
    RegStatus::write(io, kStAcknowledge | kStDriver);
    u32 want = RegHostFeatures::read(io) & (virtio_blk::kFeatSizeMax | virtio_blk::kFeatRo);
    RegGuestFeatures::write(io, want);
    RegQueueSelect::write(io, 0);
    u16 qsize = RegQueueSize::read(io);
    if (qsize < 3) {
        dlog(1, "virtio-blk %x: request queue has %u entries (needs 3); device skipped\n", io, qsize);
        RegStatus::write(io, kStFailed);
        return 0;
    }
    u32 ring = alloc_ring(qsize);
    if (!ring) {
        RegStatus::write(io, kStFailed);
        return 0;
    }
    RegQueuePfn::write(io, ring / kLegacyAlign);
    d.ring = ring;
    d.qsize = qsize;
    if (want & virtio_blk::kFeatSizeMax) {
        u32 sm = inl(u16(io + kLegacyConfig + virtio_blk::kCfgSizeMax));
        if (sm >= 512 && sm < d.max_bytes) d.max_bytes = sm & ~511u;
    }
    u32 lo = inl(u16(io + kLegacyConfig + virtio_blk::kCfgCapacity));
    u32 hi = inl(u16(io + kLegacyConfig + virtio_blk::kCfgCapacity + 4));
    RegStatus::write(io, kStAcknowledge | kStDriver | kStDriverOk);
    *feats = want;
    return (u64(hi) << 32) | lo;
}

// Where a modern capability points: its BAR's address + offset (0: none).
u32 cap_addr(PciConfig& cfg, u16 bdf, u8 cap) {
    u8 bar = cfg.read8(bdf, u8(cap + kCapBar));
    const PciBar* b = bar < 6 ? pci_find_bar(bdf, bar) : nullptr;
    if (!b || b->kind != BarKind::kMem || !b->placed || b->addr >= (u64(1) << 32)) return 0;
    u32 off = cfg.read32(bdf, u8(cap + kCapOffset)), len = cfg.read32(bdf, u8(cap + kCapLength));
    if (u64(off) + len > b->size) return 0;
    return u32(b->addr) + off;
}

// The virtio 1.0 handshake through the capabilities; returns the capacity.
u64 setup_modern(const PciDevice& pd, VirtioBlkDrive& d, u32* feats) {
    PciConfig& cfg = pci_config();
    u16 bdf = pd.bdf;
    u32 common = 0, notify = 0, isr = 0, dev = 0, mult = 0;
    constexpr u16 kStatusCapList = 1u << 4;
    constexpr u8 kCapPointer = 0x34;
    if (cfg.read16(bdf, pcireg::kStatus) & kStatusCapList) {
        u8 cap = u8(cfg.read8(bdf, kCapPointer) & 0xFC);
        for (int guard = 0; cap && guard < 48; guard++, cap = u8(cfg.read8(bdf, u8(cap + 1)) & 0xFC)) {
            if (cfg.read8(bdf, cap) != kPciCapVendor) continue;
            switch (cfg.read8(bdf, u8(cap + kCapCfgType))) {
            case kCapCommon: if (!common) common = cap_addr(cfg, bdf, cap); break;
            case kCapNotify:
                if (!notify) {
                    notify = cap_addr(cfg, bdf, cap);
                    mult = cfg.read32(bdf, u8(cap + kCapNotifyMultiplier));
                }
                break;
            case kCapIsr: if (!isr) isr = cap_addr(cfg, bdf, cap); break;
            case kCapDevice: if (!dev) dev = cap_addr(cfg, bdf, cap); break;
            }
        }
    }
    if (!common || !notify || !isr || !dev) {
        dlog(1, "virtio-blk %02x:%02x.%x: virtio 1.0 capabilities missing or outside their BARs; skipped\n",
             pci_bus(bdf), pci_dev(bdf), pci_fn(bdf));
        return 0;
    }
    using namespace common;
    mmio_write<u8>(common + kDeviceStatus, 0);
    mmio_write<u8>(common + kDeviceStatus, kStAcknowledge);
    mmio_write<u8>(common + kDeviceStatus, kStAcknowledge | kStDriver);
    mmio_write<u32>(common + kDeviceFeatureSelect, 0);
    u32 lo = mmio_read<u32>(common + kDeviceFeature);
    mmio_write<u32>(common + kDeviceFeatureSelect, 1);
    u32 hi = mmio_read<u32>(common + kDeviceFeature);
    if (!(hi & kFeatVersion1Hi)) {
        dlog(1, "virtio-blk %02x:%02x.%x: no VIRTIO_F_VERSION_1; skipped\n", pci_bus(bdf), pci_dev(bdf), pci_fn(bdf));
        mmio_write<u8>(common + kDeviceStatus, kStFailed);
        return 0;
    }
    u32 want = lo & (virtio_blk::kFeatSizeMax | virtio_blk::kFeatRo);
    mmio_write<u32>(common + kDriverFeatureSelect, 0);
    mmio_write<u32>(common + kDriverFeature, want);
    mmio_write<u32>(common + kDriverFeatureSelect, 1);
    mmio_write<u32>(common + kDriverFeature, kFeatVersion1Hi);
    mmio_write<u8>(common + kDeviceStatus, kStAcknowledge | kStDriver | kStFeaturesOk);
    if (!(mmio_read<u8>(common + kDeviceStatus) & kStFeaturesOk)) {
        dlog(1, "virtio-blk %02x:%02x.%x: features refused; skipped\n", pci_bus(bdf), pci_dev(bdf), pci_fn(bdf));
        mmio_write<u8>(common + kDeviceStatus, kStFailed);
        return 0;
    }
    mmio_write<u16>(common + kQueueSelect, 0);
    u16 qsize = mmio_read<u16>(common + kQueueSize);
    if (qsize < 3) {
        dlog(1, "virtio-blk %02x:%02x.%x: request queue has %u entries (needs 3); device skipped\n", pci_bus(bdf),
             pci_dev(bdf), pci_fn(bdf), qsize);
        mmio_write<u8>(common + kDeviceStatus, kStFailed);
        return 0;
    }
    if (qsize > kMaxQueue) {
        qsize = kMaxQueue;
        mmio_write<u16>(common + kQueueSize, qsize);
    }
    u32 ring = alloc_ring(qsize);
    if (!ring) {
        mmio_write<u8>(common + kDeviceStatus, kStFailed);
        return 0;
    }
    // 64-bit fields as two 32-bit writes, low half first (virtio 1.0 4.1.3.1).
    auto write64 = [](u32 a, u32 v) { mmio_write<u32>(a, v), mmio_write<u32>(a + 4, 0); };
    write64(common + kQueueDesc, ring);
    write64(common + kQueueDriver, ring + avail_offset(qsize));
    write64(common + kQueueDevice, ring + used_offset(qsize));
    mmio_write<u16>(common + kQueueEnable, 1);
    d.modern = true;
    d.ring = ring;
    d.qsize = qsize;
    d.notify = notify + u32(mmio_read<u16>(common + kQueueNotifyOff)) * mult;
    d.isr = isr;
    if (want & virtio_blk::kFeatSizeMax) {
        u32 sm = mmio_read<u32>(dev + virtio_blk::kCfgSizeMax);
        if (sm >= 512 && sm < d.max_bytes) d.max_bytes = sm & ~511u;
    }
    u64 cap = mmio_read<u32>(dev + virtio_blk::kCfgCapacity) |
              (u64(mmio_read<u32>(dev + virtio_blk::kCfgCapacity + 4)) << 32);
    mmio_write<u8>(common + kDeviceStatus, kStAcknowledge | kStDriver | kStFeaturesOk | kStDriverOk);
    *feats = want;
    return cap;
}

bool setup_one(const PciDevice& pd, VirtioBlkDrive& d) {
    d = VirtioBlkDrive{};
    d.max_bytes = kDefaultMaxBytes;
    u32 feats = 0;
    u64 sectors = pd.device == kDevBlkModern ? setup_modern(pd, d, &feats) : setup_legacy(pd, d, &feats);
    if (!sectors) {
        if (d.ring) dlog(1, "virtio-blk %02x:%02x.%x: the disk is empty (0 sectors); skipped\n", pci_bus(pd.bdf),
                         pci_dev(pd.bdf), pci_fn(pd.bdf));
        return false;
    }
    block_init_pci_hd(d.drive, DriverType::kVirtioBlk, sectors, 512, pd.bdf, "SCSI    ");
    if (feats & virtio_blk::kFeatRo) d.drive.flags |= Drive::kReadOnly;
    return true;
}

}  // namespace

void virtio_blk_setup() {
    VirtioBlkState& st = virtio_blk_state();
    st.ndrives = 0;
    const PciState& ps = pci_state();
    for (int i = 0; i < ps.ndevices && st.ndrives < VirtioBlkState::kMaxDrives; i++) {
        const PciDevice& pd = ps.devices[i];
        if (pd.vendor != kVendor) continue;
        if (pd.device != kDevBlkTransitional && pd.device != kDevBlkModern) continue;
        VirtioBlkDrive& d = st.drives[st.ndrives];
        if (!setup_one(pd, d)) continue;
        dlog(1, "virtio-blk %02x:%02x.%x: %s, %llu sectors (%llu MiB), queue of %u%s\n", pci_bus(pd.bdf),
             pci_dev(pd.bdf), pci_fn(pd.bdf), d.modern ? "virtio 1.0" : "legacy", (unsigned long long)d.drive.sectors,
             (unsigned long long)(d.drive.sectors >> 11), d.qsize, d.drive.read_only() ? ", read-only" : "");
        char desc[sizeof(BootEntry::desc)];
        snformat(desc, sizeof(desc), "virtio-blk %02x:%02x.%x", pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf));
        block_register(&d.drive, desc);
        st.ndrives++;
    }
}

}  // namespace reef
