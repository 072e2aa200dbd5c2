# SPDX-License-Identifier: LGPL-3.0-or-later
"""The build-time checks catch what they are for, on a broken copy of the tree.

Each test copies the tree (with the current build's objects, so only the
edited file recompiles), breaks one source file and runs `make`; the build
must fail with a message that names the problem. The unmodified copy must
build (that is the first test):

* scripts/stackcheck.py: a 16-bit service calls a function with a 4 KiB
  frame: the runtime 16-bit stack is too small, and the path is named;
* scripts/checkrefs.py: runtime 32-bit code calls POST-only code;
* scripts/checkrefs.py: a source built in both modes defines writable data;
* scripts/checkrefs.py: position-independent code (the BIOS32 entries) that
  calls code that is not, or uses an absolute address."""
import os
import shutil
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = os.path.join(ROOT, "out", "broken-trees")
BUILD_DIRS = ["o16", "o32", "pi", "init", "vga", "vgasrc"]
BUILD_FILES = ["autoconf.h", "version.h", "asm-offsets.h", "asm-offsets.h.d", "rom.ld"]


@pytest.fixture(scope="module")
def built():
    subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, "all"], check=True,
                   capture_output=True)
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout.split()
    untracked = subprocess.run(["git", "ls-files", "--others", "--exclude-standard"], cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout.split()
    return [p for p in tracked + untracked if os.path.isfile(os.path.join(ROOT, p))]


def build_broken(files, name, path=None, edit=None):
    """Copies the tree to out/broken-trees/<name>, applies `edit` to `path`,
    runs make there; returns (returncode, output)."""
    tree = os.path.join(WORK, name)
    shutil.rmtree(tree, ignore_errors=True)
    for p in files:
        if p.startswith("out/"):
            continue
        dst = os.path.join(tree, p)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, p), dst)
    # The current objects, with their times, so make rebuilds only the edit.
    out = os.path.join(tree, "out")
    os.makedirs(out)
    for d in BUILD_DIRS:
        shutil.copytree(os.path.join(ROOT, "out", d), os.path.join(out, d))
    for f in BUILD_FILES:
        if os.path.exists(os.path.join(ROOT, "out", f)):
            shutil.copy2(os.path.join(ROOT, "out", f), os.path.join(out, f))
    if os.path.exists(os.path.join(ROOT, ".config")):
        shutil.copy2(os.path.join(ROOT, ".config"), os.path.join(tree, ".config"))
    if path:
        src = open(os.path.join(tree, path)).read()
        broken = edit(src)
        assert broken != src, "the edit did not change " + path
        with open(os.path.join(tree, path), "w") as f:
            f.write(broken)
    p = subprocess.run(["make", "-j2", "--no-print-directory", "-C", tree, "all"], capture_output=True,
                       text=True)
    return p.returncode, p.stdout + p.stderr


def test_unmodified_copy_builds(built):
    rc, out = build_broken(built, "ok")
    assert rc == 0, out
    assert "STACK   runtime 16-bit stack" in out or "IMAGE" in out or out == "", out


def test_deep_service_fails_the_stack_check(built):
    deep = '''
namespace {
[[gnu::noinline]] unsigned deep_scratch(unsigned x) {
    volatile unsigned char buf[4096];
    for (unsigned i = 0; i < sizeof(buf); i++) buf[i] = (unsigned char)(x + i);
    return buf[x & 4095];
}
}  // namespace

HANDLER(handle_int1a) {
    if (r->ax == 0xDEEB) r->ax = u16(deep_scratch(r->bx));
'''
    rc, out = build_broken(built, "deep", "src/svc/int1a.cc", lambda s: s.replace("HANDLER(handle_int1a) {\n",
                                                                                   deep, 1))
    assert rc != 0, out
    assert "stackcheck: ERROR: runtime 16-bit stack too small" in out, out
    assert "handle_int1a" in out and "deep_scratch" in out, out


def test_runtime_code_calling_post_code_fails(built):
    edit = lambda s: s.replace("    return dispatch(req);\n}", "    ata_setup();\n    return dispatch(req);\n}", 1)
    rc, out = build_broken(built, "initref", "src/block/block32.cc", edit)
    assert rc != 0, out
    assert "checkrefs: ERROR: src/block/block32: runtime section .text.c32_block_io references POST-only " \
           "_ZN4reef9ata_setupEv (in src/hw/ata_setup)" in out, out


def test_writable_data_in_a_file_built_in_both_modes_fails(built):
    edit = lambda s: s.replace("void udelay(u32 us) {", "u32 g_udelay_calls;\n\nvoid udelay(u32 us) {\n"
                               "    g_udelay_calls++;", 1)
    rc, out = build_broken(built, "bothdata", "src/hw/timer.cc", edit)
    assert rc != 0, out
    assert "checkrefs: ERROR: src/hw/timer is built in both modes but defines writable data" in out, out


def test_position_independent_code_calling_other_code_fails(built):
    def edit(s):
        s = s.replace('#include "lib/log.h"\n', '#include "lib/log.h"\n#include "lib/console.h"\n', 1)
        return s.replace("void pcibios_call(Regs16* r) {\n",
                         "void pcibios_call(Regs16* r) {\n    console_printf(\"x\");\n", 1)
    rc, out = build_broken(built, "picall", "src/svc/pcibios.cc", edit)
    assert rc != 0, out
    assert "checkrefs: ERROR: src/svc/pcibios: position-independent section .text._ZN4reef12pcibios_callEPNS_" \
           "6Regs16E calls _ZN4reef14console_printfEPKcz in src/lib/console, which is not " \
           "position-independent" in out, out


def test_position_independent_code_with_an_absolute_address_fails(built):
    edit = lambda s: s.replace("leal pcibios32_entry@GOTOFF(%ecx), %edx", "movl $pcibios32_entry, %edx", 1)
    rc, out = build_broken(built, "piabs", "src/svc/bios32.S", edit)
    assert rc != 0, out
    assert "checkrefs: ERROR: src/svc/bios32: position-independent section .text.bios32 has a R_386_32 " \
           "relocation against pcibios32_entry" in out, out
