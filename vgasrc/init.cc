// SPDX-License-Identifier: LGPL-3.0-or-later
// The VGA ROM's init: far-called by the system BIOS at ROM:0003 with
// AX = PCI bus/devfn, while the ROM is still writable RAM.
#include "lib/bda.h"
#include "vgasrc/fbcon.h"
#include "vgasrc/text.h"
#include "vgasrc/vgaconf.h"
#include "vgasrc/vgarom.h"

extern "C" void vga_int10_entry();

namespace reef::vga {
namespace {
constexpr u8 kIntVideo = 0x10, kIntFont8Upper = 0x1F;
constexpr u8 kInitialMode = 0x03;
}  // namespace
}  // namespace reef::vga

extern "C" void vga_init(u16 bdf) {
    using namespace reef;
    using namespace reef::vga;
    if (VGA_FB) {
        if (!fb_init(bdf)) return;  // INT 10h not hooked: the BIOS goes on without video
    } else {
        vbe_init(bdf);
    }
    u16 cs = rom_seg();
    far_write<u16>(0, kIntVideo * 4u, u16(u32(&vga_int10_entry)));
    far_write<u16>(0, kIntVideo * 4u + 2, cs);
    if (!VGA_FB) {  // graphics modes' upper 128 characters; the framebuffer console has none
        far_write<u16>(0, kIntFont8Upper * 4u, u16(u32(vga_font8x8 + 128 * 8)));
        far_write<u16>(0, kIntFont8Upper * 4u + 2, cs);
    }
    BDA_SET(modeset_ctl, u8(0x51));
    set_legacy_mode(kInitialMode);
}
