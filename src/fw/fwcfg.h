// SPDX-License-Identifier: LGPL-3.0-or-later
// The platform's fw_cfg device (POST only).
#pragma once
#include "fw/fwcfg_dir.h"

namespace reef {
// Detects fw_cfg on the x86 I/O ports, prefers DMA, loads the directory.
bool fwcfg_setup();
FwCfg& fwcfg();
}  // namespace reef
