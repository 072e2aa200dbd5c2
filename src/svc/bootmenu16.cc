// SPDX-License-Identifier: LGPL-3.0-or-later
// The boot menu (-boot menu=on; docs/option-roms.md, "Boot menu"): POST
// calls it through entry_bootmenu right before INT 19h. It prompts, waits
// etc/boot-menu-wait milliseconds for ESC or F12, halted between polls of
// the keyboard buffer (PS/2 keys arrive through IRQ1, USB keyboards are
// polled on each wake-up: at least every timer tick), then lists the boot
// entries; the one picked moves to the front of the boot list, so INT 19h
// boots it first and the normal order follows.
#include "block/block.h"
#include "block/bootmenu.h"
#include "hw/timer.h"
#include "lib/bda.h"
#include "lib/console.h"
#include "lib/log.h"
#include "lib/rtvars.h"
#include "svc/handlers.h"

using namespace reef;

namespace {

// Waits with interrupts on until the next IRQ (the timer's at the latest).
void wait_irq() { asm volatile("sti\n\thlt\n\tcli" ::: "memory"); }

void list_entries(int n) {
    console_printf("\nSelect boot device:\n\n");
    for (int i = 0; i < n; i++) {
        const BootEntry& e = g_boot.entry[i];
        if (e.kind == BootKind::kBev || e.kind == BootKind::kBcv) console_printf("%c. %s %s\n", bootmenu_key_char(i), boot_kind_text(e.kind), e.desc);
        else console_printf("%c. %s [%s]\n", bootmenu_key_char(i), boot_kind_text(e.kind), e.desc);
    }
    console_printf("\n");
}

}  // namespace

HANDLER(handle_bootmenu) {
    (void)r;
    u32 ms = g_bootmenu_wait_ms;
    console_printf("Press ESC or F12 for boot menu.\n");
    u32 ticks = bootmenu_wait_ticks(pit_ticks_from_us(ms * 1000u), pit_read_counter());
    u32 start = BDA_GET(timer_counter);
    dlog(2, "bootmenu: waiting %u ms (%u timer ticks) for ESC/F12\n", ms, ticks);
    bool open = false;
    u16 key;
    for (;;) {
        while (kbd_take_key(&key))
            if (bootmenu_opens(key)) open = true;
        if (open || bios_ticks_since(start, BDA_GET(timer_counter)) >= ticks) break;
        wait_irq();
    }
    if (!open) {
        dlog(2, "bootmenu: no key; the normal boot order\n");
        return;
    }
    int n = g_boot.count < kBootMenuMaxEntries ? g_boot.count : kBootMenuMaxEntries;
    list_entries(n);
    for (;;) {
        while (kbd_take_key(&key)) {
            int pick = bootmenu_pick(key, n);
            if (pick == kBootMenuNormal) {
                dlog(2, "bootmenu: ESC; the normal boot order\n");
                return;
            }
            if (pick == kBootMenuIgnore) {
                dlog(3, "bootmenu: key 0x%04x ignored\n", key);
                continue;
            }
            dlog(2, "bootmenu: %c: %s first\n", bootmenu_key_char(pick), g_boot.entry[pick].desc);
            bootmenu_move_first(g_boot.entry, g_boot.count, pick);
            return;
        }
        wait_irq();
    }
}
