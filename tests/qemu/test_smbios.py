# SPDX-License-Identifier: LGPL-3.0-or-later
"""SMBIOS: QEMU's structures with our BIOS Information, as the tools see them.

At the boot sector, the F-segment and the SMBIOS table are read from guest
memory through the monitor and handed to Debian's dmidecode (--from-dump) and
biosdecode (-d, on a memory image): BIOS vendor "ReefBIOS", our version and
date, a 128 KiB ROM, "System is a virtual machine"; the System Information
is QEMU's, the same as under SeaBIOS; biosdecode finds the SMBIOS entry point
and the ACPI RSDP with valid checksums. Both entry point kinds QEMU offers
(-machine smbios-entry-point-type=32 and 64) work. Linux booted under
ReefBIOS reports the same DMI system strings as under SeaBIOS."""
import re
import struct
import subprocess

import pytest

from reefqemu import Qemu, message_sector

LINUX_MEM = "512M"


def LINUX_BOOT_PLAN(item):
    if "linux" not in item.name:
        return []
    return [("reef", LINUX_MEM, ()), ("seabios", LINUX_MEM, ())]


def boot(bios, tmp_path, name, machine="pc"):
    d = tmp_path / name
    d.mkdir()
    img = message_sector(d, "AT-THE-BOOT-SECTOR")
    return Qemu(bios=bios, name=name, args=["-M", machine, "-m", "256M",
                                            "-drive", "file=%s,format=raw,if=ide" % img])


def find_ep(low):
    """(offset, kind) of the SMBIOS entry point in 0xE0000-0xFFFFF."""
    for off in range(0, len(low), 16):
        if low[off:off + 5] == b"_SM3_":
            return off, 3
        if low[off:off + 4] == b"_SM_":
            return off, 2
    raise AssertionError("no SMBIOS entry point in 0xE0000-0xFFFFF")


def dumps(vm, tmp_path, name):
    """Writes a dmidecode dump (entry point at 0, table at 32) and a 1 MiB
    memory image for biosdecode; returns their paths and the entry point."""
    low = vm.read_phys_file(0xE0000, 0x20000)
    off, kind = find_ep(low)
    ep = bytearray(low[off:off + (0x1F if kind == 2 else 0x18)])
    if kind == 2:
        addr, length = struct.unpack_from("<I", ep, 0x18)[0], struct.unpack_from("<H", ep, 0x16)[0]
        struct.pack_into("<I", ep, 0x18, 32)
        ep[0x15] = 0
        ep[0x15] = -sum(ep[0x10:0x1F]) & 0xFF
        ep[4] = 0
        ep[4] = -sum(ep) & 0xFF
    else:
        length, addr = struct.unpack_from("<IQ", ep, 0x0C)
        struct.pack_into("<Q", ep, 0x10, 32)
        ep[5] = 0
        ep[5] = -sum(ep) & 0xFF
    table = vm.read_phys_file(addr, length)
    dump = tmp_path / ("%s.dmi" % name)
    dump.write_bytes(bytes(ep).ljust(32, b"\0") + table)
    mem = tmp_path / ("%s.mem" % name)
    mem.write_bytes(b"\0" * 0xE0000 + low)
    return dump, mem, bytes(low[off:off + len(ep)])


def dmidecode(dump, *args):
    p = subprocess.run(["dmidecode", "--from-dump", str(dump)] + list(args), capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


def field(text, name):
    m = re.search(r"^\s*%s: (.*)$" % re.escape(name), text, re.M)
    return m.group(1).strip() if m else None


@pytest.mark.parametrize("ep_type", ["32", "64"])
def test_dmidecode_and_biosdecode(bios, seabios, tmp_path, ep_type):
    machine = "pc,smbios-entry-point-type=%s" % ep_type
    out = {}
    for role, fw in (("reef", bios), ("seabios", seabios)):
        vm = boot(fw, tmp_path, "smbios-%s-%s" % (ep_type, role), machine)
        with vm:
            vm.wait_serial(r"AT-THE-BOOT-SECTOR", timeout=60)
            out[role] = dumps(vm, tmp_path, role)
    dump, mem, ep = out["reef"]
    assert ep[:5 if ep_type == "64" else 4] == (b"_SM3_" if ep_type == "64" else b"_SM_")
    t0 = dmidecode(dump, "-t", "0")
    assert field(t0, "Vendor") == "ReefBIOS", t0
    assert field(t0, "Version") and field(t0, "Version").startswith("0."), t0
    assert re.fullmatch(r"\d\d/\d\d/20\d\d", field(t0, "Release Date") or ""), t0
    assert field(t0, "ROM Size") == "128 kB", t0
    assert "System is a virtual machine" in t0, t0
    assert "PCI is supported" in t0 and "EDD is supported" in t0 and "ACPI is supported" in t0, t0
    # Everything but the BIOS Information is QEMU's, the same as under SeaBIOS.
    for t in ("1", "3", "4", "16", "17"):
        ours, ref = dmidecode(dump, "-t", t), dmidecode(out["seabios"][0], "-t", t)
        strip = lambda s: [l for l in s.splitlines() if not l.startswith(("#", "Handle", "Reading")) and l.strip()]
        assert strip(ours) == strip(ref), "type %s differs:\n%s\n---\n%s" % (t, ours, ref)
    p = subprocess.run(["biosdecode", "-d", str(mem)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    bd = p.stdout
    assert re.search(r"^SMBIOS %s present\." % (r"3\.0(\.\d+)?" if ep_type == "64" else r"2\.\d+"), bd, re.M), bd
    assert re.search(r"^ACPI \d\.\d present\.", bd, re.M), bd
    assert "Bad" not in bd and "Invalid" not in bd, bd


def test_linux_dmi_strings(linux_boots, bios, seabios):
    ref = linux_boots.get("seabios", seabios, LINUX_MEM)
    ours = linux_boots.get("reef", bios, LINUX_MEM)
    assert ref.ok, ref.failure_text()
    ours.check()
    dmi = lambda b: dict(l.split("=", 1) for l in b.report.sections.get("dmi", "").splitlines() if "=" in l)
    o, r = dmi(ours), dmi(ref)
    assert o.get("bios_vendor") == "ReefBIOS", o
    assert o.get("sys_vendor") == r.get("sys_vendor") and o.get("product_name") == r.get("product_name"), (o, r)
    assert r.get("bios_vendor") == "SeaBIOS", r
