// SPDX-License-Identifier: LGPL-3.0-or-later
// POST: reset to boot, in 32-bit flat mode (docs/post-flow.md).
#include "fw/post.h"

#include "block/block.h"
#include "fw/acpi.h"
#include "fw/bootmenu_fw.h"
#include "fw/smbios.h"
#include "fw/fwcfg.h"
#include "fw/igd.h"
#include "fw/malloc.h"
#include "fw/memmap.h"
#include "fw/optionrom.h"
#include "fw/pci.h"
#include "fw/pmm.h"
#include "fw/platform.h"
#include "svc/pcibios.h"
#include "fw/selftest.h"
#include "fw/sercon_fw.h"
#include "fw/shadow.h"
#include "fw/smm.h"
#include "fw/smp.h"
#include "hw/ahci.h"
#include "hw/ata.h"
#include "hw/floppy.h"
#include "hw/nvme.h"
#include "hw/scsi_hba.h"
#include "hw/virtio_blk.h"
#include "hw/esp_scsi.h"
#include "hw/ehci.h"
#include "hw/ohci.h"
#include "hw/uhci.h"
#include "hw/xhci.h"
#include "hw/lsi_scsi.h"
#include "hw/virtio_scsi.h"
#include "hw/pic.h"
#include "hw/ps2.h"
#include "hw/timer.h"
#include "lib/bda.h"
#include "lib/call16.h"
#include "lib/console.h"
#include "lib/io.h"
#include "lib/log.h"
#include "lib/rtvars.h"
#include "lib/yield.h"
#include "version.h"

extern "C" char rt32_stack_top_flat[], rt_stack_bottom_flat[], rt32_stack_bottom_flat[];

namespace reef {

// "phase NAME tsc=0xHEX": the bench's stamps (scripts/bench.py), built by
// hand and written with one debug_write. Through the log's printf engine
// each cost ~800 instructions: 29 of them were a tenth of a bare POST.
void post_phase(const char* name) {
    if (!CONFIG_POST_TIMESTAMPS || CONFIG_DEBUG_LEVEL < 1) return;
    u64 tsc = rdtsc();
    char line[80];
    u32 n = 0;
    for (const char* p = "phase "; *p;) line[n++] = *p++;
    for (; *name && n < 48; name++) line[n++] = *name;
    for (const char* p = " tsc=0x"; *p;) line[n++] = *p++;
    char hex[16];
    int k = 0;
    u32 hi = u32(tsc >> 32), lo = u32(tsc);
    do {  // 32-bit steps: a 64-bit shift is a dozen instructions here
        hex[k++] = "0123456789abcdef"[lo & 15];
        lo = (lo >> 4) | (hi << 28);
        hi >>= 4;
    } while (lo | hi);
    while (k) line[n++] = hex[--k];
    line[n++] = '\n';
    debug_write(line, n);
}

namespace {

// CONFIG_STACK_CANARY: the word at the bottom of each stack (the POST stack
// ends where the BDA does).
constexpr u32 kPostStackBottom = 0x500;
u32* canary_at(const char* p) { return reinterpret_cast<u32*>(const_cast<char*>(p)); }

void set_canaries() {
    *canary_at(rt_stack_bottom_flat) = STACK_CANARY;
    *canary_at(rt32_stack_bottom_flat) = STACK_CANARY;
    *reinterpret_cast<u32*>(kPostStackBottom) = STACK_CANARY;
}

// The POST stack's canary before handing over; the runtime stacks' are
// checked by every service on its way out (src/entry16.S).
void check_post_canary() {
    if (*reinterpret_cast<volatile u32*>(kPostStackBottom) == STACK_CANARY) return;
    console_printf("stack: the POST stack overflowed (canary at 0x%x overwritten); halted\n", kPostStackBottom);
    for (;;) asm volatile("cli\n\thlt");
}

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
    // 32-bit code that a 16-bit service calls through call32 (from now on,
    // e.g. INT 13h from an option ROM) runs on a stack of its own.
    RT(g_call32_stack) = u32(reinterpret_cast<uintptr_t>(rt32_stack_top_flat));
    if (CONFIG_STACK_CANARY) set_canaries();
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
    pic::unmask(0);
    rtc_setup();
    RT(g_irqs_ready) = 1;

    post_phase("keyboard");
    if (CONFIG_PS2_KEYBOARD) ps2_setup();

    post_phase("pci");
    pci_setup(ram.low_top, ram.high_bytes, CONFIG_IGD_PASSTHROUGH ? &kIgdQuirk : nullptr, CONFIG_IGD_PASSTHROUGH ? 1 : 0);
    if (CONFIG_IGD_PASSTHROUGH) igd_pci_done();
    pcibios_setup();

    post_phase("smp");
    smp_setup(pci_hole_start());
    mptable_setup();
    post_phase("smm");
    if (CONFIG_SMM) smm_setup();

    // QEMU builds its ACPI tables when the loader's files are first read:
    // after PCI (resources, the PM base) is set up.
    post_phase("acpi");
    acpi_setup();
    post_phase("smbios");
    smbios_setup();

    post_phase("vga");
    pmm_setup();
    u32 rom_end = vga_rom_setup();
    // The banner first on screen, then what other option ROMs print.
    screen_banner();
    // etc/sercon-port: INT 10h from here on is mirrored to serial (what
    // the other option ROMs and boot loaders print).
    sercon_setup();
    post_phase("optionroms");
    rom_end = optionroms_setup(rom_end);

    post_phase("floppy");
    if (CONFIG_FLOPPY) floppy_setup();
    post_phase("ata");
    if (CONFIG_ATA) ata_setup();
    post_phase("ahci");
    if (CONFIG_AHCI) ahci_setup();
    post_phase("virtio");
    if (CONFIG_VIRTIO_BLK) virtio_blk_setup();
    post_phase("nvme");
    if (CONFIG_NVME) nvme_setup();
    post_phase("pvscsi");
    if (CONFIG_PVSCSI) pvscsi_setup();
    post_phase("mptsas");
    if (CONFIG_MPT_SCSI) mptsas_setup();
    post_phase("megasas");
    if (CONFIG_MEGASAS) megasas_setup();
    post_phase("virtio-scsi");
    if (CONFIG_VIRTIO_SCSI) virtio_scsi_setup();
    post_phase("lsi");
    if (CONFIG_LSI_SCSI) lsi_scsi_setup();
    post_phase("esp");
    if (CONFIG_ESP_SCSI) esp_scsi_setup();
    post_phase("xhci");
    if (CONFIG_USB_XHCI) xhci_setup();
    post_phase("ehci");
    if (CONFIG_USB_EHCI) ehci_setup();
    post_phase("uhci");
    if (CONFIG_USB_UHCI) uhci_setup();
    post_phase("ohci");
    if (CONFIG_USB_OHCI) ohci_setup();
    block_finish_setup();
    optionrom_connect_disks();
    block_order_boot_list();

    post_phase("boot");
    boot_config();
    bootmenu_setup();
    pmm_finalize();
    malloc_finalize();
    shadow_lock(rom_end);
    RT(g_post_done) = 1;
    // The runtime as the boot loader will find it: BIOS write-protected.
    if (CONFIG_SELFTEST_TRAMPOLINES) trampoline_selftest();
    if (CONFIG_STACK_CANARY) check_post_canary();
    // -boot menu=on: the prompt, and the list on ESC/F12 (its own phase).
    bootmenu_run();
    post_phase("int19");
    // INT 19h never returns; it boots or reports that nothing is bootable.
    Regs16 r{};
    call16_int_irqs(0x19, r);
    for (;;) hlt();
}

}  // namespace reef
