// SPDX-License-Identifier: LGPL-3.0-or-later
// The PnP BIOS entry points that the $PnP installation check structure
// (src/fw/optionrom.cc) names, real mode and 16-bit protected mode: ReefBIOS
// implements no PnP BIOS function, so every call returns
// FUNCTION_NOT_SUPPORTED (82h) in AX, as the PnP BIOS spec 1.0a allows.
        .code16
        .section .text.pnp16, "ax"
        .global pnp_bios_entry
pnp_bios_entry:
        movw    $0x82, %ax      // FUNCTION_NOT_SUPPORTED
        lretw
