# SPDX-License-Identifier: LGPL-3.0-or-later
"""PCI option ROMs and network boot: the NIC's ROM BAR (QEMU fills it with
iPXE from Debian's ipxe-qemu) is run, its PnP BEV becomes a boot entry, and
iPXE boots Debian's pxelinux from QEMU's built-in TFTP server, which loads
the test image's Linux and initramfs (their report ends the run).

Broken ROMs in a NIC's ROM BAR (`romfile=`) are logged and skipped, and the
disk behind them boots. SeaBIOS runs the same cases as the floor."""
import os
import re
import shutil
import subprocess

import pytest

from linuxboot import build_grub_image, timeout_scale
from reefqemu import OUT, SEABIOS, Qemu, disk_args, message_sector
from test_kernel import INT18, boot_rom

PXELINUX = "/usr/lib/PXELINUX/pxelinux.0"
LDLINUX_C32 = "/usr/lib/syslinux/modules/bios/ldlinux.c32"
TFTP_DIR = os.path.join(OUT, "payloads", "tftp")
E1000_IDS = (0x8086, 0x100E)


def tftp_root():
    """out/payloads/tftp: pxelinux, its config, the GRUB image's kernel and
    initramfs (rebuilt when the image or pxelinux changes)."""
    grub = build_grub_image().path
    stamp = os.path.join(TFTP_DIR, ".built")
    if os.path.exists(stamp) and all(os.path.getmtime(stamp) >= os.path.getmtime(p)
                                     for p in (grub, PXELINUX, LDLINUX_C32, __file__)):
        return TFTP_DIR
    shutil.rmtree(TFTP_DIR, ignore_errors=True)
    os.makedirs(os.path.join(TFTP_DIR, "pxelinux.cfg"))
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", grub, "-extract", "/boot/vmlinuz",
                    os.path.join(TFTP_DIR, "vmlinuz"), "-extract", "/boot/initrd.img",
                    os.path.join(TFTP_DIR, "initrd.img")], check=True, capture_output=True)
    shutil.copy(PXELINUX, TFTP_DIR)
    shutil.copy(LDLINUX_C32, TFTP_DIR)
    with open(os.path.join(TFTP_DIR, "pxelinux.cfg", "default"), "w") as f:
        f.write("SERIAL 0 115200\nDEFAULT linux\nPROMPT 0\nTIMEOUT 0\n"
                "LABEL linux\n  KERNEL vmlinuz\n  APPEND initrd=initrd.img console=ttyS0,115200 panic=-1\n")
    open(stamp, "w").close()
    return TFTP_DIR


NICS = [("pc", "e1000"), ("q35", "virtio-net-pci")]


@pytest.mark.parametrize("which", ["reef", "seabios"])
@pytest.mark.parametrize("machine,nic", NICS, ids=["%s-%s" % c for c in NICS])
def test_pxe_boots_linux(bios, machine, nic, which):
    root = tftp_root()
    vm = Qemu(bios=bios if which == "reef" else SEABIOS, name="pxe-%s-%s-%s" % (machine, nic, which),
              args=["-M", machine, "-m", "256M", "-boot", "order=n",
                    "-netdev", "user,id=n0,tftp=%s,bootfile=pxelinux.0" % root,
                    "-device", "%s,netdev=n0" % nic])
    with vm:
        vm.wait_serial(r"PXELINUX \d", timeout=120 * timeout_scale())
        vm.wait_serial(r"REEF-LINUX-DONE", timeout=240 * timeout_scale())
        text = vm.serial_text()
    assert re.search(r"Linux version \d", text), text


def test_bootindex_on_the_nic(bios, tmp_path):
    """A bootable disk first in the default order; bootindex on the NIC
    (QEMU's path /pci@i0cf8/ethernet@N/ethernet-phy@0) boots the network."""
    root = tftp_root()
    disk = message_sector(tmp_path, "DISK-BOOTED")
    vm = Qemu(bios=bios, name="pxe-bootindex",
              args=["-M", "pc", "-m", "256M", "-netdev", "user,id=n0,tftp=%s,bootfile=pxelinux.0" % root,
                    "-device", "e1000,netdev=n0,bootindex=0"] + disk_args(disk, "ide"))
    with vm:
        vm.wait_serial(r"PXELINUX \d|DISK-BOOTED", timeout=120 * timeout_scale())
        text = vm.serial_text()
    assert "PXELINUX " in text and "DISK-BOOTED" not in text, text


def broken_checksum():
    r = bytearray(boot_rom(INT18, pcir_length=0x18, ids=E1000_IDS))
    r[0x100] ^= 0x55
    return bytes(r)


BROKEN = {
    # name: (the ROM BAR's contents, what ReefBIOS logs)
    "checksum": (broken_checksum(), r"optionrom: 00:03\.0 \(8086:100e\): bad checksum; skipped"),
    "other-device": (boot_rom(INT18, pcir_length=0x18, ids=(0x8086, 0x1234)),
                     r"optionrom: 00:03\.0: .*(device|vendor)"),
    "no-pcir": (boot_rom(INT18), r"optionrom: 00:03\.0: PCIR structure missing"),
    "bev-int18": (boot_rom(INT18, pcir_length=0x18, ids=E1000_IDS), r"boot: .*: its boot entry gave up \(INT 18h\)"),
}


@pytest.mark.parametrize("which", ["reef", "seabios"])
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_nic_rom_is_skipped(bios, tmp_path, case, which):
    data, message = BROKEN[case]
    rom = tmp_path / "bad.rom"
    rom.write_bytes(data)
    disk = message_sector(tmp_path, "DISK-BOOTED")
    # -boot order=nc: network boot entries before the disk.
    vm = Qemu(bios=bios if which == "reef" else SEABIOS, name="badnicrom-%s-%s" % (case, which),
              args=["-M", "pc", "-m", "128M", "-boot", "order=nc", "-netdev", "user,id=n0",
                    "-device", "e1000,netdev=n0,addr=3,romfile=%s" % rom] + disk_args(disk, "ide"))
    with vm:
        vm.wait_serial(r"DISK-BOOTED", timeout=60 * timeout_scale())
    if which == "reef":
        log = vm.debug_text()
        assert re.search(message, log), log
