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
  lists but its 4-bit planar ones;
* every INT 10h and VBE function, one PASS/FAIL line each, from the
  payload tests/payloads/vga.S, on std VGA, virtio-vga and qxl-vga with our
  variant ROM and SeaVGABIOS's (SEAVGABIOS_DEVIATIONS: what SeaVGABIOS
  does not do, expected to fail there); PhysBasePtr is BAR 0."""
import os
import re
import time

import pytest

import reefqemu
import vgascreen

OUR_ROM = os.path.join(reefqemu.OUT, "vgabios-stdvga.bin")
SEAVGABIOS = os.environ.get("REEF_SEAVGABIOS", "/usr/share/seabios/vgabios-stdvga.bin")
ROMS = {"reef": OUR_ROM, "seavgabios": SEAVGABIOS}
# The other devices with QEMU's std VGA core (legacy VGA and the DISPI
# ports): our variant ROM and SeaVGABIOS's for each.
VARIANTS = {"stdvga": "VGA", "virtio": "virtio-vga", "qxl": "qxl-vga"}


def variant_rom(variant, role):
    if role == "reef":
        return os.path.join(reefqemu.OUT, "vgabios-%s.bin" % variant)
    return os.path.join(os.path.dirname(SEAVGABIOS), "vgabios-%s.bin" % variant)


def vga_args(rom, image, device="VGA"):
    # -nic none: the NIC's iPXE ROM would print where it was loaded, which
    # differs with the size of the VGA ROM before it.
    return ["-vga", "none", "-nic", "none", "-device", "%s,romfile=%s" % (device, rom),
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


# ---- the payload: every function -------------------------------------------
PAYLOAD_IDS = ["int10.00", "int10.01", "int10.02", "int10.05", "int10.09", "int10.0a", "int10.08", "int10.0e",
               "int10.06", "int10.07", "int10.0f", "int10.13", "int10.1a", "int10.1b", "int10.1c", "int10.12.10", "int10.11.30",
               "int10.11.12", "int10.10.10", "int10.10.00", "int10.00.13",
               "vbe.00", "vbe.01", "vbe.01.bad", "vbe.02", "vbe.02.bad", "vbe.03", "vbe.04", "vbe.05", "vbe.06",
               "vbe.07", "vbe.08", "vbe.09", "vbe.0a", "vbe.10", "vbe.15", "vbe.02.text"]
SEAVGABIOS_DEVIATIONS = {
    "vbe.05": "4F05h in a linear framebuffer mode: AX=0305h (we keep the window usable)",
    "vbe.06": "4F06h BL=00h with 2048 pixels in 1024x768x32: AX=014Fh",
    "vbe.08": "4F08h: AX=034Fh, no 8-bit DAC",
    "vbe.09": "4F09h not implemented (AX=0100h)",
    "vbe.0a": "4F0Ah not implemented (AX=0100h)",
    "int10.1b": "1Bh: rows byte 22h is the BDA's (rows - 1), and the static table's byte 2 has no mode 13h",
}
# Devices without what a check needs: both ROMs must answer "unsupported",
# as the text says (the FAIL line must contain `shows`).
NOT_ON_DEVICE = {
    ("virtio", "vbe.15"): ("virtio-vga has no EDID in BAR 2: 4F15h reports no DDC", "AX got=0x14f"),
    ("qxl", "vbe.15"): ("qxl-vga has no EDID in BAR 2: 4F15h reports no DDC", "AX got=0x14f"),
}
LINE_RE = re.compile(r"^(PASS|FAIL) (\S+)(?: (.*))?$")


def payload_image():
    binary = open(reefqemu.build_payload("vga", [os.path.abspath(__file__)]), "rb").read()
    img = os.path.join(reefqemu.PAYLOAD_BUILD, "vga.img")
    with open(img + ".tmp", "wb") as f:
        f.write(binary)
        f.truncate(1024 * 1024)
    os.replace(img + ".tmp", img)
    return img




def payload_run(bios, variant, role, img):
    vm = reefqemu.Qemu(bios=bios, args=vga_args(variant_rom(variant, role), img, VARIANTS[variant]) +
                       ["-device", "isa-debug-exit,iobase=0x501"], name="vga-payload-%s-%s" % (variant, role))
    vm.start()
    try:
        try:
            rc = vm.wait_exit(60)
        except reefqemu.QemuTimeout:
            rc = None
    finally:
        vm.kill()
    lines = [l.rstrip("\r") for l in vm.serial_text().split("\n")]
    return {"rc": rc, "lines": lines, "debug": vm.debug_text(),
            "results": [m.groups("") for m in map(LINE_RE.match, lines) if m]}


_PAYLOAD_RUNS = {}


@pytest.fixture(params=[(v, r) for v in VARIANTS for r in ("reef", "seavgabios")], ids=lambda p: "%s-%s" % p)
def payload(request, bios):
    variant, role = request.param
    if (variant, role) not in _PAYLOAD_RUNS:
        if not os.path.exists(variant_rom(variant, role)):
            pytest.fail("%s not found" % variant_rom(variant, role), pytrace=False)
        _PAYLOAD_RUNS[variant, role] = payload_run(bios, variant, role, payload_image())
    run = _PAYLOAD_RUNS[variant, role]
    run["role"], run["variant"] = role, variant
    return run


@pytest.mark.parametrize("sid", PAYLOAD_IDS)
def test_function(payload, sid):
    got = [r for r in payload["results"] if r[1] == sid]
    assert got, "no PASS/FAIL line for %s; serial tail:\n%s" % (sid, "\n".join(payload["lines"][-20:]))
    fails = ["FAIL %s %s" % (sid, text) for kind, _, text in got if kind == "FAIL"]
    if (payload["variant"], sid) in NOT_ON_DEVICE:
        why, shows = NOT_ON_DEVICE[payload["variant"], sid]
        assert fails and fails[0].split("!")[1].startswith(shows), "expected only %r: %s" % (shows, fails)
        pytest.xfail(why)
    if payload["role"] == "seavgabios" and sid in SEAVGABIOS_DEVIATIONS:
        if fails:
            pytest.xfail("SeaVGABIOS: " + SEAVGABIOS_DEVIATIONS[sid])
        pytest.fail("[XPASS(strict)] documented SeaVGABIOS deviation did not show: " + SEAVGABIOS_DEVIATIONS[sid])
    assert not fails, "\n".join(fails)


def test_payload_done(payload):
    done = [l for l in payload["lines"] if l.startswith("DONE ")]
    assert done, "no DONE line; serial tail:\n%s" % "\n".join(payload["lines"][-20:])
    n_pass, n_fail = (int(x) for x in done[-1].split()[1:3])
    kinds = [r[0] for r in payload["results"]]
    assert (n_pass, n_fail) == (kinds.count("PASS"), kinds.count("FAIL"))
    assert sorted({r[1] for r in payload["results"]}) == sorted(PAYLOAD_IDS)
    assert payload["rc"] == 3, "QEMU exit status %s (isa-debug-exit with 1: 3)" % payload["rc"]


def test_bad_calls_logged(payload):
    """The payload's invalid mode numbers: one log line each, no change."""
    if payload["role"] != "reef":
        pytest.skip("our log lines")
    debug = payload["debug"]
    assert "vga: VBE 4F01h: no such mode: 1ffh" in debug, debug[-2000:]
    assert "vga: VBE 4F02h: no such mode: 1ffh" in debug, debug[-2000:]


def test_no_vga_errors_logged(grub_runs):
    lines = [l for l in grub_runs["reef"]["debug"].splitlines() if l.startswith("vga:") and "initialised" not in l]
    assert not lines, "\n".join(lines)


# ---- syslinux vesamenu.c32 in 640x480 ----------------------------------------

SYSLINUX_BIOS = reefqemu.SYSLINUX_BIOS
# Plain colours and no shadows, so that the text decodes cell by cell.
VESAMENU_CFG = "UI vesamenu.c32\nMENU RESOLUTION 640 480\nMENU TITLE REEF VESAMENU TEST\n" + "".join(
    "MENU COLOR %s 37;40 #ffffffff #ff000000 none\n" % what
    for what in ("screen", "border", "title", "unsel", "help", "timeout_msg", "timeout", "tabmsg")) + \
    "MENU COLOR sel 37;40 #ff000000 #ffffffff none\nTIMEOUT 0\n" \
    "LABEL first\n  MENU LABEL First entry\n  KERNEL /nothing\n" \
    "LABEL second\n  MENU LABEL Second entry\n  KERNEL /nothing\n"


def vesamenu_iso(tmp_path):
    return reefqemu.isolinux_iso(tmp_path, VESAMENU_CFG, ("ldlinux.c32", "libcom32.c32", "libutil.c32",
                                                          "vesamenu.c32"), name="vesamenu")


@pytest.mark.skipif(not os.path.exists(os.path.join(SYSLINUX_BIOS, "vesamenu.c32")), reason="syslinux missing")
@pytest.mark.parametrize("role", ["reef", "seavgabios"])
def test_vesamenu_640x480(bios, tmp_path, role):
    """ISOLINUX with vesamenu.c32 sets 640x480 through VBE and draws its menu
    with the BIOS's 8x16 font (INT 10h 1130h): the screendump is 640x480 and
    shows the title and both entries (with SeaVGABIOS, whose font differs
    from ours in some capitals, the entries)."""
    iso = vesamenu_iso(tmp_path)
    args = ["-vga", "none", "-nic", "none", "-device", "VGA,romfile=%s" % ROMS[role], "-cdrom", iso]
    want = ["First entry", "Second entry"] + (["REEF VESAMENU TEST"] if role == "reef" else [])
    with reefqemu.Qemu(bios=bios, args=args, name="vesamenu-" + role) as vm:
        deadline = time.monotonic() + 40
        while True:
            path = os.path.join(vm.dir, "vesamenu-%d.ppm" % time.monotonic_ns())
            vm.hmp("screendump " + path)
            w, h, _ = vgascreen.read_ppm(path)
            if (w, h) == (640, 480):
                _, _, lines, _ = vgascreen.decode_graphics_text(path, vgascreen.font16())
                text = "\n".join(lines)
                if all(s in text for s in want):
                    break
            assert time.monotonic() < deadline, "no vesamenu menu in 640x480 (last %dx%d):\n%s" % (
                w, h, "\n".join(lines) if (w, h) == (640, 480) else "")
            time.sleep(1)
