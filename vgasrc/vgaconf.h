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
#else
#error "no VGA_VARIANT_* given"
#endif
