# SPDX-License-Identifier: LGPL-3.0-or-later
"""SCSI adapters (virtio-scsi, LSI 53C895A, AM53C974): their disks are boot
devices of the block layer.

* the GRUB test image boots to the busybox report from a disk on each
  (machine, interface) of SCSI_LINUX_DISKS, under ReefBIOS and, as the
  floor, under SeaBIOS;
* targets anywhere in the adapter's id range are found (a virtio-scsi disk
  at scsi-id 200, LUNs past 0 through REPORT LUNS);
* bad input: a target whose reads fail, a CD-ROM without a medium, the
  smallest queue QEMU allows: one log line, the next disk boots.

The services payload (every INT 13h function) runs on these disks too:
test_services.SERVICE_DISKS."""
import re

import pytest

from reefqemu import Qemu, disk_args, message_sector

SCSI_LINUX_DISKS = [("pc", "virtio-scsi"), ("q35", "virtio-scsi-modern"), ("pc", "lsi"),
                    ("pc", "am53c974")]
LINUX_MEM = "512M"
ROLES = ("reef", "seabios")


def disk_extra(machine, iface):
    return ("-M", machine, "--disk", iface)


def LINUX_BOOT_PLAN(item):
    params = getattr(item, "callspec", None) and item.callspec.params
    if not params or "disk" not in params or "role" not in params:
        return []
    return [(params["role"], LINUX_MEM, disk_extra(*params["disk"]))]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("disk", SCSI_LINUX_DISKS, ids=["%s-%s" % d for d in SCSI_LINUX_DISKS])
def test_linux_boots_from(linux_boots, bios, seabios, disk, role):
    boot = linux_boots.get(role, bios if role == "reef" else seabios, LINUX_MEM, disk_extra(*disk))
    if not boot.ok:
        pytest.fail("%s: boot failed: %s" % (role, boot.failure_text()), pytrace=False)
    assert "Linux version" in boot.report.sections.get("version", ""), boot.report.text[-2000:]


def blkdebug_failing(tmp_path, img):
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n')
    return "blkdebug:%s:%s" % (conf, img)


def scsi_disk(path, hba, ident, scsi_id=None, lun=None, extra=""):
    """-drive/-device for one more scsi-hd (or `extra` device options) on hba<n>."""
    where = "".join((",scsi-id=%d" % scsi_id) if scsi_id is not None else "")
    where += (",lun=%d" % lun) if lun is not None else ""
    return ["-drive", "file=%s,format=raw,if=none,id=%s" % (path, ident),
            "-device", "scsi-hd,drive=%s,bus=hba%d.0%s%s" % (ident, hba, where, extra)]


def good_disk(tmp_path, text):
    d = tmp_path / "good"
    d.mkdir()
    return message_sector(d, text)


def boot_and_log(bios, name, args, expect, timeout=60):
    vm = Qemu(bios=bios, name=name, args=args)
    with vm:
        vm.wait_serial(expect, timeout=timeout)
        return vm.serial_text(), vm.debug_text()


def test_virtio_scsi_failing_target_falls_back_to_a_high_target(bios, tmp_path):
    """Target 0 fails every read: its boot fails with one line; the disk at
    scsi-id 200 of the same adapter boots."""
    bad = blkdebug_failing(tmp_path, message_sector(tmp_path, "SHOULD-NOT-RUN"))
    good = good_disk(tmp_path, "BOOTED-FROM-TARGET-200")
    args = (["-M", "pc", "-m", "128M"] + disk_args(bad, "virtio-scsi")
            + scsi_disk(good, 0, "good", scsi_id=200))
    out, log = boot_and_log(bios, "vscsi-failing", args, r"BOOTED-FROM-TARGET-200")
    assert "SHOULD-NOT-RUN" not in out
    assert re.search(r"virtio-scsi [0-9a-f:.]+ 200:0: QEMU QEMU HARDDISK", log), log
    assert re.search(r"Boot failed: could not read the boot sector of virtio-scsi [0-9a-f:.]+ 0:0", log), log


def test_virtio_scsi_luns_past_0(bios, tmp_path):
    """LUNs 0, 3 and 9 of one target become three hard disks (REPORT LUNS)."""
    img = message_sector(tmp_path, "BOOTED-FROM-LUN-0")
    args = ["-M", "pc", "-m", "128M", "-device", "virtio-scsi-pci,id=hba0"]
    for lun in (0, 3, 9):
        extra = tmp_path / ("lun%d.img" % lun)
        if lun:
            extra.write_bytes(bytes((lun + 1) << 20))
        args += scsi_disk(img if lun == 0 else str(extra), 0, "l%d" % lun, scsi_id=1, lun=lun)
    vm = Qemu(bios=bios, name="vscsi-luns", args=args)
    with vm:
        vm.wait_serial(r"BOOTED-FROM-LUN-0", timeout=60)
        log = vm.debug_text()
        nhd = vm.read_phys(0x475, 1)[0]
    found = re.findall(r"virtio-scsi [0-9a-f:.]+ 1:(\d+): QEMU QEMU HARDDISK, (\d+) blocks", log)
    assert sorted(found) == [("0", "128"), ("3", "8192"), ("9", "20480")], log
    assert nhd == 3, nhd


def test_virtio_scsi_cd_without_medium(bios, tmp_path):
    """A scsi-cd with no drive, ahead of the disk in the boot order: one
    line at POST says it has no medium, and the disk boots."""
    good = good_disk(tmp_path, "BOOTED-FROM-DISK")
    args = (["-M", "pc", "-m", "128M", "-boot", "order=dc", "-device", "virtio-scsi-pci,id=hba0",
             "-device", "scsi-cd,bus=hba0.0,scsi-id=0"] + scsi_disk(good, 0, "good", scsi_id=1))
    out, log = boot_and_log(bios, "vscsi-cd-empty", args, r"BOOTED-FROM-DISK")
    assert re.search(r"virtio-scsi [0-9a-f:.]+ 0:0: CD-ROM QEMU QEMU CD-ROM, no medium", log), log


def test_virtio_scsi_smallest_queue(bios, tmp_path):
    """virtqueue_size=3, the smallest QEMU accepts (it refuses 0-2, so a
    zero-sized queue cannot be made): one command's three buffers fit, the
    disk boots."""
    img = message_sector(tmp_path, "BOOTED-SMALL-QUEUE")
    args = ["-M", "pc", "-m", "128M"] + disk_args(img, "virtio-scsi")
    args[args.index("virtio-scsi-pci,id=hba0")] += ",virtqueue_size=3"
    out, log = boot_and_log(bios, "vscsi-queue3", args, r"BOOTED-SMALL-QUEUE")
    assert re.search(r"virtio-scsi [0-9a-f:.]+: legacy, queue of 3,", log), log


HBA_DEVICES = {"lsi": "lsi53c895a", "am53c974": "am53c974"}


@pytest.mark.parametrize("iface", sorted(HBA_DEVICES))
def test_failing_target_falls_back_to_the_next(bios, tmp_path, iface):
    """Target 0 fails every read: its boot fails with one line; target 5 of
    the same adapter boots."""
    bad = blkdebug_failing(tmp_path, message_sector(tmp_path, "SHOULD-NOT-RUN"))
    good = good_disk(tmp_path, "BOOTED-FROM-TARGET-5")
    args = ["-M", "pc", "-m", "128M"] + disk_args(bad, iface) + scsi_disk(good, 0, "good", scsi_id=5)
    out, log = boot_and_log(bios, "%s-failing" % iface, args, r"BOOTED-FROM-TARGET-5")
    assert "SHOULD-NOT-RUN" not in out
    assert re.search(r"%s [0-9a-f:.]+ 5:0: QEMU QEMU HARDDISK" % iface, log), log
    assert re.search(r"Boot failed: could not read the boot sector of %s [0-9a-f:.]+ 0:0" % iface, log), log


@pytest.mark.parametrize("iface", sorted(HBA_DEVICES))
def test_cd_without_medium(bios, tmp_path, iface):
    """An empty scsi-cd ahead of the disk in the boot order: one line says
    so, the disk boots."""
    good = good_disk(tmp_path, "BOOTED-FROM-DISK")
    args = (["-M", "pc", "-m", "128M", "-boot", "order=dc", "-device", "%s,id=hba0" % HBA_DEVICES[iface],
             "-device", "scsi-cd,bus=hba0.0,scsi-id=0"] + scsi_disk(good, 0, "good", scsi_id=1))
    out, log = boot_and_log(bios, "%s-cd-empty" % iface, args, r"BOOTED-FROM-DISK")
    assert re.search(r"%s [0-9a-f:.]+ 0:0: CD-ROM QEMU QEMU CD-ROM, no medium" % iface, log), log
