# SPDX-License-Identifier: LGPL-3.0-or-later
"""CD-ROMs and El Torito: ATAPI on the PIIX IDE channels and on AHCI, and a
virtio-scsi CD-ROM.

* The GRUB hybrid image boots Linux to the busybox report as a CD
  (El Torito no emulation) on pc IDE, q35 AHCI and pc virtio-scsi.
* ISOLINUX (Debian's isolinux.bin, no emulation, boot info table) boots the
  same kernel from a CD on each of them.
* The El Torito payload (tests/payloads/cdboot.S) boots as a no-emulation
  image and from emulated 1.2M/1.44M/2.88M floppies and an emulated hard
  disk, and checks INT 13h on them (4B01h/4B00h, reads through the
  emulation that start and end inside CD sectors, geometry, writes refused);
  SeaBIOS runs the same payload as the floor.
* Bad CDs (a corrupt catalog of each kind, no medium) are logged and the
  next device boots.
"""
import os
import re
import shutil
import struct
import subprocess

import pytest

from linuxboot import build_grub_image
from reefqemu import OUT, SEABIOS, Qemu, build_payload, disk_args, message_sector

LINUX_MEM = "512M"
CD_MACHINES = [("pc", "ide"), ("q35", "ahci"), ("pc", "virtio-scsi")]
ISO_DIR = os.path.join(OUT, "payloads", "cdrom")
ISOLINUX_BIN = "/usr/lib/ISOLINUX/isolinux.bin"
LDLINUX_C32 = "/usr/lib/syslinux/modules/bios/ldlinux.c32"
SECTOR = 512


def LINUX_BOOT_PLAN(item):
    params = getattr(item, "callspec", None) and item.callspec.params
    if not params or "cd" not in params or "isolinux" in item.name:
        return []
    machine, iface = params["cd"]
    return [("reef", LINUX_MEM, ("-M", machine, "--disk", iface, "--media", "cdrom"))]


def xorriso(*args):
    p = subprocess.run(["xorriso", "-as", "mkisofs", "-quiet"] + list(args), capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError("xorriso failed: %s%s" % (p.stdout, p.stderr))


def newer(target, *deps):
    return os.path.exists(target) and all(os.path.getmtime(target) >= os.path.getmtime(d) for d in deps)


# ---- images -------------------------------------------------------------
EMU_SIZES = {"fl12": 1228800, "fl144": 1474560, "fl288": 2949120}
HD_CHS = (20, 16, 63)


def stamped_image(payload, size):
    """The payload at sector 0, every sector from 16 on stamped "RSEC" + LBA."""
    with open(payload, "rb") as f:
        code = f.read()
    img = bytearray(size)
    img[:len(code)] = code
    for lba in range(16, size // SECTOR):
        img[lba * SECTOR:lba * SECTOR + 8] = b"RSEC" + struct.pack("<I", lba)
    return img


def hd_image(payload):
    c, h, s = HD_CHS
    img = stamped_image(payload, c * h * s * SECTOR)
    # One partition from LBA 63 to the end; its ending CHS gives the geometry.
    end_cyl = c - 1
    entry = bytes([0x80, 1, 1, 0, 0x06, h - 1, (s & 0x3F) | ((end_cyl >> 2) & 0xC0), end_cyl & 0xFF])
    entry += struct.pack("<II", 63, c * h * s - 63)
    img[446:462] = entry
    img[510:512] = b"\x55\xaa"
    return img


def payload_iso(mode):
    """An ISO booting the El Torito payload in `mode` (noemul, fl12, fl144,
    fl288, hdd); cached under out/payloads/cdrom."""
    payload = build_payload("cdboot")
    os.makedirs(ISO_DIR, exist_ok=True)
    iso = os.path.join(ISO_DIR, "cdboot-%s.iso" % mode)
    if newer(iso, payload, __file__):
        return iso
    tree = os.path.join(ISO_DIR, "tree-" + mode)
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tree)
    if mode == "noemul":
        with open(payload, "rb") as f:
            code = f.read()
        with open(os.path.join(tree, "boot.bin"), "wb") as f:
            f.write(code + bytes(-len(code) % 2048))
        opts = ["-b", "boot.bin", "-no-emul-boot", "-boot-load-size", str((len(code) + 511) // 512)]
    elif mode == "hdd":
        with open(os.path.join(tree, "boot.img"), "wb") as f:
            f.write(hd_image(payload))
        opts = ["-b", "boot.img", "-hard-disk-boot"]
    else:
        with open(os.path.join(tree, "boot.img"), "wb") as f:
            f.write(stamped_image(payload, EMU_SIZES[mode]))
        opts = ["-b", "boot.img"]
    xorriso("-o", iso + ".tmp", "-c", "boot.cat", *opts, tree)
    os.replace(iso + ".tmp", iso)
    shutil.rmtree(tree)
    return iso


def isolinux_iso():
    """ISOLINUX booting the GRUB image's kernel and initramfs."""
    grub = build_grub_image().path
    os.makedirs(ISO_DIR, exist_ok=True)
    iso = os.path.join(ISO_DIR, "isolinux.iso")
    if newer(iso, grub, ISOLINUX_BIN, __file__):
        return iso
    tree = os.path.join(ISO_DIR, "tree-isolinux")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(os.path.join(tree, "isolinux"))
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", grub, "-extract", "/boot/vmlinuz",
                    os.path.join(tree, "vmlinuz"), "-extract", "/boot/initrd.img",
                    os.path.join(tree, "initrd.img")], check=True, capture_output=True)
    shutil.copy(ISOLINUX_BIN, os.path.join(tree, "isolinux"))
    shutil.copy(LDLINUX_C32, os.path.join(tree, "isolinux"))
    with open(os.path.join(tree, "isolinux", "isolinux.cfg"), "w") as f:
        f.write("SERIAL 0 115200\nSAY REEF-ISOLINUX: config loaded\nDEFAULT linux\nPROMPT 0\nTIMEOUT 0\n"
                "LABEL linux\n  KERNEL /vmlinuz\n  APPEND initrd=/initrd.img console=ttyS0,115200 panic=-1\n")
    xorriso("-o", iso + ".tmp", "-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat", "-no-emul-boot",
            "-boot-load-size", "4", "-boot-info-table", tree)
    os.replace(iso + ".tmp", iso)
    shutil.rmtree(tree)
    return iso


# ---- the payload ------------------------------------------------------------
def run_payload(bios, iso, machine, iface, name):
    vm = Qemu(bios=bios, name=name, args=["-M", machine, "-m", "64M", "-nic", "none"]
              + disk_args(iso, iface, machine, media="cdrom"))
    with vm:
        vm.wait_serial(r"DONE \d+ \d+", timeout=60)
        text = vm.serial_text()
        log = vm.debug_text()
    results = {}
    for status, check, rest in re.findall(r"^(PASS|FAIL) (\S+) ?(.*)$", text, re.M):
        results[check] = (status, rest.strip())
    return results, text, log


EXPECTED = {
    # mode: (DL, media type in the 4B01h packet, checks that must be there)
    "noemul": (0xE0, 0, ["dl", "4b01", "cd.41", "cd.48", "cd.42", "cd.43", "cd.45"]),
    "fl12": (0x00, 1, ["dl", "4b01", "emu.08", "emu.last", "emu.span", "emu.03", "emu.4b00"]),
    "fl144": (0x00, 2, ["dl", "4b01", "emu.08", "emu.last", "emu.span", "emu.03", "emu.4b00"]),
    "fl288": (0x00, 3, ["dl", "4b01", "emu.08", "emu.last", "emu.span", "emu.03", "emu.4b00"]),
    "hdd": (0x80, 4, ["dl", "4b01", "emu.08", "emu.last", "emu.span", "emu.03", "emu.4b00"]),
}
GEOMETRY = {"fl12": "80/2/15", "fl144": "80/2/18", "fl288": "80/2/36", "hdd": "%d/%d/%d" % HD_CHS}
FLOPPY_TYPE = {"fl12": "02", "fl144": "04", "fl288": "05"}


@pytest.mark.parametrize("cd", CD_MACHINES, ids=["%s-%s" % c for c in CD_MACHINES])
@pytest.mark.parametrize("mode", list(EXPECTED))
def test_eltorito_payload(bios, cd, mode):
    machine, iface = cd
    results, text, log = run_payload(bios, payload_iso(mode), machine, iface, "cdboot-%s-%s" % (mode, iface))
    dl, media, checks = EXPECTED[mode]
    failed = {k: v for k, v in results.items() if v[0] != "PASS"}
    assert not failed, text
    assert sorted(results) == sorted(checks), text
    assert "dl=0x%02x" % dl in results["dl"][1], text
    # Bit 6: an ATAPI drive; bit 7: a SCSI one (El Torito table 8).
    transport = 0x40 if iface in ("ide", "ahci") else 0x80
    assert re.search(r"media=0x%02x" % (media | transport), results["4b01"][1]), text
    if mode in GEOMETRY:
        assert "chs=%s" % GEOMETRY[mode] in results["emu.08"][1], text
    if mode in FLOPPY_TYPE:
        assert "bl=0x%s" % FLOPPY_TYPE[mode] in results["emu.08"][1], text
    if mode == "noemul":
        assert "Booting from DVD/CD" in text


@pytest.mark.parametrize("mode", list(EXPECTED))
def test_eltorito_payload_on_seabios(mode):
    """The floor: SeaBIOS passes every check of the payload too (which also
    shows that the payload's expectations are not ReefBIOS's own)."""
    results, text, _ = run_payload(SEABIOS, payload_iso(mode), "pc", "ide", "cdboot-seabios-" + mode)
    failed = {k for k, v in results.items() if v[0] != "PASS"}
    assert not failed, text
    assert sorted(results) == sorted(EXPECTED[mode][2]), text


# ---- real clients ---------------------------------------------------------
@pytest.mark.parametrize("cd", CD_MACHINES, ids=["%s-%s" % c for c in CD_MACHINES])
def test_linux_boots_from_cd(linux_boots, bios, cd):
    machine, iface = cd
    boot = linux_boots.get("reef", bios, LINUX_MEM, ("-M", machine, "--disk", iface, "--media", "cdrom"))
    if not boot.ok:
        pytest.fail("boot failed: " + boot.failure_text(), pytrace=False)
    assert "Linux version" in boot.report.sections.get("version", "")


@pytest.mark.parametrize("cd", CD_MACHINES, ids=["%s-%s" % c for c in CD_MACHINES])
def test_isolinux_boots_linux(bios, cd):
    machine, iface = cd
    iso = isolinux_iso()
    vm = Qemu(bios=bios, name="isolinux-" + iface, args=["-M", machine, "-m", LINUX_MEM, "-nic", "none"]
              + disk_args(iso, iface, machine, media="cdrom"))
    with vm:
        vm.wait_serial(r"REEF-LINUX-DONE", timeout=120)
        text = vm.serial_text()
    assert "ISOLINUX" in text and "Loading /vmlinuz... ok" in text, text[-3000:]
    assert "Linux version" in text


# ---- bad CDs --------------------------------------------------------------
def patched_iso(tmp_path, how):
    """A copy of the no-emulation ISO with its catalog damaged in one way."""
    with open(payload_iso("noemul"), "rb") as f:
        iso = bytearray(f.read())
    catalog = struct.unpack_from("<I", iso, 17 * 2048 + 0x47)[0] * 2048
    if how == "checksum":
        iso[catalog + 28] ^= 0x01
    elif how == "key":
        iso[catalog + 30] = 0x00
    elif how == "not-bootable":
        iso[catalog + 32] = 0x00
    elif how == "zero-count":
        iso[catalog + 32 + 6:catalog + 32 + 8] = b"\0\0"
    elif how == "past-end":
        iso[catalog + 32 + 8:catalog + 32 + 12] = struct.pack("<I", len(iso) // 2048 + 100)
    elif how == "no-boot-record":
        iso[17 * 2048 + 7] = ord("X")
    path = tmp_path / ("bad-%s.iso" % how)
    path.write_bytes(bytes(iso))
    return str(path)


BAD_CATALOGS = {
    "checksum": "boot catalog: bad checksum",
    "key": "boot catalog: bad key bytes",
    "not-bootable": "boot catalog: default entry not bootable",
    "zero-count": "boot catalog: sector count 0",
    "past-end": "boot catalog: past the end of the disc",
    "no-boot-record": "no El Torito boot record",
}


@pytest.mark.parametrize("how", list(BAD_CATALOGS))
def test_bad_catalog_boots_the_next_device(bios, tmp_path, how):
    iso = patched_iso(tmp_path, how)
    disk = message_sector(tmp_path, "BOOTED-FROM-HD")
    vm = Qemu(bios=bios, name="badcat-" + how, args=["-M", "pc", "-m", "64M", "-nic", "none", "-boot", "order=dc"]
              + disk_args(disk, "ide", index=0) + disk_args(iso, "ide", media="cdrom", index=2))
    with vm:
        vm.wait_serial(r"BOOTED-FROM-HD", timeout=60)
        log = vm.debug_text()
    assert BAD_CATALOGS[how] in log, log
    # The CD came first and was tried: one line for it, then the disk.
    assert log.count(BAD_CATALOGS[how]) == 1, log


ATAPI_CDS = CD_MACHINES[:2]  # (virtio-scsi without a medium: test_scsi.py)


@pytest.mark.parametrize("cd", ATAPI_CDS, ids=["%s-%s" % c for c in ATAPI_CDS])
def test_cd_without_medium_boots_the_next_device(bios, tmp_path, cd):
    machine, iface = cd
    disk = message_sector(tmp_path, "BOOTED-FROM-HD")
    if iface == "ide":
        empty = ["-drive", "if=ide,index=2,media=cdrom"]
    else:
        empty = ["-drive", "if=none,id=emptycd", "-device", "ide-cd,drive=emptycd,bus=ide.2"]
    vm = Qemu(bios=bios, name="nomedium-" + iface, args=["-M", machine, "-m", "64M", "-nic", "none", "-boot",
                                                          "order=dc"] + disk_args(disk, "ide", machine) + empty)
    with vm:
        vm.wait_serial(r"BOOTED-FROM-HD", timeout=60)
        log = vm.debug_text()
        text = vm.serial_text()
    assert re.search(r"ATAPI .*no medium", log), log
    assert "has no medium" in text or "has no medium" in log, log
