// SPDX-License-Identifier: LGPL-3.0-or-later
#include "lib/call16.h"

#include "lib/far.h"

extern "C" [[gnu::regparm(2)]] void asm_call16(reef::Regs16* r, u32 kind);

namespace reef {

void call16(Regs16& r, Call16Kind kind) {
    // asm_call16 addresses the frame through the real-mode SS: it must be on
    // this stack, hence the local copy.
    Regs16 local = r;
    asm_call16(&local, static_cast<u32>(kind));
    r = local;
}

void call16_int(u8 vector, Regs16& r) {
    SegOff target = far_read<SegOff>(0, vector * 4u);
    r.cs = target.seg;
    r.ip = target.off;
    r.flags = u16(r.flags & ~(Regs16::kIF | 0x100));
    call16(r, Call16Kind::kInterrupt);
}

void call16_int_irqs(u8 vector, Regs16& r) {
    SegOff target = far_read<SegOff>(0, vector * 4u);
    r.cs = target.seg;
    r.ip = target.off;
    r.flags = u16((r.flags | Regs16::kIF) & ~0x100);
    call16(r, Call16Kind::kInterrupt);
}

}  // namespace reef
