// SPDX-License-Identifier: LGPL-3.0-or-later
// SMM at POST (docs/post-flow.md, "SMM"): every CPU's SMBASE moved into the
// A-segment SMRAM, a handler there that only returns, SMRAM closed and
// locked before boot (i440FX SMRAM 72h, Q35 MCH SMRAM 9Dh).
#pragma once

namespace reef {

// After smp_setup (the APs are halted and take their SMI there).
void smm_setup();

}  // namespace reef
