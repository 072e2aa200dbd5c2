// SPDX-License-Identifier: LGPL-3.0-or-later
// The PCI BIOS functions (svc/pcibios.h), built twice: as 16-bit runtime
// code for INT 1Ah and as position-independent 32-bit code for the "$PCI"
// BIOS32 service. What differs between the two is in the first block: how
// the caller's memory is addressed and where the $PIR is reached from.
#include "svc/pcibios.h"

#include "fw/pirtable.h"
#include "hw/pci_cf8.h"
#include "hw/pic.h"
#include "lib/far.h"
#include "lib/log.h"

// src/svc/bios32.S: the 32-bit entry (B101h reports its physical address).
extern "C" char pcibios32_entry[];

namespace reef {
namespace {

using namespace pcibios;

#if defined(REEF_MODE16)
// Real/vm86 mode: ES:DI, buffers as seg:off within one 64 KiB segment.
constexpr bool kMode32 = false;
u32 options_offset(const Regs16* r) { return r->di; }
bool span_fits(u32 off, u32 len) { return off + len <= 0x10000; }
u32 entry32_phys() { return u32(reinterpret_cast<uintptr_t>(pcibios32_entry)); }
template <class T> T pir_get(u32 off) { return far_read<T>(FSEG, RT(g_pir_off) + off); }
#else
// 32-bit protected mode: ES:EDI, buffers as selector:offset32; the $PIR and
// the entry are found relative to where this code runs (lib/mode.h).
constexpr bool kMode32 = true;
u32 options_offset(const Regs16* r) { return r->edi; }
bool span_fits(u32 off, u32 len) { return off + len >= off; }
u32 entry32_phys() { return bios_phys(pcibios32_entry); }
template <class T> T pir_get(u32 off) {
    T v;
    __builtin_memcpy(&v, bios_ptr(FSEG_BASE + RT(g_pir_off) + off), sizeof(T));
    return v;
}
#endif

void status(Regs16* r, u8 code) {
    r->ah = code;
    if (code == kSuccessful) r->clear_cf();
    else r->set_cf();
}

// The `index`-th function (0 = the first) on buses 0..g_pci_last_bus, in bus,
// device, function order, whose configuration dword at `reg` shifted right
// by `shift` equals `want`; functions 1-7 only of multi-function devices.
bool find_nth(u8 reg, u8 shift, u32 want, u16 index, u16* bdf_out) {
    for (u16 bus = 0, last = RT(g_pci_last_bus); bus <= last; bus++) {
        for (u8 dev = 0; dev < 32; dev++) {
            u8 nfn = 1;
            for (u8 fn = 0; fn < nfn; fn++) {
                u16 bdf = u16(bus << 8 | dev << 3 | fn);
                u16 vendor = cf8::read16(bdf, pcireg::kVendorId);
                if (vendor == 0xFFFF || vendor == 0x0000) {
                    if (fn == 0) break;
                    continue;
                }
                if (fn == 0 && (cf8::read8(bdf, pcireg::kHeaderType) & 0x80)) nfn = 8;
                if (cf8::read32(bdf, reg) >> shift != want) continue;
                if (index-- == 0) {
                    *bdf_out = bdf;
                    return true;
                }
            }
        }
    }
    return false;
}

void find(Regs16* r, u8 reg, u8 shift, u32 want) {
    u16 bdf;
    if (!find_nth(reg, shift, want, r->si, &bdf)) {
        dlog(3, "pcibios: B1%02Xh: no match %x index %u\n", r->al, want, r->si);
        status(r, kDeviceNotFound);
        return;
    }
    r->bx = bdf;
    status(r, kSuccessful);
}

// The register in DI must be aligned to the access width and inside the
// 256-byte configuration header.
bool register_ok(Regs16* r, u16 width) {
    u16 reg = r->di;
    if (reg <= 0x100 - width && !(reg & (width - 1))) return true;
    dlog(1, "pcibios: B1%02Xh %02x:%02x.%x register 0x%x: %s for a %u-byte access (87h)\n", r->al, r->bh,
         r->bl >> 3, r->bl & 7, reg, reg & (width - 1) ? "misaligned" : "beyond 0xFF", width);
    status(r, kBadRegisterNumber);
    return false;
}

void config_access(Regs16* r) {
    u8 fn = r->al;
    u16 width = (fn == 0x08 || fn == 0x0B) ? 1 : (fn == 0x09 || fn == 0x0C) ? 2 : 4;
    if (!register_ok(r, width)) return;
    u16 bdf = r->bx;
    u8 reg = u8(r->di);
    switch (fn) {
    case 0x08: r->cl = cf8::read8(bdf, reg); break;
    case 0x09: r->cx = cf8::read16(bdf, reg); break;
    case 0x0A: r->ecx = cf8::read32(bdf, reg); break;
    case 0x0B: cf8::write8(bdf, reg, r->cl); break;
    case 0x0C: cf8::write16(bdf, reg, r->cx); break;
    default: cf8::write32(bdf, reg, r->ecx); break;
    }
    status(r, kSuccessful);
}

u16 pir_slots_bytes() { return u16(pir_get<u16>(__builtin_offsetof(PirHeader, size)) - pir::kHeaderSize); }

// B10Eh: ES:(E)DI -> {u16 size; far pointer to the buffer}: the $PIR's slot
// entries into the buffer, their size back into `size`, BX = the IRQs
// dedicated to PCI. A buffer that is too small (the usual way to ask for
// the size) gets 89h with the size written back and nothing copied.
void get_routing_options(Regs16* r) {
    if (!RT(g_pir_off)) {
        dlog(1, "pcibios: B10Eh: no $PIR table (no known interrupt router) (81h)\n");
        status(r, kFuncNotSupported);
        return;
    }
    u32 opt = options_offset(r);
    u16 es = r->es;
    if (!span_fits(opt, kMode32 ? kRouteOptions32 : kRouteOptions16)) {
        dlog(1, "pcibios: B10Eh: the options block at %04x:%x runs past the end of its segment (89h)\n", es, opt);
        status(r, kBufferTooSmall);
        return;
    }
    u16 need = pir_slots_bytes();
    u16 have = far_read<u16>(es, opt);
    far_write<u16>(es, opt, need);
    r->bx = pir_get<u16>(__builtin_offsetof(PirHeader, exclusive_irqs));
    if (have < need) {
        dlog(2, "pcibios: B10Eh: buffer of %u bytes, the table needs %u (89h)\n", have, need);
        status(r, kBufferTooSmall);
        return;
    }
    u32 buf = kMode32 ? far_read<u32>(es, opt + 2) : far_read<u16>(es, opt + 2);
    u16 seg = far_read<u16>(es, opt + (kMode32 ? 6 : 4));
    if (!span_fits(buf, need)) {
        dlog(1, "pcibios: B10Eh: the %u-byte buffer at %04x:%x runs past the end of its segment (89h)\n", need,
             seg, buf);
        status(r, kBufferTooSmall);
        return;
    }
    for (u16 i = 0; i < need; i++) far_write<u8>(seg, buf + i, pir_get<u8>(pir::kHeaderSize + i));
    status(r, kSuccessful);
}

// B10Fh: BH:BL = bus:devfn, CL = pin (0Ah-0Dh), CH = IRQ. Steers the
// router link that the $PIR gives for the pin to the IRQ (and makes the IRQ
// level-triggered); the caller updates the Interrupt Line registers. Fails
// (88h) for a device or pin the $PIR has no link for, or an IRQ outside the
// link's bitmap.
void set_pci_irq(Regs16* r) {
    if (!RT(g_pir_off)) {
        dlog(1, "pcibios: B10Fh: no $PIR table (no known interrupt router) (81h)\n");
        status(r, kFuncNotSupported);
        return;
    }
    u8 pin = u8(r->cl - kPinIntA), irq = r->ch;
    const char* why = nullptr;
    u8 link = 0;
    u16 bitmap = 0;
    if (pin > 3) {
        why = "pin not 0Ah-0Dh";
    } else {
        u16 n = pir_slots_bytes() / pir::kSlotSize;
        for (u16 i = 0; i < n && !link; i++) {
            u32 e = pir::kHeaderSize + pir::kSlotSize * i;
            if (pir_get<u8>(e) != r->bh || (pir_get<u8>(e + 1) ^ r->bl) & 0xF8) continue;
            u32 p = e + 2 + 3 * pin;
            link = pir_get<u8>(p);
            bitmap = pir_get<u16>(p + 1);
            if (!link) break;
        }
        if (!link) why = "no routing table link for the device's pin";
        else if (irq > 15 || !(bitmap & (1u << irq))) why = "IRQ not in the link's bitmap";
    }
    if (why) {
        dlog(1, "pcibios: B10Fh %02x:%02x.%x pin %02xh IRQ %u: %s (88h)\n", r->bh, r->bl >> 3, r->bl & 7, r->cl,
             irq, why);
        status(r, kSetFailed);
        return;
    }
    // Our $PIR's link values are the router's PIRQ route registers.
    u16 router = u16(pir_get<u8>(__builtin_offsetof(PirHeader, router_bus)) << 8 |
                     pir_get<u8>(__builtin_offsetof(PirHeader, router_devfn)));
    cf8::write8(router, link, irq);
    pic::set_level_triggered(irq);
    dlog(2, "pcibios: B10Fh: link %02xh -> IRQ %u\n", link, irq);
    status(r, kSuccessful);
}

}  // namespace

void pcibios_call(Regs16* r) {
    dlog(4, "pcibios%s: ax=%04x bx=%04x ecx=%x dx=%04x si=%04x edi=%x\n", kMode32 ? "32" : "", r->ax, r->bx,
         r->ecx, r->dx, r->si, r->edi);
    switch (r->al) {
    case 0x01:  // installation check
        r->edx = kPciSignature;
        r->al = kConfigMechanism1;
        r->bx = kInterfaceLevel;
        r->cl = RT(g_pci_last_bus);
        r->edi = entry32_phys();
        status(r, kSuccessful);
        break;
    case 0x02:  // find device: CX device, DX vendor, SI index
        if (r->dx == 0xFFFF) {
            dlog(1, "pcibios: B102h: vendor FFFFh is no vendor (83h)\n");
            status(r, kBadVendorId);
            break;
        }
        find(r, pcireg::kVendorId, 0, u32(r->cx) << 16 | r->dx);
        break;
    case 0x03:  // find class code: ECX (low 24 bits) class, subclass, prog-if
        find(r, pcireg::kRevision, 8, r->ecx & 0xFFFFFF);
        break;
    case 0x08: case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D:
        config_access(r);
        break;
    case 0x0E:
        get_routing_options(r);
        break;
    case 0x0F:
        set_pci_irq(r);
        break;
    default:  // 06h (special cycles: B101h reports none) and anything else
        dlog(1, "pcibios: function B1%02Xh is not supported (81h)\n", r->al);
        status(r, kFuncNotSupported);
    }
}

}  // namespace reef

#if defined(REEF_PI)
// The C++ side of the $PCI entry (src/svc/bios32.S), on the caller's stack.
extern "C" void bios32_pcibios(reef::Regs16* r) { reef::pcibios_call(r); }
#endif
