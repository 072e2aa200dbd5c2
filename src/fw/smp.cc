// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/smp.h"

#include "fw/fixed_offsets.h"
#include "fw/fwcfg.h"
#include "fw/malloc.h"
#include "fw/mtrr.h"
#include "fw/pci.h"
#include "fw/smp_tramp.h"
#include "hw/cpu.h"
#include "hw/lapic.h"
#include "hw/timer.h"
#include "lib/call16.h"
#include "lib/log.h"
#include "lib/mode.h"

DECLARE_TEXT16(entry_ap_halt);
DECLARE_TEXT16(halt_rm);
extern "C" const char ap_trampoline_start[], ap_trampoline_end[];

namespace reef {

bool lapic::g_x2apic;

namespace {

static_assert(AP_PAGE_USED <= 4096, "the AP start-up page overflows");
static_assert(LAPIC_MSR_BASE == lapic::kMsrApicBase && LAPIC_BASE_ENABLE == lapic::kBaseEnable &&
              LAPIC_BASE_X2APIC == lapic::kBaseX2apic && CPUID_TOPOLOGY_LEAF == cpuidbit::kTopologyLeaf);

CpuList g_cpus;
Msr g_msrs[AP_MAX_MSRS];
int g_nmsrs;
int g_nverify;  // the first g_nverify MSRs read back as written on the BSP

// The APs answer within microseconds under QEMU; a second SIPI after 1 ms,
// give up after 100 ms (virtual time).
constexpr u32 kSecondSipiUs = 1000, kArrivalTimeoutUs = 100000, kIcrTimeoutUs = 10000;
// How long the lone SIPI gets before the INIT-SIPI-SIPI fallback: APs answer
// in microseconds, but under a loaded host a vCPU thread may start late.
constexpr u32 kLoneSipiUs = 20000;

template <class T> volatile T& at(u32 addr) { return *reinterpret_cast<volatile T*>(addr); }

// The BSP waits for the APs halted, woken by a one-shot local APIC timer
// (QEMU's runs at 1 tick per ns with divide-by-1; on hardware the bus clock
// makes it shorter, which only costs a few extra checks). Halting matters
// under QEMU's round-robin TCG (one host thread for every vCPU, as with
// -icount): a spinning BSP keeps the APs from running until the scheduler's
// 100 ms kick. The timer's vector goes to a bare IRET in real mode; the EOI
// is sent from here.
constexpr u8 kWakeVector = 0x7F;
constexpr u32 kWakeTicks = 20000;

void halt_a_moment() {
    lapic::write(lapic::kTimerDivide, lapic::kDivideBy1);
    lapic::write(lapic::kLvtTimer, kWakeVector);
    lapic::write(lapic::kTimerInitial, kWakeTicks);
    Regs16 r{};
    r.cs = FSEG;
    r.ip = TEXT16_OFFSET(halt_rm);
    call16(r, Call16Kind::kFarCall);
    lapic::write(lapic::kLvtTimer, lapic::kLvtMasked | kWakeVector);
    lapic::write(lapic::kTimerInitial, 0);
    lapic::write(lapic::kEoi, 0);
}

void plan_msrs(u64 hole_start) {
    g_nmsrs = 0;
    u32 features = cpuid(1).edx;
    if (features & cpuidbit::kMtrr) {
        u8 phys_bits = 36;
        if (cpuid(cpuidbit::kExtMaxLeaf).eax >= cpuidbit::kExtAddressSizes)
            phys_bits = u8(cpuid(cpuidbit::kExtAddressSizes).eax & 0xFF);
        MtrrInput in{rdmsr(msr::kMtrrCap), phys_bits, align_down(hole_start, 4096)};
        g_nmsrs = mtrr_plan(in, g_msrs, AP_MAX_MSRS - 1);
        if (!g_nmsrs)
            dlog(1, "mtrr: cannot cover the hole from 0x%llx with %u variable MTRRs; MTRRs left off\n",
                 (unsigned long long)hole_start, unsigned(in.cap & mtrr::kCapVcntMask));
        else
            dlog(2, "mtrr: RAM write-back, uncached from 0x%llx to 4 GiB (%d MSRs, %u phys bits)\n",
                 (unsigned long long)in.hole_start, g_nmsrs, phys_bits);
    }
    u64 fc;
    switch (fwcfg().read_u64("etc/msr_feature_control", &fc)) {
    case FwCfg::Status::kOk:
        if (fc) {
            g_msrs[g_nmsrs++] = Msr{msr::kFeatureControl, u32(fc), u32(fc >> 32)};
            dlog(1, "smp: IA32_FEATURE_CONTROL = 0x%llx (etc/msr_feature_control) on every CPU\n",
                 (unsigned long long)fc);
        }
        break;
    case FwCfg::Status::kBadSize: dlog(1, "smp: etc/msr_feature_control is not 8 bytes; ignored\n"); break;
    case FwCfg::Status::kMissing: break;
    }
}

// Writes the plan here; the MSRs that read back as written go first, and
// only those are checked on the APs (an emulator may not keep some, e.g.
// QEMU's TCG ignores IA32_FEATURE_CONTROL).
void write_msrs_on_bsp() {
    g_nverify = 0;
    for (int i = 0; i < g_nmsrs; i++) {
        Msr m = g_msrs[i];
        wrmsr(m.index, m.lo, m.hi);
        if (rdmsr(m.index) != m.value()) {
            dlog(2, "smp: MSR 0x%x does not read back here; not checked on the APs\n", m.index);
            continue;
        }
        g_msrs[i] = g_msrs[g_nverify];
        g_msrs[g_nverify++] = m;
    }
}

bool icr_idle() {
    if (lapic::g_x2apic) return true;
    PitStopwatch sw;
    while (lapic::read(lapic::kIcrLow) & lapic::kIcrPending)
        if (sw.poll() > pit_ticks_from_us(kIcrTimeoutUs)) return false;
    return true;
}

bool send_ipi(u32 low) {
    if (lapic::g_x2apic) {
        wrmsr(lapic::kMsrX2Icr, low, 0);
        return true;
    }
    if (!icr_idle()) return false;
    lapic::write(lapic::kIcrHigh, 0);
    lapic::write(lapic::kIcrLow, low);
    return icr_idle();
}

// APIC IDs seen, for counting each AP once (an AP the fallback INIT caught
// after it had finished, or half-way, runs the trampoline again). IDs past
// the bitmap (QEMU's topologies stay far below) count every time.
struct IdSet {
    static constexpr u32 kIds = 4096;
    u32 bits[kIds / 32] = {};
    bool add(u32 id) {
        if (id >= kIds) return true;
        u32 m = 1u << (id % 32);
        if (bits[id / 32] & m) return false;
        bits[id / 32] |= m;
        return true;
    }
};

u32 ap_slots(u32 sh) { return min<u32>(at<u16>(sh + AP_SLOT), AP_MAX_IDS_N); }
u16 ap_id(u32 sh, u32 i) { return at<u16>(sh + AP_IDS + 2 * i); }

// APs that ran the trampoline to the end, each APIC ID once.
int distinct_done(u32 sh) {
    IdSet seen;
    int n = 0;
    for (u32 i = 0, slots = ap_slots(sh); i < slots; i++) {
        u16 id = ap_id(sh, i);
        if (id != AP_NO_ID && seen.add(id)) n++;
    }
    return n;
}

// Waits (halted between checks) until `want` distinct APs are done or
// `timeout_us` passed; with `resend`, repeats the SIPI once after
// kSecondSipiUs if not all have arrived. Returns the number done.
int wait_aps(u32 sh, int want, u32 timeout_us, u32 sipi, bool resend) {
    PitStopwatch sw;
    for (;; halt_a_moment()) {
        u32 t = sw.poll();
        u16 arrived = at<u16>(sh + AP_ARRIVED), done = at<u16>(sh + AP_DONE);
        int distinct = distinct_done(sh);
        if (want > 0 && distinct >= want) return distinct;
        if (resend && t > pit_ticks_from_us(kSecondSipiUs) && distinct < want) {
            resend = false;
            send_ipi(sipi);
        }
        if (t > pit_ticks_from_us(timeout_us) && done == arrived) return distinct;
        if (t > 2 * pit_ticks_from_us(timeout_us)) {
            dlog(1, "smp: %u APs started but only %u finished\n", arrived, done);
            return distinct;
        }
    }
}

// Starts every AP on the trampoline page; adds those that ran it to the
// end to g_cpus. In a VM the APs wait for a SIPI after every reset, so a
// SIPI alone is tried first (QEMU's TCG handles an INIT to a CPU on another
// vCPU's time slice only at the next 100 ms scheduler kick); if not every
// AP answers within kLoneSipiUs: INIT, SIPI, SIPI.
void start_aps(int want) {
    u32 page = post_alloc().alloc(Zone::kTmpLow, 4096, 4096, "AP start-up page");
    if (!page || page >= 0x100000) {
        dlog(1, "smp: no page below 1 MiB for the APs; only the BSP is used\n");
        return;
    }
    u32 code = u32(ap_trampoline_end - ap_trampoline_start);
    __builtin_memcpy(reinterpret_cast<void*>(page), ap_trampoline_start, code);
    u32 sh = page + AP_SHARED;
    __builtin_memset(reinterpret_cast<void*>(sh), 0, AP_IDS);
    __builtin_memset(reinterpret_cast<void*>(sh + AP_IDS), 0xFF, 2 * AP_MAX_IDS_N);
    at<u16>(sh + AP_X2APIC) = lapic::g_x2apic;
    at<u16>(sh + AP_HALT_OFF) = TEXT16_OFFSET(entry_ap_halt);
    at<u16>(sh + AP_HALT_SEG) = u16(FSEG_BASE >> 4);
    at<u16>(sh + AP_NMSRS) = u16(g_nmsrs);
    at<u16>(sh + AP_NVERIFY) = u16(g_nverify);
    at<u16>(sh + AP_MAX_IDS) = AP_MAX_IDS_N;
    __builtin_memcpy(reinterpret_cast<void*>(sh + AP_MSRS), g_msrs, u32(g_nmsrs) * sizeof(Msr));

    // The wake-up vector: a bare IRET while we wait.
    u32* ivt = reinterpret_cast<u32*>(0);
    u32 saved_vector = ivt[kWakeVector];
    ivt[kWakeVector] = (u32(FSEG) << 16) | fixed::iret;
    u32 sipi = lapic::kIcrAllButSelf | lapic::kIcrStartup | (page >> 12);
    if (!CONFIG_SMP_INIT_SIPI_ALWAYS && !send_ipi(sipi)) {
        dlog(1, "smp: the local APIC does not send IPIs; only the BSP is used\n");
    } else if (CONFIG_SMP_INIT_SIPI_ALWAYS || wait_aps(sh, want, kLoneSipiUs, sipi, false) < want ||
               want <= 0) {
        dlog(1, "smp: %d of %d APs answered a lone SIPI; INIT-SIPI-SIPI\n", distinct_done(sh), want);
        if (send_ipi(lapic::kIcrAllButSelf | lapic::kIcrAssert | lapic::kIcrInit) && send_ipi(sipi))
            wait_aps(sh, want, kArrivalTimeoutUs, sipi, true);
    }
    ivt[kWakeVector] = saved_vector;
    if (u16 bad = at<u16>(sh + AP_BAD)) dlog(1, "smp: %u MSR writes on the APs did not hold\n", bad);
    // An AP that the INIT caught half-way ran the trampoline twice: once
    // each APIC ID.
    IdSet seen;
    seen.add(g_cpus.cpus[0].apic_id);
    for (u32 i = 0, slots = ap_slots(sh); i < slots && g_cpus.count < CpuList::kMax; i++) {
        u16 id = ap_id(sh, i);
        if (id != AP_NO_ID && seen.add(id)) g_cpus.cpus[g_cpus.count++] = MpCpu{id, false};
    }
}

void sort_aps() {
    for (int i = 2; i < g_cpus.count; i++)
        for (int j = i; j > 1 && g_cpus.cpus[j - 1].apic_id > g_cpus.cpus[j].apic_id; j--) {
            MpCpu t = g_cpus.cpus[j];
            g_cpus.cpus[j] = g_cpus.cpus[j - 1];
            g_cpus.cpus[j - 1] = t;
        }
}

}  // namespace

const CpuList& smp_cpus() { return g_cpus; }

void smp_setup(u64 hole_start) {
    CpuidRegs id = cpuid(1);
    g_cpus.count = 1;
    g_cpus.cpus[0] = MpCpu{id.ebx >> cpuidbit::kApicIdShift, true};
    u16 n = 0;
    if (fwcfg().present()) fwcfg().read_key(fwcfg_key::kNumCpus, &n, sizeof n);
    g_cpus.expected = n;
    plan_msrs(hole_start);
    write_msrs_on_bsp();
    if (!(id.edx & cpuidbit::kApic)) {
        dlog(1, "smp: no local APIC; one CPU\n");
        return;
    }
    if (n == 1) {
        dlog(2, "smp: 1 CPU (fw_cfg)\n");
        return;
    }
    if (n > AP_MAX_IDS_N) dlog(1, "smp: fw_cfg says %u CPUs; start-up handles %d\n", n, AP_MAX_IDS_N);
    // xAPIC IDs are 8 bits (FFh: broadcast): past 255 CPUs every CPU goes to
    // x2APIC mode, the BSP first, each AP in the trampoline, and stays
    // there (the OS finds x2APIC enabled, as QEMU's MADT with its x2APIC
    // entries expects).
    if (n > 255) {
        if (id.ecx & cpuidbit::kX2apic) {
            u64 base = rdmsr(lapic::kMsrApicBase);
            wrmsr(lapic::kMsrApicBase, u32(base) | lapic::kBaseEnable | lapic::kBaseX2apic, u32(base >> 32));
            lapic::g_x2apic = true;
            g_cpus.cpus[0].apic_id = cpuid(cpuidbit::kTopologyLeaf).edx;
            dlog(1, "smp: %u CPUs: x2APIC mode (BSP x2APIC ID %u)\n", n, g_cpus.cpus[0].apic_id);
        } else {
            dlog(1, "smp: %u CPUs but no x2APIC; those with APIC IDs past 254 cannot be started\n", n);
        }
    }
    start_aps(int(n) - 1);
    sort_aps();
    if (n && g_cpus.count != n)
        dlog(1, "smp: %d of %u CPUs answered the startup IPI\n", g_cpus.count, n);
    else
        dlog(1, "smp: %d CPUs; the APs hold the BSP's %d MSRs (%d read back) and are halted\n", g_cpus.count,
             g_nmsrs, g_nverify);
}

void mptable_setup() {
    const PciState& pci = pci_state();
    MpPciPin pins[PciState::kMaxDevices];
    int npins = 0;
    for (int i = 0; i < pci.ndevices; i++) {
        const PciDevice& d = pci.devices[i];
        // Devices behind bridges arrive at their root-bus slot's pin (the
        // OS swizzles the same way); extra root buses are ACPI-only.
        if (!d.root_pin || d.root_bus != 0) continue;
        MpPciPin p{d.root_slot, d.root_pin};
        bool dup = false;
        for (int j = 0; j < npins; j++) dup |= pins[j].dev == p.dev && pins[j].pin == p.pin;
        if (!dup) pins[npins++] = p;
    }
    CpuidRegs id = cpuid(1);
    bool apic = id.edx & cpuidbit::kApic;
    if (!apic) {
        dlog(2, "mptable: no local APIC; no MP table\n");
        return;
    }
    MpInput in{};
    in.cpus = g_cpus.cpus;
    in.ncpus = g_cpus.count;
    in.lapic_version = u8(lapic::read(lapic::kVersion));
    in.cpu_signature = id.eax;
    in.cpu_features = id.edx;
    in.lapic_addr = lapic::kBase;
    in.ioapic_id = u8((ioapic::read(ioapic::kRegId) >> 24) & 0xF);
    in.ioapic_version = u8(ioapic::read(ioapic::kRegVersion));
    in.ioapic_addr = ioapic::kBase;
    in.routing = intx_routing(pci.chipset);
    in.pci = pins;
    in.npci = npins;
    in.sci_irq = 9;
    u32 size = mptable_size(in);
    Allocator& a = post_alloc();
    u32 fp = a.alloc(Zone::kFseg, mp::kFloatingSize, 16, "MP floating pointer");
    u32 table = fp ? a.alloc(Zone::kFseg, size, 16, "MP table") : 0;
    if (!table) table = fp ? a.alloc(Zone::kHigh, size, 16, "MP table") : 0;
    if (!fp || !table || !mptable_build(in, reinterpret_cast<u8*>(table), size)) {
        if (fp) a.free(fp);
        dlog(1, "mptable: no room for the MP table (%u bytes); none installed\n", size);
        return;
    }
    mp_floating_build(reinterpret_cast<u8*>(fp), table);
    dlog(2, "mptable: _MP_ at 0x%x, PCMP at 0x%x (%u bytes, %u of %d CPUs, %d PCI pins)\n", fp, table, size,
         mptable_listed_cpus(g_cpus.cpus, g_cpus.count), g_cpus.count, npins);
}

bool smp_ipi_all_but_self(u32 icr_low) { return send_ipi(lapic::kIcrAllButSelf | icr_low); }

bool smp_wait_until(bool (*done)(void*), void* arg, u32 timeout_us) {
    u32* ivt = reinterpret_cast<u32*>(0);
    u32 saved_vector = ivt[kWakeVector];
    ivt[kWakeVector] = (u32(FSEG) << 16) | fixed::iret;
    PitStopwatch sw;
    bool ok;
    while (!(ok = done(arg)) && sw.poll() <= pit_ticks_from_us(timeout_us)) halt_a_moment();
    ivt[kWakeVector] = saved_vector;
    return ok;
}

}  // namespace reef
