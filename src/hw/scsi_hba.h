// SPDX-License-Identifier: LGPL-3.0-or-later
// SCSI host adapters on the block layer (docs/block-layer.md, "SCSI host
// adapters"): VMware pvscsi, LSI SAS1068 (MPI) and MegaRAID SAS (MFI).
// Each adapter driver supplies a transport that runs one ScsiCmd on one
// logical unit (src/block/scsi.h); this header holds what the three share:
// the drive behind an adapter, its register window, polled waits.
//
// An adapter's own state (its registers, rings, sense buffer) lives in the
// permanent DMA block that POST allocates for it (high zone); the drive
// points at it by flat address, so there is no fixed adapter count.
#pragma once
#include "block/drive.h"
#include "lib/mode.h"

#if defined(REEF_FIRMWARE)
#include "hw/timer.h"
#include "lib/io.h"
#endif
#if defined(REEF_MODE32)
#include "fw/pci.h"
#endif

namespace reef {

struct ScsiCmd;

// A logical unit behind an adapter: what the block layer sees, then where.
struct HbaDrive {
    Drive drive;     // first: what the block layer sees
    u32 ctrl;        // flat address of the adapter's state in its DMA block
    u16 target;
    u8 lun;
};

struct HbaState {
    static constexpr int kMaxDrives = 8;
    HbaDrive drives[kMaxDrives];
    u8 ndrives;
};
HbaState& hba_state();

#if defined(REEF_FIRMWARE)
// An adapter's register window: an I/O BAR or a memory BAR below 4 GiB,
// 32-bit accesses.
struct HbaRegs {
    u32 base;
    bool io;
    u32 read(u32 off) const {
        if (io) return inl(u16(base + off));
        return *reinterpret_cast<volatile u32*>(uintptr_t(base + off));
    }
    void write(u32 off, u32 v) const {
        if (io) outl(v, u16(base + off));
        else *reinterpret_cast<volatile u32*>(uintptr_t(base + off)) = v;
    }
};

// Polls `done()` until it holds (true) or `timeout_us` passed (false).
template <class F> bool hba_wait(u32 timeout_us, F done) {
    PitStopwatch sw;
    u32 limit = pit_ticks_from_us(timeout_us);
    for (;;) {
        if (done()) return true;
        if (sw.poll() > limit) return done();
        asm volatile("pause" ::: "memory");
    }
}

template <class T> T* hba_ptr(u32 flat) { return reinterpret_cast<T*>(uintptr_t(flat)); }
inline u32 hba_flat(const void* p) { return u32(reinterpret_cast<uintptr_t>(p)); }
#endif

// 32-bit runtime: the transports (DriverType kPvscsi, kMptSas, kMegasas).
u8 pvscsi_exec(HbaDrive& d, ScsiCmd* c);
u8 mptsas_exec(HbaDrive& d, ScsiCmd* c);
u8 megasas_exec(HbaDrive& d, ScsiCmd* c);

// POST: every adapter of the kind, each logical unit on it registered.
void pvscsi_setup();
void mptsas_setup();
void megasas_setup();

// ---- POST helpers (src/hw/scsi_hba_setup.cc) ----------------------------
#if defined(REEF_MODE32)
// Calls f(device) for every PCI function of `vendor` with device id
// `dev_a` or `dev_b`.
template <class F> void hba_for_each(u16 vendor, u16 dev_a, u16 dev_b, F f) {
    const PciState& ps = pci_state();
    for (int i = 0; i < ps.ndevices; i++) {
        const PciDevice& pd = ps.devices[i];
        if (pd.vendor == vendor && (pd.device == dev_a || pd.device == dev_b)) f(pd);
    }
}
// A zeroed, page-aligned block of the permanent high zone (0: none, logged).
u32 hba_dma_alloc(u32 bytes, const char* what);
// The register window in BAR `index` (an I/O BAR or a memory BAR placed
// below 4 GiB, at least `min_size` bytes); false, with a log line naming
// `name`, when there is none.
bool hba_regs(u16 bdf, u8 index, u32 min_size, const char* name, HbaRegs* out);
// Probes and registers target:lun behind the adapter at `bdf` (its state at
// `ctrl`) as a drive of type `t`, at most `max_bytes` per command. False
// when nothing usable answers there (or the drive table is full).
bool hba_add_lun(DriverType t, u32 ctrl, u16 bdf, u16 target, u8 lun, const char* name, u32 max_bytes);
// hba_add_lun() for LUN 0 of targets 0..ntargets-1.
void hba_scan(DriverType t, u32 ctrl, u16 bdf, u16 ntargets, const char* name, u32 max_bytes);
#endif

}  // namespace reef
