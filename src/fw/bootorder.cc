// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/bootorder.h"

namespace reef {
namespace {

constexpr char kHalt[] = "HALT";

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool equals(const char* a, u32 n, const char* b) {
    for (u32 i = 0; i < n; i++)
        if (!b[i] || a[i] != b[i]) return false;
    return b[n] == 0;
}

}  // namespace

void bootorder_parse(const char* text, u32 len, BootOrder* out) {
    out->count = 0;
    out->halt = false;
    out->dropped = 0;
    u32 i = 0;
    while (i < len) {
        u32 start = i;
        while (i < len && text[i] != '\n' && text[i] != 0) i++;
        u32 end = i;
        // A NUL ends the file (QEMU terminates it with one).
        bool nul = i < len && text[i] == 0;
        i++;
        while (start < end && blank(text[start])) start++;
        while (end > start && blank(text[end - 1])) end--;
        u32 n = end - start;
        if (n) {
            if (equals(text + start, n, kHalt)) {
                out->halt = true;
            } else if (n >= BootOrder::kMaxPathLen || out->count == BootOrder::kMaxPaths) {
                out->dropped++;
            } else {
                __builtin_memcpy(out->path[out->count], text + start, n);
                out->path[out->count][n] = 0;
                out->count++;
            }
        }
        if (nul) break;
    }
}

bool bootorder_path_matches(const char* pattern, const char* path) {
    const char* p = pattern;
    const char* s = path;
    for (;;) {
        if (!*p) return !*s || *s == '/';
        if (*p == '*') {
            // One node's name or unit address: up to the pattern's next
            // character, never past the node. Names may hold ',' (QEMU's
            // "pci1b36,0010" for a device without a class name).
            while (*s && *s != '/' && *s != p[1]) s++;
            p++;
            continue;
        }
        if (*p != *s) return false;
        p++;
        s++;
    }
}

int bootorder_find(const BootOrder& bo, const char* pattern) {
    for (int i = 0; i < bo.count; i++)
        if (bootorder_path_matches(pattern, bo.path[i])) return i;
    return -1;
}

}  // namespace reef
