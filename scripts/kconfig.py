#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Kconfig front end for the build: defconfig, olddefconfig, menuconfig and
header generation, through Debian's python3-kconfiglib.

The generated header defines every option: bools as 0/1 (so C++ can use
`if (CONFIG_X)` and keep both branches compiled), ints and hexes as numbers,
strings as string literals."""
import os
import sys

try:
    import kconfiglib
except ImportError:
    sys.exit("kconfig: python3-kconfiglib is missing; run: apt-get install python3-kconfiglib "
             "(and use /usr/bin/python3)")


def load(kconfig, config):
    kc = kconfiglib.Kconfig(kconfig, warn_to_stderr=False)
    if os.path.exists(config):
        kc.load_config(config)
    return kc


def write_header(kc, path):
    lines = ["/* Generated from .config by scripts/kconfig.py: do not edit. */",
             "#pragma once"]
    for sym in kc.unique_defined_syms:
        if sym.type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            lines.append("#define CONFIG_%s %d" % (sym.name, 1 if sym.str_value == "y" else 0))
        elif sym.type in (kconfiglib.INT, kconfiglib.HEX):
            val = sym.str_value or "0"
            lines.append("#define CONFIG_%s %s" % (sym.name, val))
        elif sym.type == kconfiglib.STRING:
            lines.append('#define CONFIG_%s "%s"' % (sym.name, kconfiglib.escape(sym.str_value)))
    text = "\n".join(lines) + "\n"
    if os.path.exists(path) and open(path).read() == text:
        return
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: kconfig.py {defconfig|olddefconfig|menuconfig|header} Kconfig .config [out.h]")
    cmd, kconfig, config = sys.argv[1], sys.argv[2], sys.argv[3]
    if cmd == "defconfig":
        kc = kconfiglib.Kconfig(kconfig, warn_to_stderr=False)
        print(kc.write_config(config))
    elif cmd == "olddefconfig":
        kc = load(kconfig, config)
        print(kc.write_config(config))
    elif cmd == "menuconfig":
        os.environ["KCONFIG_CONFIG"] = config
        import menuconfig
        menuconfig.menuconfig(load(kconfig, config))
    elif cmd == "header":
        write_header(load(kconfig, config), sys.argv[4])
    else:
        sys.exit("kconfig: unknown command " + cmd)


if __name__ == "__main__":
    main()
