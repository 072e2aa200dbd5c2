// SPDX-License-Identifier: LGPL-3.0-or-later
// The serial console's set-up in POST (src/fw/sercon_fw.cc; the console
// itself is 16-bit code, src/svc/sercon16.cc; docs/serial-console.md).
#pragma once
#include "lib/types.h"

namespace reef {
// Reads etc/sercon-port; when it names a UART, programs it (unless it is
// the debug serial port, already set up), and hooks INT 10h after the video
// BIOS (or as the only INT 10h without one). Call after the video BIOS ran
// and the banner is on screen, before the other option ROMs.
void sercon_setup();
}  // namespace reef
