# SPDX-License-Identifier: LGPL-3.0-or-later
"""The firmware under KVM (`-accel kvm`), where most users run it; every
other QEMU test uses TCG. Skipped, with the reason, where /dev/kvm is
missing or QEMU cannot use it.

Why these exist: under KVM without unrestricted-guest support (nested KVM,
the software-only PVM hypervisor of some cloud machines, older hosts) the
firmware's real-mode and unpaged protected-mode code is run by KVM's
instruction emulator, which has no SSE arithmetic: POST once stopped there
("KVM internal error ... emulation failure") on an SSE copy loop that TCG
ran happily.

- a boot sector boots on pc (IDE) and q35 (AHCI) under KVM;
- x2APIC: QEMU's TCG in 7.2 has no x2APIC, KVM has. With -smp 260 the BSP
  and the APs go to x2APIC mode and every CPU is found (SeaBIOS: the floor,
  its own count on its debug port)."""
import os
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reefqemu  # noqa: E402
from reefqemu import Qemu  # noqa: E402


def _kvm_usable():
    if not os.path.exists("/dev/kvm"):
        return "no /dev/kvm on this machine"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "/dev/kvm is not readable and writable by this user"
    # QEMU itself says whether it can create a KVM VM: paused (-S), it
    # either keeps running or exits at once with its reason.
    p = subprocess.Popen([reefqemu.QEMU, "-accel", "kvm", "-M", "none", "-nodefaults", "-display", "none",
                          "-S", "-monitor", "none"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = p.communicate(timeout=3)
        return "QEMU cannot use KVM here: " + out.strip()[-300:]
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return None


@pytest.fixture(scope="module")
def kvm():
    why = _kvm_usable()
    if why:
        pytest.skip(why)


@pytest.mark.parametrize("machine,iface", [("pc", "ide"), ("q35", "ahci")])
def test_boot_sector_under_kvm(bios, kvm, tmp_path, machine, iface):
    disk = reefqemu.message_sector(tmp_path, "KVM BOOTED")
    args = ["-accel", "kvm", "-M", machine, "-m", "128M", "-vga", "none", "-nic", "none"] + \
        reefqemu.disk_args(disk, iface, machine=machine)
    with Qemu(bios=bios, args=args, name="kvm-boot-" + machine) as vm:
        vm.wait_serial(r"KVM BOOTED", timeout=120)
        debug = vm.debug_text()
    assert "emulation failure" not in open(os.path.join(vm.dir, "stderr.log")).read()
    assert "Booting from" in vm.serial_text() + debug


X2APIC_CPUS = 260
X2APIC_ARGS = ["-nodefaults", "-accel", "kvm", "-M", "q35,kernel-irqchip=split", "-device", "intel-iommu,intremap=on,eim=on",
               "-smp", str(X2APIC_CPUS), "-m", "512M", "-vga", "none", "-nic", "none"]


def test_x2apic_finds_every_cpu(bios, seabios, kvm):
    with Qemu(bios=seabios, args=X2APIC_ARGS, name="kvm-x2apic-seabios") as vm:
        m = vm.wait_debug(r"Found (\d+) cpu\(s\)", timeout=300)
    sea = int(m.group(1))
    with Qemu(bios=bios, args=X2APIC_ARGS, name="kvm-x2apic-reef") as vm:
        m = vm.wait_debug(r"smp: (\d+) CPUs;|smp: (\d+) of \d+ CPUs answered", timeout=300)
        # POST goes on in x2APIC mode (the wake-up timer, the SMI IPIs, the
        # MP table) to INT 19h. (Not further: with 260 vCPUs on a loaded
        # 2-core machine one make-test run timed out after INT 19h, with
        # QEMU's default AHCI CD-ROM; -nodefaults leaves no drive.)
        vm.wait_debug(r"phase int19", timeout=300)
        debug = vm.debug_text()
    assert "smp: %d CPUs: x2APIC mode (BSP x2APIC ID 0)" % X2APIC_CPUS in debug, debug[-3000:]
    assert "smp: %d CPUs; the APs hold" % X2APIC_CPUS in debug, debug[-3000:]
    ours = int(m.group(1) or m.group(2))
    assert ours >= sea, "SeaBIOS found %d CPUs, ReefBIOS %d" % (sea, ours)
    # (The MP table names only the 8-bit APIC IDs 0-254: test_mptable.cc.)


def test_smp4_stays_xapic_under_kvm(bios, kvm):
    args = ["-accel", "kvm", "-M", "q35", "-smp", "4", "-m", "128M", "-vga", "none", "-nic", "none"]
    with Qemu(bios=bios, args=args, name="kvm-smp4") as vm:
        vm.wait_serial(r"No bootable device", timeout=120)
        debug = vm.debug_text()
    assert "smp: 4 CPUs; the APs hold" in debug, debug[-3000:]
    assert "x2APIC mode" not in debug
