#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""VGA ROM objects: every instruction that refers to ROM data (.romdata,
.romvar) must read it through CS (rom_read/rom_copy) or take its address
as an immediate: gcc's 16-bit code reads memory through DS, which the VGA
BIOS leaves at the caller's stack (vgasrc/vgarom.h). It sees direct
(absolute) references; a read through a pointer that holds a ROM address
is beyond it, which is why ROM data is reached only through rom_read().

    scripts/checkvgarefs.py OBJ..."""
import re
import subprocess
import sys

RELOC = re.compile(r"^\s*([0-9a-f]+): (R_386_\w+)\s+(\S+)")
INSN = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)$")


def reads_memory(insn):
    """The instruction has a memory operand (not an immediate or register)."""
    parts = insn.split(None, 1)
    if len(parts) < 2:
        return False
    depth, ops, cur = 0, [], ""
    for c in parts[1].split("#")[0]:
        if c == "," and depth == 0:
            ops.append(cur)
            cur = ""
            continue
        depth += c == "("
        depth -= c == ")"
        cur += c
    ops.append(cur)
    return any(not o.strip().startswith(("$", "%")) for o in ops if o.strip())


def main():
    errors = []
    for obj in sys.argv[1:]:
        out = subprocess.run(["objdump", "-dr", "-m", "i8086", obj], capture_output=True, text=True).stdout
        last = None
        for line in out.splitlines():
            m = INSN.match(line)
            if m:
                last = m.group(3)
                continue
            r = RELOC.match(line)
            if not r or last is None:
                continue
            target = r.group(3)
            if not re.search(r"\.rom(data|var)|vga_font|kModes|kRegs|g_vbe|kVbe", target):
                continue
            if "%cs:" in last or last.startswith(("call", "jmp", "lea")) or not reads_memory(last):
                continue
            errors.append("%s: `%s` reads %s through DS" % (obj, last.strip(), target))
    for e in errors:
        print("checkvgarefs: " + e, file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
