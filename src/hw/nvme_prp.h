// SPDX-License-Identifier: LGPL-3.0-or-later
// An NVMe command's data pointer (PRP entries): pure logic, shared by the
// 32-bit driver (nvme.cc) and the host unit tests.
#pragma once
#include "lib/types.h"

namespace reef {

namespace nvme {
constexpr u32 kPage = 4096;  // CC.MPS = 0
constexpr u32 kPrpListEntries = kPage / 8;
}  // namespace nvme

// PRP1/PRP2 for `bytes` (> 0) at flat address `buf`: PRP1 may carry an
// offset into its page, later pages start page aligned. Past two pages PRP2
// points at `list` (flat address list_addr, page aligned), which receives
// the remaining page addresses. False if they need more than one list page
// (more than kPrpListEntries entries).
struct NvmePrp {
    u64 prp1, prp2;
    u32 entries;  // written to the list
};
bool nvme_build_prp(u64 buf, u32 bytes, u64* list, u64 list_addr, NvmePrp* out);

}  // namespace reef
