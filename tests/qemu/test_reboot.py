# SPDX-License-Identifier: LGPL-3.0-or-later
"""Reboot paths a user notices: nothing to boot, and Ctrl-Alt-Del.

Both end in a reset, which QEMU (-no-reboot) turns into a clean exit."""
import time

import pytest

from reefqemu import REEF_BIOS, Qemu, message_sector


def test_no_bootable_device_then_reboot():
    # No disk at all; QEMU's -boot reboot-timeout (fw_cfg etc/boot-fail-wait)
    # asks for a reboot after 1 s.
    vm = Qemu(bios=REEF_BIOS, name="noboot", args=["-M", "pc", "-m", "128M", "-boot", "reboot-timeout=1000"])
    with vm:
        vm.wait_serial(r"No bootable device\.", timeout=60)
        vm.wait_serial(r"Retrying in 1 seconds", timeout=10)
        start = time.monotonic()
        rc = vm.wait_exit(60)
    assert rc == 0
    # It waited for the timeout rather than rebooting at once (generous
    # bounds: TCG's clock follows the host's).
    assert time.monotonic() - start > 0.3
    assert "boot: rebooting after boot failure" in vm.debug_text()


def test_no_bootable_device_waits_forever_by_default():
    # QEMU's default reboot-timeout is -1: say so once and stay put.
    vm = Qemu(bios=REEF_BIOS, name="noboot-forever", args=["-M", "pc", "-m", "128M"])
    with vm:
        vm.wait_serial(r"No bootable device\.", timeout=60)
        time.sleep(2)
        assert vm.returncode is None, "QEMU exited although no reboot was asked for"
    assert "Retrying" not in vm.serial_text()




def test_ctrl_alt_del_reboots(tmp_path):
    # A boot sector that says it is ready and waits with interrupts on.
    img = message_sector(tmp_path, "READY", wait_with_irqs=True)
    vm = Qemu(bios=REEF_BIOS, name="ctrl-alt-del", args=[
        "-M", "pc", "-m", "128M", "-drive", "file=%s,format=raw,if=ide" % img])
    with vm:
        vm.wait_serial(r"READY", timeout=60)
        vm.sendkey("ctrl-alt-delete")
        rc = vm.wait_exit(30)
    assert rc == 0
    assert "kbd: Ctrl-Alt-Del, rebooting" in vm.debug_text()


def test_q35_posts_to_the_boot_stage():
    """q35 is not supported yet (no AHCI, no ICH9 setup), but the same image
    must shadow itself (Q35 PAM registers), POST and say it has nothing to
    boot rather than crash."""
    vm = Qemu(bios=REEF_BIOS, name="q35", args=["-M", "q35", "-m", "256M"])
    with vm:
        vm.wait_serial(r"No bootable device\.", timeout=60)
    assert vm.serial_text().startswith("ReefBIOS ")
    assert "vga: video BIOS initialised" in vm.debug_text()
    assert "shadow: unknown host bridge" not in vm.debug_text()
