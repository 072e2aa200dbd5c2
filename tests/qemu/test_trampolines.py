# SPDX-License-Identifier: LGPL-3.0-or-later
"""call32 from a runtime service: its own stack and data, the caller's state restored.

A build with CONFIG_SELFTEST_TRAMPOLINES=y goes, at the end of POST and after
the BIOS is write-protected, through POST -> call16 -> a 16-bit service
(which loads unusual GDTR/IDTR/FS/GS values) -> call32 -> a 32-bit runtime
function and back, twice: the first call stores a value in the 32-bit code's
own data, the second reads it back. It logs the outcome. The test checks that
line, and that the build still boots afterwards."""
import os
import re
import subprocess

import pytest

from reefqemu import OUT, Qemu, build_variant, message_sector

@pytest.fixture(scope="module")
def selftest_bios():
    try:
        return build_variant("selftest", ["CONFIG_SELFTEST_TRAMPOLINES=y"])
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


def test_call32_from_a_service(selftest_bios, tmp_path):
    img = message_sector(tmp_path, "BOOTED")
    vm = Qemu(bios=selftest_bios, name="selftest", args=[
        "-M", "pc", "-m", "128M", "-drive", "file=%s,format=raw,if=ide" % img])
    with vm:
        m = vm.wait_debug(r"^selftest: .*$", timeout=60)
        vm.wait_serial(r"BOOTED", timeout=30)
    line = m.group(0)
    assert "OK" in line and "FAILED" not in line, line
    assert "after the write protection" in line, line
    assert "kept its data across two calls (0xc0de1234)" in line, line
    assert re.search(r"esp 0x[0-9a-f]+", line), line


def test_default_build_has_no_selftest():
    """The test aid stays out of the default image (its code is dropped)."""
    syms = subprocess.run(["nm", os.path.join(OUT, "bios.elf")], capture_output=True, text=True,
                          check=True).stdout
    assert "selftest" not in syms
