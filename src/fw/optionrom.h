// SPDX-License-Identifier: LGPL-3.0-or-later
// PCI option ROMs: this issue runs the VGA ROM only (BEV/BCV/PnP later).
#pragma once
#include "lib/types.h"

namespace reef {
// Copies the display device's ROM to 0xC0000 and runs its init. Returns the
// end of the option ROM area in use (0xC0000 when there is none).
u32 vga_rom_setup();
}  // namespace reef
