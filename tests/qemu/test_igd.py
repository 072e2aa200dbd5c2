# SPDX-License-Identifier: LGPL-3.0-or-later
"""IGD passthrough (docs/igd-passthrough.md) end to end in QEMU.

QEMU has no emulated Intel GPU, so the positive path runs a variant build
with CONFIG_IGD_TEST_OVERRIDE=y (out/igd-test/, built here) and the fw_cfg
file opt/reef/igd-test-gen, which makes the std VGA at 00:02.0 count as an
Intel IGD. The two IGD files are hand-made, as users of older QEMU pass them:

    -fw_cfg name=etc/igd-opregion,file=...    -fw_cfg name=etc/igd-bdsm-size,file=...

Linux boots (GRUB image of tests/qemu/linuxboot.py, all -m 512M):
    igd-on      override build + both files + gen 9  -> stolen memory + OpRegion
    igd-base    override build, no files             -> the baseline for igd-on
    files-only  default build + both files           -> no Intel display: nothing
    reef        default build, no files              -> the baseline for files-only
Firmware-only runs (no disk; the monitor reads guest memory) check the bytes:
the OpRegion copy, and that stolen memory and the OpRegion tail are zeroed
even when the memory held junk before (QEMU's generic loader puts it there).

    /usr/bin/python3 -m pytest -v tests/qemu/test_igd.py
"""
import os
import re
import struct

import pytest

from linuxboot import MiB, GiB, format_map, side_by_side, usable_bytes
from reefqemu import OUT, ROOT, Qemu, build_variant

MEM = "512M"
BDSM_SIZE = 64 * MiB
OPREGION_SIZE = 8192 + 300          # not a page multiple: the tail gets zeroed
VARIANT = os.path.join(OUT, "igd-test")
FILES_DIR = os.path.join(VARIANT, "fwcfg")

BDSM_LINE = re.compile(
    r"^igd: (?P<dev>[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) (?P<id>8086:[0-9a-f]{4}) gen (?P<gen>\d+|\?): "
    r"stolen memory 0x(?P<size>[0-9a-f]+) bytes \(\d+ MiB\) at 0x(?P<addr>[0-9a-f]+), zeroed, e820 reserved; "
    r"(?P<tail>.*)$", re.M)
# The register part of the line: the one that held the address, after the
# generation's own did not; or neither (QEMU's std VGA, used under the test
# override, emulates no BDSM at all).
BDSM_HELD = re.compile(r"^(?:BDSM 0x(?P<first>[0-9A-F]{2}) \((?:32|64)-bit\) did not hold it, so )?"
                       r"BDSM 0x(?P<reg>[0-9A-F]{2}) \((?P<width>32|64)-bit\) = 0x(?P<val>[0-9a-f]+)$")
BDSM_NEITHER = re.compile(r"^neither BDSM 0x(?P<first>[0-9A-F]{2}) nor 0x(?P<second>[0-9A-F]{2}) holds the address")


def bdsm_registers(m):
    """(registers tried in order, the one holding the address or None)."""
    h = BDSM_HELD.match(m["tail"])
    if h:
        return ([h["first"], h["reg"]] if h["first"] else [h["reg"]]), h["reg"]
    n = BDSM_NEITHER.match(m["tail"])
    assert n, "unexpected BDSM register text: " + m["tail"]
    return [n["first"], n["second"]], None
OPREGION_LINE = re.compile(
    r"^igd: (?P<dev>[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) (?P<id>8086:[0-9a-f]{4}) gen (?P<gen>\d+|\?): "
    r"OpRegion 0x(?P<size>[0-9a-f]+) bytes at 0x(?P<addr>[0-9a-f]+), e820 reserved; "
    r"ASLS 0xFC = 0x(?P<val>[0-9a-f]+)$", re.M)


# ---- inputs ----------------------------------------------------------------
def opregion_bytes():
    """An OpRegion-like blob: the signature, then a fixed pseudo-random fill."""
    data = bytearray(b"IntelGraphicsMem")
    x = 0x1234567
    while len(data) < OPREGION_SIZE:
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        data.append((x >> 16) & 0xFF)
    return bytes(data)


def write_if_changed(path, data):
    if not os.path.exists(path) or open(path, "rb").read() != data:
        with open(path, "wb") as f:
            f.write(data)
    return path


def fw_cfg_files():
    os.makedirs(FILES_DIR, exist_ok=True)
    opregion = write_if_changed(os.path.join(FILES_DIR, "opregion.bin"), opregion_bytes())
    bdsm = write_if_changed(os.path.join(FILES_DIR, "bdsm-size.bin"), struct.pack("<Q", BDSM_SIZE))
    junk = write_if_changed(os.path.join(FILES_DIR, "junk.bin"), bytes(range(1, 256)) * 257)
    return opregion, bdsm, junk


def igd_args(opregion, bdsm, gen=None):
    args = ["-fw_cfg", "name=etc/igd-opregion,file=" + opregion,
            "-fw_cfg", "name=etc/igd-bdsm-size,file=" + bdsm]
    if gen is not None:
        args += ["-fw_cfg", "name=opt/reef/igd-test-gen,string=%s" % gen]
    return args


# ---- fixtures --------------------------------------------------------------
@pytest.fixture(scope="module")
def override_bios():
    """out/igd-test/bios.bin: the tree built with CONFIG_IGD_TEST_OVERRIDE=y."""
    try:
        return build_variant("igd-test", ["CONFIG_IGD_TEST_OVERRIDE=y"])
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="module")
def files():
    return fw_cfg_files()


@pytest.fixture(scope="module")
def boots(linux_boots, bios, override_bios, files):
    """The four Linux boots, queued together so that they run in parallel."""
    opregion, bdsm, _ = files
    plan = {
        "igd-on": ("igd-on", override_bios, igd_args(opregion, bdsm, gen=9)),
        # gen 11 on a device whose 0xC0 does not hold (QEMU's xHCI at
        # 00:02.0 on q35 keeps it read-only, as QEMU up to 9.1 does for an
        # IGD): the fallback to 0x5C is logged, the range reserved.
        "igd-gen11": ("igd-gen11", override_bios,
                      ["-M", "q35"] + igd_args(opregion, bdsm, gen=11) + ["-vga", "none", "-device",
                                                                          "qemu-xhci,addr=02.0"]),
        "igd-base": ("igd-base", override_bios, []),
        "files-only": ("files-only", bios, igd_args(opregion, bdsm)),
        "reef": ("reef", bios, []),
    }
    futures = {k: linux_boots.submit(role, path, MEM, tuple(args)) for k, (role, path, args) in plan.items()}
    return {k: f.result() for k, f in futures.items()}


def checked(boot):
    boot.check()
    rep = boot.report
    assert rep.e820, "Linux printed no BIOS-e820 lines\n" + boot.failure_text()
    return rep


def igd_lines(boot):
    return [l for l in boot.debug.splitlines() if l.startswith("igd:")]


def iomem_top(rep):
    """Top-level /proc/iomem entries: [(start, end_exclusive, name)]."""
    out = []
    for line in rep.sections.get("iomem", "").splitlines():
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) : (.+)$", line)
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16) + 1, m.group(3).strip()))
    return out


def e820_entry(rep, start, end):
    """The e820 entry covering [start, end): the range itself, or one it was
    merged into with neighbours of the same type (the ACPI tables and SMBIOS
    share the high zone's reserved pages)."""
    for r in rep.e820:
        if r.start <= start and r.end >= end:
            return r
    return None


# ---- with an IGD (test override) --------------------------------------------
def test_igd_log_names_device_generation_register_address_size(boots):
    boot = boots["igd-on"]
    checked(boot)
    m = BDSM_LINE.search(boot.debug)
    assert m, "no stolen-memory line in the debug log:\n" + "\n".join(igd_lines(boot))
    assert (m["dev"], m["id"], m["gen"]) == ("00:02.0", "8086:5912", "9")
    assert int(m["size"], 16) == BDSM_SIZE
    # gen 9: 0x5C, which QEMU's std VGA (like every emulated device's free
    # config space) holds.
    assert bdsm_registers(m) == (["5C"], "5C"), m["tail"]
    o = OPREGION_LINE.search(boot.debug)
    assert o, "no OpRegion line in the debug log:\n" + "\n".join(igd_lines(boot))
    assert (o["dev"], o["id"], o["gen"]) == ("00:02.0", "8086:5912", "9")
    assert int(o["size"], 16) == OPREGION_SIZE and o["addr"] == o["val"]


@pytest.mark.parametrize("which", ["igd-on", "igd-gen11"])
def test_igd_stolen_memory_reserved_for_linux(boots, which):
    """A reserved range of exactly the requested size, 1 MiB aligned, below
    4 GiB, in the e820 map Linux got and in /proc/iomem; on gen 11 too,
    whose register 0xC0 the device does not hold (the log says what was
    tried)."""
    boot = boots[which]
    rep = checked(boot)
    m = BDSM_LINE.search(boot.debug)
    assert m, "\n".join(igd_lines(boot))
    if which == "igd-gen11":
        assert bdsm_registers(m) == (["C0", "5C"], "5C"), m["tail"]
    start = int(m["addr"], 16)
    end = start + BDSM_SIZE
    assert start % MiB == 0 and end <= 4 * GiB
    e = e820_entry(rep, start, end)
    assert e is not None and e.kind == "reserved", (
        "no e820 entry [0x%x-0x%x) reserved:\n%s" % (start, end, format_map(rep.e820, "Linux e820")))
    io = [r for r in iomem_top(rep) if r[0] == start and r[1] == end]
    assert io and io[0][2].lower() == "reserved", (
        "/proc/iomem has no reserved [0x%x-0x%x):\n%s" % (start, end, rep.sections.get("iomem")))


def test_igd_opregion_reserved_for_linux(boots):
    boot = boots["igd-on"]
    rep = checked(boot)
    o = OPREGION_LINE.search(boot.debug)
    assert o, "\n".join(igd_lines(boot))
    start = int(o["addr"], 16)
    end = start + (OPREGION_SIZE + 4095) // 4096 * 4096
    assert start % 4096 == 0 and end <= 4 * GiB
    e = e820_entry(rep, start, end)
    assert e is not None and e.kind == "reserved", (
        "no e820 entry [0x%x-0x%x) reserved:\n%s" % (start, end, format_map(rep.e820, "Linux e820")))
    assert any(r[0] <= start and r[1] >= end and r[2].lower() == "reserved" for r in iomem_top(rep)), (
        "/proc/iomem does not reserve [0x%x-0x%x):\n%s" % (start, end, rep.sections.get("iomem")))


def subtract(ranges, holes):
    """[(start, end)] of the usable ranges with the holes cut out."""
    out = [(r.start, r.end) for r in ranges if r.usable]
    for hs, he in holes:
        nxt = []
        for s, e in out:
            if he <= s or hs >= e:
                nxt.append((s, e))
                continue
            if s < hs:
                nxt.append((s, hs))
            if he < e:
                nxt.append((he, e))
        out = nxt
    return sorted(out)


def test_igd_usable_ram_drops_by_no_more_than_the_two_ranges(boots):
    """Compared with the same firmware booted without the files, exactly the
    two ranges stop being usable RAM, and nothing below them moves."""
    on_boot = boots["igd-on"]
    on, base = checked(on_boot), checked(boots["igd-base"])
    m, o = BDSM_LINE.search(on_boot.debug), OPREGION_LINE.search(on_boot.debug)
    assert m and o, "\n".join(igd_lines(on_boot))
    bdsm = (int(m["addr"], 16), int(m["addr"], 16) + BDSM_SIZE)
    pages = (OPREGION_SIZE + 4095) // 4096 * 4096
    opr = (int(o["addr"], 16), int(o["addr"], 16) + pages)
    maps = side_by_side(on.e820, base.e820, "Linux e820 with the IGD files", "without")
    drop = usable_bytes(base.e820) - usable_bytes(on.e820)
    assert drop == BDSM_SIZE + pages, "usable RAM dropped by %d bytes, not %d:\n%s" % (
        drop, BDSM_SIZE + pages, maps)
    # Both ranges are out of usable RAM, and no other low memory moved (the
    # high zone's other blocks may sit lower by the OpRegion's pages).
    usable_on = subtract(on.e820, [])
    for lo, hi in (bdsm, opr):
        assert not any(s < hi and e > lo for s, e in usable_on), "[0x%x-0x%x) is usable:\n%s" % (lo, hi, maps)
    assert subtract(on.e820, [(bdsm[0], 4 * GiB)]) == subtract(base.e820, [(bdsm[0], 4 * GiB)]), (
        "usable RAM below the stolen memory differs:\n" + maps)
    # MemTotal is usable RAM minus what the kernel keeps for itself; a map
    # split into more ranges costs it a page or so more of bookkeeping.
    mem_drop = base.mem_total - on.mem_total
    slack = 64 * 1024
    assert BDSM_SIZE <= mem_drop <= BDSM_SIZE + pages + slack, (
        "MemTotal dropped by %d bytes:\n%s" % (mem_drop, maps))


# ---- files, but no Intel display device ----------------------------------------
def test_no_intel_display_no_allocation(boots):
    files_only, plain = boots["files-only"], boots["reef"]
    a, b = checked(files_only), checked(plain)
    assert a.e820 == b.e820, "e820 differs from a boot without the files:\n" + side_by_side(
        a.e820, b.e820, "with the files", "without")
    assert a.grub_mmap == b.grub_mmap, "INT 15h E820 differs:\n" + side_by_side(
        a.grub_mmap, b.grub_mmap, "with the files", "without")
    lines = igd_lines(files_only)
    assert lines == ["igd: fw_cfg has etc/igd-opregion and etc/igd-bdsm-size but no Intel display device "
                     "(vendor 0x8086, class 0x0300/0x0302/0x0380); nothing allocated"], lines
    assert igd_lines(plain) == []


# ---- guest memory, firmware only ----------------------------------------------
def firmware_run(name, bios, args):
    """Boot to "No bootable device" (no disk); returns the running Qemu."""
    vm = Qemu(bios=bios, args=["-M", "pc", "-m", MEM, "-nic", "none"] + list(args), name=name)
    vm.start()
    try:
        vm.wait_debug(r"No bootable device", timeout=30)
    except BaseException:
        vm.kill()
        raise
    return vm


@pytest.mark.parametrize("gen,reg", [(9, "5C"), (12, "C0")])
def test_igd_memory_contents(override_bios, files, gen, reg):
    """The OpRegion bytes are in guest memory at the logged address; stolen
    memory and the OpRegion's last page are zeroed even over old junk."""
    opregion, bdsm, junk = files
    args = igd_args(opregion, bdsm, gen=gen)
    # First run: where do the regions go?
    vm = firmware_run("igd-mem-gen%d" % gen, override_bios, args)
    try:
        m, o = BDSM_LINE.search(vm.debug_text()), OPREGION_LINE.search(vm.debug_text())
        assert m and o, vm.debug_text()
        assert bdsm_registers(m) == ([reg], reg), m["tail"]
        op = int(o["addr"], 16)
        assert vm.read_phys(op, OPREGION_SIZE) == opregion_bytes()
    finally:
        vm.kill()
    bdsm_at = int(m["addr"], 16)
    page_end = op + (OPREGION_SIZE + 4095) // 4096 * 4096
    jsize = os.path.getsize(junk)
    # Second run: junk loaded at the start and end of stolen memory and over
    # the whole OpRegion area before the firmware starts.
    spots = [bdsm_at, bdsm_at + BDSM_SIZE - jsize, page_end - jsize, bdsm_at - jsize]
    loader = []
    for a in spots:
        loader += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (junk, a)]
    vm = firmware_run("igd-mem-junk-gen%d" % gen, override_bios, args + loader)
    try:
        m2, o2 = BDSM_LINE.search(vm.debug_text()), OPREGION_LINE.search(vm.debug_text())
        assert m2 and o2 and m2["addr"] == m["addr"] and o2["addr"] == o["addr"], vm.debug_text()
        for a in spots[:2]:
            assert vm.read_phys(a, 4096) == bytes(4096), "stolen memory at 0x%x not zeroed" % a
            assert vm.read_phys(a + jsize - 4096, 4096) == bytes(4096), "stolen memory not zeroed"
        assert vm.read_phys(op, OPREGION_SIZE) == opregion_bytes()
        tail = page_end - (op + OPREGION_SIZE)
        assert vm.read_phys(op + OPREGION_SIZE, tail) == bytes(tail), "OpRegion tail not zeroed"
        # Just below stolen memory (RAM nobody allocated) the junk is still
        # there: the firmware zeroed what it reserved and nothing else. (Below
        # the OpRegion lie the ACPI and SMBIOS tables, which overwrite it.)
        assert vm.read_phys(bdsm_at - 16, 16) == (bytes(range(1, 256)) * 257)[jsize - 16:jsize]
    finally:
        vm.kill()


def test_igd_bdsm_falls_back_when_the_generations_register_does_not_hold(override_bios, files):
    """gen 9 on QEMU's virtio-vga at 00:02.0, whose 0x5C is read-only (a
    virtio capability) while 0xC0 is free: the address ends up in 0xC0, as on
    QEMU 9.2 for a device it takes for gen 11; the log says both."""
    opregion, bdsm, _ = files
    vm = firmware_run("igd-fallback-virtio-vga", override_bios,
                      ["-vga", "none", "-device", "virtio-vga,addr=02.0"] + igd_args(opregion, bdsm, gen=9))
    try:
        m = BDSM_LINE.search(vm.debug_text())
        assert m, vm.debug_text()
        assert bdsm_registers(m) == (["5C", "C0"], "C0"), m["tail"]
    finally:
        vm.kill()
