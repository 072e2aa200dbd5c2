# SPDX-License-Identifier: LGPL-3.0-or-later
"""Platform parity with SeaBIOS, as Linux sees it, on pc and q35.

Linux is booted under ReefBIOS and under Debian's SeaBIOS on the same
command line -- pc and q35, one CPU with 512 MiB and four CPUs with 6 GiB,
a virtio-rng-pci device in slot 6 so that INTx routing is exercised past the
first slots -- and each pair must show:

* the same list of ACPI tables and no ACPI error in dmesg;
* the same CPU count;
* the same DMI system strings (sys_vendor, product_name);
* every PCI function with the same IRQ (/proc/bus/pci/devices);
* `poweroff -f` makes QEMU exit by itself ("reboot: Power down").

On q35 the disk is on a PIIX3 IDE controller (slot 4): see
linuxboot.linux_qemu_args."""
import pytest

MACHINES = ["pc", "q35"]
CONFIGS = {  # name: (memory, extra QEMU arguments)
    "smp1": ("512M", ("-smp", "1")),
    "smp4-6G": ("6G", ("-smp", "4")),
}
EXTRA_DEVICE = ("-device", "virtio-rng-pci,addr=6")


def boot_args(machine, config):
    mem, extra = CONFIGS[config]
    return mem, ("-M", machine) + extra + EXTRA_DEVICE


def LINUX_BOOT_PLAN(item):
    params = getattr(item, "callspec", None) and item.callspec.params
    if not params or "machine" not in params or "config" not in params:
        return []
    mem, extra = boot_args(params["machine"], params["config"])
    return [("reef", mem, extra), ("seabios", mem, extra)]


@pytest.fixture(params=MACHINES)
def machine(request):
    return request.param


@pytest.fixture(params=sorted(CONFIGS))
def config(request):
    return request.param


@pytest.fixture
def pair(linux_boots, bios, seabios, machine, config):
    mem, extra = boot_args(machine, config)
    ref = linux_boots.get("seabios", seabios, mem, extra)
    if not ref.ok:
        pytest.fail("reference boot under SeaBIOS failed:\n" + ref.failure_text(), pytrace=False)
    ours = linux_boots.get("reef", bios, mem, extra)
    if not ours.ok:
        pytest.fail("boot failed: " + ours.failure_text(), pytrace=False)
    return ours, ref


def pci_irqs(boot):
    """{bus/devfn: irq} from /proc/bus/pci/devices (hex fields)."""
    out = {}
    for line in boot.report.sections.get("pci", "").splitlines():
        f = line.split()
        if len(f) >= 3:
            out[f[0]] = (f[1], int(f[2], 16))
    return out


def dmi(boot):
    return dict(line.split("=", 1) for line in boot.report.sections.get("dmi", "").splitlines()
                if "=" in line)


def test_same_acpi_tables_no_errors(pair):
    ours, ref = pair
    tables = sorted(ours.report.sections.get("acpi-tables", "").split())
    assert tables and tables == sorted(ref.report.sections.get("acpi-tables", "").split())
    dmesg = ours.report.sections.get("acpi-dmesg", "")
    for bad in ("A valid RSDP was not found", "ACPI BIOS Error", "ACPI Error", "ACPI Warning"):
        assert bad not in dmesg, dmesg


def test_same_cpu_count(pair, config):
    ours, ref = pair
    want = CONFIGS[config][1][1]
    assert ref.report.sections.get("cpus", "").strip() == want
    assert ours.report.sections.get("cpus", "").strip() == want


def test_same_dmi_system_strings(pair):
    ours, ref = pair
    o, r = dmi(ours), dmi(ref)
    for key in ("sys_vendor", "product_name"):
        assert key in r, r
        assert o.get(key) == r[key], (key, o, r)
    assert o.get("bios_vendor") == "ReefBIOS", o


def test_same_pci_irqs(pair):
    ours, ref = pair
    o, r = pci_irqs(ours), pci_irqs(ref)
    assert len(r) >= 4, r
    assert sorted(o) == sorted(r)
    diff = {bdf: (o[bdf], r[bdf]) for bdf in r if o[bdf] != r[bdf]}
    assert not diff, "bus/devfn: ((id, irq) ours, (id, irq) SeaBIOS): %r" % diff
    # The extra device in slot 6 (devfn 0x30) has an interrupt at all.
    assert o.get("0030", ("", 0))[1] != 0, o


def test_poweroff_exits_qemu(pair):
    ours, _ = pair
    assert "reboot: Power down" in ours.report.text, ours.report.text[-2000:]
    assert ours.returncode == 0
