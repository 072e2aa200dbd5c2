// SPDX-License-Identifier: LGPL-3.0-or-later
#pragma once
#include "lib/types.h"

namespace reef {
// Logs the start of a POST phase with its TSC (virtual ns under
// `-icount shift=0`); `make bench` turns these lines into a breakdown.
void post_phase(const char* name);
}  // namespace reef
