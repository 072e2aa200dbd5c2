#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Build-time check of the ROM image layout.

    checklayout.py bios.elf bios.bin [bios.map]

Fails (exit 1, one line per problem) when the image is not exactly 128 KiB,
when a section overflows or overlaps another, or when any IBM-compatible
fixed entry point or table is not where software expects it: the checks read
the bytes of the finished image and the linker's symbols, independently of
the linker script that placed them. Prints how much of the image is used."""
import re
import subprocess
import sys

ROM_SIZE = 0x20000
ROM_BASE = 0xE0000
FSEG = 0xF0000

# offset in the F-segment -> what must be there
#   ("jmp", sym):    a near jump (E9 rel16 or EB rel8) to the 16-bit symbol
#   ("sym", sym):    the 16-bit symbol itself starts here
#   ("bytes", b):    these exact bytes
#   ("date", None):  an MM/DD/YY string
FIXED = [
    (0xE05B, "POST entry", ("jmp", "entry_post_impl")),
    (0xE2C3, "NMI entry (INT 02h)", ("sym", "entry_nmi")),
    (0xE3FE, "INT 13h fixed disk", ("jmp", "entry_int13")),
    (0xE401, "fixed disk parameter table", ("sym", "fixed_fdpt")),
    (0xE6F2, "INT 19h bootstrap", ("jmp", "entry_int19")),
    (0xE6F5, "configuration table", ("sym", "bios_config_table")),
    (0xE729, "baud rate table", ("sym", "baud_table")),
    (0xE739, "INT 14h serial", ("jmp", "entry_int14")),
    (0xE82E, "INT 16h keyboard", ("jmp", "entry_int16")),
    (0xE987, "INT 09h keyboard IRQ", ("jmp", "entry_int09")),
    (0xEC59, "INT 40h diskette", ("jmp", "entry_int40")),
    (0xEF57, "INT 0Eh diskette IRQ", ("jmp", "entry_int0e")),
    (0xEFC7, "diskette parameter table", ("sym", "diskette_param_table")),
    (0xEFD2, "INT 17h printer", ("jmp", "entry_int17")),
    (0xF045, "INT 10h (functions 0-0Fh)", ("jmp", "entry_int10")),
    (0xF065, "INT 10h video", ("jmp", "entry_int10")),
    (0xF0A4, "video parameter table (INT 1Dh)", ("sym", "video_param_table")),
    (0xF841, "INT 12h memory size", ("jmp", "entry_int12")),
    (0xF84D, "INT 11h equipment", ("jmp", "entry_int11")),
    (0xF859, "INT 15h system services", ("jmp", "entry_int15")),
    (0xFE6E, "INT 1Ah time of day", ("jmp", "entry_int1a")),
    (0xFEA5, "INT 08h timer IRQ", ("jmp", "entry_int08")),
    (0xFF53, "dummy IRET", ("bytes", b"\xcf")),
    (0xFF54, "INT 05h print screen", ("sym", "entry_int05")),
    (0xFFF0, "reset vector", ("bytes", b"\xea\x5b\xe0\x00\xf0")),
    (0xFFF5, "BIOS date", ("date", None)),
    (0xFFFE, "model byte (AT)", ("bytes", b"\xfc")),
]


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
    for m in re.finditer(r"^\s*\.fixed\.[0-9a-f]{4}\s*\n?\s*0x[0-9a-f]+\s+0x([0-9a-f]+)", text, re.M):
        total += int(m.group(1), 16)
    return total


def check(elf, binfile, mapfile):
    errors = []
    img = open(binfile, "rb").read()
    if len(img) != ROM_SIZE:
        errors.append("image is %d bytes, must be exactly %d (128 KiB)" % (len(img), ROM_SIZE))
        return errors, None
    syms = symbols(elf)

    def fbyte(off, n=1):
        pos = FSEG - ROM_BASE + off
        return img[pos:pos + n]

    for off, what, (kind, arg) in FIXED:
        where = "F000:%04X (%s)" % (off, what)
        if kind == "jmp":
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
        elif kind == "sym":
            at = syms.get("_r16_" + arg)
            if at != off:
                errors.append("%s: %s is at %s" % (where, arg, "%04X" % at if at is not None else "nowhere"))
        elif kind == "bytes":
            if fbyte(off, len(arg)) != arg:
                errors.append("%s: expected %s, found %s" % (where, arg.hex(), fbyte(off, len(arg)).hex()))
        elif kind == "date":
            if not re.fullmatch(rb"\d\d/\d\d/\d\d", fbyte(off, 8)):
                errors.append("%s: expected MM/DD/YY, found %r" % (where, fbyte(off, 8)))

    # Loaded sections: inside the image, no two overlapping (by load address).
    secs = sections(elf)
    loaded = sorted((lma, lma + size, name) for name, vma, lma, size, load in secs if load and size)
    for lo, hi, name in loaded:
        if lo < ROM_BASE or hi > ROM_BASE + ROM_SIZE:
            errors.append("section %s [%05x-%05x) lies outside the ROM image" % (name, lo, hi))
    for (lo1, hi1, n1), (lo2, hi2, n2) in zip(loaded, loaded[1:]):
        if lo2 < hi1:
            errors.append("sections %s and %s overlap at %05x" % (n1, n2, lo2))

    sizes = {name: size for name, vma, lma, size, load in secs}
    fixed = fixed_area_bytes(mapfile) if mapfile else None
    text16 = syms.get("_r16_text16_end", 0)
    used = sizes.get(".text32", 0) + sizes.get(".data16", 0) + text16 + (fixed or 0)
    report = {
        "used": used,
        "text32": sizes.get(".text32", 0),
        "data16": sizes.get(".data16", 0),
        "bss16": sizes.get(".bss16", 0),
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
    print("  IMAGE   %d of %d bytes used (%.1f%%): 32-bit POST %d (of %d), 16-bit data %d + bss/stack %d "
          "(of %d), 16-bit code %d, fixed entries %s; fseg pool %d free"
          % (rep["used"], ROM_SIZE, 100.0 * rep["used"] / ROM_SIZE, rep["text32"], 0xC000,
             rep["data16"], rep["bss16"], 0x4000, rep["text16"],
             rep["fixed"] if rep["fixed"] is not None else "?", rep["fseg_pool"]))


if __name__ == "__main__":
    main()
