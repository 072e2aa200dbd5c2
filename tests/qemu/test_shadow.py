# SPDX-License-Identifier: LGPL-3.0-or-later
"""The shadowed BIOS is read-only once the boot sector runs.

A boot sector tries to overwrite bytes of the F-segment (16-bit code, the
reset vector, a fixed entry point), of the 32-bit runtime code and of the VGA
option ROM, and checks that the runtime data chunk (0xE8000-0xEFFFF) is still
writable. The test also compares the reset vector area in guest memory with
the image file through the QEMU monitor."""
import os
import re
import subprocess

import pytest

from reefqemu import OUT, REEF_BIOS, ROOT, Qemu

SRC = os.path.join(ROOT, "tests", "payloads", "shadow", "shadow.S")
IMG = os.path.join(OUT, "payloads", "shadow.img")


@pytest.fixture(scope="module")
def shadow_image():
    os.makedirs(os.path.dirname(IMG), exist_ok=True)
    if not os.path.exists(IMG) or os.path.getmtime(IMG) < os.path.getmtime(SRC):
        obj = IMG + ".o"
        subprocess.run(["as", "--32", SRC, "-o", obj], check=True)
        subprocess.run(["ld", "-m", "elf_i386", "-Ttext", "0x7c00", "--oformat", "binary", obj,
                        "-o", IMG + ".tmp"], check=True)
        with open(IMG + ".tmp", "ab") as f:
            f.truncate(1024 * 1024)
        os.replace(IMG + ".tmp", IMG)
    return IMG


def test_bios_is_read_only_at_boot(shadow_image):
    vm = Qemu(bios=REEF_BIOS, name="shadow", args=[
        "-M", "pc", "-m", "128M", "-snapshot",
        "-drive", "file=%s,format=raw,if=ide" % shadow_image])
    with vm:
        vm.wait_serial(r"^DONE", timeout=60)
        # Guest memory at the reset vector still holds the image's bytes.
        image = open(REEF_BIOS, "rb").read()
        assert vm.read_phys(0xFFFF0, 16) == image[-16:]
        # The runtime half is the image's last 128 KiB (docs/memory-layout.md).
        assert vm.read_phys(0xFE3FE, 3) == image[-0x20000 + 0x1E3FE:-0x20000 + 0x1E401]
    lines = re.findall(r"^(RO|RW) ([0-9A-F]{5}) (PASS|FAIL)", vm.serial_text(), re.M)
    got = {addr: (kind, res) for kind, addr, res in lines}
    expected = {"F0000": "RO", "FFFF0": "RO", "FE3FE": "RO", "E0000": "RO", "E7FF0": "RO",
                "C0000": "RO", "E8010": "RW", "EFFF0": "RW"}
    for addr, kind in expected.items():
        assert addr in got, "no line for %s in:\n%s" % (addr, vm.serial_text())
        assert got[addr] == (kind, "PASS"), "%s %s: %s\n%s" % (kind, addr, got[addr], vm.serial_text())


def test_banner_on_screen_and_serial(shadow_image):
    """`ReefBIOS <version>` is the first thing on the serial console and on
    the VGA text screen (read from video memory once the boot sector runs)."""
    vm = Qemu(bios=REEF_BIOS, name="banner", args=[
        "-M", "pc", "-m", "128M", "-snapshot",
        "-drive", "file=%s,format=raw,if=ide" % shadow_image])
    with vm:
        vm.wait_serial(r"^DONE", timeout=60)
        vram = vm.read_phys(0xB8000, 80 * 2 * 4)
    text = vram[0::2].decode("latin-1")
    rows = [text[i:i + 80].rstrip() for i in range(0, len(text), 80)]
    assert re.match(r"ReefBIOS \S+", rows[0]), "screen rows: %r" % rows
    first = vm.serial_text().splitlines()[0]
    assert re.fullmatch(r"ReefBIOS \S+", first.strip()), first
    version = rows[0].split()[1]
    assert first.strip() == "ReefBIOS " + version
