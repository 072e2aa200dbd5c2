// SPDX-License-Identifier: LGPL-3.0-or-later
// The boot menu at the end of POST (src/fw/bootmenu_fw.cc; the menu itself
// is 16-bit code, src/svc/bootmenu16.cc).
#pragma once
#include "lib/types.h"

namespace reef {
// Reads -boot menu=on and splash-time from fw_cfg into the runtime
// variables (lib/rtvars.h).
void bootmenu_setup();
// Runs the menu if it is on (it may reorder the boot list); right before
// INT 19h.
void bootmenu_run();
}  // namespace reef
