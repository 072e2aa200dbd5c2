# SPDX-License-Identifier: LGPL-3.0-or-later
"""ACPI: QEMU's tables through the table loader, as Linux and iasl see them.

* Linux booted under ReefBIOS and under SeaBIOS on the same command line
  finds the same ACPI tables, logs no ACPI error, and `poweroff -f` (the
  test initramfs's last command when ACPI is there) makes QEMU exit by
  itself ("reboot: Power down").
* The tables in guest memory, read through the monitor at the boot sector
  (RSDP in the F-segment -> RSDT -> every table, the FACS and DSDT from the
  FADT), have valid checksums and `iasl -d` decompiles every one of them
  (but the RSDP, which has no table header); their signatures match
  SeaBIOS's."""
import os
import re
import shutil
import struct
import subprocess

import pytest

from reefqemu import Qemu, disk_args, message_sector

LINUX_MEM = "512M"


def LINUX_BOOT_PLAN(item):
    if "linux" not in item.name:
        return []
    return [("reef", LINUX_MEM, ()), ("seabios", LINUX_MEM, ())]


def table_list(boot):
    return sorted(boot.report.sections.get("acpi-tables", "").split())


def test_linux_finds_the_tables_and_powers_off(linux_boots, bios, seabios):
    ref = linux_boots.get("seabios", seabios, LINUX_MEM)
    ours = linux_boots.get("reef", bios, LINUX_MEM)
    assert ref.ok, ref.failure_text()
    ours.check()
    assert table_list(ref), "SeaBIOS's boot shows no ACPI tables: the test machinery is broken"
    assert table_list(ours) == table_list(ref), (table_list(ours), table_list(ref))
    dmesg = ours.report.sections.get("acpi-dmesg", "")
    for bad in ("A valid RSDP was not found", "ACPI BIOS Error", "ACPI Error", "ACPI Warning"):
        assert bad not in dmesg, dmesg
    assert re.search(r"ACPI: RSDP 0x[0-9A-F]+", dmesg), dmesg
    assert "reboot: Power down" in ours.report.text, ours.report.text[-2000:]
    assert ours.returncode == 0


def rsdp_tables(vm):
    """{signature: bytes} of every table the RSDP leads to (RSDT, its
    tables, the FACS and DSDT of the FADT), read from guest memory."""
    fseg = vm.read_phys_file(0xE0000, 0x20000)
    off = next((o for o in range(0, len(fseg), 16) if fseg[o:o + 8] == b"RSD PTR "), None)
    assert off is not None, "no RSDP in 0xE0000-0xFFFFF"
    rsdp = fseg[off:off + 20]
    assert sum(rsdp) & 0xFF == 0, "RSDP checksum"
    tables = {"RSDP": rsdp}

    def table(addr):
        hdr = vm.read_phys_file(addr, 8)
        length = struct.unpack_from("<I", hdr, 4)[0]
        assert 36 <= length < 1 << 20, (hex(addr), length)
        data = vm.read_phys_file(addr, length)
        return data

    rsdt = table(struct.unpack_from("<I", rsdp, 16)[0])
    tables["RSDT"] = rsdt
    for i in range(36, len(rsdt), 4):
        t = table(struct.unpack_from("<I", rsdt, i)[0])
        tables[t[:4].decode()] = t
    facp = tables["FACP"]
    facs_addr, dsdt_addr = struct.unpack_from("<II", facp, 36)
    facs = vm.read_phys_file(facs_addr, 64)
    tables["FACS"] = facs[:struct.unpack_from("<I", facs, 4)[0]]
    tables["DSDT"] = table(dsdt_addr)
    return tables


def boot_to_sector(bios, tmp_path, name, machine):
    img = message_sector(tmp_path, "AT-THE-BOOT-SECTOR")
    vm = Qemu(bios=bios, name=name, args=["-M", machine, "-m", "256M"] + disk_args(img, "ide", machine))
    return vm


@pytest.mark.parametrize("machine", ["pc", "q35"])
def test_tables_are_valid_and_decompile(bios, seabios, tmp_path, machine):
    found = {}
    for role, fw in (("reef", bios), ("seabios", seabios)):
        (tmp_path / role).mkdir(exist_ok=True)
        vm = boot_to_sector(fw, tmp_path / role, "acpi-tables-%s-%s" % (machine, role), machine)
        with vm:
            vm.wait_serial(r"AT-THE-BOOT-SECTOR", timeout=60)
            found[role] = rsdp_tables(vm)
    assert sorted(found["reef"]) == sorted(found["seabios"])
    work = tmp_path / "iasl"
    work.mkdir()
    for sig, data in found["reef"].items():
        if sig == "RSDP":
            continue  # checked above; iasl -d wants a table header
        if sig != "FACS":
            assert sum(data) & 0xFF == 0, "%s checksum" % sig
        path = work / ("%s.dat" % sig.lower())
        path.write_bytes(data)
        p = subprocess.run(["iasl", "-d", str(path)], cwd=work, capture_output=True, text=True)
        assert p.returncode == 0, "iasl -d %s failed:\n%s%s" % (sig, p.stdout, p.stderr)
        assert (work / ("%s.dsl" % sig.lower())).exists(), sig


def test_q35_gets_the_tables(bios, tmp_path):
    """q35 (no disk to boot yet): the loader ran and the RSDT lists the
    tables QEMU offers."""
    vm = Qemu(bios=bios, name="acpi-q35", args=["-M", "q35", "-m", "256M"])
    with vm:
        m = vm.wait_debug(r"^acpi: RSDP at (0x[0-9a-f]+), RSDT at 0x[0-9a-f]+ with (\d+) tables: (.*)\(", timeout=60)
        vm.wait_debug(r"No bootable device", timeout=60)
        fseg = vm.read_phys_file(int(m.group(1), 16), 20)
    assert fseg[:8] == b"RSD PTR " and sum(fseg) & 0xFF == 0
    sigs = m.group(3).split()
    assert {"FACP", "APIC"} <= set(sigs), sigs


# ---- a malformed loader --------------------------------------------------------
def loader_entry(cmd, *fields):
    e = struct.pack("<I", cmd)
    for f in fields:
        e += f
    return e.ljust(128, b"\0")


def name(n):
    return n.encode().ljust(56, b"\0")


@pytest.fixture(scope="module")
def loader_bios():
    from reefqemu import build_variant
    try:
        return build_variant("acpi-test-loader", ["CONFIG_ACPI_TEST_LOADER=y"])
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.mark.parametrize("case,entries,problem", [
    ("width", [loader_entry(1, name("etc/acpi/rsdp"), struct.pack("<IB", 16, 2)),
               loader_entry(1, name("etc/acpi/tables"), struct.pack("<IB", 64, 1)),
               loader_entry(2, name("etc/acpi/rsdp"), name("etc/acpi/tables"), struct.pack("<IB", 16, 3))],
     "pointer width is not 1, 2, 4 or 8"),
    ("checksum", [loader_entry(1, name("etc/acpi/rsdp"), struct.pack("<IB", 16, 2)),
                  loader_entry(3, name("etc/acpi/rsdp"), struct.pack("<III", 8, 0, 0x1000))],
     "checksum range runs past its file"),
    ("unknown-file", [loader_entry(1, name("etc/acpi/rsdp"), struct.pack("<IB", 16, 2)),
                      loader_entry(1, name("etc/no-such-table"), struct.pack("<IB", 16, 1))],
     "no such fw_cfg file"),
])
def test_malformed_loader_boots_without_acpi(loader_bios, tmp_path, case, entries, problem):
    script = tmp_path / "loader.bin"
    script.write_bytes(b"".join(entries))
    img = message_sector(tmp_path, "AT-THE-BOOT-SECTOR")
    vm = Qemu(bios=loader_bios, name="acpi-bad-loader-" + case, args=[
        "-M", "pc", "-m", "256M", "-drive", "file=%s,format=raw,if=ide" % img,
        "-fw_cfg", "name=opt/reef/table-loader,file=%s" % script])
    with vm:
        vm.wait_serial(r"AT-THE-BOOT-SECTOR", timeout=60)
        low = vm.read_phys_file(0xE0000, 0x20000)
    log = vm.debug_text()
    lines = [l for l in log.splitlines() if l.startswith("acpi: etc/table-loader") or "table-loader entry" in l]
    assert len(lines) == 1 and problem in lines[0] and "no ACPI tables" in lines[0], log
    # Nothing half-linked stays findable: no RSDP anywhere the guest looks.
    assert b"RSD PTR " not in low, "an RSDP survived the refused script"
