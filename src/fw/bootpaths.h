// SPDX-License-Identifier: LGPL-3.0-or-later
// Boot priority from QEMU's fw_cfg "bootorder" (POST only): which boot
// entry each line names, through the OpenFirmware path of every entry
// (docs/option-roms.md).
#pragma once
#include "block/block.h"

namespace reef {

// Reads and parses "bootorder" (once; no file: nothing is listed).
void bootorder_load();
// The device path of a boot entry as a pattern for bootorder lines ('*'
// for node names QEMU picks, e.g. "/pci@i0cf8/*@1,1/drive@0/disk@0");
// false if we cannot name the entry's device.
bool boot_entry_path(const BootEntry& e, char* buf, u32 n);
// "/pci@i0cf8[/*@bridge...]/*@slot[,func]": a PCI function's node with
// every bridge above it, as a pattern (QEMU: "/pci@i0cf8/pci-bridge@1c/...").
// Returns the length (>= n: truncated).
u32 pci_device_path(u16 bdf, char* buf, u32 n);
// The entry's line in bootorder (0 first), -1 if not listed.
int bootorder_position(const BootEntry& e);
// bootorder ends with HALT (-boot strict=on): unlisted entries do not boot.
bool bootorder_strict();

}  // namespace reef
