// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: SMBIOS structures and entry points (src/fw/smbios.cc).
// Input: 32 bytes of anchor, then the structure table.
// Invariants: a table the scan accepts is walked inside its bytes (ASan),
// its length and largest structure fit; our type 0 put in front scans as one
// more structure; a fixed entry point has valid checksums.
#include <cstring>

#include "fuzz_support.h"
#include "fw/smbios.h"

using namespace reef;
using namespace reef::fuzz;

namespace {
u8 sum(const u8* p, u32 n) {
    u8 s = 0;
    for (u32 i = 0; i < n; i++) s = u8(s + p[i]);
    return s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Reader in(data, size);
    std::vector<unsigned char> anchor = in.bytes(32);
    std::vector<unsigned char> table = in.rest();
    table.reserve(1);  // data() never null
    SmbiosScan s;
    if (!smbios_scan(table.data(), u32(table.size()), &s)) {
        FUZZ_CHECK(s.problem && s.bad_offset < table.size(), "a refusal names its place");
        return 0;
    }
    FUZZ_CHECK(s.len <= table.size() && s.max_size <= s.len, "len %u max %u of %zu", s.len, s.max_size,
               table.size());
    const SmbiosBios bios{"ReefBIOS", "0.1-fuzz", "12/02/2026", 128 * 1024, 0, 1};
    std::vector<unsigned char> full(256 + s.len);
    u32 n = smbios_type0(bios, full.data(), 256);
    FUZZ_CHECK(n > 0, "type 0 does not fit");
    if (s.len) std::memcpy(full.data() + n, table.data(), s.len);
    SmbiosScan s2;
    FUZZ_CHECK(smbios_scan(full.data(), n + s.len, &s2), "type 0 + an accepted table is refused");
    FUZZ_CHECK(s2.count == s.count + 1 && s2.has_type0, "count %u vs %u", s2.count, s.count);
    u8 ep[32];
    if (!anchor.empty()) std::memcpy(ep, anchor.data(), anchor.size());
    std::memset(ep + anchor.size(), 0, sizeof(ep) - anchor.size());
    if (smbios_fix_entry(ep, u32(anchor.size()), 0x7FE0000, s2)) {
        u32 len = ep[3] == '3' ? smbios::kEp30Size : smbios::kEp21Size;
        FUZZ_CHECK(sum(ep, len) == 0, "entry point checksum");
    }
    return 0;
}
