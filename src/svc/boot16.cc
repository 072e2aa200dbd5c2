// SPDX-License-Identifier: LGPL-3.0-or-later
// INT 19h (bootstrap loader) and INT 18h (boot failure): walk the block
// layer's boot list, load the first bootable entry's boot sector at
// 0000:7C00 and jump to it, or say that nothing is bootable.
#include "block/block.h"
#include "block/cdemu.h"
#include "block/mbr.h"
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

// Jumps to seg:off in real mode with DL = the boot drive, the stack at
// 0000:7000 and every other register cleared.
[[noreturn]] void jump_to_boot_sector(u8 drive, u16 seg = kBootSeg, u16 off = kBootOff) {
    u32 edx = drive;
    u32 target = u32(seg) << 16 | off;
    asm volatile(
        "xorl %%eax, %%eax\n\t"
        "movw %%ax, %%ss\n\t"
        "movl %[stack], %%esp\n\t"
        "pushl %%ecx\n\t"  // seg:off for the far return
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
        "lretw\n\t"
        :
        : "d"(edx), "c"(target), [stack] "i"(kBootStack)
        : "memory");
    __builtin_unreachable();
}

// Loads the first sector of a drive to 0000:7C00 and checks its boot
// signature; on a hard disk also looks at the partition table (a damaged
// one is logged; the MBR's own code decides what to do with it). False,
// with a message, when there is nothing to boot.
bool load_boot_sector(Drive& d, const char* desc) {
    u32 done;
    u8 err = block_rw(d, BlockOp::kRead, 0, 1, (u32(kBootSeg) << 4) + kBootOff, &done);
    if (err) {
        console_printf("Boot failed: could not read the boot sector of %s (status %02x)\n", desc, err);
        return false;
    }
    if (far_read<u16>(kBootSeg, kBootOff + 510) != 0xAA55) {
        console_printf("Boot failed: %s has no boot signature\n", desc);
        return false;
    }
    if (d.kind == DriveKind::kHd) {
        u8 tail[kMbrTailSize];
        far_copy_from(tail, kBootSeg, kBootOff + kMbrTableOffset, sizeof(tail));
        MbrInfo info;
        MbrStatus st = mbr_parse(tail, d.sectors, &info);
        if (st != MbrStatus::kOk)
            dlog(1, "boot: %s: partition table: %s (partition %d); booting its MBR anyway\n", desc,
                 mbr_status_text(st), info.bad_index + 1);
        else
            dlog(2, "boot: %s: %d partition%s\n", desc, info.count, info.count == 1 ? "" : "s");
    }
    return true;
}

// Loads the first sector of INT 13h drive `dl`, a disk that an option ROM's
// BCV hooked, to 0000:7C00 through INT 13h AH=02h (the ROM's handler
// serves it) and checks its boot signature. False, with a message, when
// there is nothing to boot.
bool load_rom_disk_sector(u8 dl, const char* desc) {
    constexpr u16 kReadOneSector = 0x0201;  // AH=02h read, AL=1 sector
    constexpr u16 kCylinder0Sector1 = 0x0001;
    u16 ax = kReadOneSector;
    u8 failed;
    asm volatile(
        "pushw %%es\n\t"
        "pushw %[seg]\n\t"
        "popw %%es\n\t"
        "movw %[off], %%bx\n\t"
        "int $0x13\n\t"
        "setc %[cf]\n\t"
        "popw %%es"
        : "+a"(ax), [cf] "=qm"(failed)
        : "c"(kCylinder0Sector1), "d"(u16(dl)), [seg] "i"(kBootSeg), [off] "i"(kBootOff)
        : "ebx", "esi", "edi", "memory", "cc");
    if (failed || (ax >> 8)) {
        console_printf("Boot failed: could not read the boot sector of %s (status %02x)\n", desc, ax >> 8);
        return false;
    }
    if (far_read<u16>(kBootSeg, kBootOff + 510) != 0xAA55) {
        console_printf("Boot failed: %s has no boot signature\n", desc);
        return false;
    }
    return true;
}

// The boot list entry INT 18h goes on with: set before each attempt, so
// that a boot sector or a BEV that gives up (INT 18h) gets the next one.
u8 g_boot_next;
// 1 while a BEV runs (INT 18h then means "that ROM gave up"), 2 once it
// has returned.
u8 g_bev_state;
SegOff g_bev_vector;

// Far-calls an option ROM's Boot Entry Vector on the boot stack (0000:7000:
// QEMU's linuxboot ROMs take stack addresses as flat ones) with interrupts
// on. Never returns: a BEV that returns (BIOS Boot Specification: try the
// next device) goes on exactly like one that calls INT 18h, through our
// INT 18h entry. Nothing of INT 19h's own frames may be used after the BEV:
// they live on the runtime stack, which every INT call the BEV made (iPXE
// makes many) entered at its top again and overwrote.
[[noreturn]] void call_bev(u16 seg, u16 off) {
    g_bev_vector = SegOff{off, seg};
    g_bev_state = 1;
    asm volatile(
        "xorl %%eax, %%eax\n\t"
        "movw %%ax, %%ss\n\t"
        "movl %[stack], %%esp\n\t"
        "sti\n\t"
        "lcallw *%[vec]\n\t"
        "cli\n\t"
        "movw %[dseg], %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movb $2, %[state]\n\t"
        "xorl %%eax, %%eax\n\t"
        "movw %%ax, %%ss\n\t"
        "movl %[stack], %%esp\n\t"
        "pushfw\n\t"
        "lcallw $0xF000, $entry_int18\n\t"
        : [state] "+m"(g_bev_state)
        : [vec] "m"(g_bev_vector), [stack] "i"(kBootStack), [dseg] "i"(RTDATA_SEG)
        : "eax", "memory", "cc");
    __builtin_unreachable();
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

namespace reef {

const char* boot_kind_text(BootKind k) {
    switch (k) {
    case BootKind::kFloppy: return "Floppy";
    case BootKind::kHd: return "Hard Disk";
    case BootKind::kCdrom: return "DVD/CD";
    case BootKind::kBev: return "ROM";
    case BootKind::kBcv: return "Disk ROM";
    }
    return "?";
}

namespace {

// Tries the boot list from entry `first` on; never returns.
[[noreturn]] void boot_from(int first) {
    // Disk reads and the retry wait run with interrupts on, as in INT 13h.
    asm volatile("sti" ::: "memory");
    const BootList& list = g_boot;
    for (int i = first; i < list.count; i++) {
        const BootEntry& e = list.entry[i];
        Drive* d = e.drive.get();
        g_boot_next = u8(i + 1);
        switch (e.kind) {
        case BootKind::kHd:
            if (!load_boot_sector(*d, e.desc)) continue;
            // The disk we boot is 80h, whatever its place in the list.
            block_map_boot_hd(d);
            console_printf("Booting from %s...\n", boot_kind_text(e.kind));
            jump_to_boot_sector(0x80);
        case BootKind::kFloppy:
            if (!load_boot_sector(*d, e.desc)) continue;
            console_printf("Booting from %s...\n", boot_kind_text(e.kind));
            jump_to_boot_sector(block_drive_number(d));
        case BootKind::kCdrom: {
            u16 seg;
            u8 dl;
            if (!cdrom_boot(*d, e.desc, &seg, &dl)) continue;
            console_printf("Booting from %s...\n", boot_kind_text(e.kind));
            jump_to_boot_sector(dl, seg, 0);
        }
        case BootKind::kBcv:
            // A disk ROM's disk keeps the number its BCV gave it.
            if (!load_rom_disk_sector(e.bios_drive, e.desc)) continue;
            console_printf("Booting from %s %s...\n", boot_kind_text(e.kind), e.desc);
            dlog(2, "boot: %s: drive %02x through its ROM's INT 13h\n", e.desc, e.bios_drive);
            jump_to_boot_sector(e.bios_drive);
        case BootKind::kBev:
            console_printf("Booting from %s %s...\n", boot_kind_text(e.kind), e.desc);
            dlog(2, "boot: %s: BEV %04x:%04x\n", e.desc, e.vec_seg, e.vec_off);
            call_bev(e.vec_seg, e.vec_off);
        default:
            dlog(1, "boot: %s: booting this kind of entry is not supported yet; next\n", e.desc);
            continue;
        }
    }
    boot_failed();
}

}  // namespace
}  // namespace reef

HANDLER(handle_int19) {
    (void)r;
    dlog(2, "int19: boot\n");
    boot_from(0);
}

HANDLER(handle_int18) {
    (void)r;
    // A boot sector or BEV that gives up: the next boot list entry (none
    // left, or INT 18h before INT 19h ran: boot failure).
    u8 bev = g_bev_state;
    g_bev_state = 0;
    if (bev && g_boot_next > 0 && g_boot_next <= g_boot.count) {
        dlog(1, "boot: %s: %s; next\n", g_boot.entry[g_boot_next - 1].desc,
             bev == 2 ? "its boot entry returned" : "its boot entry gave up (INT 18h)");
    } else {
        dlog(1, "int18: boot failure / next device (%d)\n", g_boot_next);
    }
    if (g_boot_next) boot_from(g_boot_next);
    boot_failed();
}
