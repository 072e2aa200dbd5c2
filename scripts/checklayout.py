#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Build-time check of the ROM image layout.

    checklayout.py bios.elf bios.bin [bios.map]

Fails (exit 1, one line per problem) when the image is not exactly 256 KiB,
when a section overflows or overlaps another, or when any IBM-compatible
fixed entry point or table is not where software expects it: the checks read
the bytes of the finished image and the linker's symbols, independently of
the linker script that placed them. Prints how much of the image is used."""
import os
import re
import subprocess
import sys

IMAGE_SIZE = 0x40000      # the file; its load addresses run from IMAGE_BASE
IMAGE_BASE = 0xC0000      # first half: POST-only code and data (high alias only)
ROM_BASE = 0xE0000        # second half: the runtime BIOS, also at 0xE0000
FSEG = 0xF0000

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
FIXED_H = os.path.join(ROOT, "src", "fixed.h")


def fixed_entries(path=FIXED_H):
    """The fixed entry points, from src/fixed.h (the list the linker script
    and the IVT set-up use): [(offset, what, kind, symbol)]. kind: JMP (a
    near jump, E9 rel16 or EB rel8, to the 16-bit symbol), SYM (the symbol
    starts here), IRET, RESET (JMP F000:E05B), DATE (MM/DD/YY), MODEL (FC)."""
    rx = re.compile(r'X\((0x[0-9A-Fa-f]+),\s*(\w+),\s*(\w+),\s*(\w+),\s*"([^"]*)"\)')
    entries = [(int(m.group(1), 16), m.group(5), m.group(3), m.group(4))
               for m in rx.finditer(open(path).read())]
    if not entries:
        raise SystemExit("checklayout: no fixed entries found in " + path)
    return entries


EXPECT_BYTES = {"IRET": b"\xcf", "RESET": b"\xea\x5b\xe0\x00\xf0", "MODEL": b"\xfc"}


def symbols(elf):
    out = subprocess.run(["nm", elf], check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


def sections(elf):
    """(name, vma, lma, size, loaded) for every allocated section."""
    out = subprocess.run(["objdump", "-h", elf], check=True, capture_output=True, text=True).stdout
    lines = out.splitlines()
    result = []
    for i, line in enumerate(lines):
        m = re.match(r"\s*\d+\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if not m:
            continue
        flags = lines[i + 1] if i + 1 < len(lines) else ""
        if "ALLOC" not in flags:
            continue
        result.append((m.group(1), int(m.group(3), 16), int(m.group(4), 16), int(m.group(2), 16),
                       "LOAD" in flags))
    return result


def fixed_area_bytes(mapfile):
    """Bytes the fixed entry sections occupy, from the linker map."""
    total = 0
    try:
        text = open(mapfile).read()
    except OSError:
        return None
    for m in re.finditer(r"^\s*\.fixed\.\w+\s*\n?\s*0x[0-9a-f]+\s+0x([0-9a-f]+)", text, re.M):
        total += int(m.group(1), 16)
    return total


def check(elf, binfile, mapfile):
    errors = []
    img = open(binfile, "rb").read()
    if len(img) != IMAGE_SIZE:
        errors.append("image is %d bytes, must be exactly %d (256 KiB)" % (len(img), IMAGE_SIZE))
        return errors, None
    syms = symbols(elf)

    def fbyte(off, n=1):
        pos = FSEG - IMAGE_BASE + off
        return img[pos:pos + n]

    for off, what, kind, arg in fixed_entries():
        where = "F000:%04X (%s)" % (off, what)
        if kind == "JMP":
            target = syms.get("_r16_" + arg)
            if target is None:
                errors.append("%s: symbol %s is missing" % (where, arg))
                continue
            op = fbyte(off)[0]
            if op == 0xE9:
                rel = int.from_bytes(fbyte(off + 1, 2), "little", signed=True)
                dest = (off + 3 + rel) & 0xFFFF
            elif op == 0xEB:
                rel = int.from_bytes(fbyte(off + 1, 1), "little", signed=True)
                dest = (off + 2 + rel) & 0xFFFF
            else:
                errors.append("%s: expected a jump to %s, found byte %02x" % (where, arg, op))
                continue
            if dest != target:
                errors.append("%s: jumps to %04X, but %s is at %04X" % (where, dest, arg, target))
        elif kind == "SYM":
            at = syms.get("_r16_" + arg)
            if at != off:
                errors.append("%s: %s is at %s" % (where, arg, "%04X" % at if at is not None else "nowhere"))
        elif kind in EXPECT_BYTES:
            want = EXPECT_BYTES[kind]
            if fbyte(off, len(want)) != want:
                errors.append("%s: expected %s, found %s" % (where, want.hex(), fbyte(off, len(want)).hex()))
        elif kind == "DATE":
            if not re.fullmatch(rb"\d\d/\d\d/\d\d", fbyte(off, 8)):
                errors.append("%s: expected MM/DD/YY, found %r" % (where, fbyte(off, 8)))
        else:
            errors.append("%s: unknown kind %s in src/fixed.h" % (where, kind))

    # Loaded sections: inside the image, no two overlapping (by load address).
    secs = sections(elf)
    loaded = sorted((lma, lma + size, name) for name, vma, lma, size, load in secs if load and size)
    for lo, hi, name in loaded:
        if lo < IMAGE_BASE or hi > IMAGE_BASE + IMAGE_SIZE:
            errors.append("section %s [%05x-%05x) lies outside the ROM image" % (name, lo, hi))
        post = name in (".init32", ".initdata")
        if post != (hi <= ROM_BASE):
            errors.append("section %s [%05x-%05x) is in the wrong half of the image (POST-only code and data "
                          "below %05x, the runtime from there)" % (name, lo, hi, ROM_BASE))
    for (lo1, hi1, n1), (lo2, hi2, n2) in zip(loaded, loaded[1:]):
        if lo2 < hi1:
            errors.append("sections %s and %s overlap at %05x" % (n1, n2, lo2))

    known = {".rt32text", ".init32", ".initdata", ".initbss", ".data16", ".rt32data", ".bss16", ".rt32bss",
             ".stacks", ".text16", ".init_array"}
    for name, vma, lma, size, load in secs:
        if size and name not in known:
            errors.append("section %s is not placed by src/rom.ld.S (an orphan input section?)" % name)

    sizes = {name: size for name, vma, lma, size, load in secs}
    fixed = fixed_area_bytes(mapfile) if mapfile else None
    text16 = syms.get("_r16_text16_end", 0)
    rt32 = sizes.get(".rt32text", 0)
    init = sizes.get(".init32", 0) + sizes.get(".initdata", 0)
    data = sizes.get(".data16", 0) + sizes.get(".rt32data", 0)
    used = rt32 + init + data + text16 + (fixed or 0)
    report = {
        "used": used,
        "rt32": rt32,
        "init": init,
        "rt32_limit": syms["rtdata_chunk_start"] - ROM_BASE,
        "init_limit": ROM_BASE - IMAGE_BASE,
        "data": data,
        "bss": sizes.get(".bss16", 0) + sizes.get(".rt32bss", 0) + sizes.get(".stacks", 0),
        "rtdata_size": syms["rtdata_chunk_size"],
        "text16": text16,
        "fixed": fixed,
        "fseg_pool": syms.get("fseg_pool_end", 0) - syms.get("fseg_pool_start", 0),
    }
    return errors, report


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: checklayout.py bios.elf bios.bin [bios.map]")
    elf, binfile = sys.argv[1], sys.argv[2]
    mapfile = sys.argv[3] if len(sys.argv) > 3 else re.sub(r"\.elf$", ".map", elf)
    errors, rep = check(elf, binfile, mapfile)
    if errors:
        for e in errors:
            print("checklayout: ERROR: " + e, file=sys.stderr)
        print("checklayout: the image layout is broken (%d problem%s); see src/rom.ld.S"
              % (len(errors), "" if len(errors) == 1 else "s"), file=sys.stderr)
        sys.exit(1)
    print("  IMAGE   %d of %d bytes used (%.1f%%): POST-only code+data %d (of %d); runtime: 32-bit code %d "
          "(of %d), data %d + bss/stacks %d (of %d), 16-bit code %d, fixed entries %s; fseg pool %d free"
          % (rep["used"], IMAGE_SIZE, 100.0 * rep["used"] / IMAGE_SIZE, rep["init"], rep["init_limit"],
             rep["rt32"], rep["rt32_limit"], rep["data"], rep["bss"], rep["rtdata_size"], rep["text16"],
             rep["fixed"] if rep["fixed"] is not None else "?", rep["fseg_pool"]))


if __name__ == "__main__":
    main()
