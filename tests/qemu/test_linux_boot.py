# SPDX-License-Identifier: LGPL-3.0-or-later
"""Boot Debian's cloud kernel through GRUB from an IDE hard disk, under
ReefBIOS and under SeaBIOS with the same QEMU command line, and compare the
memory each one hands to Linux.

    /usr/bin/python3 -m pytest -v tests/qemu/test_linux_boot.py
    REEF_BIOS=/usr/share/seabios/bios-256k.bin ...   # check the test itself

All boots of the selected tests start together when the first test runs (one
per core at a time, see conftest.py); SeaBIOS boots once per memory size and
its results are kept in out/linux-ref/ for the next session.
Logs of each boot: out/qemu-runs/linux-<reef|seabios>-<mem>/."""
import pytest

from linuxboot import GiB, format_map, format_size, overlaps, side_by_side, usable_bytes

MEM_SIZES = ["128M", "512M", "3G", "6G"]
TOLERANCE = 0.01        # "within 1% of SeaBIOS"


def LINUX_BOOT_PLAN(item):
    """The boots each test here needs (read by conftest.py to queue them early)."""
    mem = getattr(item, "callspec", None) and item.callspec.params.get("mem")
    if not mem:
        return []
    return [(role, mem, ()) for role, fixture in (("reef", "ours"), ("seabios", "ref"))
            if fixture in item.fixturenames]


@pytest.fixture(params=MEM_SIZES)
def mem(request):
    return request.param


@pytest.fixture
def ref(linux_boots, seabios, mem):
    """The SeaBIOS boot: must succeed, or the test machinery itself is broken."""
    boot = linux_boots.get("seabios", seabios, mem)
    if not boot.ok:
        pytest.fail("reference boot under SeaBIOS failed, so nothing can be compared "
                    "(image, QEMU or test problem):\n" + boot.failure_text(), pytrace=False)
    return boot


@pytest.fixture
def ours(linux_boots, bios, mem):
    """The boot under the firmware under test (tests check that it succeeded)."""
    return linux_boots.get("reef", bios, mem)


def require_boot(boot, full=False):
    """Fail the test unless the boot reached the end of the report.

    test_boots_to_userspace shows the whole story; the other tests of the same
    boot only say that it failed, to keep the output readable."""
    if boot.ok:
        return
    if full:
        pytest.fail("boot failed: " + boot.failure_text(), pytrace=False)
    pytest.fail("boot failed (details under test_boots_to_userspace[%s]): %s; logs: %s"
                % (boot.mem, boot.error, boot.rundir), pytrace=False)


def within(a, b, tol=TOLERANCE):
    return abs(a - b) <= tol * b


def maps_text(ours, ref):
    o, r = ours.report, ref.report
    return "\n\n".join([
        side_by_side(o.e820, r.e820, "Linux e820, " + ours.label, "Linux e820, " + ref.label),
        side_by_side(o.grub_mmap, r.grub_mmap, "GRUB lsmmap, " + ours.label,
                     "GRUB lsmmap, " + ref.label),
        "logs: %s\n      %s" % (ours.rundir, ref.rundir),
    ])


def test_boots_to_userspace(ours):
    """Firmware -> GRUB (from the IDE disk's MBR) -> Linux -> busybox /init report."""
    require_boot(ours, full=True)
    rep = ours.report
    assert rep.done
    missing = [s for s in ("grub-mmap", "meminfo", "e820", "iomem") if s not in rep.sections]
    assert not missing, "report sections missing: %s\n%s" % (missing, ours.failure_text())
    assert rep.grub_mmap, "GRUB printed no memory map (INT 15h E820 gave nothing?)\n" \
        + ours.failure_text()
    assert rep.e820, "Linux printed no BIOS-e820 lines\n" + ours.failure_text()
    assert rep.mem_total, "no MemTotal in /proc/meminfo\n" + ours.failure_text()


def test_e820_no_overlaps(ours):
    """Neither the firmware's raw map (as GRUB lists it) nor Linux's map overlaps.

    Linux sorts and merges the firmware's map before printing it, so the GRUB
    listing is the one that shows overlaps in what INT 15h E820 returns."""
    require_boot(ours)
    rep = ours.report
    for name, ranges in (("GRUB lsmmap (INT 15h E820 as returned)", rep.grub_mmap),
                         ("Linux BIOS-e820", rep.e820)):
        bad = overlaps(ranges)
        if bad:
            pytest.fail("%s has overlapping ranges:\n%s\n\n%s\n\nlogs: %s" % (
                name, "\n".join("  %s\n  %s" % (a, b) for a, b in bad),
                format_map(ranges, name + ", " + ours.label), ours.rundir), pytrace=False)


def test_usable_ram_matches_seabios(ours, ref, mem):
    """Usable RAM (e820 and MemTotal) within 1% of what SeaBIOS gives Linux."""
    require_boot(ours)
    o, r = ours.report, ref.report
    rows = [
        ("Linux e820 usable", usable_bytes(o.e820), usable_bytes(r.e820)),
        ("GRUB lsmmap usable", usable_bytes(o.grub_mmap), usable_bytes(r.grub_mmap)),
        ("MemTotal", o.mem_total or 0, r.mem_total),
    ]
    bad = [row for row in rows if not within(row[1], row[2])]
    if bad:
        table = "\n".join("  %-20s ours %12d (%s)  SeaBIOS %12d (%s)  %+.2f%%%s" % (
            name, a, format_size(a), b, format_size(b), 100.0 * (a - b) / b if b else 0,
            "   <-- off by more than %g%%" % (TOLERANCE * 100) if (name, a, b) in bad else "")
            for name, a, b in rows)
        pytest.fail("usable RAM with -m %s differs from SeaBIOS:\n%s\n\n%s"
                    % (mem, table, maps_text(ours, ref)), pytrace=False)


def test_ram_above_4g(ours, ref, mem):
    """RAM above 4 GiB reported usable as under SeaBIOS (-m 6G: 3G of it on -M pc)."""
    require_boot(ours)
    a = usable_bytes(ours.report.e820, 4 * GiB)
    b = usable_bytes(ref.report.e820, 4 * GiB)
    if mem == "6G":
        assert b > 0, "SeaBIOS reported no RAM above 4G with -m 6G?\n" + maps_text(ours, ref)
    if not (within(a, b) if b else a == 0):
        pytest.fail("usable RAM above 4G with -m %s: ours %s, SeaBIOS %s\n\n%s"
                    % (mem, format_size(a), format_size(b), maps_text(ours, ref)),
                    pytrace=False)
