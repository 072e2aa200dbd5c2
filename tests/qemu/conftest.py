# SPDX-License-Identifier: LGPL-3.0-or-later
"""Fixtures of the QEMU boot tests.

Firmware under test: out/bios.bin, or the file named by REEF_BIOS.
Reference firmware: Debian's SeaBIOS, or the file named by REEF_SEABIOS.

    bios           path of the firmware under test
    seabios        path of the reference firmware
    bios_variant   parametrized: ("reef", bios) and ("seabios", seabios), to
                   run one scenario under both
    grub_image     linuxboot.GrubImage, built or reused by scripts/mkgrubimage.sh
    linux_boots    linuxboot.LinuxBootPool for the session; before the first
                   test that uses it, it queues every boot that the selected
                   tests will ask for (see linux_boot_plan below), so they
                   run in parallel

Environment: REEF_TEST_JOBS (parallel boots, default one per core),
REEF_TIMEOUT_SCALE (multiplies boot timeouts), REEF_NO_REF_CACHE=1 (always
boot SeaBIOS instead of reusing out/linux-ref/)."""
import os

import pytest

import linuxboot
import reefqemu


def _env_path(var, default):
    val = os.environ.get(var)
    return os.path.abspath(val) if val else default


@pytest.fixture(scope="session")
def bios():
    path = _env_path("REEF_BIOS", reefqemu.REEF_BIOS)
    if not os.path.isfile(path):
        pytest.fail("firmware under test not found: %s (run `make`, or set REEF_BIOS)" % path,
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def seabios():
    path = _env_path("REEF_SEABIOS", reefqemu.SEABIOS)
    if not os.path.isfile(path):
        pytest.fail("reference SeaBIOS not found: %s (scripts/deps.sh installs it, "
                    "or set REEF_SEABIOS)" % path, pytrace=False)
    return path


@pytest.fixture(params=["reef", "seabios"])
def bios_variant(request):
    """(role, path): the test runs once under each firmware."""
    return request.param, request.getfixturevalue(
        "bios" if request.param == "reef" else "seabios")


@pytest.fixture(scope="session")
def grub_image():
    try:
        return linuxboot.build_grub_image()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


def linux_boot_plan(item):
    """Boots (role, mem) that a collected test will ask linux_boots for.

    A test module declares them with a module-level LINUX_BOOT_PLAN(item)
    function returning [(role, mem, extra_args), ...]; see test_linux_boot.py."""
    plan = getattr(item.module, "LINUX_BOOT_PLAN", None)
    return plan(item) if plan else []


@pytest.fixture(scope="session")
def linux_boots(request, grub_image):
    pool = linuxboot.LinuxBootPool(grub_image, cache_roles={"seabios"})
    paths = {}
    # Queue what the selected tests need, in test order, all at once.
    for item in request.session.items:
        for role, mem, extra in linux_boot_plan(item):
            if role not in paths:
                paths[role] = request.getfixturevalue("bios" if role == "reef" else "seabios")
            pool.submit(role, paths[role], mem, extra)
    yield pool
    pool.close()
    _BOOT_TIMES.extend(pool.summary())


_BOOT_TIMES = []


def pytest_terminal_summary(terminalreporter):
    """One line per Linux boot: how long it took and how far it got."""
    if _BOOT_TIMES:
        terminalreporter.write_sep("-", "Linux boots")
        for line in _BOOT_TIMES:
            terminalreporter.write_line(line)
