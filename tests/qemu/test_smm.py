# SPDX-License-Identifier: LGPL-3.0-or-later
"""SMRAM is closed and locked when the boot sector runs, on pc (i440FX
SMRAM register 72h) and q35 (MCH SMRAM 9Dh), and an SMI the guest raises
(a write to the APM control port B2h) comes back to it: the handler that
POST relocated every CPU's SMBASE to runs in SMRAM.

The boot sector prints the SMRAM control byte, tries to open SMRAM (D_OPEN)
and clear the lock, prints the byte again, raises an SMI on its CPU and
prints SMI-RETURNED. SeaBIOS runs the same sector: it closes SMRAM but
leaves it unlocked. On pc, QEMU's i440FX does not enforce the lock bit (an
xfail that turns into a pass when it does)."""
import re

import pytest

from linuxboot import timeout_scale
from reefqemu import Qemu, build_sector

REG = {"pc": 0x72, "q35": 0x9D}
D_OPEN, D_LCK, G_SMRAME = 0x40, 0x10, 0x08

SECTOR = r"""
        .code16
        .globl _start
_start: cli
        xorw %%ax, %%ax
        movw %%ax, %%ds
        movw %%ax, %%ss
        movw $0x7000, %%sp
        movw $before, %%si
        call puts
        call rdsmram
        call puthex
        /* Try to open SMRAM and clear the lock. */
        call addr
        movw $0xcfc + (%(reg)d & 3), %%dx
        movb $0x4a, %%al                /* D_OPEN | G_SMRAME | A-segment */
        outb %%al, %%dx
        movw $after, %%si
        call puts
        call rdsmram
        call puthex
        /* An SMI on this CPU; it must come back here. */
        movb $0x52, %%al
        outb %%al, $0xb2
        movw $returned, %%si
        call puts
        cli
1:      hlt
        jmp 1b

addr:   movl $0x80000000 + (%(reg)d & 0xfc), %%eax
        movw $0xcf8, %%dx
        outl %%eax, %%dx
        ret
rdsmram:
        call addr
        movw $0xcfc + (%(reg)d & 3), %%dx
        inb %%dx, %%al
        ret
/* AL as two hex digits and a newline on COM1. */
puthex: movb %%al, %%bl
        shrb $4, %%al
        call nibble
        movb %%bl, %%al
        call nibble
        movw $nl, %%si
        jmp puts
nibble: andb $0xf, %%al
        addb $'0', %%al
        cmpb $'9', %%al
        jbe 2f
        addb $7, %%al
2:      movw $0x3f8, %%dx
        outb %%al, %%dx
        ret
puts:   lodsb
        testb %%al, %%al
        jz 3f
        movw $0x3f8, %%dx
        outb %%al, %%dx
        jmp puts
3:      ret
before:   .asciz "SMRAM-AT-BOOT "
after:    .asciz "SMRAM-AFTER-WRITE "
returned: .asciz "SMI-RETURNED\r\n"
nl:       .asciz "\r\n"
        .org 510
        .word 0xaa55
"""


@pytest.mark.parametrize("which", ["reef", "seabios"])
@pytest.mark.parametrize("machine", ["pc", "q35"])
def test_smram_closed_and_locked_at_boot(bios, seabios, tmp_path, machine, which):
    img = build_sector(tmp_path, SECTOR % {"reg": REG[machine]}, disk_size=1 << 20)
    # q35's boot disk on a PIIX3 IDE controller, as elsewhere: the sector
    # needs nothing but INT 19h to load it.
    disk = ["-drive", "file=%s,format=raw,if=ide" % img] if machine == "pc" else [
        "-drive", "file=%s,format=raw,if=none,id=d0" % img, "-device", "piix3-ide,id=pide,addr=4",
        "-device", "ide-hd,drive=d0,bus=pide.0"]
    vm = Qemu(bios=bios if which == "reef" else seabios, name="smm-%s-%s" % (machine, which),
              args=["-M", machine, "-m", "128M", "-smp", "2", "-nic", "none"] + disk)
    with vm:
        vm.wait_serial(r"SMI-RETURNED", timeout=60 * timeout_scale())
        text = vm.serial_text()
    at_boot = int(re.search(r"SMRAM-AT-BOOT ([0-9A-F]{2})", text).group(1), 16)
    after = int(re.search(r"SMRAM-AFTER-WRITE ([0-9A-F]{2})", text).group(1), 16)
    assert not at_boot & D_OPEN, "SMRAM open at boot: 0x%02x" % at_boot
    assert at_boot & G_SMRAME, "SMRAM disabled (the A-segment would be plain RAM): 0x%02x" % at_boot
    if which == "seabios":
        # SeaBIOS 1.16 leaves SMRAM unlocked (0x0a) on both machines: the
        # guest can open it (0x4a). Nothing more to compare.
        return
    assert at_boot & D_LCK, "SMRAM not locked at boot: 0x%02x" % at_boot
    assert re.search(r"smm: SMBASE 0xa0000 on 2 CPU\(s\)", vm.debug_text()), vm.debug_text()[-2000:]
    if machine == "pc" and after != at_boot:
        # QEMU's i440FX model ignores D_LCK ("XXX: implement SMRAM.D_LOCK"
        # in hw/pci-host/i440fx.c): we set it, the register reads locked,
        # and still the guest can write it. Strict: passes once QEMU does.
        pytest.xfail("QEMU's i440FX does not enforce SMRAM D_LCK (0x%02x -> 0x%02x)" % (at_boot, after))
    assert after == at_boot, "the guest changed SMRAM control: 0x%02x -> 0x%02x" % (at_boot, after)
