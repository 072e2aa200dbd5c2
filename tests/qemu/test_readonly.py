# SPDX-License-Identifier: LGPL-3.0-or-later
"""Read-only media are reported as such: a boot sector on a disk that QEMU
attaches with readonly=on tries INT 13h AH=03h (CHS write) and AH=43h (EDD
write) and reads EDD 48h; both writes must fail with AH=03h (write
protected) and leave the disk unchanged, and a read still works. SeaBIOS
runs the same sector for comparison."""
import pytest

from reefqemu import SEABIOS, Qemu, build_sector, disk_args

BOOT = r"""
        .code16
        .globl _start
_start: cli
        xorw %ax, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movw $0x7c00, %sp
        sti
        movb %dl, drive
        movw $0x0301, %ax           /* write sector 2 (CHS 0/0/2) from 7C00 */
        movw $0x0002, %cx
        xorb %dh, %dh
        movw $0x7c00, %bx
        int $0x13
        movw $s_chs, %si
        call status
        movb $0x43, %ah             /* EDD write of LBA 1 */
        movb $0, %al
        movb drive, %dl
        movw $dap, %si
        int $0x13
        movw $s_edd, %si
        call status
        movb $0x42, %ah             /* EDD read of LBA 1 */
        movb drive, %dl
        movw $dap, %si
        int $0x13
        movw $s_read, %si
        call status
        movw $0x501, %dx
        movb $1, %al
        outb %al, %dx
        cli
1:      hlt
        jmp 1b
/* prints the string at SI, then "CF=<0|1> AH=<2 hex>" */
status: pushf
        pushw %ax
        call puts
        popw %ax
        popf
        movb $'0', %al
        adcb $0, %al
        call putc
        movw $s_ah, %si
        call puts
        movb %ah, %al
        shrb $4, %al
        call hexd
        movb %ah, %al
        call hexd
        movw $s_nl, %si
        jmp puts
hexd:   andb $0xf, %al
        addb $'0', %al
        cmpb $'9', %al
        jbe putc
        addb $7, %al
putc:   pushw %dx
        movw $0x3f8, %dx
        outb %al, %dx
        popw %dx
        ret
puts:   lodsb
        testb %al, %al
        jz 2f
        call putc
        jmp puts
2:      ret
drive:  .byte 0
s_chs:  .asciz "CHSWRITE CF="
s_edd:  .asciz "EDDWRITE CF="
s_read: .asciz "EDDREAD CF="
s_ah:   .asciz " AH="
s_nl:   .asciz "\r\n"
        .balign 4
dap:    .byte 0x10, 0
        .word 1
        .word 0x8000, 0
        .long 1, 0
        .org 510
        .word 0xaa55
"""

# (machine, interface) of the read-only disks.
READONLY_DISKS = [("pc", "virtio"), ("q35", "virtio-modern")]
SEABIOS_FAILS = pytest.mark.xfail(strict=True, reason="SeaBIOS 1.16 cannot read a read-only virtio-blk disk: "
                                  "'Boot failed: could not read the boot disk'")


def run_sector(bios, tmp_path, machine, iface, name, timeout=60):
    img = build_sector(tmp_path, BOOT)
    before = open(img, "rb").read()
    vm = Qemu(bios=bios, name=name, args=["-M", machine, "-m", "64M", "-nic", "none"]
              + disk_args(img, iface, machine, drive_opts=",readonly=on"))
    with vm:
        vm.wait_serial(r"EDDREAD CF=\d AH=..", timeout=timeout)
        text = vm.serial_text()
        log = vm.debug_text()
    return text, log, open(img, "rb").read() == before


@pytest.mark.parametrize("disk", READONLY_DISKS, ids=["%s-%s" % d for d in READONLY_DISKS])
def test_read_only_disk_refuses_writes(bios, tmp_path, disk):
    machine, iface = disk
    text, log, unchanged = run_sector(bios, tmp_path, machine, iface, "readonly-" + iface)
    assert "CHSWRITE CF=1 AH=03" in text, text
    assert "EDDWRITE CF=1 AH=03" in text, text
    assert "EDDREAD CF=0 AH=00" in text, text
    assert "read-only" in log, log
    assert unchanged


@SEABIOS_FAILS
def test_read_only_disk_on_seabios(tmp_path):
    # It gets there in a second when it can: no need to wait long.
    text, _, unchanged = run_sector(SEABIOS, tmp_path, "pc", "virtio", "readonly-seabios", timeout=15)
    assert "EDDREAD CF=0 AH=00" in text, text
    assert "CHSWRITE CF=1 AH=03" in text, text
