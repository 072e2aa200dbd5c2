// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: the bootorder parser and path matcher (src/fw/bootorder.cc).
// Input: u8 pattern length, the pattern, then the file.
// Invariants: every parsed path is NUL terminated, shorter than the limit,
// non-empty, without '\n' or surrounding blanks; matching terminates and a
// pattern without '*' matches a line only as a node-ending prefix.
#include <cstring>

#include "fuzz_support.h"
#include "fw/bootorder.h"

using namespace reef;
using namespace reef::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Reader in(data, size);
    u8 plen = in.u8v();
    std::vector<unsigned char> pat = in.bytes(plen);
    std::string pattern(pat.begin(), pat.end());
    pattern = pattern.substr(0, strnlen(pattern.c_str(), pattern.size()));
    std::vector<unsigned char> file = in.bytes(in.left());
    BootOrder bo;
    bootorder_parse(reinterpret_cast<const char*>(file.data()), u32(file.size()), &bo);
    FUZZ_CHECK(bo.count >= 0 && bo.count <= BootOrder::kMaxPaths, "count %d", bo.count);
    for (int i = 0; i < bo.count; i++) {
        size_t n = strnlen(bo.path[i], BootOrder::kMaxPathLen);
        FUZZ_CHECK(n > 0 && n < BootOrder::kMaxPathLen, "path %d length %zu", i, n);
        FUZZ_CHECK(!std::strchr(bo.path[i], '\n'), "newline in path %d", i);
        FUZZ_CHECK(bo.path[i][0] != ' ' && bo.path[i][n - 1] != ' ', "blank around path %d", i);
    }
    int pos = bootorder_find(bo, pattern.c_str());
    FUZZ_CHECK(pos >= -1 && pos < bo.count, "position %d", pos);
    if (pos >= 0 && pattern.find('*') == std::string::npos) {
        const char* line = bo.path[pos];
        FUZZ_CHECK(std::strncmp(line, pattern.c_str(), pattern.size()) == 0, "not a prefix");
        char next = line[pattern.size()];
        FUZZ_CHECK(next == 0 || next == '/', "prefix does not end at a node");
    }
    return 0;
}
