# SPDX-License-Identifier: LGPL-3.0-or-later
"""Bad input gets one clear log line and a safe outcome, never a hang.

- Broken VGA option ROMs (QEMU's std VGA ROM, damaged): not run, logged,
  and the machine still boots, with INT 10h teletype on the serial port.
- Failing disks (QEMU's blkdebug error injection): INT 13h reports the
  error to the caller; an unreadable boot sector gives "Boot failed" and
  "No bootable device" instead of booting garbage."""
import re
import struct

import pytest

from reefqemu import REEF_BIOS, Qemu, build_sector, message_sector

VGA_ROM = "/usr/share/seabios/vgabios-stdvga.bin"



def halt_sector(tmp_path):
    # Printed through INT 10h: with no video BIOS the fallback handler must
    # keep it visible on serial.
    return message_sector(tmp_path, "BOOTED", via_int10=True)


def damaged_rom(tmp_path, name, damage):
    rom = bytearray(open(VGA_ROM, "rb").read())
    damage(rom)
    path = tmp_path / (name + ".rom")
    path.write_bytes(bytes(rom))
    return str(path)


def fix_checksum(rom):
    size = rom[2] * 512
    rom[size - 1] = (rom[size - 1] - sum(rom[:size])) & 0xFF


def bad_checksum(rom):
    rom[0x100] ^= 0x55


def no_signature(rom):
    rom[0] = 0


def no_pcir(rom):
    pcir = struct.unpack_from("<H", rom, 0x18)[0]
    rom[pcir:pcir + 4] = b"XXXX"
    fix_checksum(rom)


def zero_size(rom):
    rom[2] = 0


def oversized(rom):
    rom[2] = 0xFF  # 127.5 KiB: larger than the ROM BAR holds


@pytest.mark.parametrize("name,damage,message", [
    ("checksum", bad_checksum, r"vga: ROM checksum is bad \(0x[0-9a-f]+\); not run"),
    ("signature", no_signature, r"optionrom: [0-9a-f]{2}:[0-9a-f]{2}\.[0-7]: no 55AA signature"),
    ("pcir", no_pcir, r"optionrom: [0-9a-f]{2}:[0-9a-f]{2}\.[0-7]: PCIR structure missing"),
    ("size0", zero_size, r"vga: ROM image size 0 is invalid; not run"),
    ("oversized", oversized, r"vga: ROM image size \d+ is invalid; not run"),
])
def test_broken_vga_rom_is_not_run(tmp_path, name, damage, message):
    rom = damaged_rom(tmp_path, name, damage)
    img = halt_sector(tmp_path)
    vm = Qemu(bios=REEF_BIOS, name="badrom-" + name, args=[
        "-M", "pc", "-m", "128M", "-vga", "none", "-device", "VGA,romfile=" + rom,
        "-drive", "file=%s,format=raw,if=ide" % img])
    with vm:
        vm.wait_serial(r"BOOTED", timeout=60)
    log = vm.debug_text()
    assert re.search(message, log), log
    assert "video BIOS initialised" not in log
    # Exactly one line about the problem, no more noise.
    assert len([l for l in log.splitlines() if l.startswith(("vga:", "optionrom:"))]) == 1, log


def test_intact_vga_rom_runs(tmp_path):
    """The control case: the same ROM, checksum recomputed, is run."""
    rom = damaged_rom(tmp_path, "intact", fix_checksum)
    img = halt_sector(tmp_path)
    vm = Qemu(bios=REEF_BIOS, name="goodrom", args=[
        "-M", "pc", "-m", "128M", "-vga", "none", "-device", "VGA,romfile=" + rom,
        "-drive", "file=%s,format=raw,if=ide" % img])
    with vm:
        vm.wait_debug(r"vga: video BIOS initialised", timeout=60)
        vm.wait_serial(r"Booting from Hard Disk", timeout=30)


READ_SECTOR = r"""
        .code16
        .globl _start
_start: cli
        xorw %ax, %ax
        movw %ax, %ds
        movw %ax, %ss
        movw $0x7000, %sp
        sti
        movw $lba_bad, %bx
        call read
        movw $lba_good, %bx
        call read
        movw $done, %si
        call puts
3:      hlt
        jmp 3b
/* Reads the LBA at (%bx) with INT 13h AH=42h; prints "LBA <n> AH=<status>". */
read:   movw (%bx), %ax
        movw %ax, dap_lba
        movb $0x42, %ah
        movb $0x80, %dl
        movw $dap, %si
        int $0x13
        jc 1f
        xorb %ah, %ah
1:      pushw %ax
        movw $msg, %si
        call puts
        movw (%bx), %ax
        call hex16
        movw $msg2, %si
        call puts
        popw %ax
        movb %ah, %al
        call hex8
        movw $crlf, %si
        call puts
        ret
puts:   lodsb
        testb %al, %al
        jz 1f
        call putc
        jmp puts
1:      ret
hex16:  pushw %ax
        movb %ah, %al
        call hex8
        popw %ax
hex8:   pushw %ax
        shrb $4, %al
        call nib
        popw %ax
nib:    andb $15, %al
        addb $0x30, %al
        cmpb $0x39, %al
        jbe putc
        addb $7, %al
putc:   pushw %dx
        movw $0x3f8, %dx
        outb %al, %dx
        popw %dx
        ret
        .balign 4
dap:    .byte 16, 0
        .word 1
        .word 0x0000, 0x0800
dap_lba: .long 0, 0
lba_bad:  .word 0x0064
lba_good: .word 0x0065
msg:    .asciz "LBA "
msg2:   .asciz " AH="
crlf:   .asciz "\r\n"
done:   .asciz "DONE\r\n"
        .org 510
        .word 0xaa55
"""


def blkdebug(tmp_path, image, sector):
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\n' % sector)
    return "blkdebug:%s:%s" % (conf, image)


def test_failing_sector_reported_to_caller(tmp_path):
    img = build_sector(tmp_path, READ_SECTOR)
    vm = Qemu(bios=REEF_BIOS, name="disk-error", args=[
        "-M", "pc", "-m", "128M",
        "-drive", "file=%s,format=raw,if=ide" % blkdebug(tmp_path, img, 0x64)])
    with vm:
        vm.wait_serial(r"DONE", timeout=60)
    out = vm.serial_text()
    bad = re.search(r"LBA 0064 AH=([0-9A-F]{2})", out)
    good = re.search(r"LBA 0065 AH=([0-9A-F]{2})", out)
    assert bad and bad.group(1) != "00", out
    assert good and good.group(1) == "00", out


def test_unreadable_boot_sector(tmp_path):
    img = halt_sector(tmp_path)
    vm = Qemu(bios=REEF_BIOS, name="mbr-error", args=[
        "-M", "pc", "-m", "128M",
        "-drive", "file=%s,format=raw,if=ide" % blkdebug(tmp_path, img, 0)])
    with vm:
        vm.wait_serial(r"No bootable device\.", timeout=60)
    out = vm.serial_text()
    assert re.search(r"Boot failed: could not read the boot sector of ATA0-0 QEMU HARDDISK \(status [0-9a-f]{2}\)",
                     out), out
    assert "BOOTED" not in out
