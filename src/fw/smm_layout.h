/* SPDX-License-Identifier: LGPL-3.0-or-later
 * SMM addresses shared by src/fw/smm.cc and src/fw/smm_handlers.S (see
 * docs/post-flow.md, "SMM"). */
#pragma once

/* The SMBASE after reset, and the one every CPU gets: the A-segment SMRAM
 * (QEMU takes SMBASE 32 KiB aligned, so CPUs cannot each have their own
 * within 128 KiB; an SMI goes to one CPU at a time without QEMU's SMI
 * broadcast feature, which we do not negotiate). */
#define SMM_RESET_BASE 0x30000
#define SMM_NEW_BASE 0xA0000
/* Offsets from SMBASE: the entry point, the save state area, its revision
 * ID and SMBASE fields (the AMD64 layout, which qemu-system-x86_64 writes,
 * has SMBASE at FF00h; the 32-bit one at FEF8h). */
#define SMM_ENTRY 0x8000
#define SMM_STATE_START 0xFC00
#define SMM_STATE_END 0x10000
#define SMM_REVISION_FIELD 0xFEFC
#define SMM_REVISION_AMD64 0x0064
#define SMM_SMBASE_FIELD32 0xFEF8
#define SMM_SMBASE_FIELD64 0xFF00
/* The counter is the last dword of each handler blob. */
