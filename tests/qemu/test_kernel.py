# SPDX-License-Identifier: LGPL-3.0-or-later
"""-kernel/-initrd/-append: QEMU's boot option ROMs from fw_cfg (genroms/*).

* The GRUB image's kernel and initramfs as -kernel/-initrd boot Linux to the
  busybox report on pc 512M (with a bootable disk too: the bootorder file
  puts the ROM first), pc 3G and q35 -smp 4 -m 6G; SeaBIOS does the first
  as the floor.
* memtest86+ as -kernel starts testing (its screen on serial).
* Broken ROMs handed over as fw_cfg genroms/ files (bad checksum, a PCI
  data structure reaching past the ROM, too large for the option ROM area, a
  BEV that returns, a BEV that calls INT 18h) are logged by name and
  skipped; the next boot entry (a disk) boots. SeaBIOS runs the ones it
  has an answer for.
* A PVH kernel is not tested: Debian's kernels are bzImages, and QEMU 7.2
  boots PVH only from an uncompressed vmlinux ELF with a PVH note, which
  would mean building a kernel.
"""
import os
import re
import struct
import subprocess

import pytest

from linuxboot import STAGES, build_grub_image, timeout_scale
from reefqemu import OUT, Qemu, QemuTimeout, message_sector

KERNEL_DIR = os.path.join(OUT, "payloads", "kernel-boot")
MEMTEST = "/boot/memtest86+x64.bin"
APPEND = "console=ttyS0,115200 panic=-1"

# (name, machine, mem, extra QEMU arguments)
KERNEL_BOOTS = [
    ("pc-512M", "pc", "512M", ()),
    ("pc-3G", "pc", "3G", ()),
    ("q35-6G-smp4", "q35", "6G", ("-smp", "4")),
]


def kernel_files():
    """vmlinuz and initrd.img of the GRUB test image, extracted once."""
    grub = build_grub_image().path
    kernel = os.path.join(KERNEL_DIR, "vmlinuz")
    initrd = os.path.join(KERNEL_DIR, "initrd.img")
    if not all(os.path.exists(p) and os.path.getmtime(p) >= os.path.getmtime(grub) for p in (kernel, initrd)):
        os.makedirs(KERNEL_DIR, exist_ok=True)
        for p in (kernel, initrd):
            if os.path.exists(p):
                os.chmod(p, 0o644)
                os.remove(p)
        subprocess.run(["xorriso", "-osirrox", "on", "-indev", grub, "-extract", "/boot/vmlinuz", kernel,
                        "-extract", "/boot/initrd.img", initrd], check=True, capture_output=True)
    return kernel, initrd


def boot_kernel(bios, name, machine, mem, extra=(), disk=None):
    """-kernel boot to REEF-LINUX-DONE and QEMU's exit; returns the VM."""
    kernel, initrd = kernel_files()
    args = ["-M", machine, "-m", mem, "-nic", "none", "-kernel", kernel, "-initrd", initrd,
            "-append", APPEND] + list(extra)
    if disk:
        args += ["-drive", "file=%s,format=raw,if=ide,snapshot=on" % disk]
    vm = Qemu(bios=bios, name=name, args=args)
    scale = timeout_scale()
    with vm:
        # STAGES[0] is GRUB's; there is no GRUB here.
        for what, pattern, seconds in STAGES[1:]:
            try:
                vm.wait_serial(pattern, timeout=seconds * scale)
            except QemuTimeout as e:
                raise AssertionError("%s: %s did not happen\n%s\n--- debug ---\n%s"
                                     % (name, what, vm.serial_text()[-3000:], vm.debug_text()[-2000:])) from e
        vm.wait_exit(30 * scale)
    return vm


@pytest.mark.parametrize("name,machine,mem,extra", KERNEL_BOOTS, ids=[b[0] for b in KERNEL_BOOTS])
def test_kernel_boots_linux(bios, tmp_path, name, machine, mem, extra):
    # On pc 512M a bootable disk is attached too: the ROM must boot first.
    disk = message_sector(tmp_path, "DISK-BOOTED") if name == "pc-512M" else None
    vm = boot_kernel(bios, "kernel-" + name, machine, mem, extra, disk)
    serial = vm.serial_text()
    assert "Booting from ROM Linux loader DMA" in serial, serial[:2000]
    assert "DISK-BOOTED" not in serial
    assert vm.returncode == 0


def test_kernel_boots_linux_on_seabios(seabios, tmp_path):
    """The floor: SeaBIOS boots the same -kernel (with the same disk)."""
    disk = message_sector(tmp_path, "DISK-BOOTED")
    vm = boot_kernel(seabios, "kernel-seabios-pc-512M", "pc", "512M", (), disk)
    assert "DISK-BOOTED" not in vm.serial_text()


def test_memtest86_starts_testing(bios):
    if not os.path.exists(MEMTEST):
        pytest.skip("%s not installed (package memtest86+)" % MEMTEST)
    vm = Qemu(bios=bios, name="kernel-memtest", args=[
        "-M", "pc", "-m", "256M", "-nic", "none", "-kernel", MEMTEST, "-append", "console=ttyS0"])
    with vm:
        # Its start-up (CPU and cache probing) takes a while under TCG.
        vm.wait_serial(r"Memtest86\+ v\d", timeout=150 * timeout_scale())
        # The test screen: a test under way on the boot CPU.
        vm.wait_serial(r"Using: Core #0", timeout=150 * timeout_scale())


# ---- broken ROMs --------------------------------------------------------------
PNP_AT, PCIR_AT, PRODUCT_AT, CODE_AT = 0x1C, 0x40, 0x60, 0x80
INT18 = b"\xcd\x18"
RETF = b"\xcb"


def boot_rom(bev_code=RETF, blocks=1, name=b"Broken ROM", pcir_length=None, ids=(0x1234, 0x5678)):
    """A QEMU-style boot ROM: init returns, a PnP header whose BEV runs
    `bev_code`; with `pcir_length`, a PCI data structure of that length
    naming vendor:device `ids`."""
    r = bytearray(blocks * 512)
    struct.pack_into("<HB", r, 0, 0xAA55, blocks)
    r[3] = 0xCB
    struct.pack_into("<H", r, 0x1A, PNP_AT)
    struct.pack_into("<4sBBHBBIHH4xHHH", r, PNP_AT, b"$PnP", 1, 2, 0, 0, 0, 0, 0, PRODUCT_AT, 0, 0, CODE_AT)
    r[PRODUCT_AT:PRODUCT_AT + len(name) + 1] = name + b"\0"
    r[CODE_AT:CODE_AT + len(bev_code)] = bev_code
    if pcir_length is not None:
        struct.pack_into("<H", r, 0x18, PCIR_AT)
        struct.pack_into("<4sHHHHB3sHHBB", r, PCIR_AT, b"PCIR", ids[0], ids[1], 0, pcir_length, 0, b"\0\0\0",
                         blocks, 0, 0, 0x80)
    r[-1] = (-sum(r)) & 0xFF
    return bytes(r)


def bad_checksum():
    r = bytearray(boot_rom(INT18))
    r[0x100] ^= 0x55
    return bytes(r)


BROKEN_ROMS = {
    # name: (ROM bytes, what ReefBIOS logs, whether SeaBIOS has a comparable answer)
    "checksum": (bad_checksum(), r"optionrom: genroms/bad\.bin: bad checksum; skipped", True),
    "pcir-outside": (boot_rom(INT18, pcir_length=0x1000),
                     r"optionrom: genroms/bad\.bin: PCI data structure outside the ROM; skipped", False),
    "too-large": (boot_rom(INT18, blocks=255),
                  r"optionrom: genroms/bad\.bin: \d+ bytes do not fit below 0xe0000; skipped", False),
    "bev-returns": (boot_rom(RETF), r"boot: Broken ROM: its boot entry returned; next", True),
    "bev-int18": (boot_rom(INT18), r"boot: .*: its boot entry gave up \(INT 18h\)", True),
}


@pytest.mark.parametrize("case", sorted(BROKEN_ROMS))
def test_broken_rom_is_skipped(bios_variant, tmp_path, case):
    role, path = bios_variant
    data, message, seabios_too = BROKEN_ROMS[case]
    if role == "seabios" and not seabios_too:
        pytest.skip("SeaBIOS does not check this")
    rom = tmp_path / "bad.bin"
    rom.write_bytes(data)
    disk = message_sector(tmp_path, "DISK-BOOTED")
    # -boot order=nc: ROM boot entries (network) before the disk.
    vm = Qemu(bios=path, name="badrom-%s-%s" % (role, case), args=[
        "-M", "pc", "-m", "128M", "-nic", "none", "-boot", "order=nc",
        "-fw_cfg", "name=genroms/bad.bin,file=%s" % rom,
        "-drive", "file=%s,format=raw,if=ide" % disk])
    with vm:
        vm.wait_serial(r"DISK-BOOTED", timeout=60 * timeout_scale())
    if role == "reef":
        log = vm.debug_text()
        assert re.search(message, log), log
        if case == "too-large":
            assert "Option ROM genroms/bad.bin does not fit" in vm.serial_text()
