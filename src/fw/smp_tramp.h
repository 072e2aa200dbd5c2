/* SPDX-License-Identifier: LGPL-3.0-or-later
 * The page the application processors start in (src/fw/ap_trampoline.S is
 * copied to its start; src/fw/smp.cc fills the shared block): offsets from
 * the start of the page. #defines only: included from assembly too. */
#ifndef REEF_SMP_TRAMP_H
#define REEF_SMP_TRAMP_H

#define AP_SHARED          0x100   /* the shared block, after the code */
#define AP_ARRIVED         0x00    /* u16: APs that started */
#define AP_DONE            0x02    /* u16: APs that wrote every MSR */
#define AP_HALT_OFF        0x04    /* u16:u16 far pointer to the halt loop */
#define AP_HALT_SEG        0x06
#define AP_NMSRS           0x08    /* u16: entries in AP_MSRS */
#define AP_MAX_IDS         0x0A    /* u16: room in AP_IDS */
#define AP_BAD             0x0C    /* u16: MSRs an AP read back with another value */
#define AP_NVERIFY         0x0E    /* u16: the first AP_NVERIFY MSRs are read back */
#define AP_SLOT            0x10    /* u16: next free entry of AP_IDS (lock xadd) */
#define AP_X2APIC          0x12    /* u16: nonzero: switch to x2APIC mode, take the
                                      ID from CPUID leaf 0Bh */
#define AP_IDS             0x14    /* u16[AP_MAX_IDS_N]: APIC IDs of the APs that
                                      finished, in order; FFFFh = not yet written */
#define AP_MAX_IDS_N       1024
#define AP_NO_ID           0xFFFF
#define AP_MSRS            (AP_IDS + 2 * AP_MAX_IDS_N)  /* {u32 index, lo, hi}[] */
#define AP_MSR_SIZE        12
#define AP_MAX_MSRS        40
/* IA32_APIC_BASE and CPUID leaf 0Bh, for the assembly (src/hw/lapic.h). */
#define LAPIC_MSR_BASE     0x1B
#define LAPIC_BASE_ENABLE  0x800
#define LAPIC_BASE_X2APIC  0x400
#define CPUID_TOPOLOGY_LEAF 0x0B
#define AP_PAGE_USED       (AP_SHARED + AP_MSRS + AP_MAX_MSRS * AP_MSR_SIZE)

#endif
