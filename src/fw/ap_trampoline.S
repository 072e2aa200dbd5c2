/* SPDX-License-Identifier: LGPL-3.0-or-later
 * Application processor start-up code (docs/post-flow.md, "CPUs"). POST
 * copies these bytes to a 4 KiB page below 1 MiB and points the startup IPI
 * at it: each AP starts here in real mode with CS = page >> 4, IP = 0. It
 * needs no stack. It counts its arrival, switches its local APIC to x2APIC
 * mode if the BSP did (AP_X2APIC), writes the MSR list the BSP left (MTRRs, feature control: the same values as on the
 * BSP) and reads back those the BSP could read back (a difference is counted
 * in AP_BAD), records its APIC ID in the next slot, counts itself done and
 * jumps to the halt loop in the F-segment,
 * which stays there after POST (the page does not). */
#include "fw/smp_tramp.h"

        .section .rodata.ap_trampoline, "a"
        .code16
        .global ap_trampoline_start, ap_trampoline_end
ap_trampoline_start:
        cli
        cld
        movw %cs, %ax
        movw %ax, %ds
        lock incw (AP_SHARED + AP_ARRIVED)
        movl $1, %eax
        cpuid
        shrl $24, %ebx                          /* BX: initial APIC ID, kept */
        cmpw $0, (AP_SHARED + AP_X2APIC)
        je 1f
        movl $LAPIC_MSR_BASE, %ecx              /* x2APIC mode, as on the BSP */
        rdmsr
        orl $(LAPIC_BASE_ENABLE | LAPIC_BASE_X2APIC), %eax
        wrmsr
        movl $CPUID_TOPOLOGY_LEAF, %eax         /* its 32-bit x2APIC ID */
        xorl %ecx, %ecx
        cpuid
        movl %edx, %ebx
1:
        movw (AP_SHARED + AP_NMSRS), %bp
        movw (AP_SHARED + AP_NVERIFY), %di
        movw $(AP_SHARED + AP_MSRS), %si
2:      testw %bp, %bp
        jz 3f
        movl (%si), %ecx
        movl 4(%si), %eax
        movl 8(%si), %edx
        wrmsr
        testw %di, %di                          /* one the BSP could read back? */
        jz 5f
        decw %di
        rdmsr
        cmpl 4(%si), %eax
        jne 4f
        cmpl 8(%si), %edx
        je 5f
4:      lock incw (AP_SHARED + AP_BAD)
5:      addw $AP_MSR_SIZE, %si
        decw %bp
        jmp 2b
        /* Done: the APIC ID into the next slot, then count it. */
3:      movw $1, %di
        lock xaddw %di, (AP_SHARED + AP_SLOT)
        cmpw (AP_SHARED + AP_MAX_IDS), %di
        jae 6f
        addw %di, %di
        movw %bx, (AP_SHARED + AP_IDS)(%di)
6:      lock incw (AP_SHARED + AP_DONE)
        ljmpw *(AP_SHARED + AP_HALT_OFF)
ap_trampoline_end:
        .code32
