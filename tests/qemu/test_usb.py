# SPDX-License-Identifier: LGPL-3.0-or-later
"""USB: xHCI host controllers (qemu-xhci, nec-usb-xhci) and usb-storage
(Bulk-Only Transport) disks as block-layer drives (docs/usb.md).

* the GRUB test image boots to the busybox report from a usb-storage disk
  on xHCI (pc and q35), under ReefBIOS and under SeaBIOS (the floor);
* bootindex picks the second of two usb-storage disks on one controller
  (the bootorder path names the root port), SeaBIOS as the floor;
* a usb-storage disk whose reads fail: "Boot failed", the next disk boots;
  a controller with nothing attached is halted again."""
import re

import pytest

from reefqemu import SEABIOS, Qemu, disk_args, message_sector

LINUX_MEM = "512M"
LINUX_USB = [("pc", "usb-xhci"), ("q35", "usb-xhci"), ("pc", "usb-nec-xhci")]
HCS = {"usb-xhci": "qemu-xhci", "usb-nec-xhci": "nec-usb-xhci"}


def disk_extra(machine, iface):
    return ("-M", machine, "--disk", iface)


def LINUX_BOOT_PLAN(item):
    params = getattr(item, "callspec", None) and item.callspec.params
    if not params or "disk" not in params or "linux_boots" not in item.fixturenames:
        return []
    return [(role, LINUX_MEM, disk_extra(*params["disk"])) for role in ("reef", "seabios")]


@pytest.mark.parametrize("disk", LINUX_USB, ids=["%s-%s" % d for d in LINUX_USB])
def test_linux_boots_from(linux_boots, bios, seabios, disk):
    ref = linux_boots.get("seabios", seabios, LINUX_MEM, disk_extra(*disk))
    if not ref.ok:
        pytest.fail("reference boot under SeaBIOS failed: " + ref.failure_text(), pytrace=False)
    boot = linux_boots.get("reef", bios, LINUX_MEM, disk_extra(*disk))
    if not boot.ok:
        pytest.fail("boot failed: " + boot.failure_text(), pytrace=False)
    assert "Linux version" in boot.report.sections.get("version", ""), boot.report.text[-2000:]


def sector(tmp_path, text, size=1 << 20):
    d = tmp_path / text
    d.mkdir()
    img = message_sector(d, text)
    with open(img, "r+b") as f:
        f.truncate(size)
    return img


def storage(img, i, opts=""):
    return ["-drive", "file=%s,format=raw,if=none,id=u%d,snapshot=on" % (img, i),
            "-device", "usb-storage,drive=u%d,bus=usb0.0%s" % (i, opts)]


@pytest.mark.parametrize("which", ["reef", "seabios"])
@pytest.mark.parametrize("hc", sorted(HCS))
def test_bootindex_picks_the_second_usb_disk(bios, tmp_path, hc, which):
    args = ["-device", "%s,id=usb0" % HCS[hc]]
    args += storage(sector(tmp_path, "BOOTED-FIRST"), 0) + storage(sector(tmp_path, "BOOTED-SECOND"), 1, ",bootindex=0")
    vm = Qemu(bios=bios if which == "reef" else SEABIOS, name="usb-bootindex-%s-%s" % (hc, which),
              args=["-M", "pc", "-m", "64M", "-nic", "none"] + args)
    with vm:
        vm.wait_serial(r"BOOTED-(FIRST|SECOND)", timeout=60)
        text, log = vm.serial_text(), vm.debug_text()
    assert "BOOTED-SECOND" in text and "BOOTED-FIRST" not in text, text + log


def test_usb_disk_behind_ide_and_found(bios, tmp_path):
    """IDE boots first by default; the USB disk is hard disk 81h (BDA count 2)."""
    args = disk_args(sector(tmp_path, "BOOTED-FROM-IDE"), "ide") + ["-device", "qemu-xhci,id=usb0"]
    args += storage(sector(tmp_path, "USB-DISK", 2 << 20), 0)
    vm = Qemu(bios=bios, name="usb-behind-ide", args=["-M", "q35", "-m", "128M", "-nic", "none"] + args)
    with vm:
        vm.wait_serial(r"BOOTED-FROM-IDE", timeout=60)
        log = vm.debug_text()
        nhd = vm.read_phys(0x475, 1)[0]
    assert re.search(r"^xhci [0-9a-f:.]+: version \w+, \d+ ports", log, re.M), log
    assert re.search(r"^usb-storage 1:0: QEMU QEMU HARDDISK, 4096 blocks of 512 bytes", log, re.M), log
    assert nhd == 2, nhd


def test_failing_usb_disk_falls_back_to_the_next(bios, tmp_path):
    """Every read of the first usb-storage disk fails: "Boot failed" for
    it, the second boots."""
    bad = sector(tmp_path, "SHOULD-NOT-RUN")
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n')
    args = ["-device", "qemu-xhci,id=usb0"] + storage("blkdebug:%s:%s" % (conf, bad), 0, ",bootindex=0")
    args += storage(sector(tmp_path, "BOOTED-FROM-SECOND"), 1, ",bootindex=1")
    vm = Qemu(bios=bios, name="usb-failing", args=["-M", "pc", "-m", "128M", "-nic", "none"] + args)
    with vm:
        vm.wait_serial(r"BOOTED-FROM-SECOND", timeout=60)
        out, log = vm.serial_text(), vm.debug_text()
    assert "SHOULD-NOT-RUN" not in out
    assert "Boot failed: could not read the boot sector of usb-storage 1:0 QEMU HARDDISK" in log, log


def test_empty_controller_is_halted(bios, tmp_path):
    """An xHCI with nothing on it: set up, then halted and reset again."""
    args = disk_args(sector(tmp_path, "BOOTED-FROM-IDE"), "ide") + ["-device", "qemu-xhci"]
    vm = Qemu(bios=bios, name="usb-empty", args=["-M", "pc", "-m", "64M", "-nic", "none"] + args)
    with vm:
        vm.wait_serial(r"BOOTED-FROM-IDE", timeout=60)
        log = vm.debug_text()
    assert re.search(r"^xhci [0-9a-f:.]+: version", log, re.M), log
