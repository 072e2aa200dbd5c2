// SPDX-License-Identifier: LGPL-3.0-or-later
// Definitions of the shared runtime variables (built in 16-bit mode only, so
// they land in the runtime data segment).
#include "hw/ata.h"
#include "hw/usb_hid.h"
#include "lib/rtvars.h"
#include "lib/yield.h"
#include "svc/pcibios.h"

DEFINE_RTVAR(u8, g_video_ready);
DEFINE_RTVAR(reef::E820Map, g_e820);
DEFINE_RTVAR(u32, g_boot_fail_wait_ms);
DEFINE_RTVAR(u8, g_bootmenu_show);
DEFINE_RTVAR(u32, g_bootmenu_wait_ms);
DEFINE_RTVAR(u8, g_post_done);
DEFINE_RTVAR(u32, g_call32_stack);
DEFINE_RTVAR(u32, g_pmm_call32);
DEFINE_RTVAR(reef::SerconState, g_sercon);
DEFINE_RTVAR(reef::AtaState, g_ata);
DEFINE_RTVAR(u8, g_irqs_ready);
DEFINE_RTVAR(u16, g_pir_off);
DEFINE_RTVAR(u8, g_pci_last_bus);
DEFINE_RTVAR(reef::UsbKbdState, g_usbkbd);
DEFINE_RTVAR(reef::UsbMouseState, g_usbmouse);
