# SPDX-License-Identifier: LGPL-3.0-or-later
"""Boot priority from QEMU's `bootindex` (the fw_cfg "bootorder" file of
OpenFirmware device paths) on every disk driver.

Each case has two bootable disks of one kind, told apart only by the part
of the path that names the disk (the IDE channel and unit, the AHCI port,
the PCI function, the SCSI target and LUN), with `bootindex` on the one the
BIOS would not pick by itself: that one must boot. The floppy case puts
bootindex on drive A against CMOS's default order, hard disk first.
SeaBIOS runs the same cases as the floor."""
import pytest

from reefqemu import SCSI_HBAS, SEABIOS, Qemu, disk_args, message_sector

BOOTINDEX = ",bootindex=0"


def two_disks(tmp_path, iface, machine):
    """QEMU arguments for disks FIRST and SECOND on `iface`, the second with
    bootindex=0."""
    imgs = []
    for name in ("FIRST", "SECOND"):
        d = tmp_path / name
        d.mkdir()
        img = message_sector(d, "BOOTED-" + name)
        with open(img, "r+b") as f:
            f.truncate(1 << 20)  # SeaBIOS cannot read 64 KiB disks on AHCI, virtio or NVMe
        imgs.append(img)
    if iface in SCSI_HBAS:
        # One adapter, targets 0 and 1 (on virtio-scsi: target 0, LUNs 0 and 1).
        lun = iface.startswith("virtio-scsi")
        args = ["-device", "%s,id=hba0" % SCSI_HBAS[iface]]
        for i, img in enumerate(imgs):
            addr = "scsi-id=0,lun=%d" % i if lun else "scsi-id=%d" % i
            args += ["-drive", "file=%s,format=raw,if=none,id=d%d,snapshot=on" % (img, i),
                     "-device", "scsi-hd,drive=d%d,bus=hba0.0,%s%s" % (i, addr, BOOTINDEX if i else "")]
        return args
    args = []
    for i, img in enumerate(imgs):
        args += disk_args(img, iface, machine, drive_opts=",snapshot=on", index=i, dev_opts=BOOTINDEX if i else "")
    return args


CASES = [("ide", "pc"), ("ahci", "q35"), ("virtio", "pc"), ("virtio-modern", "q35"), ("nvme", "q35"),
         ("virtio-scsi", "pc"), ("lsi", "pc"), ("megasas", "pc"), ("pvscsi", "pc"), ("mptsas1068", "pc"),
         ("am53c974", "pc")]


@pytest.mark.parametrize("which", ["reef", "seabios"])
@pytest.mark.parametrize("iface,machine", CASES, ids=["%s-%s" % c for c in CASES])
def test_bootindex_picks_the_disk(bios, tmp_path, iface, machine, which):
    vm = Qemu(bios=bios if which == "reef" else SEABIOS, name="bootindex-%s-%s-%s" % (iface, machine, which),
              args=["-M", machine, "-m", "64M", "-nic", "none"] + two_disks(tmp_path, iface, machine))
    with vm:
        vm.wait_serial(r"BOOTED-(FIRST|SECOND)", timeout=60)
        text = vm.serial_text()
    assert "BOOTED-SECOND" in text and "BOOTED-FIRST" not in text, text


@pytest.mark.parametrize("which", ["reef", "seabios"])
@pytest.mark.parametrize("machine", ["pc", "q35"])
def test_bootindex_on_the_floppy(bios, tmp_path, machine, which):
    """QEMU's default order boots the hard disk before drive A; bootindex
    on drive A (the ISA floppy controller's device path) boots the floppy."""
    hd = tmp_path / "hd"
    fd = tmp_path / "fd"
    hd.mkdir()
    fd.mkdir()
    hd_img = message_sector(hd, "BOOTED-HD")
    fd_img = message_sector(fd, "BOOTED-FLOPPY")
    with open(fd_img, "r+b") as f:
        f.truncate(1474560)
    vm = Qemu(bios=bios if which == "reef" else SEABIOS, name="bootindex-floppy-%s-%s" % (machine, which),
              args=["-M", machine, "-m", "64M", "-nic", "none",
                    "-drive", "file=%s,format=raw,if=floppy,snapshot=on" % fd_img,
                    "-global", "isa-fdc.bootindexA=0"] + disk_args(hd_img, "ide", machine, drive_opts=",snapshot=on"))
    with vm:
        vm.wait_serial(r"BOOTED-(HD|FLOPPY)", timeout=60)
        text = vm.serial_text()
    assert "BOOTED-FLOPPY" in text and "BOOTED-HD" not in text, text


SEABIOS_ONE_HD = pytest.mark.xfail(strict=True, reason="SeaBIOS tries only its first hard disk (the "
                                   "bootindex one): the other disk never boots")


@pytest.mark.parametrize("which", ["reef", "seabios"])
@pytest.mark.parametrize("strict", ["on", "off"])
def test_boot_strict(bios, tmp_path, strict, which, request):
    """bootindex on a disk with no boot sector: with -boot strict=on nothing
    else may boot ("No bootable device"); with strict=off the other disk
    boots after it fails."""
    if strict == "off" and which == "seabios":
        request.applymarker(SEABIOS_ONE_HD)
    blank = tmp_path / "blank.img"
    blank.write_bytes(bytes(1 << 20))
    ok = message_sector(tmp_path, "BOOTED-UNLISTED")
    with open(ok, "r+b") as f:
        f.truncate(1 << 20)
    vm = Qemu(bios=bios if which == "reef" else SEABIOS, name="strict-%s-%s" % (strict, which),
              args=["-M", "pc", "-m", "64M", "-nic", "none", "-boot", "strict=" + strict]
              + disk_args(ok, "virtio", drive_opts=",snapshot=on")
              + disk_args(str(blank), "virtio", drive_opts=",snapshot=on", index=1, dev_opts=BOOTINDEX))
    with vm:
        # SeaBIOS writes "No bootable device" on screen and its debug port only.
        vm.wait_output(r"BOOTED-UNLISTED|No bootable device", timeout=60)
        text = vm.serial_text() + vm.debug_text()
    if strict == "on":
        assert "No bootable device" in text and "BOOTED-UNLISTED" not in text, text
    else:
        assert "BOOTED-UNLISTED" in text, text
