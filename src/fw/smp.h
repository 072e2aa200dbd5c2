// SPDX-License-Identifier: LGPL-3.0-or-later
// CPUs at POST (docs/post-flow.md, "CPUs"): the MTRR plan and QEMU's
// etc/msr_feature_control on the BSP and, through INIT-SIPI-SIPI, on every
// AP, which is then left halted; the CPU list for the MP table.
#pragma once
#include "fw/mptable.h"
#include "fw/smp_tramp.h"

namespace reef {

struct CpuList {
    static constexpr int kMax = AP_MAX_IDS_N + 1;
    MpCpu cpus[kMax];
    int count;      // the BSP and every AP that answered
    int expected;   // fw_cfg's CPU count (0 when fw_cfg has none)
};

// `hole_start`: the first address below 4 GiB that is not RAM (PCI, ECAM).
void smp_setup(u64 hole_start);
const CpuList& smp_cpus();
// Sends an IPI (ICR low bits: delivery mode, vector) to every CPU but this
// one; false if the local APIC did not take it in time.
bool smp_ipi_all_but_self(u32 icr_low);
// Polls `done` until it holds or `timeout_us` passed, halted between checks
// (a spinning BSP keeps QEMU's round-robin TCG from running the APs);
// returns its last answer.
bool smp_wait_until(bool (*done)(void*), void* arg, u32 timeout_us);

// The MP floating pointer and configuration table in the F-segment.
void mptable_setup();

}  // namespace reef
