# SPDX-License-Identifier: LGPL-3.0-or-later
"""Our VGA BIOS (out/vgabios-stdvga.bin, docs/vga-bios.md) against
SeaVGABIOS (Debian's /usr/share/seabios/vgabios-stdvga.bin) as the floor,
both as the ROM of QEMU's std VGA (-device VGA,romfile=...) under ReefBIOS,
booting the GRUB image of tests/payloads/vga/grub.cfg:

* the text console: a screendump while GRUB waits for Enter (the BIOS
  banner is on screen) and one of GRUB's menu; every cell of our
  screendump shows the glyph of the character in the text buffer, and the
  text buffers (characters and attributes) are the same under both ROMs;
* VBE: GRUB's `videoinfo` lists 1024x768x32 and every mode SeaVGABIOS
  lists but its 4-bit planar ones."""
import os
import re
import time

import pytest

import reefqemu
import vgascreen

OUR_ROM = os.path.join(reefqemu.OUT, "vgabios-stdvga.bin")
SEAVGABIOS = os.environ.get("REEF_SEAVGABIOS", "/usr/share/seabios/vgabios-stdvga.bin")
ROMS = {"reef": OUR_ROM, "seavgabios": SEAVGABIOS}


def vga_args(rom, image):
    return ["-vga", "none", "-device", "VGA,romfile=" + rom,
            "-drive", "file=%s,format=raw,if=ide,snapshot=on" % image]


def screen(vm, label):
    path = os.path.join(vm.dir, label + ".ppm")
    vm.hmp("screendump " + path)
    cells, cursor = vgascreen.text_buffer(vm)
    return {"ppm": path, "cells": cells, "cursor": cursor, "lines": vgascreen.lines_of(cells)}


def wait_screen(vm, text, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        cells, _ = vgascreen.text_buffer(vm)
        if any(text in line for line in vgascreen.lines_of(cells)):
            return
        assert time.monotonic() < deadline, "%r not on screen within %ss" % (text, timeout)
        time.sleep(0.2)


@pytest.fixture(scope="module")
def grub_runs(bios):
    if not os.path.exists(OUR_ROM):
        pytest.fail("%s not built (make)" % OUR_ROM, pytrace=False)
    if not os.path.exists(SEAVGABIOS):
        pytest.fail("SeaVGABIOS not found: %s (scripts/deps.sh installs seabios)" % SEAVGABIOS, pytrace=False)
    image = vgascreen.build_vga_grub_image()
    vms = {role: reefqemu.Qemu(bios=bios, args=vga_args(rom, image), name="vga-grub-" + role).start()
           for role, rom in ROMS.items()}
    runs = {}
    try:
        for role, vm in vms.items():
            vm.wait_serial(r"REEF-VGA: press Enter", timeout=60)
            wait_screen(vm, "REEF-VGA: press Enter")
        for role, vm in vms.items():
            runs[role] = {"banner": screen(vm, "banner")}
            vm.sendkey("ret")
        for role, vm in vms.items():
            vm.wait_serial(r"REEF-VGA: menu next", timeout=30)
            wait_screen(vm, "Second entry")
            time.sleep(0.5)  # GRUB draws the rest of the menu
            runs[role]["menu"] = screen(vm, "menu")
            serial = vm.serial_text()
            m = re.search(r"REEF-SECTION-BEGIN videoinfo(.*?)REEF-SECTION-END videoinfo", serial, re.S)
            runs[role]["videoinfo"] = m.group(1) if m else ""
            runs[role]["debug"] = vm.debug_text()
    finally:
        for vm in vms.values():
            vm.kill()
    return runs


@pytest.mark.parametrize("shot", ["banner", "menu"])
def test_text_console(grub_runs, shot):
    ours, theirs = grub_runs["reef"][shot], grub_runs["seavgabios"][shot]
    text = "\n".join(ours["lines"])
    if shot == "banner":
        assert re.search(r"^ReefBIOS \S+", text, re.M), text
        assert "REEF-VGA: press Enter" in text, text
    else:
        assert "GNU GRUB" in text and "ReefBIOS VGA test" in text and "Second entry" in text, text
    # What our screen shows is what the text buffer holds.
    decoded = vgascreen.decode_screendump(ours["ppm"], vgascreen.font16())
    bad = vgascreen.screen_mismatches(decoded, ours["cells"], ours["cursor"])
    assert not bad, "screendump cells that do not show their character: %s\n%s" % (bad[:10], text)
    # The same text and colours as under SeaVGABIOS.
    assert ours["lines"] == theirs["lines"], "ours:\n%s\nSeaVGABIOS:\n%s" % (text, "\n".join(theirs["lines"]))
    assert [a for _, a in ours["cells"]] == [a for _, a in theirs["cells"]]
    if shot == "banner":  # GRUB's menu leaves the cursor wherever its last update was
        assert ours["cursor"] == theirs["cursor"]


def modes_of(videoinfo):
    """{(xres, yres, bpp)} of GRUB's videoinfo listing."""
    return {(int(x), int(y), int(b)) for x, y, b in
            re.findall(r"^\s*0x[0-9a-f]+\s+(\d+) x\s+(\d+) x\s+(\d+)", videoinfo.replace("\r", ""), re.M)}


def test_videoinfo_lists_vbe_modes(grub_runs):
    ours, theirs = modes_of(grub_runs["reef"]["videoinfo"]), modes_of(grub_runs["seavgabios"]["videoinfo"])
    assert (1024, 768, 32) in ours, grub_runs["reef"]["videoinfo"]
    assert (1024, 768, 32) in theirs, grub_runs["seavgabios"]["videoinfo"]
    missing = {m for m in theirs if m[2] >= 8} - ours
    assert not missing, "SeaVGABIOS lists modes we do not: %s" % sorted(missing)
    assert "version: 3.0" in grub_runs["reef"]["videoinfo"]
    assert "total memory: 16384 KiB" in grub_runs["reef"]["videoinfo"]


def test_no_vga_errors_logged(grub_runs):
    lines = [l for l in grub_runs["reef"]["debug"].splitlines() if l.startswith("vga:") and "initialised" not in l]
    assert not lines, "\n".join(lines)
