#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Build-time check of what the firmware's objects reference and define.

    checkrefs.py --rt16 A.o16 ... --rt32 B.o32 ... --init C.oinit ... --both D.o16 D.o32 ...

Run by the Makefile on every link. Fails (exit 1, one line per problem) when:

  * runtime code or data (16-bit objects, 32-bit runtime objects, outside
    their .init.* sections) references a symbol that lives in POST-only
    code or data (32-bit POST objects, or .init.* sections anywhere): after
    POST that memory belongs to the OS, so such a reference is a bug waiting
    for the first boot loader that reuses it;
  * an object built from a source that is built in both modes (--both)
    defines writable data (.data/.bss or COMMON): each mode would get its
    own copy, and the two would silently disagree. Shared state is a runtime
    variable (DEFINE_RTVAR in a 16-bit-only source; lib/mode.h).

The classification comes from src/sources.list through the Makefile."""
import argparse
import os
import sys

from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection
from elftools.elf.sections import SymbolTableSection

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def is_init_section(name):
    return name.startswith(".init.")


def is_writable_data(name):
    return name.startswith((".data", ".bss")) or name == "COMMON"


def source_of(obj):
    """out/o16/src/hw/ata.o16 -> src/hw/ata (for messages)."""
    rel = os.path.relpath(obj, ROOT)
    parts = rel.split(os.sep)
    for i, p in enumerate(parts):
        if p == "src":
            return os.path.splitext(os.sep.join(parts[i:]))[0]
    return rel


class Obj:
    def __init__(self, path, region):
        self.path = path
        self.region = region  # "rt16", "rt32" or "init"
        self.f = open(path, "rb")
        self.elf = ELFFile(self.f)
        self.sections = [s.name for s in self.elf.iter_sections()]
        self.symtab = next((s for s in self.elf.iter_sections() if isinstance(s, SymbolTableSection)), None)
        self.symbols = list(self.symtab.iter_symbols()) if self.symtab else []

    def section_region(self, shndx):
        """'init' or 'runtime' for a section index of this object."""
        if self.region == "init":
            return "init"
        name = self.elf.get_section(shndx).name
        return "init" if is_init_section(name) else "runtime"

    def close(self):
        self.f.close()


def check(objs, both):
    errors = []
    # Where each global symbol is defined: name -> (region, object).
    defined = {}
    for o in objs:
        for sym in o.symbols:
            if sym["st_info"]["bind"] == "STB_LOCAL" or not sym.name:
                continue
            shndx = sym["st_shndx"]
            if shndx in ("SHN_UNDEF", "SHN_ABS"):
                continue
            if shndx == "SHN_COMMON":
                defined[sym.name] = ("init" if o.region == "init" else "runtime", o)
                continue
            defined[sym.name] = (o.section_region(shndx), o)

    for o in objs:
        if o.region == "init":
            continue
        for sec in o.elf.iter_sections():
            if not isinstance(sec, RelocationSection):
                continue
            target_sec = o.elf.get_section(sec["sh_info"])
            if is_init_section(target_sec.name) or target_sec.name.startswith(".debug"):
                continue
            symtab = o.elf.get_section(sec["sh_link"])
            for rel in sec.iter_relocations():
                sym = symtab.get_symbol(rel["r_info_sym"])
                shndx = sym["st_shndx"]
                if shndx == "SHN_UNDEF":
                    where = defined.get(sym.name)
                    region = where[0] if where else None  # None: a linker-script symbol
                    name = sym.name
                elif isinstance(shndx, int):
                    region = o.section_region(shndx)
                    name = sym.name or o.elf.get_section(shndx).name
                else:
                    continue
                if region == "init":
                    errors.append("%s: runtime section %s references POST-only %s%s"
                                  % (source_of(o.path), target_sec.name, name,
                                     " (in %s)" % source_of(where[1].path) if shndx == "SHN_UNDEF" else ""))

    for o in objs:
        if o.path not in both:
            continue
        for sec in o.elf.iter_sections():
            if is_writable_data(sec.name) and sec["sh_size"]:
                errors.append("%s is built in both modes but defines writable data (%s, %d bytes, %s build): "
                              "use a runtime variable (DEFINE_RTVAR in a 16-bit-only file) or make it const"
                              % (source_of(o.path), sec.name, sec["sh_size"],
                                 "16-bit" if o.region == "rt16" else "32-bit"))
        for sym in o.symbols:
            if sym["st_shndx"] == "SHN_COMMON":
                errors.append("%s is built in both modes but defines the common symbol %s"
                              % (source_of(o.path), sym.name))
    return sorted(set(errors))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rt16", nargs="*", default=[])
    ap.add_argument("--rt32", nargs="*", default=[])
    ap.add_argument("--init", nargs="*", default=[])
    ap.add_argument("--both", nargs="*", default=[])
    a = ap.parse_args()
    objs = [Obj(p, "rt16") for p in a.rt16] + [Obj(p, "rt32") for p in a.rt32] + \
           [Obj(p, "init") for p in a.init]
    errors = check(objs, set(a.both))
    for o in objs:
        o.close()
    if errors:
        for e in errors:
            print("checkrefs: ERROR: " + e, file=sys.stderr)
        print("checkrefs: %d problem%s; see src/sources.list and docs/memory-layout.md"
              % (len(errors), "" if len(errors) == 1 else "s"), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
