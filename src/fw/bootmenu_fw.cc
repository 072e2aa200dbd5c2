// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/bootmenu_fw.h"

#include "block/bootmenu.h"
#include "fw/fwcfg.h"
#include "fw/post.h"
#include "lib/call16.h"
#include "lib/log.h"
#include "lib/rtvars.h"

DECLARE_TEXT16(entry_bootmenu);

namespace reef {
namespace {

constexpr char kShowFile[] = "etc/show-boot-menu", kWaitFile[] = "etc/boot-menu-wait";

// A small integer file: false (logged) when it is missing or of a size
// that is no integer.
bool read_int_file(const char* name, u32* out) {
    u8 buf[4];
    s32 size = fwcfg().read_file(name, buf, sizeof(buf));
    if (size < 0) return false;
    if (bootmenu_parse_int(buf, size, out)) return true;
    dlog(1, "bootmenu: %s is %d bytes, not a 1, 2 or 4 byte integer; ignored\n", name, size);
    return false;
}

}  // namespace

void bootmenu_setup() {
    RT(g_bootmenu_show) = 0;
    if (!CONFIG_BOOTMENU || !fwcfg().present()) return;
    // etc/show-boot-menu (a -fw_cfg file) overrides QEMU's item 0Eh.
    u32 show;
    if (!read_int_file(kShowFile, &show)) {
        u16 item = 0;
        fwcfg().read_key(fwcfg_key::kBootMenu, &item, sizeof(item));
        show = item;
    }
    if (!show) return;
    u32 ms;
    if (!read_int_file(kWaitFile, &ms)) ms = kBootMenuDefaultWaitMs;
    // QEMU takes splash-time up to 65535; more from a -fw_cfg file is
    // capped there.
    constexpr u32 kMaxWaitMs = 0xFFFF;
    if (ms > kMaxWaitMs) {
        dlog(1, "bootmenu: %s = %u ms; waiting %u ms\n", kWaitFile, ms, kMaxWaitMs);
        ms = kMaxWaitMs;
    }
    RT(g_bootmenu_show) = 1;
    RT(g_bootmenu_wait_ms) = ms;
    dlog(2, "bootmenu: on, prompt waits %u ms\n", ms);
}

void bootmenu_run() {
    if (!CONFIG_BOOTMENU || !RT(g_bootmenu_show)) return;
    post_phase("bootmenu");
    Regs16 r{};
    r.cs = FSEG;
    r.ip = TEXT16_OFFSET(entry_bootmenu);
    r.flags = Regs16::kIF;
    call16(r, Call16Kind::kInterrupt);
}

}  // namespace reef
