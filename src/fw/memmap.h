// SPDX-License-Identifier: LGPL-3.0-or-later
// RAM sizing and the initial e820 map (POST).
#pragma once
#include "fw/e820.h"

namespace reef {

struct RamInfo {
    u64 low_top;     // end of RAM below 4 GiB
    u64 high_bytes;  // RAM above 4 GiB
    bool from_fwcfg; // etc/e820 was used (else CMOS)
};

// Sizes RAM from fw_cfg etc/e820 (CMOS as fallback) and fills `map` with the
// platform's fixed ranges: conventional RAM, the EBDA, the BIOS area, RAM
// above 1 MiB and 4 GiB, and the ROM's high alias.
RamInfo memmap_setup(E820Map& map);

}  // namespace reef
