// SPDX-License-Identifier: LGPL-3.0-or-later
// Which device a VGA ROM build is for (the Makefile builds one ROM per
// variant, -DVGA_VARIANT_<NAME>); included by assembly and C++.
#pragma once

#if defined(VGA_VARIANT_STDVGA)
// QEMU's std VGA (-device VGA): hw/display/vga-pci.c, PCI_VENDOR_ID_QEMU.
#define VGA_PCI_VENDOR 0x1234
#define VGA_PCI_DEVICE 0x1111
#define VGA_PRODUCT_NAME "ReefBIOS VGA (QEMU std VGA, Bochs VBE)"
#else
#error "no VGA_VARIANT_* given"
#endif
