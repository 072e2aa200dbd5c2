// SPDX-License-Identifier: LGPL-3.0-or-later
// INT 15h system services: memory map (E820/E801/88h), wait (86h), block
// move (87h), configuration table (C0h), A20 gate (24xxh), the pointing
// device (C2h, src/svc/mouse.cc), and the hooks (4Fh, 90h/91h) whose
// defaults do nothing.
#include "fw/e820.h"
#include "hw/sysctl.h"
#include "hw/timer.h"
#include "lib/bda.h"
#include "lib/io.h"
#include "lib/log.h"
#include "lib/rtvars.h"
#include "svc/handlers.h"
#include "svc/mouse.h"

extern "C" char bios_config_table[];

namespace reef {
namespace {

constexpr u32 kSmap = 0x534D4150;  // "SMAP"
constexpr u8 kUnsupported = 0x86;
constexpr u64 k1M = 0x100000, k16M = 0x1000000, k4G = 0x100000000ull;

// Contiguous RAM from `start` upward (what E801/88h describe).
u64 ram_run_from(u64 start, u64 limit) {
    const E820Map& m = g_e820;
    u64 at = start;
    for (bool grew = true; grew;) {
        grew = false;
        for (int i = 0; i < m.count(); i++) {
            const E820Entry& e = m.at(i);
            if (e.type == kE820Ram && e.base <= at && e.end() > at) {
                at = e.end();
                grew = true;
            }
        }
    }
    return (at < limit ? at : limit) - start;
}

void e820(Regs16* r) {
    if (r->edx != kSmap || r->ecx < 20) {
        r->fail(kUnsupported);
        return;
    }
    const E820Map& m = g_e820;
    u32 idx = r->ebx;
    if (idx >= u32(m.count())) {
        r->fail(kUnsupported);
        return;
    }
    struct Entry24 {
        E820Entry e;
        u32 ext;
    } PACKED out{m.at(int(idx)), 1 /* ACPI 3.0: entry enabled */};
    u16 len = r->ecx >= 24 ? 24 : 20;
    far_copy_to(r->es, r->di, &out, len);
    r->ecx = len;
    r->eax = kSmap;
    r->ebx = idx + 1 < u32(m.count()) ? idx + 1 : 0;
    r->clear_cf();
}

void e801(Regs16* r) {
    u64 low = ram_run_from(k1M, k16M);
    u64 high = low == k16M - k1M ? ram_run_from(k16M, k4G) : 0;
    r->ax = r->cx = u16(low / 1024);
    r->bx = r->dx = u16(high / 65536 > 0xFFFF ? 0xFFFF : high / 65536);
    r->clear_cf();
}

void ext_mem_88(Regs16* r) {
    u64 kb = ram_run_from(k1M, k4G) / 1024;
    r->ax = u16(kb > 0xFFFF ? 0xFFFF : kb);
    r->clear_cf();
}

void wait_86(Regs16* r) {
    u8 busy = BDA_GET(rtc_wait_flag);
    if (busy & 0x80) {
        r->fail(0x83);
        return;
    }
    BDA_SET(rtc_wait_flag, u8(busy | 0x80));
    u32 us = (u32(r->cx) << 16) | r->dx;
    // Poll the PIT with interrupts on, so the timer and keyboard keep running.
    asm volatile("sti" ::: "memory");
    u32 target = pit_ticks_from_us(us);
    PitStopwatch sw;
    while (sw.poll() < target) {
    }
    asm volatile("cli" ::: "memory");
    BDA_SET(rtc_wait_flag, busy);
    r->ok();
}

u32 desc_base(u16 seg, u16 off) {
    u8 d[8];
    far_copy_from(d, seg, off, 8);
    return u32(d[2]) | (u32(d[3]) << 8) | (u32(d[4]) << 16) | (u32(d[7]) << 24);
}

// 87h: copy CX words between the linear bases of descriptors 2 (source)
// and 3 (destination) of the caller's GDT at ES:SI. The copy itself runs in
// protected mode with flat data segments from our own GDT; the caller's
// GDTR, segment registers (with real-mode limits) and A20 state come back.
void block_move(Regs16* r) {
    if (r->cx > 0x8000) {
        r->fail(0x01);
        return;
    }
    u32 src = desc_base(r->es, u16(r->si + 0x10));
    u32 dst = desc_base(r->es, u16(r->si + 0x18));
    u32 words = r->cx;
    bool a20 = sysctl::a20_set(true);
    struct PACKED {
        u16 limit;
        u32 base;
    } saved_gdt;
    asm volatile(
        "sgdtl %[gdt]\n\t"
        "pushw %%ds\n\t"
        "pushw %%es\n\t"
        "lgdtl %%cs:reef_gdt_desc\n\t"
        "movl %%cr0, %%eax\n\t"
        "orb $1, %%al\n\t"
        "movl %%eax, %%cr0\n\t"
        "movw %[flat], %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "cld\n\t"
        "addr32 rep movsw\n\t"
        "movw %[small], %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movl %%cr0, %%eax\n\t"
        "andb $0xFE, %%al\n\t"
        "movl %%eax, %%cr0\n\t"
        "popw %%es\n\t"
        "popw %%ds\n\t"
        "lgdtl %[gdt]\n\t"
        : "+S"(src), "+D"(dst), "+c"(words), [gdt] "+m"(saved_gdt)
        : [flat] "i"(SEL_DATA32), [small] "i"(SEL_DATA16)
        : "eax", "memory", "cc");
    sysctl::a20_set(a20);
    r->ok();
    r->set_zf();
}

void a20(Regs16* r) {
    switch (r->al) {
    case 0x00:
    case 0x01:
        sysctl::a20_set(r->al);
        r->ok();
        break;
    case 0x02:
        r->al = sysctl::a20_enabled();
        r->ok();
        break;
    case 0x03:
        r->bx = 0x0002;  // supported through system control port A (92h)
        r->ok();
        break;
    default:
        r->fail(kUnsupported);
    }
}

}  // namespace
}  // namespace reef

using namespace reef;

HANDLER(handle_int15) {
    dlog(4, "int15 ax=%x\n", r->ax);
    switch (r->ah) {
    case 0x4F:  // keyboard intercept: leave CF as the caller set it
        return;
    case 0x24:
        a20(r);
        return;
    case 0x86:
        wait_86(r);
        return;
    case 0x87:
        block_move(r);
        return;
    case 0x88:
        ext_mem_88(r);
        return;
    case 0x90:  // device busy
    case 0x91:  // interrupt complete
        r->ok();
        return;
    case 0xC0:
        r->es = FSEG;
        r->bx = u16(reinterpret_cast<uintptr_t>(bios_config_table));
        r->ok();
        return;
    case 0xC2:
        if (CONFIG_PS2_MOUSE) {
            mouse_service(r);
            return;
        }
        break;
    case 0xE8:
        if (r->al == 0x20) {
            e820(r);
            return;
        }
        if (r->al == 0x01) {
            e801(r);
            return;
        }
        break;
    default:
        break;
    }
    r->fail(kUnsupported);
}
