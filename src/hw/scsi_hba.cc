// SPDX-License-Identifier: LGPL-3.0-or-later
// The SCSI adapters' drive pool (32-bit runtime data; hw/scsi_hba.h).
#include "hw/scsi_hba.h"

namespace reef {
namespace {
ScsiHbaPool g_pool;
}  // namespace

ScsiHbaPool& scsi_hba_pool() { return g_pool; }

}  // namespace reef
