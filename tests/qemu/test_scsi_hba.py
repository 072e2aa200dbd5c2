# SPDX-License-Identifier: LGPL-3.0-or-later
"""SCSI host adapters on the block layer: MegaRAID SAS (megasas, and
megasas-gen2), VMware pvscsi and LSI SAS1068 (mptsas1068).

* the GRUB test image boots to the busybox report from a disk behind each
  (pc), under ReefBIOS and under SeaBIOS (the floor): both boot, and Linux
  gets the same usable RAM from both (the adapters' DMA blocks stay small);
* disks are found at the target QEMU puts them on, a disk whose reads fail
  (blkdebug) gets "Boot failed" and the next disk boots, a CD-ROM without a
  medium is registered as such (one log line) and the disk behind it boots.

The services payload (every INT 13h function) runs on these disks too:
test_services.SERVICE_DISKS."""
import re

import pytest

from linuxboot import format_size, usable_bytes
from reefqemu import Qemu, disk_args, message_sector
from test_disks import LINUX_MEM, disk_extra

LINUX_HBAS = ["megasas", "pvscsi", "mptsas1068"]
# The QEMU device of each adapter, and the name the firmware logs it under.
DEVICES = {"megasas": ("megasas", "megasas"), "megasas-gen2": ("megasas-gen2", "megasas"),
           "pvscsi": ("pvscsi", "pvscsi"), "mptsas1068": ("mptsas1068", "mptsas")}
BAD_INPUT_HBAS = list(DEVICES)
TOLERANCE = 0.01  # usable RAM within 1% of SeaBIOS's


def LINUX_BOOT_PLAN(item):
    params = getattr(item, "callspec", None) and item.callspec.params
    if not params or "hba" not in params or "linux_boots" not in item.fixturenames:
        return []
    return [(role, LINUX_MEM, disk_extra("pc", params["hba"])) for role in ("reef", "seabios")]


@pytest.mark.parametrize("hba", LINUX_HBAS)
def test_linux_boots_from(linux_boots, bios, seabios, hba):
    ref = linux_boots.get("seabios", seabios, LINUX_MEM, disk_extra("pc", hba))
    if not ref.ok:
        pytest.fail("reference boot under SeaBIOS failed: " + ref.failure_text(), pytrace=False)
    boot = linux_boots.get("reef", bios, LINUX_MEM, disk_extra("pc", hba))
    if not boot.ok:
        pytest.fail("boot failed: " + boot.failure_text(), pytrace=False)
    assert "Linux version" in boot.report.sections.get("version", ""), boot.report.text[-2000:]
    ours, theirs = usable_bytes(boot.report.e820), usable_bytes(ref.report.e820)
    assert abs(ours - theirs) <= TOLERANCE * theirs, "Linux usable RAM: ours %s, SeaBIOS %s" % (
        format_size(ours), format_size(theirs))


def hba_args(hba, devices):
    """QEMU arguments for one adapter of kind `hba` with `devices`: a list
    of (scsi-id, image or None for an empty CD-ROM, drive options)."""
    dev, _ = DEVICES[hba]
    args = ["-device", "%s,id=hba0" % dev]
    for i, (target, image, opts) in enumerate(devices):
        if image is None:
            args += ["-device", "scsi-cd,bus=hba0.0,scsi-id=%d" % target]
            continue
        args += ["-drive", "file=%s,format=raw,if=none,id=hd%d%s" % (image, i, opts),
                 "-device", "scsi-hd,drive=hd%d,bus=hba0.0,scsi-id=%d" % (i, target)]
    return args


def boot_until(bios, name, args, pattern):
    vm = Qemu(bios=bios, name=name, args=["-M", "pc", "-m", "128M", "-nic", "none"] + args)
    with vm:
        vm.wait_serial(pattern, timeout=60)
        return vm.serial_text(), vm.debug_text()


def failing_image(tmp_path):
    bad = message_sector(tmp_path, "SHOULD-NOT-RUN")
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n')
    return "blkdebug:%s:%s" % (conf, bad)


def good_image(tmp_path, text):
    d = tmp_path / "good"
    d.mkdir()
    return message_sector(d, text)


@pytest.mark.parametrize("hba", BAD_INPUT_HBAS)
def test_failing_disk_falls_back_to_the_next(bios, tmp_path, hba):
    """Targets 2 and 5: every read of the first fails ("Boot failed" for
    it), the second boots."""
    name = DEVICES[hba][1]
    args = hba_args(hba, [(2, failing_image(tmp_path), ",snapshot=on"),
                          (5, good_image(tmp_path, "BOOTED-FROM-TARGET-5"), ",snapshot=on")])
    out, log = boot_until(bios, "hba-failing-" + hba, args, r"BOOTED-FROM-TARGET-5")
    assert "SHOULD-NOT-RUN" not in out
    assert re.search(r"^%s 2:0: QEMU QEMU HARDDISK, 128 blocks of 512 bytes" % name, log, re.M), log
    assert re.search(r"^%s 5:0: QEMU QEMU HARDDISK" % name, log, re.M), log
    assert "Boot failed: could not read the boot sector of %s 2:0 QEMU HARDDISK" % name in log, log


@pytest.mark.parametrize("hba", BAD_INPUT_HBAS)
def test_cdrom_without_medium_then_disk(bios, tmp_path, hba):
    """An empty CD-ROM (scsi-cd without a drive) at target 1, tried first
    (-boot order=dc): one log line, and the disk at target 3 boots."""
    name = DEVICES[hba][1]
    args = hba_args(hba, [(1, None, ""), (3, good_image(tmp_path, "BOOTED-FROM-TARGET-3"), ",snapshot=on")])
    _, log = boot_until(bios, "hba-nocd-" + hba, args + ["-boot", "order=dc"], r"BOOTED-FROM-TARGET-3")
    assert re.search(r"^%s 1:0: CD-ROM QEMU QEMU CD-ROM, no medium$" % name, log, re.M), log
    assert re.search(r"^%s 3:0: QEMU QEMU HARDDISK" % name, log, re.M), log


@pytest.mark.parametrize("hba", BAD_INPUT_HBAS)
def test_cdrom_with_medium_is_registered(bios, tmp_path, hba):
    """A CD-ROM with a medium: 2048-byte blocks, the size of the image."""
    name = DEVICES[hba][1]
    iso = tmp_path / "cd.iso"
    iso.write_bytes(bytes(300 * 2048))
    args = hba_args(hba, [(4, good_image(tmp_path, "BOOTED-FROM-TARGET-4"), ",snapshot=on")])
    args += ["-drive", "file=%s,format=raw,if=none,id=cd0,media=cdrom,readonly=on" % iso,
             "-device", "scsi-cd,drive=cd0,bus=hba0.0,scsi-id=0"]
    _, log = boot_until(bios, "hba-cd-" + hba, args, r"BOOTED-FROM-TARGET-4")
    assert re.search(r"^%s 0:0: CD-ROM QEMU QEMU CD-ROM, medium present$" % name, log, re.M), log


def test_every_adapter_kind_at_once(bios, tmp_path):
    """One of each adapter, a disk on each: all found, the IDE disk boots
    first, the BDA counts them all."""
    img = message_sector(tmp_path, "BOOTED-FROM-IDE")
    args = disk_args(img, "ide")
    for i, hba in enumerate(LINUX_HBAS, start=1):
        extra = tmp_path / ("extra%d.img" % i)
        extra.write_bytes(bytes(i << 20))
        args += disk_args(str(extra), hba, index=i)
    vm = Qemu(bios=bios, name="hba-all", args=["-M", "pc", "-m", "128M", "-nic", "none"] + args)
    with vm:
        vm.wait_serial(r"BOOTED-FROM-IDE", timeout=60)
        log = vm.debug_text()
        nhd = vm.read_phys(0x475, 1)[0]
    found = sorted(re.findall(r"^(megasas|pvscsi|mptsas) 0:0: QEMU QEMU HARDDISK, (\d+) blocks", log, re.M))
    assert found == [("megasas", "2048"), ("mptsas", "6144"), ("pvscsi", "4096")], log
    assert nhd == 4, nhd
