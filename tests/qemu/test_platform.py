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
* the i8042's keyboard and mouse ports on IRQ 1 and 12 (/proc/interrupts);
* `poweroff -f` makes QEMU exit by itself ("reboot: Power down");
* Linux's /proc/mtrr: RAM write-back (the default type), uncached exactly
  from the first device address (PCI window, q35's ECAM) to 4 GiB, and no
  "inconsistent MTRR settings" warning (every CPU got the same MTRRs).

With `-machine acpi=off -smp 4` (no ACPI tables: the MP table is all Linux
has) Linux must start 4 CPUs from the MP table and give every PCI function
with an interrupt pin an IRQ. (SeaBIOS finds one CPU there.)

On q35 the disk is on a PIIX3 IDE controller (slot 4): see
linuxboot.linux_qemu_args."""
import re
import struct

import pytest

from reefqemu import Qemu

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


def i8042_irqs(boot):
    """The IRQs Linux's i8042 driver holds, from /proc/interrupts."""
    return sorted(int(line.split(":")[0]) for line in boot.report.sections.get("interrupts", "").splitlines()
                  if "i8042" in line and line.split(":")[0].strip().isdigit())


def test_same_ps2_ports(pair):
    """Linux finds the i8042's keyboard and aux (mouse) ports as it does
    after SeaBIOS: POST left the controller and the mouse usable."""
    ours, ref = pair
    assert i8042_irqs(ref) == [1, 12], ref.report.sections.get("interrupts", "")
    assert i8042_irqs(ours) == i8042_irqs(ref), ours.report.sections.get("interrupts", "")


def test_poweroff_exits_qemu(pair):
    ours, _ = pair
    assert "reboot: Power down" in ours.report.text, ours.report.text[-2000:]
    assert ours.returncode == 0


# Where the uncached hole starts: the 32-bit PCI window (at 0xC0000000 or the
# top of low RAM, whichever is higher: both 0xC0000000 here), q35's ECAM at
# 0xB0000000 before it.
HOLE_START = {"pc": 0xC0000000, "q35": 0xB0000000}


def mtrr_ranges(boot):
    """[(base, size, type)] from /proc/mtrr ("reg00: base=0x0c0000000 (
    3072MB), size= 1024MB, count=1: uncachable")."""
    out = []
    for line in boot.report.sections.get("mtrr", "").splitlines():
        m = re.match(r"reg\d+: base=(0x[0-9a-f]+) .*size=\s*(\d+)([MKG])B, count=\d+: (\S+)", line)
        if m:
            unit = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[m.group(3)]
            out.append((int(m.group(1), 16), int(m.group(2)) * unit, m.group(4)))
    return out


def test_mtrrs_cover_the_hole(pair, machine):
    """Linux's /proc/mtrr (the BSP's MTRRs, which Linux copies to the APs
    when it starts them: QEMU 7.2 clears the APs' MTRRs on INIT, so Linux
    warns about "inconsistent" settings under SeaBIOS and ReefBIOS alike;
    that the APs held the BSP's MSRs after POST is checked by
    test_every_ap_holds_the_bsps_msrs)."""
    ours, _ = pair
    ranges = mtrr_ranges(ours)
    assert ranges, "no /proc/mtrr ranges:\n" + ours.report.sections.get("mtrr", "")
    assert all(t == "uncachable" for _, _, t in ranges), ranges
    covered = sorted((b, b + s) for b, s, _ in ranges)
    pos = HOLE_START[machine]
    for b, e in covered:
        assert b == pos, ("gap or overlap in the uncached ranges", [(hex(x), hex(y)) for x, y in covered])
        pos = e
    assert pos == 1 << 32, covered


# ---- -machine acpi=off: the MP table ----------------------------------------
# Debian's cloud kernel is built without MP table parsing (CONFIG_X86_MPPARSE),
# so these boots use the generic kernel, whose image also loads virtio-pci
# and virtio-rng: reading /dev/hwrng completes by interrupt, and with MSI-X
# off (vectors=0) that interrupt is the device's INTx through the route the
# MP table gave.
ACPI_OFF_MEM = "512M"


def acpi_off_args(machine):
    return ("-M", machine + ",acpi=off", "-smp", "4", "-device", "virtio-rng-pci,addr=6,vectors=0")


@pytest.fixture(scope="module")
def acpi_off_boots(bios):
    from linuxboot import generic_boot_pool
    pool = generic_boot_pool()
    for m in MACHINES:
        pool.submit("reef", bios, ACPI_OFF_MEM, acpi_off_args(m))
    yield lambda m: pool.get("reef", bios, ACPI_OFF_MEM, acpi_off_args(m))
    pool.close()


def test_acpi_off_finds_every_cpu_from_the_mp_table(acpi_off_boots, machine):
    boot = acpi_off_boots(machine)
    if not boot.ok:
        pytest.fail("boot failed: " + boot.failure_text(), pytrace=False)
    assert not boot.report.sections.get("acpi-tables", "").split(), "QEMU gave ACPI tables"
    dmesg = boot.report.sections.get("mp-dmesg", "")
    assert "MPTABLE: OEM ID: REEFBIOS" in dmesg, dmesg
    assert boot.report.sections.get("cpus", "").strip() == "4", dmesg


def test_acpi_off_pci_interrupts_arrive(acpi_off_boots, machine):
    boot = acpi_off_boots(machine)
    if not boot.ok:
        pytest.fail("boot failed: " + boot.failure_text(), pytrace=False)
    irqs = pci_irqs(boot)
    # Every function with an interrupt pin has an IRQ ...
    pins = {}
    for line in boot.report.sections.get("pci-pins", "").splitlines():
        f = line.split()
        if len(f) == 3:
            pins[f[0]] = (int(f[1], 16), int(f[2]))
    assert len(pins) == len(irqs), (pins, irqs)
    no_irq = {dev: v for dev, v in pins.items() if v[0] and v[1] in (0, 255)}
    assert not no_irq, "pin set, no IRQ: %r" % no_irq
    # ... and the virtio device's interrupts arrived on its IOAPIC input
    # (pc: the PIRQ's ISA IRQ; q35: GSI 16-23).
    lines = [l for l in boot.report.sections.get("interrupts", "").splitlines() if "virtio" in l]
    assert lines, boot.report.sections.get("interrupts", "")
    f = lines[0].split()
    counts = [int(x) for x in f[1:5]]
    assert sum(counts) > 0, lines
    assert int(f[0].rstrip(":")) == irqs["0030"][1], (lines, irqs["0030"])
    assert ("IO-APIC" in lines[0]) and "fasteoi" in lines[0], lines


# ---- the APs after POST (debug log) -------------------------------------------
FEATURE_CONTROL = 0x5  # locked, VMX outside SMX enabled


@pytest.mark.parametrize("fc_file", ["good", "short"])
def test_every_ap_holds_the_bsps_msrs(bios, machine, fc_file, tmp_path):
    """Every AP answers INIT-SIPI-SIPI, reads back each MSR the BSP wrote
    (the MTRR plan and QEMU's etc/msr_feature_control) with the same value,
    and halts. A feature-control file of the wrong size is logged and
    ignored."""
    blob = struct.pack("<Q", FEATURE_CONTROL) if fc_file == "good" else struct.pack("<I", FEATURE_CONTROL)
    path = tmp_path / "fc.bin"
    path.write_bytes(blob)
    vm = Qemu(bios=bios, name="smp-msrs-%s-%s" % (machine, fc_file),
              args=["-M", machine, "-smp", "4", "-m", "256M",
                    "-fw_cfg", "name=etc/msr_feature_control,file=%s" % path])
    with vm:
        m = vm.wait_debug(r"smp: (\d+) CPUs; the APs hold the BSP's (\d+) MSRs \((\d+) read back\) and are halted", timeout=60)
        log = vm.debug_text()
    assert m.group(1) == "4", log
    assert "did not hold" not in log, log
    mtrrs = 11 + 2 * 8 + 1  # QEMU's CPUs: fixed ranges, 8 variable pairs, MTRRdefType
    # Every MTRR is read back on each AP (QEMU's TCG keeps no
    # IA32_FEATURE_CONTROL, so that one is written but cannot be checked).
    assert int(m.group(3)) >= mtrrs, log
    if fc_file == "good":
        assert int(m.group(2)) == mtrrs + 1, log
        assert "IA32_FEATURE_CONTROL = 0x5 (etc/msr_feature_control) on every CPU" in log, log
    else:
        assert int(m.group(2)) == mtrrs, log
        assert "etc/msr_feature_control is not 8 bytes; ignored" in log, log


@pytest.fixture(scope="module")
def init_sipi_bios():
    from reefqemu import build_variant
    try:
        return build_variant("smp-init-sipi", ["CONFIG_SMP_INIT_SIPI_ALWAYS=y"])
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


def test_init_sipi_sipi_fallback_finds_every_cpu(init_sipi_bios, machine):
    """The path for APs that are not waiting for a SIPI (real hardware, or a
    VM that does not reset them): INIT, SIPI, SIPI."""
    vm = Qemu(bios=init_sipi_bios, name="smp-init-sipi-%s" % machine,
              args=["-M", machine, "-smp", "4", "-m", "256M"])
    with vm:
        m = vm.wait_debug(r"smp: (\d+) CPUs; the APs hold the BSP's (\d+) MSRs", timeout=60)
        log = vm.debug_text()
    assert "answered a lone SIPI; INIT-SIPI-SIPI" in log, log
    assert m.group(1) == "4", log
