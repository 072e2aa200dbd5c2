# SPDX-License-Identifier: LGPL-3.0-or-later
"""USB bad input: a device that stalls its control requests (issue 12),
made with QEMU's usb-redir talking to tests/qemu/usbredir_fake.py.

On qemu-xhci, usb-ehci, piix3-usb-uhci and pci-ohci a stalling device and
a usb-storage disk sit on one controller: the BIOS logs one line for the
stalling device, skips it and boots the disk within a bounded time;
also when the device sits behind a usb-hub (xHCI, UHCI, OHCI). SeaBIOS
with the same set-up is the floor."""
import re
import time

import pytest

from reefqemu import SEABIOS, Qemu, message_sector
from usbredir_fake import UsbRedirFake

# usb-redir's speed decides the port it takes: EHCI's ports without
# companions are high speed only, UHCI and OHCI full speed only.
HCS = {"qemu-xhci": "high", "usb-ehci": "high", "piix3-usb-uhci": "full", "pci-ohci": "full"}
BOOT_TIMEOUT = 60
# What the BIOS logs for the stalling device, per fake mode.
STALL_LINE = {
    "all": r"port \d+( route \w+)?: no device descriptor \(GET_DESCRIPTOR stalled\); skipped",
    "after-device": r"port \d+( route \w+)?: 1d6b:0bad: no configuration descriptor \(GET_DESCRIPTOR stalled\); skipped",
    "set-config": r"usb device \d+ \(root port \d+\): SET_CONFIGURATION 1 stalled; skipped",
    "bulk": r"^usb-storage \d+:0: does not answer; skipped",
}


def disk(tmp_path, text):
    d = tmp_path / text
    d.mkdir()
    img = message_sector(d, text)
    with open(img, "r+b") as f:
        f.truncate(1 << 20)
    return img


def run(bios, tmp_path, hc, mode, which, behind_hub=False):
    """`behind_hub`: the stalling device (full speed) on port 1 of a usb-hub
    on root port 1, the disk on root port 2."""
    fake = UsbRedirFake(str(tmp_path / "redir.sock"), mode=mode, speed="full" if behind_hub else HCS[hc])
    args = ["-M", "pc", "-m", "64M", "-nic", "none", "-S", "-device", "%s,id=usb0" % hc]
    if behind_hub:
        args += ["-device", "usb-hub,bus=usb0.0,port=1"] + fake.chardev_args(bus="usb0.0,port=1.1")
    else:
        args += fake.chardev_args()
    args += ["-drive", "file=%s,format=raw,if=none,id=u0,snapshot=on" % disk(tmp_path, "BOOTED-USB-DISK"),
             "-device", "usb-storage,drive=u0,bus=usb0.0" + (",port=2" if behind_hub else "")]
    vm = Qemu(bios=bios if which == "reef" else SEABIOS, name="usb-stall-%s-%s-%s%s" % (hc, mode, which, "-hub" if behind_hub else ""), args=args)
    try:
        with vm:
            assert fake.accepted.wait(10), "QEMU did not connect to the usbredir fake"
            vm.hmp("cont")
            start = time.monotonic()
            try:
                vm.wait_serial(r"BOOTED-USB-DISK", timeout=BOOT_TIMEOUT)
                booted = True
            except AssertionError:
                booted = False
            took = time.monotonic() - start
            text, log = vm.serial_text(), vm.debug_text()
    finally:
        fake.close()
    assert fake.error is None, fake.error
    return booted, took, text, log, fake


@pytest.mark.parametrize("which", ["reef", "seabios"])
@pytest.mark.parametrize("hc", sorted(HCS))
def test_stalling_device_is_skipped_and_the_disk_boots(bios, tmp_path, hc, which):
    booted, took, text, log, fake = run(bios, tmp_path, hc, "all", which)
    assert fake.requests, "the device was never asked anything (not attached?)"
    if which == "seabios":
        if not booted:
            pytest.xfail("SeaBIOS did not boot the usb-storage disk next to a stalling device within %ds" % BOOT_TIMEOUT)
        return
    assert booted, text + log
    # Asked once (the first GET_DESCRIPTOR), not retried.
    assert len(fake.requests) == 1, fake.requests
    lines = re.findall(r"^.*" + STALL_LINE["all"] + r".*$", log, re.M)
    assert len(lines) == 1, log
    assert re.search(r"^usb-storage\S* \d+:0: QEMU QEMU HARDDISK", log, re.M), log


@pytest.mark.parametrize("mode", ["after-device", "set-config", "bulk"])
@pytest.mark.parametrize("hc", sorted(HCS))
def test_device_stalling_later_is_skipped(bios, tmp_path, hc, mode):
    booted, took, text, log, fake = run(bios, tmp_path, hc, mode, "reef")
    assert booted, text + log
    lines = re.findall(r"^.*" + STALL_LINE[mode] + r".*$", log, re.M)
    assert len(lines) == 1, log
    if mode == "set-config":
        assert fake.set_configs == [1], fake.set_configs
    if mode == "bulk":
        assert 0 < fake.bulk <= 8, fake.bulk


@pytest.mark.parametrize("hc", ["qemu-xhci", "piix3-usb-uhci", "pci-ohci"])
def test_stalling_device_behind_a_hub_is_skipped(bios, tmp_path, hc):
    """The same device on a usb-hub's port: one line, the hub and the disk
    on the next root port still work."""
    booted, took, text, log, fake = run(bios, tmp_path, hc, "all", "reef", behind_hub=True)
    assert booted, text + log
    assert len(fake.requests) == 1, fake.requests
    lines = re.findall(r"^.*" + STALL_LINE["all"] + r".*$", log, re.M)
    assert len(lines) == 1, log
