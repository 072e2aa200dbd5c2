# SPDX-License-Identifier: LGPL-3.0-or-later
"""Disks past what 512-byte LBAs cover: a 3 TiB sparse virtio-blk disk, and
disks of 4096-byte logical sectors on every driver QEMU offers them on.

A boot sector on the disk asks INT 13h AH=48h (EDD) for the size and the
sector size and reads, with AH=42h, a sector the test wrote near the end
(beyond 2 TiB, so the LBA's high dword matters; on a 4Kn disk an LBA in
4 KiB units); it prints all of it on COM1. SeaBIOS runs the same sector as
the floor."""
import pytest

from reefqemu import SEABIOS, Qemu, build_sector, disk_args

SIZE = 3 << 40
SECTORS = SIZE // 512
TARGET = SECTORS - 8  # near the end: past 2 TiB
MARK = b"REEF-END-OF-3TIB"

BOOT = r"""
        .code16
        .globl _start
_start: cli
        xorw %%ax, %%ax
        movw %%ax, %%ds
        movw %%ax, %%es
        movw %%ax, %%ss
        movw $0x7c00, %%sp
        sti
        movb %%dl, drive
        movw $0x1a, params
        movb $0x48, %%ah
        movw $params, %%si
        int $0x13
        jc fail
        movw $s_size, %%si
        call puts
        movl params+0x14, %%eax
        call hex32
        movl params+0x10, %%eax
        call hex32
        movw $s_bps, %%si
        call puts
        movzwl params+0x18, %%eax
        call hex32
        movw $s_nl, %%si
        call puts
        movb $0x42, %%ah
        movb drive, %%dl
        movw $dap, %%si
        int $0x13
        jc fail
        movb $0, 0x8000+16
        movw $s_read, %%si
        call puts
        movw $0x8000, %%si
        call puts
        movw $s_nl, %%si
        call puts
        jmp done
fail:   movw $s_fail, %%si
        call puts
done:   movw $0x501, %%dx
        movb $1, %%al
        outb %%al, %%dx
        cli
1:      hlt
        jmp 1b
puts:   lodsb
        testb %%al, %%al
        jz 2f
        movw $0x3f8, %%dx
        outb %%al, %%dx
        jmp puts
2:      ret
hex32:  movw $8, %%cx
3:      roll $4, %%eax
        pushl %%eax
        andb $0xf, %%al
        addb $'0', %%al
        cmpb $'9', %%al
        jbe 4f
        addb $7, %%al
4:      movw $0x3f8, %%dx
        outb %%al, %%dx
        popl %%eax
        loop 3b
        ret
drive:  .byte 0
s_size: .asciz "SIZE "
s_bps:  .asciz " BPS "
s_read: .asciz "READ "
s_fail: .asciz "FAIL\r\n"
s_nl:   .asciz "\r\n"
        .balign 4
dap:    .byte 0x10, 0
        .word 1
        .word 0x8000, 0
        .long %d, %d
params: .skip 0x1a
        .org 510
        .word 0xaa55
"""


def boot_disk(directory, size, sector, target):
    """A sparse `size`-byte image: the boot sector above, reading LBA `target`
    (in `sector`-byte units), which holds MARK."""
    img = build_sector(directory, BOOT % (target & 0xFFFFFFFF, target >> 32))
    with open(img, "r+b") as f:
        f.truncate(size)
        f.seek(target * sector)
        f.write(MARK)
    return img


@pytest.fixture(scope="module")
def big_disk(tmp_path_factory):
    return boot_disk(tmp_path_factory.mktemp("bigdisk"), SIZE, 512, TARGET)


@pytest.mark.parametrize("which", ["reef", "seabios"])
def test_3tib_virtio_disk(bios, big_disk, which):
    vm = Qemu(bios=bios if which == "reef" else SEABIOS, name="bigdisk-" + which,
              args=["-M", "pc", "-m", "64M", "-nic", "none"] + disk_args(big_disk, "virtio",
                                                                        drive_opts=",snapshot=on"))
    with vm:
        vm.wait_serial(r"(READ .*|FAIL)\r?\n", timeout=60)
        text = vm.serial_text()
    assert "SIZE %016X BPS 00000200" % SECTORS in text, text
    assert "READ " + MARK.decode() in text, text


# Drivers that QEMU lets have 4096-byte logical blocks (IDE and AHCI disks
# must be 512), on the machine each is usually used on.
FOUR_K = [("virtio", "pc"), ("virtio-modern", "q35"), ("nvme", "q35"), ("virtio-scsi", "pc"),
          ("lsi", "pc"), ("megasas", "pc"), ("pvscsi", "pc"), ("mptsas1068", "pc"), ("am53c974", "pc")]
FOUR_K_SIZE = 64 << 20
FOUR_K_SECTORS = FOUR_K_SIZE // 4096


@pytest.fixture(scope="module")
def four_k_disk(tmp_path_factory):
    return boot_disk(tmp_path_factory.mktemp("4kdisk"), FOUR_K_SIZE, 4096, FOUR_K_SECTORS - 3)


@pytest.mark.parametrize("iface,machine", FOUR_K, ids=["%s-%s" % c for c in FOUR_K])
def test_4096_byte_sector_disk(bios, four_k_disk, iface, machine):
    """The BIOS boots a 4Kn disk (the boot sector is the first 512 bytes of
    sector 0) and serves it in 4 KiB sectors: EDD reports 4096 bytes per
    sector and the disk's size in them, and AH=42h with an LBA in 4 KiB
    units returns that sector."""
    vm = Qemu(bios=bios, name="4k-%s-%s" % (iface, machine),
              args=["-M", machine, "-m", "64M", "-nic", "none"]
              + disk_args(four_k_disk, iface, machine, drive_opts=",snapshot=on",
                          dev_opts=",logical_block_size=4096,physical_block_size=4096"))
    with vm:
        vm.wait_serial(r"(READ .*|FAIL)\r?\n", timeout=60)
        text = vm.serial_text()
    assert "SIZE %016X BPS 00001000" % FOUR_K_SECTORS in text, text
    assert "READ " + MARK.decode() in text, text
