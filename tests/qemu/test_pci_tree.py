# SPDX-License-Identifier: LGPL-3.0-or-later
"""PCI beyond bus 0: bridges, root ports, extra root buses, 64-bit windows.

* Disks behind bridges boot: virtio-blk behind a q35 root port, NVMe behind
  a PCIe-to-PCI bridge behind a root port, virtio-blk two pci-bridge levels
  deep on pc; and `bootindex` on a disk behind a bridge picks it (its
  bootorder path runs through the bridges). SeaBIOS is the floor.
* Linux boots on crowded topologies with no "no space", "can't claim",
  "can't assign" or "failed to assign" line, and every device has at least
  as many of its BARs assigned as under SeaBIOS:
    q35: 4 root ports, a PCIe-to-PCI bridge behind one with an e1000 behind
         that, an ivshmem-plain with a 4 GiB BAR, a pxb-pcie extra root bus
         with a root port and a device, 16 functions on bus 0;
    pc:  two pci-bridge levels with devices on both.
* One topology SeaBIOS cannot place and we can: nine pci-bridges, each with
  an e1000 (its I/O BAR needs a 4 KiB bridge window): 36 KiB of I/O, more
  than SeaBIOS's 0xC000-0xFFFF and 0x1000-0x9FFF ranges hold, so it stops
  with "out of I/O address space"; we use 0x1000-0xADFF (QEMU's hot-plug
  and GPE ports start at 0xAE00)."""
import re

import pytest

from linuxboot import timeout_scale
from reefqemu import Qemu, disk_args, message_sector

SEABIOS_FLOOR = ["reef", "seabios"]

# Lines Linux prints when firmware left it something it cannot use.
BAD_PCI = re.compile(r"pci .*(no space|can't claim|can't assign|failed to assign)", re.I)


def root_ports(n, first_slot=0x10, first_chassis=1):
    args = []
    for i in range(n):
        args += ["-device", "pcie-root-port,id=rp%d,chassis=%d,slot=%d,addr=%x" %
                 (i + 1, first_chassis + i, first_chassis + i, first_slot + i)]
    return args


# name: (machine, QEMU arguments after the boot disk)
TOPOLOGIES = {
    "q35-crowded": ("q35", root_ports(4) + [
        "-device", "pcie-pci-bridge,id=pb1,bus=rp1",
        "-netdev", "user,id=n0", "-device", "e1000,netdev=n0,bus=pb1,addr=3,romfile=",
        "-object", "memory-backend-ram,id=shm,size=4G",
        "-device", "ivshmem-plain,memdev=shm,bus=rp2",
        "-device", "virtio-rng-pci,bus=rp3",
        "-device", "pxb-pcie,id=pxb1,bus_nr=0x80,addr=0x18",
        "-device", "pcie-root-port,id=rpx,bus=pxb1,chassis=20,slot=20",
        "-device", "virtio-rng-pci,bus=rpx",
    ] + sum([["-device", "virtio-rng-pci,bus=pcie.0,addr=%x" % (5 + i)] for i in range(6)], [])),
    "pc-two-bridges": ("pc", [
        "-device", "pci-bridge,id=br1,chassis_nr=1,addr=5",
        "-device", "pci-bridge,id=br2,chassis_nr=2,bus=br1,addr=3",
        "-netdev", "user,id=n0", "-device", "e1000,netdev=n0,bus=br2,addr=1,romfile=",
        "-device", "virtio-rng-pci,bus=br2,addr=2",
        "-device", "virtio-rng-pci,bus=br1,addr=4",
    ]),
    "pc-io-hungry": ("pc", sum([
        ["-device", "pci-bridge,id=br%d,chassis_nr=%d,addr=%x" % (i, i, 5 + i),
         "-netdev", "user,id=n%d" % i, "-device", "e1000,netdev=n%d,bus=br%d,addr=1,romfile=" % (i, i)]
        for i in range(1, 10)], [])),
}
MEM = "512M"


def boot_args(topology):
    machine, extra = TOPOLOGIES[topology]
    return ("-M", machine) + tuple(extra)


def LINUX_BOOT_PLAN(item):
    params = getattr(item, "callspec", None) and item.callspec.params
    if item.name == "test_io_hungry_topology_we_place_seabios_does_not":
        return [("reef", MEM, boot_args("pc-io-hungry"))]
    if not params or "topology" not in params:
        return []
    return [("reef", MEM, boot_args(params["topology"])), ("seabios", MEM, boot_args(params["topology"]))]


def assigned_bars(boot):
    """{vendor:device#n: number of BARs with an address} from
    /proc/bus/pci/devices (bus numbers may differ between firmwares)."""
    out, seen = {}, {}
    for line in boot.report.sections.get("pci", "").splitlines():
        f = line.split()
        if len(f) < 17:
            continue
        vd = f[1]
        seen[vd] = seen.get(vd, 0) + 1
        bases = [int(x, 16) for x in f[3:10]]
        sizes = [int(x, 16) for x in f[10:17]]
        out["%s#%d" % (vd, seen[vd])] = sum(1 for b, s in zip(bases, sizes) if s and (b & ~0xF))
    return out


def bad_lines(boot):
    return [l for l in boot.serial.splitlines() if BAD_PCI.search(l)]


@pytest.mark.parametrize("topology", ["q35-crowded", "pc-two-bridges"])
def test_crowded_topology_boots_linux_cleanly(linux_boots, bios, seabios, topology):
    ours = linux_boots.get("reef", bios, MEM, boot_args(topology))
    if not ours.ok:
        pytest.fail("boot failed: " + ours.failure_text(), pytrace=False)
    assert not bad_lines(ours), "\n".join(bad_lines(ours))
    ref = linux_boots.get("seabios", seabios, MEM, boot_args(topology))
    mine = assigned_bars(ours)
    assert mine, ours.report.sections.get("pci", "")
    if ref.ok:
        theirs = assigned_bars(ref)
        assert set(mine) == set(theirs), (sorted(mine), sorted(theirs))
        worse = {k: (mine[k], theirs[k]) for k in theirs if mine[k] < theirs[k]}
        assert not worse, "fewer BARs assigned than under SeaBIOS (ours, theirs): %r" % worse
    # Every device behind a bridge is there (bus numbers assigned).
    buses = {line.split()[0][:2] for line in ours.report.sections.get("pci", "").splitlines() if line.split()}
    want = 4 if topology == "pc-two-bridges" else 7
    assert len(buses) >= want - 1, buses


def test_io_hungry_topology_we_place_seabios_does_not(linux_boots, bios, seabios):
    ours = linux_boots.get("reef", bios, MEM, boot_args("pc-io-hungry"))
    if not ours.ok:
        pytest.fail("boot failed: " + ours.failure_text(), pytrace=False)
    assert not bad_lines(ours), "\n".join(bad_lines(ours))
    nics = [l for l in ours.report.sections.get("pci", "").splitlines() if "8086100e" in l]
    assert len(nics) == 9, nics
    for l in nics:  # BAR1 is the I/O BAR: assigned
        f = l.split()
        assert int(f[4], 16) & ~0x3, l
    # The point of this topology: SeaBIOS fails it (if a newer SeaBIOS
    # places it, pick a harder one). It says so on its debug port right
    # away, and never starts GRUB.
    machine, extra = TOPOLOGIES["pc-io-hungry"]
    vm = Qemu(bios=seabios, name="pcitree-io-hungry-seabios", args=["-M", machine, "-m", MEM] + extra)
    with vm:
        vm.wait_debug(r"out of I/O address space", timeout=60 * timeout_scale())


# ---- boot from behind bridges ----------------------------------------------

BEHIND = {
    # name: (machine, topology args, disk iface, device options for the disk)
    "q35-virtio-rootport": ("q35", root_ports(2), "virtio", ",bus=rp2"),
    "q35-nvme-pcie-pci-bridge": ("q35", root_ports(1) + ["-device", "pcie-pci-bridge,id=pb1,bus=rp1"],
                                 "nvme", ",bus=pb1,addr=2"),
    "pc-virtio-two-bridges": ("pc", ["-device", "pci-bridge,id=br1,chassis_nr=1,addr=5",
                                     "-device", "pci-bridge,id=br2,chassis_nr=2,bus=br1,addr=3"],
                              "virtio", ",bus=br2,addr=4"),
}


@pytest.mark.parametrize("which", SEABIOS_FLOOR)
@pytest.mark.parametrize("case", sorted(BEHIND))
def test_boots_from_a_disk_behind_bridges(bios, seabios, tmp_path, case, which):
    machine, topo, iface, opts = BEHIND[case]
    disk = message_sector(tmp_path, "BEHIND-BRIDGE-BOOTED")
    with open(disk, "r+b") as f:
        f.truncate(1 << 20)
    vm = Qemu(bios=bios if which == "reef" else seabios, name="pcitree-%s-%s" % (case, which),
              args=["-M", machine, "-m", "128M", "-nic", "none"] + topo + disk_args(disk, iface, machine,
                                                                                   dev_opts=opts))
    with vm:
        vm.wait_serial(r"BEHIND-BRIDGE-BOOTED", timeout=60 * timeout_scale())


@pytest.mark.parametrize("which", SEABIOS_FLOOR)
def test_bootindex_on_a_disk_behind_bridges(bios, seabios, tmp_path, which):
    """Two bootable disks; bootindex on the one two bridges down (QEMU's
    path /pci@i0cf8/pci-bridge@5/pci-bridge@3/scsi@4/disk@0,0)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = message_sector(tmp_path / "a", "FIRST-DISK")
    second = message_sector(tmp_path / "b", "SECOND-DISK")
    for img in (first, second):
        with open(img, "r+b") as f:
            f.truncate(1 << 20)
    args = ["-M", "pc", "-m", "128M", "-nic", "none",
            "-device", "pci-bridge,id=br1,chassis_nr=1,addr=5",
            "-device", "pci-bridge,id=br2,chassis_nr=2,bus=br1,addr=3"]
    args += disk_args(first, "virtio", "pc", index=0, dev_opts=",addr=6")
    args += disk_args(second, "virtio", "pc", index=1, dev_opts=",bus=br2,addr=4,bootindex=0")
    vm = Qemu(bios=bios if which == "reef" else seabios, name="pcitree-bootindex-%s" % which, args=args)
    with vm:
        vm.wait_serial(r"FIRST-DISK|SECOND-DISK", timeout=60 * timeout_scale())
        text = vm.serial_text()
    assert "SECOND-DISK" in text and "FIRST-DISK" not in text, text


# ---- hot-plug --------------------------------------------------------------

# name: (QMP/HMP device_add arguments, vendor:device Linux shows for it)
HOTPLUG = {
    "virtio-net": ("virtio-net-pci,bus=rp1,id=hp0,romfile=", "0x1af4:0x1041"),
    "e1000": ("e1000,bus=rp2,id=hp1,romfile=", "0x8086:0x100e"),
}


def test_hotplug_into_root_ports_gets_resources(bios, grub_image):
    """Linux on q35 with two empty root ports; once /init is up the test
    plugs a virtio-net (memory and 64-bit prefetchable BARs) and an e1000
    (memory and I/O) into them with device_add: both get every BAR, no
    unassigned-resource line."""
    import threading

    from linuxboot import boot_linux

    args = ("-M", "q35", "-smbios", "type=3,asset=reef-hotplug") + tuple(root_ports(2))
    done = []

    def on_start(vm):
        def plug():
            try:
                vm.wait_serial(r"REEF-HOTPLUG-READY", timeout=400 * timeout_scale())
                for dev, _ in HOTPLUG.values():
                    done.append(vm.hmp("device_add " + dev))
            except Exception as e:  # the boot's own result says what went wrong
                done.append("error: %r" % e)
        threading.Thread(target=plug, daemon=True).start()

    boot = boot_linux(bios, grub_image.path, "512M", label="hotplug", extra_args=args, on_start=on_start)
    boot.check()
    assert len(done) == len(HOTPLUG) and not any("rror" in d for d in done), done
    lines = boot.report.sections.get("hotplug", "").splitlines()
    dmesg = boot.report.sections.get("hotplug-dmesg", "")
    for name, (_, vd) in HOTPLUG.items():
        found = [l for l in lines if l.split()[1:2] == [vd]]
        assert found, "%s (%s) never appeared:\n%s" % (name, vd, "\n".join(lines))
        f = found[0].split()[2:]
        res = [(int(f[i], 16), int(f[i + 1], 16)) for i in range(0, len(f) - 2, 3)]
        used = [(a, b) for a, b in res if b]
        assert used and all(a for a, b in used), "%s has unassigned BARs: %s\n%s" % (name, found[0], dmesg)
    bad = [l for l in dmesg.splitlines() if BAD_PCI.search(l)]
    assert not bad, "\n".join(bad)
