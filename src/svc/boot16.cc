// SPDX-License-Identifier: LGPL-3.0-or-later
// INT 19h (bootstrap loader) and INT 18h (boot failure): load the first hard
// disk's MBR at 0000:7C00 and jump to it, or say that nothing is bootable.
#include "hw/ata.h"
#include "hw/timer.h"
#include "lib/bda.h"
#include "lib/console.h"
#include "lib/io.h"
#include "lib/log.h"
#include "lib/rtvars.h"
#include "svc/handlers.h"

namespace reef {
namespace {

constexpr u16 kBootSeg = 0x0000, kBootOff = BOOT_SECTOR_ADDR;
constexpr u16 kBootStack = 0x7000;

[[noreturn]] void jump_to_boot_sector(u8 drive) {
    u32 edx = drive;
    asm volatile(
        "xorl %%eax, %%eax\n\t"
        "movw %%ax, %%ss\n\t"
        "movl %[stack], %%esp\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%fs\n\t"
        "movw %%ax, %%gs\n\t"
        "xorl %%ebx, %%ebx\n\t"
        "xorl %%ecx, %%ecx\n\t"
        "xorl %%esi, %%esi\n\t"
        "xorl %%edi, %%edi\n\t"
        "xorl %%ebp, %%ebp\n\t"
        "sti\n\t"
        "ljmpw %[seg], %[off]\n\t"
        :
        : "d"(edx), [stack] "i"(kBootStack), [seg] "i"(kBootSeg), [off] "i"(kBootOff)
        : "memory");
    __builtin_unreachable();
}

// Loads and validates the MBR of hard disk 0x80 + idx. Returns false with a
// message when the disk cannot be read or has no boot signature.
bool load_mbr(u8 idx) {
    const AtaState& st = g_ata;
    if (idx >= st.nhd) return false;
    const AtaDrive& d = st.drives[st.hd[idx]];
    u32 done;
    u8 err = ata_rw(d, AtaOp::kRead, 0, 1, kBootSeg, kBootOff, &done);
    if (err) {
        console_printf("Boot failed: could not read the boot sector of hard disk %u (status %02x)\n", idx, err);
        return false;
    }
    if (far_read<u16>(kBootSeg, kBootOff + 510) != 0xAA55) {
        console_printf("Boot failed: hard disk %u has no boot signature\n", idx);
        return false;
    }
    return true;
}

[[noreturn]] void boot_failed() {
    console_printf("No bootable device.\n");
    u32 ms = g_boot_fail_wait_ms;
    if (ms == 0xFFFFFFFFu) {
        dlog(1, "boot: nothing to boot; waiting forever (reboot-timeout -1)\n");
        for (;;) asm volatile("sti\n\thlt");
    }
    if (ms) console_printf("Retrying in %u seconds.\n", (ms + 999) / 1000);
    asm volatile("sti" ::: "memory");
    // Wait in 10 ms steps so the PIT stopwatch never misses a wrap.
    for (u32 waited = 0; waited < ms; waited += 10) {
        PitStopwatch sw;
        while (sw.poll() < pit_ticks_from_us(10000)) {
        }
    }
    dlog(1, "boot: rebooting after boot failure\n");
    asm volatile("cli\n\tljmpw $0xF000, $0xFFF0");
    __builtin_unreachable();
}

}  // namespace
}  // namespace reef

using namespace reef;

HANDLER(handle_int19) {
    (void)r;
    dlog(2, "int19: boot\n");
    if (load_mbr(0)) {
        console_printf("Booting from Hard Disk...\n");
        jump_to_boot_sector(0x80);
    }
    boot_failed();
}

HANDLER(handle_int18) {
    (void)r;
    dlog(2, "int18: boot failure / next device\n");
    boot_failed();
}
