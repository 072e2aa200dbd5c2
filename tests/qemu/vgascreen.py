# SPDX-License-Identifier: LGPL-3.0-or-later
"""Reading a VGA text screen back, for the VGA BIOS tests (test_vga.py):

    text_buffer(vm)          the 80x25 characters and attributes at B8000h
    decode_screendump(path, font)
                             the characters a QMP/HMP `screendump` of a
                             720x400 text mode shows, by matching every
                             9x16 cell against the glyphs of `font`
    build_vga_grub_image()   the GRUB image of tests/payloads/vga/grub.cfg"""
import hashlib
import os
import subprocess
import sys

import reefqemu

sys.path.insert(0, os.path.join(reefqemu.ROOT, "scripts"))
import mkvgafont  # noqa: E402

COLS, ROWS, CELL_W, CELL_H = 80, 25, 9, 16
# Glyphs with no pixels: the same on screen.
BLANKS = {0x00, 0x20, 0xFF}


def font16():
    return mkvgafont.cp437_font(16)


def text_buffer(vm):
    """[(char, attr)] * 2000 of page 0 at B8000h, and the cursor (row, col)."""
    raw = vm.read_phys_file(0xB8000, COLS * ROWS * 2)
    cells = [(raw[i], raw[i + 1]) for i in range(0, len(raw), 2)]
    pos = vm.read_phys(0x450, 2)
    return cells, (pos[1], pos[0])


def lines_of(cells):
    """The characters as 25 strings (CP437, blanks as spaces)."""
    out = []
    for r in range(ROWS):
        row = bytes(0x20 if c in BLANKS else c for c, _ in cells[r * COLS:(r + 1) * COLS])
        out.append(row.decode("cp437").rstrip())
    return out


def read_ppm(path):
    data = open(path, "rb").read()
    magic, dims, maxval, pixels = data.split(b"\n", 3)
    assert magic == b"P6" and maxval == b"255", "not a binary 8-bit PPM: %s" % path
    w, h = map(int, dims.split())
    return w, h, pixels


def decode_screendump(path, font):
    """[code or None] * 2000: the glyph of `font` each cell of a 720x400
    screendump shows (None: no glyph matches). A cell's background is the
    colour of its top-right pixel (the ninth column, blank in every glyph
    but the full blocks)."""
    w, h, px = read_ppm(path)
    assert (w, h) == (COLS * CELL_W, ROWS * CELL_H), "screendump is %dx%d, not a 80x25 text mode" % (w, h)
    glyphs = {}
    for code in range(256):
        glyphs.setdefault(font[code * 16:(code + 1) * 16], code)
    out = []
    for r in range(ROWS):
        for c in range(COLS):
            x0, y0 = c * CELL_W, r * CELL_H
            bg = px[(y0 * w + x0 + 8) * 3:(y0 * w + x0 + 8) * 3 + 3]
            rows = bytearray()
            for y in range(CELL_H):
                bits = 0
                base = ((y0 + y) * w + x0) * 3
                for x in range(8):
                    if px[base + x * 3:base + x * 3 + 3] != bg:
                        bits |= 0x80 >> x
                rows.append(bits)
            out.append(glyphs.get(bytes(rows)))
    return out


def screen_mismatches(decoded, cells, cursor):
    """Cells whose screendump glyph is not their character in the text
    buffer (blanks are one), the cursor's cell left out."""
    bad = []
    for i, ((ch, _), got) in enumerate(zip(cells, decoded)):
        if divmod(i, COLS) == cursor:
            continue
        want = 0x20 if ch in BLANKS else ch
        have = 0x20 if got in BLANKS else got
        if want != have:
            bad.append((divmod(i, COLS), want, have))
    return bad


def build_vga_grub_image():
    """out/payloads/vga-grub.img: GRUB (i386-pc) with tests/payloads/vga/grub.cfg;
    rebuilt when the configuration or GRUB changes."""
    cfg = os.path.join(reefqemu.PAYLOADS, "vga", "grub.cfg")
    img = os.path.join(reefqemu.PAYLOAD_BUILD, "vga-grub.img")
    ver = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "grub-pc-bin"], capture_output=True,
                         text=True).stdout
    key = hashlib.sha256(open(cfg, "rb").read() + ver.encode()).hexdigest()
    if os.path.exists(img) and open(img + ".key").read() == key if os.path.exists(img + ".key") else False:
        return img
    build = img + ".build"
    os.makedirs(os.path.join(build, "boot", "grub"), exist_ok=True)
    with open(os.path.join(build, "boot", "grub", "grub.cfg"), "w") as f:
        f.write(open(cfg).read())
    subprocess.run(["grub-mkrescue", "-d", "/usr/lib/grub/i386-pc", "-o", img + ".tmp", "--fonts=", "--locales=",
                    "--themes=", build], check=True, capture_output=True)
    os.replace(img + ".tmp", img)
    with open(img + ".key", "w") as f:
        f.write(key)
    return img


def decode_graphics_text(path, font, cell_w=8, cell_h=16):
    """The text a graphics-mode screendump shows in `font`'s 8x16 glyphs on
    a grid of cells whose top may be offset (boot menus centre their rows):
    for each vertical offset, every cell's pixels not of its most common
    colour make the glyph; the offset that decodes the most glyphs wins.
    Returns (width, height, [line strings], y offset); '?' for no glyph."""
    import collections
    w, h, px = read_ppm(path)
    glyphs = {}
    for code in range(256):
        glyphs.setdefault(font[code * 16:(code + 1) * 16], code)
    best = None
    for oy in range(cell_h):
        lines, found = [], 0
        for r in range((h - oy) // cell_h):
            line = ""
            for c in range(w // cell_w):
                x0, y0 = c * cell_w, oy + r * cell_h
                cell = [[px[((y0 + y) * w + x0 + x) * 3:((y0 + y) * w + x0 + x) * 3 + 3] for x in range(cell_w)]
                        for y in range(cell_h)]
                bg = collections.Counter(p for row in cell for p in row).most_common(1)[0][0]
                bits = bytes(sum(0x80 >> x for x in range(cell_w) if row[x] != bg) for row in cell)
                g = glyphs.get(bits)
                if g is not None and g not in BLANKS:
                    found += 1
                line += "?" if g is None else " " if g in BLANKS else bytes([g]).decode("cp437")
            lines.append(line)
        if best is None or found > best[0]:
            best = (found, lines, oy)
    return w, h, best[1], best[2]
