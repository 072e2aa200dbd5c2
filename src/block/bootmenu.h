// SPDX-License-Identifier: LGPL-3.0-or-later
// The boot menu's pure logic (for 16-bit INT 19h code, POST and the host
// tests): what QEMU's -boot menu=on,splash-time=N hands over, how long the
// prompt waits in BIOS timer ticks, which key picks which boot entry.
// The menu itself: src/svc/bootmenu16.cc; docs/option-roms.md.
#pragma once
#include "lib/types.h"

namespace reef {

// Key codes as INT 16h AH=10h reports them (scan << 8 | ASCII).
namespace bootkey {
constexpr u8 kScanEsc = 0x01, kScanF12 = 0x86;
}  // namespace bootkey

// Without etc/boot-menu-wait (QEMU writes it only for splash-time=N).
constexpr u32 kBootMenuDefaultWaitMs = 2500;
// PIT counts per BIOS timer tick (INT 08h: channel 0 wraps at 65536).
constexpr u32 kPitCountsPerTick = 0x10000;
// BIOS ticks per day: the BDA tick count (40:6C) wraps to 0 there.
constexpr u32 kBiosTicksPerDay = 0x1800B0;

// A small little-endian integer fw_cfg item (etc/show-boot-menu: u16 or
// u8; etc/boot-menu-wait: u16, also accepted as u8 or u32): the value of
// `size` bytes at `data`, false if `size` is not 1, 2 or 4.
bool bootmenu_parse_int(const u8* data, s32 size, u32* out);

// The BIOS ticks the prompt waits for `wait_pit` PIT counts (ms through
// pit_ticks_from_us), when it starts with the PIT's channel 0 at `counter`
// (counting down to the next tick; 0 stands for 65536): the first tick at
// or after the deadline ends the wait, so it lasts at least `wait_pit`
// counts and less than one tick (54.9 ms) more. 0 counts: 0 ticks.
u32 bootmenu_wait_ticks(u32 wait_pit, u16 counter);

// BIOS ticks from `start` to `now` (BDA 40:6C), across midnight's wrap.
u32 bios_ticks_since(u32 start, u32 now);

// Whether a key at the prompt opens the menu (ESC, F12).
bool bootmenu_opens(u16 key);

// What a key in the menu does.
constexpr int kBootMenuIgnore = -1;  // not a key of the menu: ignored
constexpr int kBootMenuNormal = -2;  // ESC: boot in the normal order
// Keys 1-9 then a-z (A-Z too) pick entries 0-34; returns the entry of
// `count` that `key` picks, kBootMenuNormal for ESC, else kBootMenuIgnore.
int bootmenu_pick(u16 key, int count);
// The key that picks entry `index` ('1'-'9', 'a'-'z'), 0 if none does.
char bootmenu_key_char(int index);
// At most this many entries can be picked (and are listed).
constexpr int kBootMenuMaxEntries = 9 + 26;

// Moves a[index] to the front of a[0..count), the others keep their order.
template <class T>
void bootmenu_move_first(T* a, int count, int index) {
    if (index <= 0 || index >= count) return;
    T picked = a[index];
    for (int i = index; i > 0; i--) a[i] = a[i - 1];
    a[0] = picked;
}

}  // namespace reef
