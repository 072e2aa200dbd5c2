// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/smm.h"

#include "fw/chipset.h"
#include "fw/malloc.h"
#include "fw/pci.h"
#include "fw/smm_layout.h"
#include "fw/smp.h"
#include "hw/lapic.h"
#include "hw/timer.h"
#include "lib/io.h"
#include "lib/log.h"

extern "C" const char smm_reloc_start[], smm_reloc_end[], smm_handler_start[], smm_handler_end[];

namespace reef {
namespace {

// The BSP's own SMI arrives within instructions; the APs', sent by IPI to
// halted vCPU threads, within microseconds unless the host is loaded.
constexpr u32 kBspTimeoutUs = 2000, kRelocTimeoutUs = 100000;
// Where the relocation code and the first save states go, in POST's own
// conventional memory: saved to SMRAM's top (free while open) and put back.
constexpr u32 kRelocCode = SMM_RESET_BASE + SMM_ENTRY;
constexpr u32 kRelocState = SMM_RESET_BASE + SMM_STATE_START;
constexpr u32 kStateBytes = SMM_STATE_END - SMM_STATE_START;
constexpr u32 kSaveArea = smram::kBase + smram::kSize - 0x2000;
// Any APM command but ACPI enable/disable raises the SMI.
constexpr u8 kApmRelocate = 0x52;

u32 blob_len(const char* a, const char* b) { return u32(b - a); }

volatile u32* counter_at(u32 addr, u32 len) { return reinterpret_cast<volatile u32*>(addr + len - 4); }

void enable_apm_smi(PciConfig& cfg, Chipset c) {
    if (c == Chipset::kI440fx) {
        u16 pm = pci_bdf(0, 1, 3);
        cfg.write8(pm, apm::kPiix4ApmcReg, u8(cfg.read8(pm, apm::kPiix4ApmcReg) | apm::kPiix4ApmcEnable));
    } else {
        outl(inl(apm::kIch9SmiEn) | apm::kIch9ApmcEnable | apm::kIch9GlobalSmiEnable, apm::kIch9SmiEn);
    }
}

}  // namespace

void smm_setup() {
    PciConfig& cfg = pci_config();
    Chipset chip = pci_state().chipset;
    if (chip != Chipset::kI440fx && chip != Chipset::kQ35) {
        dlog(1, "smm: unknown chipset; SMRAM left alone\n");
        return;
    }
    u16 mch = pci_bdf(0, 0, 0);
    u8 reg = chip == Chipset::kI440fx ? smram::kI440fx : smram::kQ35;
    if (cfg.read8(mch, reg) & smram::kLock) {
        dlog(1, "smm: SMRAM already locked (a warm boot); nothing to do\n");
        return;
    }
    // Before anything below overwrites POST data around 0x38000.
    int ncpus = smp_cpus().count > 0 ? smp_cpus().count : 1;
    // Open SMRAM (non-SMM accesses to the A-segment now reach it).
    cfg.write8(mch, reg, smram::kOpen | smram::kEnable | smram::kBaseSegA);
    u32 hlen = blob_len(smm_handler_start, smm_handler_end);
    u32 rlen = blob_len(smm_reloc_start, smm_reloc_end);
    u32 handler = SMM_NEW_BASE + SMM_ENTRY;
    PhysMem& mem = phys_mem();
    __builtin_memcpy(mem.map(handler, hlen), smm_handler_start, hlen);
    // The reset SMBASE's entry and save state lie in POST's data: keep them.
    __builtin_memcpy(mem.map(kSaveArea, rlen), mem.map(kRelocCode, rlen), rlen);
    __builtin_memcpy(mem.map(kSaveArea + rlen, kStateBytes), mem.map(kRelocState, kStateBytes), kStateBytes);
    __builtin_memcpy(mem.map(kRelocCode, rlen), smm_reloc_start, rlen);
    volatile u32* relocated = counter_at(kRelocCode, rlen);
    *relocated = 0;
    enable_apm_smi(cfg, chip);
    // This CPU first: its SMI comes within instructions if QEMU has SMM at
    // all (-machine smm=off: none comes, and the APs are not waited for).
    outb(kApmRelocate, apm::kControlPort);
    PitStopwatch sw;
    while (*relocated == 0 && sw.poll() < pit_ticks_from_us(kBspTimeoutUs)) {
    }
    if (*relocated && ncpus > 1) {
        if (!smp_ipi_all_but_self(lapic::kIcrSmi)) dlog(1, "smm: the SMI IPI to the APs was not sent\n");
        struct Want {
            volatile u32* counter;
            int n;
        } want{relocated, ncpus};
        smp_wait_until([](void* a) {
            auto* w = static_cast<Want*>(a);
            return int(*w->counter) >= w->n;
        }, &want, kRelocTimeoutUs);
    }
    int done = int(*relocated);
    // Put POST's data back; then one more SMI on this CPU must reach the
    // handler in SMRAM (its counter, read through the open window).
    __builtin_memcpy(mem.map(kRelocCode, rlen), mem.map(kSaveArea, rlen), rlen);
    __builtin_memcpy(mem.map(kRelocState, kStateBytes), mem.map(kSaveArea + rlen, kStateBytes), kStateBytes);
    __builtin_memset(mem.map(kSaveArea, rlen + kStateBytes), 0, rlen + kStateBytes);
    volatile u32* answered = counter_at(handler, hlen);
    *answered = 0;
    bool verified = false;
    if (done) {
        outb(kApmRelocate, apm::kControlPort);
        // The SMI is taken at an instruction boundary soon after the write
        // (under TCG at the end of the translated block): poll.
        PitStopwatch vsw;
        while (*answered == 0 && vsw.poll() < pit_ticks_from_us(kBspTimeoutUs)) {
        }
        verified = *answered == 1;
        *answered = 0;
        if (!verified) dlog(1, "smm: an SMI after relocation did not reach the handler in SMRAM\n");
    }
    cfg.write8(mch, reg, smram::kEnable | smram::kBaseSegA);
    cfg.write8(mch, reg, smram::kLock | smram::kEnable | smram::kBaseSegA);
    u8 now = cfg.read8(mch, reg);
    if (done == 0)
        dlog(1, "smm: no CPU took the SMI (SMM off in QEMU?); SMRAM closed and locked\n");
    else if (done < ncpus)
        dlog(1, "smm: SMBASE moved on %d of %d CPUs only\n", done, ncpus);
    else if (verified)
        dlog(1, "smm: SMBASE 0x%x on %d CPU(s); SMRAM closed and locked (0x%02x)\n", SMM_NEW_BASE, done, now);
    if ((now & (smram::kOpen | smram::kLock)) != smram::kLock)
        dlog(1, "smm: SMRAM control reads 0x%02x after locking\n", now);
}

}  // namespace reef
