# SPDX-License-Identifier: LGPL-3.0-or-later
"""The framebuffer console (vgasrc/fbcon.cc, docs/vga-bios.md): ReefBIOS
runs its own built-in VGA ROM for bochs-display (instead of the SeaVGABIOS
QEMU puts in its ROM BAR) and ramfb (instead of QEMU's
vgaroms/vgabios-ramfb.bin), which draws the text modes into a 720x400
framebuffer.

The reference is the same guest on QEMU's std VGA with our std VGA ROM,
in the same run: every character cell of the framebuffer's screendump
must show the glyph, foreground and background colour of the std VGA's
text buffer at that cell:

* the GRUB image of tests/payloads/vga/grub.cfg: the screen with the BIOS
  banner while GRUB waits for Enter, then GRUB's menu;
* a boot sector that prints 30 lines through INT 10h AH=0Eh: the screen
  scrolled (the banner gone, the last lines at the bottom).

SeaVGABIOS's bochs-display and ramfb ROMs draw 1280x800 (EDID's preferred
size) with 8x16 cells, so only the BIOS-side choice is compared with
SeaBIOS: that our ROM, not QEMU's, runs (the debug log says which)."""
import os
import time

import pytest

import reefqemu
import vgascreen

STD_ROM = os.path.join(reefqemu.OUT, "vgabios-stdvga.bin")
DISPLAYS = {
    "bochs-display": ["-vga", "none", "-device", "bochs-display"],
    "ramfb": ["-vga", "none", "-device", "ramfb"],
}
REFERENCE = ["-vga", "none", "-device", "VGA,romfile=%s" % STD_ROM]
CHOSEN = {
    "bochs-display": "vga: bochs-display: ReefBIOS framebuffer console ROM (built in",
    "ramfb": "vga: ramfb: ReefBIOS framebuffer console ROM (built in",
}
# The text colours of the EGA palette the text modes load (RGB).
EGA = [(0, 0, 0), (0, 0, 0xAA), (0, 0xAA, 0), (0, 0xAA, 0xAA), (0xAA, 0, 0), (0xAA, 0, 0xAA), (0xAA, 0x55, 0),
       (0xAA, 0xAA, 0xAA), (0x55, 0x55, 0x55), (0x55, 0x55, 0xFF), (0x55, 0xFF, 0x55), (0x55, 0xFF, 0xFF),
       (0xFF, 0x55, 0x55), (0xFF, 0x55, 0xFF), (0xFF, 0xFF, 0x55), (0xFF, 0xFF, 0xFF)]


def fb_screen(vm, label):
    """(decoded cells, ppm path) of a screendump, or (None, path) while the
    display is not (yet) the 720x400 text console."""
    path = os.path.join(vm.dir, "%s-%d.ppm" % (label, time.monotonic_ns()))
    vm.hmp("screendump " + path)
    try:
        return vgascreen.decode_screendump(path, vgascreen.font16()), path
    except AssertionError:
        return None, path


def decoded_lines(decoded):
    return vgascreen.lines_of([(0x20 if c is None else c, 7) for c in decoded])


def wait_fb(vm, text, label, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        decoded, path = fb_screen(vm, label)
        if decoded and any(text in line for line in decoded_lines(decoded)):
            return decoded, path
        assert time.monotonic() < deadline, "%r not on the framebuffer within %ss" % (text, timeout)
        time.sleep(0.3)


def wait_text(vm, text, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        cells, cursor = vgascreen.text_buffer(vm)
        if any(text in line for line in vgascreen.lines_of(cells)):
            return cells, cursor
        assert time.monotonic() < deadline, "%r not in the std VGA text buffer within %ss" % (text, timeout)
        time.sleep(0.2)


def colour_mismatches(path, cells, cursor):
    """Cells whose background (9th pixel column of the top line) or
    foreground (any other colour in the cell) is not their attribute's."""
    w, _, px = vgascreen.read_ppm(path)
    bad = []
    for i, (ch, attr) in enumerate(cells):
        r, c = divmod(i, vgascreen.COLS)
        if (r, c) == cursor or 0xC0 <= ch <= 0xDF:
            continue
        x0, y0 = c * vgascreen.CELL_W, r * vgascreen.CELL_H
        at = lambda x, y: tuple(px[((y0 + y) * w + x0 + x) * 3:((y0 + y) * w + x0 + x) * 3 + 3])
        bg = at(8, 0)
        fgs = {at(x, y) for y in range(vgascreen.CELL_H) for x in range(8)} - {bg}
        want_bg, want_fg = EGA[(attr >> 4) & 7], EGA[attr & 15]
        if bg != want_bg or (fgs and fgs != {want_fg}):
            bad.append(((r, c), hex(attr), bg, sorted(fgs)))
    return bad


def compare(decoded, path, cells, cursor):
    lines = "\n".join(vgascreen.lines_of(cells))
    bad = vgascreen.screen_mismatches(decoded, cells, cursor)
    assert not bad, "framebuffer cells that do not show the reference's character: %s\nreference:\n%s\n" \
        "framebuffer:\n%s" % (bad[:10], lines, "\n".join(decoded_lines(decoded)))
    bad = colour_mismatches(path, cells, cursor)
    assert not bad, "framebuffer cells in the wrong colours: %s" % bad[:10]


@pytest.fixture(scope="module")
def grub_image():
    return vgascreen.build_vga_grub_image()


@pytest.mark.parametrize("display", sorted(DISPLAYS))
def test_grub_on_framebuffer(bios, grub_image, display):
    drive = ["-nic", "none", "-drive", "file=%s,format=raw,if=ide,snapshot=on" % grub_image]
    fb = reefqemu.Qemu(bios=bios, args=DISPLAYS[display] + drive, name="vgafb-grub-" + display).start()
    ref = reefqemu.Qemu(bios=bios, args=REFERENCE + drive, name="vgafb-grub-ref-" + display).start()
    try:
        for vm in (fb, ref):
            vm.wait_serial(r"REEF-VGA: press Enter", timeout=60)
        cells, cursor = wait_text(ref, "REEF-VGA: press Enter")
        decoded, path = wait_fb(fb, "REEF-VGA: press Enter", "banner")
        assert decoded_lines(decoded)[0].startswith("ReefBIOS "), "\n".join(decoded_lines(decoded))
        compare(decoded, path, cells, cursor)
        for vm in (fb, ref):
            vm.sendkey("ret")
        for vm in (fb, ref):
            vm.wait_serial(r"REEF-VGA: menu next", timeout=30)
        wait_text(ref, "Second entry")
        wait_fb(fb, "Second entry", "menu")
        time.sleep(0.5)  # GRUB draws the rest of the menu
        cells, cursor = vgascreen.text_buffer(ref)
        decoded, path = fb_screen(fb, "menu")
        assert "GNU GRUB" in "\n".join(decoded_lines(decoded))
        compare(decoded, path, cells, cursor)
        debug = fb.debug_text()
        assert CHOSEN[display] in debug, debug
        if display == "ramfb":
            assert "vgaroms/vgabios-ramfb.bin: ramfb has our framebuffer console already; not run" in debug
        assert "SeaVGABIOS" not in debug
    finally:
        fb.kill()
        ref.kill()


# Prints LINE-01 to LINE-30 through INT 10h AH=0Eh, each with CR LF, and halts.
SCROLL_SECTOR = """
        .code16
        .globl _start
_start: cli
        xorw %ax, %ax
        movw %ax, %ds
        movw %ax, %ss
        movw $0x7c00, %sp
        movb $1, %cl
line:   movw $msg, %si
1:      lodsb
        testb %al, %al
        jz 2f
        call putc
        jmp 1b
2:      movb %cl, %al
        aam
        addw $0x3030, %ax
        pushw %ax
        movb %ah, %al
        call putc
        popw %ax
        call putc
        movb $13, %al
        call putc
        movb $10, %al
        call putc
        incb %cl
        cmpb $31, %cl
        jne line
3:      hlt
        jmp 3b
putc:   pushaw
        movb $0x0e, %ah
        movw $0x0007, %bx
        int $0x10
        popaw
        ret
msg:    .asciz "LINE-"
        .org 510
        .word 0xaa55
"""


@pytest.mark.parametrize("display", sorted(DISPLAYS))
def test_scrolling(bios, tmp_path, display):
    img = reefqemu.build_sector(tmp_path, SCROLL_SECTOR)
    drive = ["-nic", "none", "-drive", "file=%s,format=raw,if=ide,snapshot=on" % img]
    fb = reefqemu.Qemu(bios=bios, args=DISPLAYS[display] + drive, name="vgafb-scroll-" + display).start()
    ref = reefqemu.Qemu(bios=bios, args=REFERENCE + drive, name="vgafb-scroll-ref-" + display).start()
    try:
        cells, cursor = wait_text(ref, "LINE-30")
        decoded, path = wait_fb(fb, "LINE-30", "scroll")
        lines = decoded_lines(decoded)
        assert not any("ReefBIOS" in l for l in lines), "the banner did not scroll away:\n%s" % "\n".join(lines)
        assert lines[23] == "LINE-30", "\n".join(lines)
        compare(decoded, path, cells, cursor)
    finally:
        fb.kill()
        ref.kill()


def test_seabios_runs_its_own_rom(tmp_path):
    """The floor: SeaBIOS runs SeaVGABIOS from bochs-display's ROM BAR; we
    run ours (test_grub_on_framebuffer)."""
    vm = reefqemu.Qemu(bios="/usr/share/seabios/bios-256k.bin", args=DISPLAYS["bochs-display"] + ["-nic", "none"],
                       name="vgafb-seabios").start()
    try:
        vm.wait_debug(r"bochs-display: using \d+x\d+", timeout=30)
    finally:
        vm.kill()


# ---- VGA_PREFER_OURS: our std VGA ROM instead of the device's ----------------

STD_DEVICES = {"VGA": "pc", "virtio-vga": "q35", "qxl-vga": "pc"}


@pytest.fixture(scope="module")
def prefer_ours_bios():
    return reefqemu.build_variant("vga-prefer-ours", ["CONFIG_VGA_PREFER_OURS=y"])


@pytest.mark.parametrize("device", sorted(STD_DEVICES))
def test_prefer_ours(prefer_ours_bios, grub_image, device):
    """With CONFIG_VGA_PREFER_OURS the std VGA core's devices run the std VGA
    ROM built into the BIOS (unpacked), not SeaVGABIOS from the ROM BAR; the
    screen shows what the text buffer holds."""
    args = ["-M", STD_DEVICES[device], "-vga", "none", "-device", device, "-nic", "none",
            "-drive", "file=%s,format=raw,if=ide,snapshot=on" % grub_image]
    if STD_DEVICES[device] == "q35":
        args[-1] = args[-1].replace("if=ide", "if=none,id=d0")
        args += ["-device", "ide-hd,drive=d0"]
    with reefqemu.Qemu(bios=prefer_ours_bios, args=args, name="vga-prefer-" + device) as vm:
        vm.wait_serial(r"REEF-VGA: press Enter", timeout=60)
        cells, cursor = wait_text(vm, "REEF-VGA: press Enter")
        path = os.path.join(vm.dir, "banner.ppm")
        vm.hmp("screendump " + path)
        debug = vm.debug_text()
    assert "ReefBIOS std VGA ROM (built in" in debug, debug
    assert "SeaVGABIOS" not in debug
    assert vgascreen.lines_of(cells)[0].startswith("ReefBIOS ")
    decoded = vgascreen.decode_screendump(path, vgascreen.font16())
    assert not vgascreen.screen_mismatches(decoded, cells, cursor)


def test_default_runs_the_devices_rom(bios):
    """Without VGA_PREFER_OURS (the default) std VGA runs its own ROM (QEMU's SeaVGABIOS)."""
    with reefqemu.Qemu(bios=bios, args=["-nic", "none"], name="vga-default-rom") as vm:
        vm.wait_debug(r"vga: video BIOS initialised", timeout=30)
        debug = vm.debug_text()
    assert "SeaVGABIOS" in debug and "built in" not in debug, debug
