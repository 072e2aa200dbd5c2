// SPDX-License-Identifier: LGPL-3.0-or-later
// Which device a VGA ROM build is for (the Makefile builds one ROM per
// variant, -DVGA_VARIANT_<NAME>); included by assembly and C++.
#pragma once

#if defined(VGA_VARIANT_STDVGA)
// QEMU's std VGA (-device VGA): hw/display/vga-pci.c, PCI_VENDOR_ID_QEMU.
#define VGA_PCI_VENDOR 0x1234
#define VGA_PCI_DEVICE 0x1111
#define VGA_PRODUCT_NAME "ReefBIOS VGA (QEMU std VGA, Bochs VBE)"
#elif defined(VGA_VARIANT_VIRTIO)
// virtio-vga (-device virtio-vga): QEMU's std VGA core, DISPI ports included.
#define VGA_PCI_VENDOR 0x1AF4
#define VGA_PCI_DEVICE 0x1050
#define VGA_PRODUCT_NAME "ReefBIOS VGA (virtio-vga, Bochs VBE)"
#elif defined(VGA_VARIANT_QXL)
// qxl-vga (-device qxl-vga, -vga qxl): QEMU's std VGA core, DISPI ports included.
#define VGA_PCI_VENDOR 0x1B36
#define VGA_PCI_DEVICE 0x0100
#define VGA_PRODUCT_NAME "ReefBIOS VGA (QXL, Bochs VBE)"
#elif defined(VGA_VARIANT_BOCHS_DISPLAY)
// bochs-display (-device bochs-display): no VGA core; the DISPI registers
// at 500h of the MMIO BAR 2, the framebuffer at BAR 0. Text through the
// framebuffer console (vgasrc/fbcon.cc).
#define VGA_PCI_VENDOR 0x1234
#define VGA_PCI_DEVICE 0x1111
#define VGA_PCI_CLASS_SUB 0x80
#define VGA_FB 1
#define VGA_PRODUCT_NAME "ReefBIOS VGA (bochs-display, framebuffer console)"
#elif defined(VGA_VARIANT_RAMFB)
// ramfb (-device ramfb): no PCI device; a framebuffer in RAM that fw_cfg's
// etc/ramfb points QEMU at. The same ROM as bochs-display, another name.
#define VGA_PCI_VENDOR 0x1234
#define VGA_PCI_DEVICE 0x1111
#define VGA_PCI_CLASS_SUB 0x80
#define VGA_FB 1
#define VGA_PRODUCT_NAME "ReefBIOS VGA (ramfb, framebuffer console)"
#else
#error "no VGA_VARIANT_* given"
#endif

#ifndef VGA_FB
#define VGA_FB 0  // a VGA core: text and mode 13h in VGA memory
#endif
#ifndef VGA_PCI_CLASS_SUB
#define VGA_PCI_CLASS_SUB 0x00  // class 0300h: VGA compatible; 0380h: other display
#endif
