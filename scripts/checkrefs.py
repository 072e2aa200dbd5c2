#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Build-time check of what the firmware's objects reference and define.

    checkrefs.py --rt16 A.o16 ... --rt32 B.o32 ... --pi P.opi ... --init C.oinit ...
                 --both D.o16 D.o32 ...

Run by the Makefile on every link. Fails (exit 1, one line per problem) when:

  * runtime code or data (16-bit objects, 32-bit runtime objects, outside
    their .init.* sections) references a symbol that lives in POST-only
    code or data (32-bit POST objects, or .init.* sections anywhere): after
    POST that memory belongs to the OS, so such a reference is a bug waiting
    for the first boot loader that reuses it;
  * an object built from a source that is built in both modes (--both)
    defines writable data (.data/.bss or COMMON): each mode would get its
    own copy, and the two would silently disagree. Shared state is a runtime
    variable (DEFINE_RTVAR in a 16-bit-only source; lib/mode.h);
  * position-independent code (--pi objects, pi32 in src/sources.list,
    src/lib/pi.h) could go wrong at an address other than its link address:
    a relocation that is not PC-relative or relative to the GOT base (an
    absolute address, a GOT entry), a call or jump into code that is not
    position-independent, an address taken of anything but position-
    independent code/data, 16-bit runtime data (through RT()) or the
    runtime data segment's origin (bios_ptr()), or writable data of its own.

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
        self.region = region  # "rt16", "rt32", "pi" or "init"
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
    errors += check_pi(objs, defined)
    return sorted(set(errors))


# Relocations position-independent code may carry (i386): PC-relative calls
# and jumps, the GOT base (call/pop + GOTPC), addresses relative to it.
PI_PCREL = ("R_386_PC32", "R_386_PLT32")
PI_OK = PI_PCREL + ("R_386_GOTPC", "R_386_GOTOFF", "R_386_NONE")
# Linker-script symbols position-independent code may take the address of.
PI_LINKER_SYMBOLS = {"_r16_data16_start", "_GLOBAL_OFFSET_TABLE_"}


def reloc_type_name(elf, rel):
    from elftools.elf.descriptions import describe_reloc_type
    return describe_reloc_type(rel["r_info_type"], elf)


def check_pi(objs, defined):
    """The rules for --pi objects (see the module docstring)."""
    errors = []
    for o in objs:
        if o.region != "pi":
            continue
        src = source_of(o.path)
        for sec in o.elf.iter_sections():
            if is_writable_data(sec.name) and sec["sh_size"]:
                errors.append("%s is position-independent code but defines writable data (%s, %d bytes): "
                              "use a runtime variable (RT())" % (src, sec.name, sec["sh_size"]))
        for sec in o.elf.iter_sections():
            if not isinstance(sec, RelocationSection):
                continue
            target_sec = o.elf.get_section(sec["sh_info"])
            if target_sec.name.startswith(".debug") or not target_sec["sh_flags"] & 2:  # SHF_ALLOC
                continue
            symtab = o.elf.get_section(sec["sh_link"])
            for rel in sec.iter_relocations():
                kind = reloc_type_name(o.elf, rel)
                sym = symtab.get_symbol(rel["r_info_sym"])
                shndx = sym["st_shndx"]
                name = sym.name or (o.elf.get_section(shndx).name if isinstance(shndx, int) else "?")
                where = "%s: position-independent section %s" % (src, target_sec.name)
                if kind not in PI_OK:
                    errors.append("%s has a %s relocation against %s: an absolute address or a GOT entry, "
                                  "wrong when the code runs away from its link address" % (where, kind, name))
                    continue
                if kind == "R_386_NONE":
                    continue
                if isinstance(shndx, int):
                    # Defined in this object: a local section or symbol.
                    if is_writable_data(o.elf.get_section(shndx).name):
                        errors.append("%s refers to writable data %s of its own" % (where, name))
                    continue
                if shndx != "SHN_UNDEF":
                    continue
                owner = defined.get(sym.name)
                if kind == "R_386_GOTPC":
                    if sym.name != "_GLOBAL_OFFSET_TABLE_":
                        errors.append("%s: GOTPC relocation against %s" % (where, sym.name))
                    continue
                if owner is None:
                    if sym.name not in PI_LINKER_SYMBOLS:
                        errors.append("%s refers to the linker-script symbol %s (%s); position-independent "
                                      "code may only use %s" % (where, sym.name, kind,
                                                                ", ".join(sorted(PI_LINKER_SYMBOLS))))
                    continue
                region, obj = owner
                if obj.region == "pi":
                    continue
                if kind in PI_PCREL:
                    errors.append("%s calls %s in %s, which is not position-independent (build it pi32, "
                                  "src/sources.list)" % (where, sym.name, source_of(obj.path)))
                elif obj.region == "rt16" and not is_16bit_text(obj, sym.name):
                    continue  # 16-bit runtime data, reached through RT()
                else:
                    errors.append("%s takes the address of %s in %s (%s code/data: not reachable "
                                  "position-independently)" % (where, sym.name, source_of(obj.path), obj.region))
    return errors


def is_16bit_text(obj, name):
    for sym in obj.symbols:
        if sym.name == name and isinstance(sym["st_shndx"], int):
            return obj.elf.get_section(sym["st_shndx"]).name.startswith(".text")
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rt16", nargs="*", default=[])
    ap.add_argument("--rt32", nargs="*", default=[])
    ap.add_argument("--pi", nargs="*", default=[])
    ap.add_argument("--init", nargs="*", default=[])
    ap.add_argument("--both", nargs="*", default=[])
    a = ap.parse_args()
    objs = [Obj(p, "rt16") for p in a.rt16] + [Obj(p, "rt32") for p in a.rt32] + \
           [Obj(p, "pi") for p in a.pi] + [Obj(p, "init") for p in a.init]
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
