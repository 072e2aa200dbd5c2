// SPDX-License-Identifier: LGPL-3.0-or-later
// Option ROMs (docs/option-roms.md): the display device's ROM BAR, then the
// ROMs QEMU hands over as fw_cfg files; their PnP boot vectors.
#pragma once
#include "lib/types.h"

namespace reef {
// Copies the display device's ROM to 0xC0000 and runs its init. Returns the
// end of the option ROM area in use (0xC0000 when there is none).
u32 vga_rom_setup();

// Copies the other option ROMs into the option ROM area from `rom_end` on,
// 2 KiB aligned, and runs each init with the PnP calling convention: the
// fw_cfg vgaroms/*, the ROM BAR of every PCI function but displays
// (CONFIG_PCI_OPTIONROMS: NICs' iPXE, disk adapters), then fw_cfg genroms/*
// (-kernel's linuxboot_dma.bin, multiboot, PVH, ...). Their BEVs become
// boot entries. Returns the new end.
u32 optionroms_setup(u32 rom_end);

// Calls the BCV of every disk ROM found so far (after the block layer set
// the BDA disk count, which the ROMs' disks are added to).
void optionrom_connect_disks();

// The OpenFirmware path that QEMU's bootorder file uses for the ROM that
// owns the boot vector seg:off ("/rom@genroms/linuxboot_dma.bin"); false
// if no ROM we ran owns it.
bool optionrom_boot_path(u16 seg, u16 off, char* buf, u32 n);
}  // namespace reef
