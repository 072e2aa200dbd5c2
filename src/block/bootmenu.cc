// SPDX-License-Identifier: LGPL-3.0-or-later
#include "block/bootmenu.h"

namespace reef {

bool bootmenu_parse_int(const u8* data, s32 size, u32* out) {
    if (size != 1 && size != 2 && size != 4) return false;
    u32 v = 0;
    for (s32 i = size - 1; i >= 0; i--) v = v << 8 | data[i];
    *out = v;
    return true;
}

u32 bootmenu_wait_ticks(u32 wait_pit, u16 counter) {
    if (!wait_pit) return 0;
    // The first tick comes `counter` counts from now, each next one a
    // whole tick later.
    u32 first = counter ? counter : kPitCountsPerTick;
    if (wait_pit <= first) return 1;
    u32 rest = wait_pit - first;
    return 1 + rest / kPitCountsPerTick + (rest % kPitCountsPerTick ? 1 : 0);
}

u32 bios_ticks_since(u32 start, u32 now) {
    if (now >= start) return now - start;
    return now + kBiosTicksPerDay - start;
}

bool bootmenu_opens(u16 key) {
    u8 scan = u8(key >> 8);
    return scan == bootkey::kScanEsc || scan == bootkey::kScanF12;
}

int bootmenu_pick(u16 key, int count) {
    if (u8(key >> 8) == bootkey::kScanEsc) return kBootMenuNormal;
    char c = char(key & 0xFF);
    int index;
    if (c >= '1' && c <= '9') index = c - '1';
    else if (c >= 'a' && c <= 'z') index = 9 + (c - 'a');
    else if (c >= 'A' && c <= 'Z') index = 9 + (c - 'A');
    else return kBootMenuIgnore;
    return index < count ? index : kBootMenuIgnore;
}

char bootmenu_key_char(int index) {
    if (index < 0 || index >= kBootMenuMaxEntries) return 0;
    return index < 9 ? char('1' + index) : char('a' + index - 9);
}

}  // namespace reef
