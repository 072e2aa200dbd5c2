# SPDX-License-Identifier: LGPL-3.0-or-later
"""The VGA BIOS build (vgasrc/, docs/vga-bios.md): out/vgabios-stdvga.bin is
a finished PCI option ROM for QEMU's std VGA, and the build refuses what
would break the ROM's segment model: data gcc would read through DS
(.rodata: the linker script; a table read without CS: checkvgarefs.py)."""
import os
import struct
import subprocess

from test_checks import ROOT, build_broken, built  # noqa: F401 (fixture)

ROM = os.path.join(ROOT, "out", "vgabios-stdvga.bin")


def test_stdvga_rom_header(built):  # noqa: F811
    rom = open(ROM, "rb").read()
    assert rom[:2] == b"\x55\xaa"
    assert rom[2] * 512 == len(rom) <= 64 * 1024
    assert sum(rom) & 0xFF == 0
    pcir = struct.unpack_from("<H", rom, 0x18)[0]
    assert rom[pcir:pcir + 4] == b"PCIR"
    assert struct.unpack_from("<HH", rom, pcir + 4) == (0x1234, 0x1111)
    assert rom[pcir + 0x0D:pcir + 0x10] == b"\x00\x00\x03"  # class 030000h
    assert rom[pcir + 0x14] == 0 and rom[pcir + 0x15] & 0x80  # x86, last image
    assert struct.unpack_from("<H", rom, pcir + 0x10)[0] == rom[2]
    p = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "vgarom.py"), "--check", ROM,
                        "1234", "1111"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_check_catches_bad_checksum_and_ids(tmp_path, built):  # noqa: F811
    rom = bytearray(open(ROM, "rb").read())
    rom[0x100] ^= 0x01
    bad = tmp_path / "bad.bin"
    bad.write_bytes(rom)
    script = os.path.join(ROOT, "scripts", "vgarom.py")
    p = subprocess.run(["/usr/bin/python3", script, "--check", str(bad), "1234", "1111"], capture_output=True,
                       text=True)
    assert p.returncode == 1 and "checksum" in p.stderr, p.stderr
    p = subprocess.run(["/usr/bin/python3", script, "--check", ROM, "1af4", "1050"], capture_output=True,
                       text=True)
    assert p.returncode == 1 and "PCIR names 1234:1111, not 1af4:1050" in p.stderr, p.stderr


def test_rodata_in_the_vga_rom_fails(built):  # noqa: F811
    edit = lambda s: s.replace("void int10_dispatch(Regs16* r) {\n",
                               "const char* volatile g_name = \"x\";\n"
                               "void int10_dispatch(Regs16* r) {\n    vga_log(g_name);\n", 1)
    rc, out = build_broken(built, "vgarodata", "vgasrc/services.cc", edit)
    assert rc != 0, out
    assert "vgasrc: data in .rodata/.data/.bss" in out, out


def test_rom_table_read_through_ds_fails(built):  # noqa: F811
    edit = lambda s: s.replace("bool vbe_present() { return rom_read(&g_vbe.present); }",
                               "bool vbe_present() { return g_vbe.present; }", 1)
    rc, out = build_broken(built, "vgads", "vgasrc/vbe.cc", edit)
    assert rc != 0, out
    assert "checkvgarefs: " in out and "through DS" in out, out
