// SPDX-License-Identifier: LGPL-3.0-or-later
// State shared by POST (writes it) and the runtime services (read it, and
// some of it changes at runtime). It lives in the 16-bit runtime data
// segment; see lib/mode.h for DECLARE_RTVAR/RT().
#pragma once
#include "fw/e820.h"
#include "lib/mode.h"
#include "lib/sercon.h"

// A video BIOS is initialised: INT 10h teletype output is usable.
DECLARE_RTVAR(u8, g_video_ready);
// The e820 map handed to the OS (INT 15h E820/E801/88h).
DECLARE_RTVAR(reef::E820Map, g_e820);
// Milliseconds to wait before rebooting when nothing boots; 0xFFFFFFFF = never.
DECLARE_RTVAR(u32, g_boot_fail_wait_ms);
// -boot menu=on (src/fw/bootmenu_fw.cc): 1 if the boot menu is offered,
// and how many milliseconds its prompt waits for ESC/F12.
DECLARE_RTVAR(u8, g_bootmenu_show);
DECLARE_RTVAR(u32, g_bootmenu_wait_ms);
// Set once POST has handed over to the boot loader.
DECLARE_RTVAR(u8, g_post_done);
// The flat stack top call32 switches to (0: stay on the caller's stack, as
// during POST, which has its own). Set to the runtime 32-bit stack at the
// end of POST.
DECLARE_RTVAR(u32, g_call32_stack);
// The flat address of the 32-bit $PMM function (src/fw/pmm_fw.cc) that the
// 16-bit entry (src/svc/pmm16.S) calls through call32; 0 outside POST.
DECLARE_RTVAR(u32, g_pmm_call32);
// The serial console (etc/sercon-port; docs/serial-console.md): port 0
// until POST hooked INT 10h.
DECLARE_RTVAR(reef::SerconState, g_sercon);
