# SPDX-License-Identifier: LGPL-3.0-or-later
"""USB: xHCI host controllers (qemu-xhci, nec-usb-xhci) and usb-storage
(Bulk-Only Transport) disks as block-layer drives (docs/usb.md).

* the GRUB test image boots to the busybox report from a usb-storage disk
  on xHCI (pc and q35), under ReefBIOS and under SeaBIOS (the floor);
* bootindex picks the second of two usb-storage disks on one controller
  (the bootorder path names the root port), SeaBIOS as the floor;
* a usb-storage disk whose reads fail: "Boot failed", the next disk boots;
  a controller with nothing attached is halted again;
* usb-uas (USB Attached SCSI: SuperSpeed streams on xHCI, READ/WRITE READY
  at high speed on EHCI): the GRUB image boots Linux from it, bootindex
  picks it over a usb-storage disk, a failing one falls back."""
import re
import time

import pytest

from reefqemu import SEABIOS, Qemu, build_sector, disk_args, message_sector

LINUX_MEM = "512M"
LINUX_USB = [("pc", "usb-xhci"), ("q35", "usb-xhci"), ("pc", "usb-nec-xhci"), ("pc", "usb-ehci"),
             ("q35", "usb-ich9-ehci"), ("pc", "usb-uhci"), ("q35", "usb-ich9-uhci"), ("pc", "usb-ohci"),
             ("q35", "usb-ohci"), ("pc", "uas-xhci"), ("q35", "uas-xhci"), ("pc", "uas-ehci")]
# Controllers that take two disks on their root ports (QEMU puts a hub in
# front of the second one on UHCI's two ports: hubs there are not done).
HCS = {"usb-xhci": "qemu-xhci", "usb-nec-xhci": "nec-usb-xhci", "usb-ehci": "usb-ehci", "usb-ohci": "pci-ohci"}
# SeaBIOS does not get GRUB to start Linux from UHCI within the harness's
# 150 s: its boots there are run but only reported.
SLOW_FOR_SEABIOS = ("usb-uhci", "usb-ich9-uhci")
# SeaBIOS 1.16 has no xHCI streams, so it cannot drive usb-uas at
# SuperSpeed (test_bootindex_picks_the_uas_disk shows it, cheaply).
SEABIOS_CANNOT = ("uas-xhci",)


def disk_extra(machine, iface):
    return ("-M", machine, "--disk", iface)


def LINUX_BOOT_PLAN(item):
    params = getattr(item, "callspec", None) and item.callspec.params
    if not params or "disk" not in params or "linux_boots" not in item.fixturenames:
        return []
    # SeaBIOS is not booted where it is known not to get there in time:
    # each such boot costs the harness's full 150 s.
    roles = ("reef",) if params["disk"][1] in SLOW_FOR_SEABIOS + SEABIOS_CANNOT else ("reef", "seabios")
    return [(role, LINUX_MEM, disk_extra(*params["disk"])) for role in roles]


@pytest.mark.parametrize("disk", LINUX_USB, ids=["%s-%s" % d for d in LINUX_USB])
def test_linux_boots_from(linux_boots, bios, seabios, disk):
    boot = linux_boots.get("reef", bios, LINUX_MEM, disk_extra(*disk))
    if disk[1] not in SLOW_FOR_SEABIOS + SEABIOS_CANNOT:
        ref = linux_boots.get("seabios", seabios, LINUX_MEM, disk_extra(*disk))
        if not ref.ok:
            pytest.fail("reference boot under SeaBIOS failed: " + ref.failure_text(), pytrace=False)
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


def uas(img, i, hc_id="usb0", opts=""):
    """The image as a scsi-hd behind usb-uas device uas<i>."""
    return ["-drive", "file=%s,format=raw,if=none,id=a%d,snapshot=on" % (img, i),
            "-device", "usb-uas,id=uas%d,bus=%s.0" % (i, hc_id),
            "-device", "scsi-hd,drive=a%d,bus=uas%d.0%s" % (i, i, opts)]


@pytest.mark.parametrize("which", ["reef", "seabios"])
@pytest.mark.parametrize("hc", ["qemu-xhci", "usb-ehci"])
def test_bootindex_picks_the_uas_disk(bios, tmp_path, hc, which):
    """A usb-storage disk and a usb-uas disk (bootindex=0) on one controller:
    the UAS one boots (its bootorder path: storage@<port>/channel@0/disk@0,0)."""
    args = ["-device", "%s,id=usb0" % hc] + storage(sector(tmp_path, "BOOTED-BOT"), 0)
    args += uas(sector(tmp_path, "BOOTED-UAS"), 1, opts=",bootindex=0")
    vm = Qemu(bios=bios if which == "reef" else SEABIOS, name="uas-bootindex-%s-%s" % (hc, which),
              args=["-M", "pc", "-m", "64M", "-nic", "none"] + args)
    with vm:
        vm.wait_serial(r"BOOTED-(BOT|UAS)", timeout=60)
        text, log = vm.serial_text(), vm.debug_text()
    if (hc, which) == ("qemu-xhci", "seabios"):
        assert "BOOTED-BOT" in text, text
        pytest.xfail("SeaBIOS 1.16 drives no usb-uas on xHCI (no streams): it booted the usb-storage disk")
    assert "BOOTED-UAS" in text and "BOOTED-BOT" not in text, text + log
    if which == "reef":
        assert re.search(r"^usb-uas 2:0: QEMU QEMU HARDDISK, 2048 blocks of 512 bytes", log, re.M), log


@pytest.mark.parametrize("hc", ["qemu-xhci", "usb-ehci"])
def test_failing_uas_disk_falls_back_to_the_next(bios, tmp_path, hc):
    """Every read of the usb-uas disk fails: "Boot failed" for it, then the
    usb-storage disk after it boots; no hang in the UAS status phase."""
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n')
    args = ["-device", "%s,id=usb0" % hc] + uas("blkdebug:%s:%s" % (conf, sector(tmp_path, "SHOULD-NOT-RUN")), 0,
                                               opts=",bootindex=0")
    args += storage(sector(tmp_path, "BOOTED-FROM-SECOND"), 1, ",bootindex=1")
    vm = Qemu(bios=bios, name="uas-failing-" + hc, args=["-M", "pc", "-m", "128M", "-nic", "none"] + args)
    with vm:
        vm.wait_serial(r"BOOTED-FROM-SECOND", timeout=60)
        out, log = vm.serial_text(), vm.debug_text()
    assert "SHOULD-NOT-RUN" not in out
    assert "Boot failed: could not read the boot sector of usb-uas 1:0 QEMU HARDDISK" in log, log


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


@pytest.mark.parametrize("hc", sorted(HCS))
def test_failing_usb_disk_falls_back_to_the_next(bios, tmp_path, hc):
    """Every read of the first usb-storage disk fails: "Boot failed" for
    it, the second boots."""
    bad = sector(tmp_path, "SHOULD-NOT-RUN")
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n')
    args = ["-device", "%s,id=usb0" % HCS[hc]] + storage("blkdebug:%s:%s" % (conf, bad), 0, ",bootindex=0")
    args += storage(sector(tmp_path, "BOOTED-FROM-SECOND"), 1, ",bootindex=1")
    vm = Qemu(bios=bios, name="usb-failing-" + hc, args=["-M", "pc", "-m", "128M", "-nic", "none"] + args)
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


# A boot sector that prints "READY", then echoes what INT 16h AH=00h
# returns as "<AX in hex> " on COM1 until Enter, then "DONE".
KEY_ECHO = r"""
        .code16
        .globl _start
_start: cli
        xorw %ax, %ax
        movw %ax, %ds
        movw %ax, %ss
        movw $0x7000, %sp
        sti
        movw $ready, %si
        call puts
1:      movb $0x00, %ah
        int $0x16
        pushw %ax
        movw %ax, %bx
        movw $4, %cx
2:      rolw $4, %bx
        movb %bl, %al
        andb $0x0f, %al
        addb $'0', %al
        cmpb $'9', %al
        jbe 3f
        addb $7, %al
3:      call putc
        loop 2b
        movb $' ', %al
        call putc
        popw %ax
        cmpb $0x0d, %al
        jne 1b
        movw $done, %si
        call puts
4:      hlt
        jmp 4b
putc:   movw $0x3f8, %dx
        outb %al, %dx
        ret
puts:   lodsb
        testb %al, %al
        jz 5f
        call putc
        jmp puts
5:      ret
ready:  .asciz "READY\r\n"
done:   .asciz "DONE\r\n"
        .org 510
        .word 0xaa55
"""


KBD_HCS = {"pc": ("qemu-xhci", "piix3-usb-uhci", "pci-ohci"), "q35": ("qemu-xhci", "ich9-usb-uhci1")}
KBD_CASES = [(m, hc) for m in KBD_HCS for hc in KBD_HCS[m]]


@pytest.mark.parametrize("which", ["reef", "seabios"])
@pytest.mark.parametrize("machine,hc", KBD_CASES, ids=["%s-%s" % c for c in KBD_CASES])
def test_usb_keyboard_types_into_int16(bios, tmp_path, machine, hc, which):
    """A machine without an i8042 (i8042=off): QEMU's sendkey goes to the
    usb-kbd, and the boot sector reads the keys through INT 16h, shifted
    ones, Ctrl and Enter included. SeaBIOS as the floor."""
    d = tmp_path / "echo"
    d.mkdir()
    img = build_sector(str(d), KEY_ECHO)
    args = disk_args(img, "ide", machine) + ["-device", "%s,id=usb0" % hc, "-device", "usb-kbd,bus=usb0.0"]
    vm = Qemu(bios=bios if which == "reef" else SEABIOS, name="usb-kbd-%s-%s-%s" % (machine, hc, which),
              args=["-M", machine + ",i8042=off", "-m", "64M", "-nic", "none"] + args)
    with vm:
        vm.wait_serial(r"READY", timeout=60)
        for key in ("a", "shift-b", "1", "ctrl-c", "ret"):
            vm.sendkey(key)
            time.sleep(0.2)
        vm.wait_serial(r"DONE", timeout=20)
        text, log = vm.serial_text(), vm.debug_text()
    if which == "reef":
        assert re.search(r"^usb-kbd port \d+: boot keyboard", log, re.M), log
    keys = text.split("READY", 1)[1].split("DONE")[0].split()
    assert keys == ["1E61", "3042", "0231", "2E03", "1C0D"], text


@pytest.mark.parametrize("which", ["reef", "seabios"])
def test_usb_key_held_repeats(bios, tmp_path, which):
    """A usb-kbd key held for 1.5 s (HMP sendkey's hold time) repeats after
    the typematic delay, as a PS/2 keyboard's would (the device itself sends
    one report). SeaBIOS repeats too: the floor."""
    d = tmp_path / "echo"
    d.mkdir()
    img = build_sector(str(d), KEY_ECHO)
    args = disk_args(img, "ide", "pc") + ["-device", "qemu-xhci,id=usb0", "-device", "usb-kbd,bus=usb0.0"]
    vm = Qemu(bios=bios if which == "reef" else SEABIOS, name="usb-kbd-repeat-" + which,
              args=["-M", "pc,i8042=off", "-m", "64M", "-nic", "none"] + args)
    with vm:
        vm.wait_serial(r"READY", timeout=60)
        vm.sendkey("a 1500")
        time.sleep(2.0)
        vm.sendkey("ret")
        vm.wait_serial(r"DONE", timeout=20)
        text = vm.serial_text()
    keys = text.split("READY", 1)[1].split("DONE")[0].split()
    assert keys[-1] == "1C0D" and set(keys[:-1]) == {"1E61"}, text
    # 1.5 s held: the first key, then about 10 a second after 0.5 s.
    assert 4 <= len(keys) - 1 <= 25, keys


# ---- hand-off: Linux takes the controller over -------------------------------
# Debian's cloud kernel has no USB; the generic kernel's image loads
# usbcore, xhci-pci and ehci-pci (scripts/mkgrubimage.sh), and its report
# has the USB lines of dmesg ("usb-dmesg").
# (Linux's "quirk_usb_early_handoff ... took N usecs" line is no trouble:
# it says how long the quirk ran, about the same after SeaBIOS.)
HANDOFF_TROUBLE = re.compile(r"handoff failed|HC died|not ready|halt failed|not halted|BIOS|error|fail", re.I)
HANDOFF_CASES = [("q35", "usb-xhci"), ("pc", "usb-nec-xhci"), ("pc", "usb-ehci"), ("pc", "usb-ohci")]
HANDOFF_HCD = {"ehci": r"ehci-pci .*: EHCI Host Controller", "ohci": r"ohci-pci .*: OHCI PCI host controller",
               "xhci": r"xhci_hcd .*: xHCI Host Controller"}


@pytest.fixture(scope="module")
def generic_usb_boots(bios, seabios):
    from linuxboot import generic_boot_pool
    pool = generic_boot_pool()
    for case in HANDOFF_CASES:
        for role, b in (("reef", bios), ("seabios", seabios)):
            pool.submit(role, b, LINUX_MEM, disk_extra(*case))
    yield lambda role, b, case: pool.get(role, b, LINUX_MEM, disk_extra(*case))
    pool.close()


@pytest.mark.parametrize("case", HANDOFF_CASES, ids=["%s-%s" % c for c in HANDOFF_CASES])
def test_linux_takes_the_controller_over(generic_usb_boots, bios, seabios, case):
    ref = generic_usb_boots("seabios", seabios, case)
    boot = generic_usb_boots("reef", bios, case)
    for b, who in ((ref, "SeaBIOS"), (boot, "ReefBIOS")):
        if not b.ok:
            pytest.fail("boot under %s failed: %s" % (who, b.failure_text()), pytrace=False)
    dmesg = boot.report.sections.get("usb-dmesg", "")
    hcd = HANDOFF_HCD[case[1].split("-")[-1]]
    assert re.search(hcd, dmesg), dmesg
    trouble = [l for l in dmesg.splitlines() if HANDOFF_TROUBLE.search(l)]
    ref_trouble = [l for l in ref.report.sections.get("usb-dmesg", "").splitlines() if HANDOFF_TROUBLE.search(l)]
    assert not trouble, "ours:\n%s\nSeaBIOS's:\n%s\n\nall of ours:\n%s" % ("\n".join(trouble), "\n".join(ref_trouble),
                                                                          dmesg)


# ---- hubs ---------------------------------------------------------------------
# Controllers for the hub tests: machine, the controller's -device lines
# (the bus is usb0). ICH9 EHCI with its three UHCI companions: QEMU's
# usb-hub is a full-speed hub, so the EHCI hands its port to a companion,
# whose driver then drives the hub.
HUB_HCS = {
    "xhci": ("pc", ["-device", "qemu-xhci,id=usb0"]),
    "uhci": ("pc", ["-device", "piix3-usb-uhci,id=usb0"]),
    "ohci": ("pc", ["-device", "pci-ohci,id=usb0"]),
    "ich9-ehci": ("q35", ["-device", "ich9-usb-ehci1,id=usb0,addr=1d.7,multifunction=on",
                          "-device", "ich9-usb-uhci1,masterbus=usb0.0,firstport=0,addr=1d.0,multifunction=on",
                          "-device", "ich9-usb-uhci2,masterbus=usb0.0,firstport=2,addr=1d.1",
                          "-device", "ich9-usb-uhci3,masterbus=usb0.0,firstport=4,addr=1d.2"]),
}


@pytest.mark.parametrize("hc", ["xhci", "uhci", "ohci"])
def test_boot_through_nested_hubs_with_bootindex(bios, tmp_path, hc):
    """A usb-hub on the controller, a second hub on its port 2; disks on the
    first hub's port 1 and the second hub's port 3. bootindex picks the
    deeper one (its bootorder path names both hubs); both are registered."""
    args = HUB_HCS[hc][1] + [
            "-device", "usb-hub,bus=usb0.0,port=1,id=hub1",
            "-device", "usb-hub,bus=usb0.0,port=1.2,id=hub2"]
    args += ["-drive", "file=%s,format=raw,if=none,id=u0,snapshot=on" % sector(tmp_path, "BOOTED-HUB1"),
             "-device", "usb-storage,drive=u0,bus=usb0.0,port=1.1"]
    args += ["-drive", "file=%s,format=raw,if=none,id=u1,snapshot=on" % sector(tmp_path, "BOOTED-HUB2"),
             "-device", "usb-storage,drive=u1,bus=usb0.0,port=1.2.3,bootindex=0"]
    vm = Qemu(bios=bios, name="usb-hubs-" + hc, args=["-M", "q35", "-m", "64M", "-nic", "none"] + args)
    with vm:
        vm.wait_serial(r"BOOTED-HUB\d", timeout=60)
        text, log = vm.serial_text(), vm.debug_text()
        nhd = vm.read_phys(0x475, 1)[0]
    assert "BOOTED-HUB2" in text and "BOOTED-HUB1" not in text, text + log
    assert re.search(r"^usb-storage@1 1:0: QEMU QEMU HARDDISK", log, re.M), log
    assert re.search(r"^usb-storage@1.2 3:0: QEMU QEMU HARDDISK", log, re.M), log
    assert nhd == 2, log


@pytest.mark.parametrize("which", ["reef", "seabios"])
@pytest.mark.parametrize("hc", sorted(HUB_HCS))
def test_disk_behind_a_hub_boots(bios, tmp_path, hc, which):
    """A disk on port 4 of a usb-hub on root port 2 boots, under both
    firmwares (SeaBIOS as the floor)."""
    machine, args = HUB_HCS[hc]
    args = args + ["-device", "usb-hub,bus=usb0.0,port=2"]
    args += ["-drive", "file=%s,format=raw,if=none,id=u0,snapshot=on" % sector(tmp_path, "BOOTED-BEHIND-HUB"),
             "-device", "usb-storage,drive=u0,bus=usb0.0,port=2.4"]
    vm = Qemu(bios=bios if which == "reef" else SEABIOS, name="usb-hub-%s-%s" % (hc, which),
              args=["-M", machine, "-m", "64M", "-nic", "none"] + args)
    with vm:
        vm.wait_serial(r"BOOTED-BEHIND-HUB", timeout=60)
