// SPDX-License-Identifier: LGPL-3.0-or-later
// RAM sizing and the initial e820 map (POST).
#pragma once
#include "fw/e820.h"
#include "fw/fwcfg_dir.h"

namespace reef {

struct RamInfo {
    u64 low_top;     // end of RAM below 4 GiB
    u64 high_bytes;  // RAM above 4 GiB
    bool from_fwcfg; // etc/e820 was used (else CMOS)
};

// Reads one CMOS/RTC register (platform.cc's cmos_read in firmware).
using CmosReader = u8 (*)(u8 index);

// Sizes RAM from fw_cfg etc/e820 (CMOS 30h/31h, 34h/35h and 5Bh-5Dh when the
// file is missing or malformed) and fills `map` with the platform's fixed
// ranges: conventional RAM, the EBDA, the BIOS area, RAM above 1 MiB and
// 4 GiB, and the ROM's high alias. Pure logic (unit-tested with fakes).
RamInfo memmap_setup(E820Map& map, const FwCfg& fw, CmosReader cmos);

}  // namespace reef
