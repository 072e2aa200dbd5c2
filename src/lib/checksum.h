// SPDX-License-Identifier: LGPL-3.0-or-later
// The 8-bit sum the PC tables use (option ROMs, ACPI, SMBIOS, EDD, the
// fixed disk parameter table): a table is valid when its bytes add up to 0.
// Built for every mode; no state.
#pragma once
#include "lib/types.h"

namespace reef {
// The byte sum of [p, p + n) (any alignment; a dword per step).
u8 byte_sum(const void* p, u32 n);
// The same, for POST code only (init32, and host builds): SSE2 where the CPU
// has it and no KVM runs us (lib/checksum_post.cc).
u8 post_byte_sum(const void* p, u32 n);
// The value that makes [p, p + n) sum to 0 when stored in one byte of it
// that is currently 0.
inline u8 checksum_byte(const void* p, u32 n) { return u8(-byte_sum(p, n)); }
}  // namespace reef
