// SPDX-License-Identifier: LGPL-3.0-or-later
// POST: reset to boot, in 32-bit flat mode (docs/post-flow.md).
#include "fw/post.h"

#include "fw/fwcfg.h"
#include "fw/igd.h"
#include "fw/malloc.h"
#include "fw/memmap.h"
#include "fw/optionrom.h"
#include "fw/pci.h"
#include "fw/platform.h"
#include "fw/selftest.h"
#include "fw/shadow.h"
#include "hw/ata.h"
#include "hw/ps2.h"
#include "hw/timer.h"
#include "lib/bda.h"
#include "lib/call16.h"
#include "lib/console.h"
#include "lib/io.h"
#include "lib/log.h"
#include "lib/rtvars.h"
#include "version.h"

extern "C" char rt32_stack_top_flat[];

namespace reef {

void post_phase(const char* name) {
    if (CONFIG_POST_TIMESTAMPS) dlog(1, "phase %s tsc=0x%llx\n", name, (unsigned long long)rdtsc());
}

namespace {

void boot_config() {
    // QEMU -boot reboot-timeout=N: etc/boot-fail-wait, le32 milliseconds.
    u32 ms = CONFIG_BOOT_RETRY_SECONDS < 0 ? 0xFFFFFFFFu : u32(CONFIG_BOOT_RETRY_SECONDS) * 1000u;
    u32 v;
    switch (fwcfg().read_u32("etc/boot-fail-wait", &v)) {
    case FwCfg::Status::kOk: ms = v; break;
    case FwCfg::Status::kBadSize: dlog(1, "boot: etc/boot-fail-wait is not 4 bytes; ignored\n"); break;
    case FwCfg::Status::kMissing: break;
    }
    RT(g_boot_fail_wait_ms) = ms;
}

void screen_banner() {
    if (!RT(g_video_ready)) return;
    const char* s = "ReefBIOS " REEF_VERSION "\r\n\r\n";
    while (*s) screen_putc(*s++);
}

}  // namespace

extern "C" [[noreturn]] void post_main() {
    post_phase("start");
    serial_init();
    console_printf("ReefBIOS %s\n", REEF_VERSION);
    dlog(2, "post: 32-bit POST entered; shadow RAM active\n");

    post_phase("fwcfg");
    if (!fwcfg_setup()) dlog(1, "fw_cfg: not present\n");

    post_phase("memmap");
    RamInfo ram = memmap_setup(RT(g_e820), fwcfg(), cmos_read);
    malloc_setup(ram);

    post_phase("platform");
    ivt_setup();
    bda_setup(CONV_MEM_END - EBDA_SIZE_KB * 1024);
    pic_setup();
    pit_setup();
    pic_unmask(0);
    rtc_setup();

    post_phase("keyboard");
    if (CONFIG_PS2_KEYBOARD) ps2_setup();

    post_phase("pci");
    pci_setup(ram.low_top, CONFIG_IGD_PASSTHROUGH ? &kIgdQuirk : nullptr, CONFIG_IGD_PASSTHROUGH ? 1 : 0);
    if (CONFIG_IGD_PASSTHROUGH) igd_pci_done();

    post_phase("vga");
    u32 rom_end = vga_rom_setup();
    screen_banner();

    post_phase("ata");
    if (CONFIG_ATA) ata_setup();

    post_phase("boot");
    boot_config();
    malloc_finalize();
    // From now on, 32-bit code called from a runtime service gets a stack
    // of its own in the runtime data chunk.
    RT(g_call32_stack) = u32(reinterpret_cast<uintptr_t>(rt32_stack_top_flat));
    if (CONFIG_SELFTEST_TRAMPOLINES) trampoline_selftest();
    shadow_lock(rom_end);
    RT(g_post_done) = 1;
    post_phase("int19");
    // INT 19h never returns; it boots or reports that nothing is bootable.
    Regs16 r{};
    call16_int_irqs(0x19, r);
    for (;;) hlt();
}

}  // namespace reef
