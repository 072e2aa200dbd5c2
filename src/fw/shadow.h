// SPDX-License-Identifier: LGPL-3.0-or-later
// Shadow RAM control (the copy into shadow RAM itself happens first thing in
// POST, src/post_entry.S).
#pragma once
#include "lib/types.h"

namespace reef {
// Write-protects the BIOS and the option ROMs below `optionrom_end`; leaves
// the runtime data chunk (0xE8000-0xEFFFF) and unused upper memory writable.
void shadow_lock(u32 optionrom_end);
}  // namespace reef
