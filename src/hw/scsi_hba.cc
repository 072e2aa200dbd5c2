// SPDX-License-Identifier: LGPL-3.0-or-later
// The drives behind the SCSI host adapters (32-bit runtime data; src/hw/scsi_hba.h).
#include "hw/scsi_hba.h"

namespace reef {

namespace {
HbaState g_hba;
}

HbaState& hba_state() { return g_hba; }

}  // namespace reef
