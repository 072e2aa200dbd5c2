/* SPDX-License-Identifier: LGPL-3.0-or-later
 * System Management Mode entry code (docs/post-flow.md, "SMM"). A CPU that
 * takes an SMI starts at SMBASE + 8000h in a real-mode-like state with CS
 * base = SMBASE, the other segment bases 0 and 4 GiB limits.
 *
 * smm_reloc: copied to 38000h (the reset SMBASE 30000h + 8000h) for the
 * first SMI of each CPU: it sets the SMBASE field of its save state to
 * SMM_NEW_BASE (taken by RSM) and counts itself.
 * smm_handler: at SMM_NEW_BASE + 8000h in SMRAM, for every later SMI (an OS
 * writing the APM control port): counts it and returns. No SMI services. */
#include "fw/smm_layout.h"

        .section .rodata.smm, "a"
        .code16
        .global smm_reloc_start, smm_reloc_end, smm_handler_start, smm_handler_end
smm_reloc_start:
        /* The save state's layout: AMD64 (revision ID low word 0064h, what
         * qemu-system-x86_64 writes) keeps SMBASE at FF00h, the 32-bit one
         * at FEF8h. */
        movl $SMM_NEW_BASE, %eax
        cmpw $SMM_REVISION_AMD64, %cs:SMM_REVISION_FIELD
        jne 1f
        movl %eax, %cs:SMM_SMBASE_FIELD64
        jmp 2f
1:      movl %eax, %cs:SMM_SMBASE_FIELD32
2:      lock incl %cs:(SMM_ENTRY + smm_reloc_count - smm_reloc_start)
        rsm
        .balign 4
smm_reloc_count:
        .long 0
smm_reloc_end:

smm_handler_start:
        lock incl %cs:(SMM_ENTRY + smm_handler_count - smm_handler_start)
        rsm
        .balign 4
smm_handler_count:
        .long 0
smm_handler_end:
        .code32
