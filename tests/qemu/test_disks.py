# SPDX-License-Identifier: LGPL-3.0-or-later
"""Disk drivers beyond the PIIX IDE channels, each a boot device of the
block layer:

* the GRUB test image boots to the busybox report from the disk on each
  (machine, interface) in LINUX_DISKS (reefqemu.disk_args names them);
* bad devices are logged and skipped, and the machine still boots from the
  next disk; a disk whose reads fail makes the boot fail cleanly.

The services payload (every INT 13h function) runs on these drives too:
test_services.SERVICE_DISKS."""
import re

import pytest

from reefqemu import Qemu, disk_args, message_sector

# (machine, interface): virtio-blk through the legacy (transitional) and
# the virtio 1.0 (disable-legacy=on) interface on both machines; AHCI: q35's
# own ICH9 controller and an ahci device on pc; NVMe on both.
LINUX_DISKS = [("pc", "virtio"), ("q35", "virtio"), ("pc", "virtio-modern"), ("q35", "virtio-modern"),
               ("q35", "ahci"), ("pc", "ahci"), ("q35", "nvme"), ("pc", "nvme")]
LINUX_MEM = "512M"


def disk_extra(machine, iface):
    return ("-M", machine, "--disk", iface)


def LINUX_BOOT_PLAN(item):
    params = getattr(item, "callspec", None) and item.callspec.params
    if not params or "disk" not in params:
        return []
    return [("reef", LINUX_MEM, disk_extra(*params["disk"]))]


@pytest.mark.parametrize("disk", LINUX_DISKS, ids=["%s-%s" % d for d in LINUX_DISKS])
def test_linux_boots_from(linux_boots, bios, disk):
    boot = linux_boots.get("reef", bios, LINUX_MEM, disk_extra(*disk))
    if not boot.ok:
        pytest.fail("boot failed: " + boot.failure_text(), pytrace=False)
    dmesg = boot.report.sections.get("version", "")
    assert "Linux version" in dmesg, boot.report.text[-2000:]


def test_empty_virtio_disk_is_skipped(bios, tmp_path):
    """A zero-sized virtio disk: one log line, and the IDE disk boots."""
    empty = tmp_path / "empty.img"
    empty.write_bytes(b"")
    img = message_sector(tmp_path, "BOOTED-FROM-IDE")
    vm = Qemu(bios=bios, name="virtio-empty", args=["-M", "pc", "-m", "128M"] + disk_args(img, "ide")
              + disk_args(str(empty), "virtio", index=1))
    with vm:
        vm.wait_serial(r"BOOTED-FROM-IDE", timeout=60)
        log = vm.debug_text()
    assert "the disk is empty (0 sectors); skipped" in log, log


def test_every_virtio_disk_is_registered(bios, tmp_path):
    """Three virtio disks (legacy and virtio 1.0 mixed) behind an IDE boot
    disk: each is set up and becomes a BIOS hard disk (the boot sector
    counts them through the BDA's disk count at 0040:0075)."""
    img = message_sector(tmp_path, "BOOTED-FROM-IDE")
    args = ["-M", "q35", "-m", "128M"] + disk_args(img, "ide", "q35")
    for i, iface in enumerate(("virtio", "virtio-modern", "virtio"), start=1):
        extra = tmp_path / ("extra%d.img" % i)
        extra.write_bytes(bytes(i << 20))
        args += disk_args(str(extra), iface, "q35", index=i)
    vm = Qemu(bios=bios, name="virtio-three", args=args)
    with vm:
        vm.wait_serial(r"BOOTED-FROM-IDE", timeout=60)
        log = vm.debug_text()
        nhd = vm.read_phys(0x475, 1)[0]
    found = re.findall(r"virtio-blk [0-9a-f:.]+: (legacy|virtio 1.0), (\d+) sectors", log)
    assert sorted(found) == [("legacy", "2048"), ("legacy", "6144"), ("virtio 1.0", "4096")], log
    assert nhd == 4, nhd


def test_failing_virtio_disk_fails_the_boot_cleanly(bios, tmp_path):
    """Every read of the only disk fails: 'Boot failed', then 'No bootable
    device', never a hang."""
    img = message_sector(tmp_path, "SHOULD-NOT-RUN")
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n')
    vm = Qemu(bios=bios, name="virtio-failing", args=["-M", "pc", "-m", "128M"]
              + disk_args("blkdebug:%s:%s" % (conf, img), "virtio"))
    with vm:
        vm.wait_serial(r"No bootable device", timeout=60)
        out = vm.serial_text()
        log = vm.debug_text()
    assert "SHOULD-NOT-RUN" not in out
    assert "virtio-blk" in log and "status" in log, log


def test_failing_ahci_disk_falls_back_to_the_next(bios, tmp_path):
    """The first disk (AHCI port 0 on q35) fails every read: 'Boot failed'
    for it, and the next disk (virtio) boots."""
    bad = message_sector(tmp_path, "SHOULD-NOT-RUN")
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n')
    good_dir = tmp_path / "good"
    good_dir.mkdir()
    good = message_sector(good_dir, "BOOTED-FROM-VIRTIO")
    vm = Qemu(bios=bios, name="ahci-failing", args=["-M", "q35", "-m", "128M"]
              + disk_args("blkdebug:%s:%s" % (conf, bad), "ahci", "q35")
              + disk_args(good, "virtio", "q35", index=1))
    with vm:
        vm.wait_serial(r"BOOTED-FROM-VIRTIO", timeout=60)
        out = vm.serial_text()
        log = vm.debug_text()
    assert "SHOULD-NOT-RUN" not in out
    assert "Boot failed: could not read the boot sector of AHCI 00:1f.2 port 0" in log, log


def test_empty_nvme_namespace_is_skipped(bios, tmp_path):
    """An NVMe controller whose only namespace is empty: one log line, and
    the IDE disk boots."""
    empty = tmp_path / "empty.img"
    empty.write_bytes(b"")
    img = message_sector(tmp_path, "BOOTED-FROM-IDE")
    vm = Qemu(bios=bios, name="nvme-empty", args=["-M", "q35", "-m", "128M"] + disk_args(img, "ide", "q35")
              + disk_args(str(empty), "nvme", "q35", index=1))
    with vm:
        vm.wait_serial(r"BOOTED-FROM-IDE", timeout=60)
        log = vm.debug_text()
    assert re.search(r"nvme [0-9a-f:.]+ ns 1: the namespace is empty \(0 sectors\); skipped", log), log


def test_failing_nvme_disk_fails_the_boot_cleanly(bios, tmp_path):
    """Every read of the only (NVMe) disk fails: the command's status is
    logged, then 'No bootable device', never a hang."""
    img = message_sector(tmp_path, "SHOULD-NOT-RUN")
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n')
    vm = Qemu(bios=bios, name="nvme-failing", args=["-M", "q35", "-m", "128M"]
              + disk_args("blkdebug:%s:%s" % (conf, img), "nvme", "q35"))
    with vm:
        vm.wait_serial(r"No bootable device", timeout=60)
        out = vm.serial_text()
        log = vm.debug_text()
    assert "SHOULD-NOT-RUN" not in out
    assert re.search(r"Boot failed: could not read the boot sector of NVMe [0-9a-f:.]+ ns 1 \(status 10\)", log), log


def test_nvme_namespaces_of_512_and_4096_byte_sectors(bios, tmp_path):
    """Two NVMe controllers behind an IDE boot disk, one with 4 KiB logical
    blocks: each namespace becomes a BIOS hard disk of its sector size."""
    img = message_sector(tmp_path, "BOOTED-FROM-IDE")
    args = ["-M", "q35", "-m", "128M"] + disk_args(img, "ide", "q35")
    for i in (1, 2):
        extra = tmp_path / ("extra%d.img" % i)
        extra.write_bytes(bytes(i << 20))
        args += disk_args(str(extra), "nvme", "q35", index=i)
    args[-1] += ",logical_block_size=4096,physical_block_size=4096"
    vm = Qemu(bios=bios, name="nvme-two", args=args)
    with vm:
        vm.wait_serial(r"BOOTED-FROM-IDE", timeout=60)
        log = vm.debug_text()
        nhd = vm.read_phys(0x475, 1)[0]
    found = re.findall(r"nvme [0-9a-f:.]+ ns 1: (\d+) sectors of (\d+) bytes", log)
    assert sorted(found) == [("2048", "512"), ("512", "4096")], log
    assert nhd == 3, nhd
