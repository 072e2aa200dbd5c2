# SPDX-License-Identifier: LGPL-3.0-or-later
"""The build-time layout check (scripts/checklayout.py) catches a broken image.

Each test relinks the objects of the current build with a deliberately broken
copy of the linker script (edited after cpp, so the fixed entry points from
src/fixed.h appear as plain ". = 0xE3FE;" lines) and expects the build to
fail with a message that names the problem; the unmodified script must pass."""
import os
import re
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "out")
WORK = os.path.join(OUT, "layout-test")


def link_inputs():
    out = subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, "print-link-inputs"], check=True,
                         capture_output=True, text=True).stdout.split()
    return [os.path.join(ROOT, p) for p in out]


@pytest.fixture(scope="module")
def objects():
    subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, "all"], check=True)
    os.makedirs(WORK, exist_ok=True)
    return link_inputs()


def build(objects, name, edit):
    """Links with an edited copy of src/rom.ld.S; returns (returncode, output)."""
    src = subprocess.run(["cpp", "-P", "-undef", "-I" + os.path.join(ROOT, "src"),
                          os.path.join(ROOT, "src", "rom.ld.S")], check=True, capture_output=True,
                         text=True).stdout
    broken = edit(src)
    assert broken != src, "the edit did not change the linker script"
    lds = os.path.join(WORK, name + ".ld")
    with open(lds, "w") as f:
        f.write(broken)
    elf = os.path.join(WORK, name + ".elf")
    binf = os.path.join(WORK, name + ".bin")
    mapf = os.path.join(WORK, name + ".map")
    steps = [
        ["ld", "-m", "elf_i386", "-nostdlib", "--no-check-sections", "--gc-sections", "-z", "noexecstack",
         "--no-warn-rwx-segments", "-T", lds, "-Map", mapf, "-o", elf] + objects,
        ["objcopy", "-O", "binary", elf, binf],
        ["/usr/bin/python3", os.path.join(ROOT, "scripts", "checklayout.py"), elf, binf, mapf],
    ]
    output = ""
    for cmd in steps:
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        output += p.stdout + p.stderr
        if p.returncode:
            return p.returncode, output
    return 0, output


def test_unmodified_layout_passes(objects):
    rc, out = build(objects, "ok", lambda s: s + "\n/* unchanged */\n")
    assert rc == 0, out
    assert re.search(r"IMAGE\s+\d+ of 262144 bytes used", out), out


def test_moved_int13_entry_fails(objects):
    rc, out = build(objects, "int13", lambda s: s.replace(". = 0xE3FE;", ". = 0xE3F0;"))
    assert rc != 0
    assert "F000:E3FE (INT 13h fixed disk)" in out, out


def test_moved_diskette_table_fails(objects):
    rc, out = build(objects, "fdpt", lambda s: s.replace(". = 0xEFC7;", ". = 0xEFC0;"))
    assert rc != 0
    assert "F000:EFC7 (diskette parameter table)" in out, out


def test_moved_reset_vector_fails(objects):
    rc, out = build(objects, "reset", lambda s: s.replace(". = 0xFFF0;", ". = 0xFFE0;"))
    assert rc != 0
    assert "F000:FFF0 (reset vector)" in out, out


def test_overflowing_post_code_fails(objects):
    # 128 KiB of padding pushes the POST-only code past the image's first half.
    rc, out = build(objects, "overflow",
                    lambda s: s.replace("init_text_end = .;", ". += 0x20000; init_text_end = .;", 1))
    assert rc != 0
    assert "POST-only code and data overflow the image's first half" in out, out


def test_overflowing_runtime_code_fails(objects):
    # 48 KiB of padding pushes the runtime 32-bit code into the data chunk.
    rc, out = build(objects, "overflow-rt",
                    lambda s: s.replace("rt32_text_end = .;", ". += 0xC000; rt32_text_end = .;", 1))
    assert rc != 0
    assert "runtime 32-bit code overflows into the runtime data chunk" in out, out


def test_oversized_image_fails(objects):
    # A section beyond 1 MiB makes the image larger than 256 KiB.
    extra = "\n    .extra 0x100000 : AT(0x100000) { BYTE(1) }\n}"
    rc, out = build(objects, "size", lambda s: s[:s.rstrip().rfind("}")] + extra)
    assert rc != 0
    assert "must be exactly 262144" in out or "outside the ROM image" in out, out
