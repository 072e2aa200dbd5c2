// SPDX-License-Identifier: LGPL-3.0-or-later
// Building an NVMe command's PRP entries (pure logic, unit tested).
#include "hw/nvme_prp.h"

namespace reef {

bool nvme_build_prp(u64 buf, u32 bytes, u64* list, u64 list_addr, NvmePrp* out) {
    using nvme::kPage;
    out->prp1 = buf;
    out->prp2 = 0;
    out->entries = 0;
    u32 first = kPage - u32(buf & (kPage - 1));  // bytes in PRP1's page
    if (bytes <= first) return true;
    u64 next = buf + first;                      // page aligned from here on
    u32 rest = bytes - first;
    if (rest <= kPage) {
        out->prp2 = next;
        return true;
    }
    u32 n = (rest + kPage - 1) / kPage;
    if (n > nvme::kPrpListEntries) return false;
    for (u32 i = 0; i < n; i++) list[i] = next + u64(i) * kPage;
    out->prp2 = list_addr;
    out->entries = n;
    return true;
}

}  // namespace reef
