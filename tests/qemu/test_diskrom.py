# SPDX-License-Identifier: LGPL-3.0-or-later
"""A disk ROM's Boot Connection Vector (BIOS Boot Specification 1.01):
a PnP option ROM (tests/payloads/bcvrom.S, handed over as the fw_cfg file
genroms/diskrom.bin) whose BCV hooks INT 13h for the next hard disk number
and serves that disk's one sector from the ROM.

* Alone, its disk is 80h: INT 19h boots it through the ROM's INT 13h
  (SeaBIOS too, the floor), and the boot sector reads itself again with
  the DL it got.
* Behind an IDE disk it is 81h: the boot menu lists it as
  "Disk ROM ReefBIOS test disk ROM", and picking it boots it with DL = 81h.
"""
import re

import pytest

from reefqemu import REEF_BIOS, SEABIOS, Qemu, build_payload, disk_args, message_sector

ROM_FILE = "genroms/diskrom.bin"
PRODUCT = "ReefBIOS test disk ROM"


def disk_rom(tmp_path):
    """The test ROM in whole 512-byte blocks, PnP header and ROM checksums set."""
    data = bytearray(open(build_payload("bcvrom"), "rb").read())
    data += b"\0" * (-(len(data) + 1) % 512 + 1)
    data[2] = len(data) // 512
    pnp = data.index(b"$PnP")
    data[pnp + 9] = (-sum(data[pnp:pnp + 32])) & 0xFF
    data[-1] = (-sum(data)) & 0xFF
    path = tmp_path / "diskrom.bin"
    path.write_bytes(bytes(data))
    return str(path)


@pytest.mark.parametrize("which", ["reef", "seabios"])
def test_disk_rom_boots_as_80h(tmp_path, which):
    rom = disk_rom(tmp_path)
    vm = Qemu(bios=REEF_BIOS if which == "reef" else SEABIOS, name="diskrom-alone-" + which, args=[
        "-M", "pc", "-m", "64M", "-nic", "none", "-fw_cfg", "name=%s,file=%s" % (ROM_FILE, rom)])
    with vm:
        vm.wait_serial(r"DISKROM-BOOTED DL=\w+[^\r\n]*\r?\n", timeout=60)
    serial = vm.serial_text()
    assert "DISKROM-BOOTED DL=80 REREAD-OK" in serial, serial
    if which == "reef":
        assert "Booting from Disk ROM %s..." % PRODUCT in serial, serial


def test_disk_rom_is_listed_and_boots_behind_a_disk(tmp_path):
    rom = disk_rom(tmp_path)
    disk = message_sector(tmp_path, "IDE-BOOTED")
    vm = Qemu(bios=REEF_BIOS, name="diskrom-menu", args=[
        "-M", "pc", "-m", "64M", "-nic", "none", "-boot", "menu=on,splash-time=10000",
        "-fw_cfg", "name=%s,file=%s" % (ROM_FILE, rom)] + disk_args(disk, "ide"))
    with vm:
        vm.wait_output(r"Press ESC or F12 for boot menu", timeout=30)
        vm.sendkey("esc")
        vm.wait_serial(r"Select boot device:[\s\S]*Disk ROM[^\n]*\n", timeout=30)
        listing = vm.serial_text()
        m = re.search(r"\n(\w)\. Disk ROM %s\r?\n" % re.escape(PRODUCT), listing)
        assert m, listing
        assert re.search(r"\n1\. Hard Disk \[", listing), listing
        vm.sendkey(m.group(1))
        vm.wait_serial(r"DISKROM-BOOTED DL=\w+[^\r\n]*\r?\n|IDE-BOOTED", timeout=60)
    serial = vm.serial_text()
    assert "DISKROM-BOOTED DL=81 REREAD-OK" in serial, serial
    assert "IDE-BOOTED" not in serial
