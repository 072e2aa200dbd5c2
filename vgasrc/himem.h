// SPDX-License-Identifier: LGPL-3.0-or-later
// Memory above 1 MiB (framebuffers, MMIO BARs) from the VGA ROM's real-mode
// code: GS with a flat limit (vgasrc/flatgs.S), or INT 15h AH=87h in
// virtual-8086 mode. docs/vga-bios.md, "Framebuffer console".
#pragma once
#include "lib/types.h"

namespace reef::vga {

// One access window: interrupts off from hi_begin() to hi_end().
struct Hi {
    u16 flags;
    bool flat;  // GS is flat; else INT 15h AH=87h
};
Hi hi_begin();
void hi_end(const Hi& h);
u32 linear(const void* stack_object);  // DS = SS in the ROM's services
// Ascending copy (dst below src, or apart); sizes in whole dwords.
void hi_copy(const Hi& h, u32 dst, u32 src, u32 bytes);
void hi_fill(const Hi& h, u32 dst, u32 val, u32 bytes);
void hi_write16(const Hi& h, u32 addr, u16 v);
u16 hi_read16(const Hi& h, u32 addr);

}  // namespace reef::vga
