# SPDX-License-Identifier: LGPL-3.0-or-later
"""USB mice behind INT 15h C2h: tests/payloads/mouse.S (the PS/2 mouse
test's payload: every C2h function, a handler, HMP moves and clicks) with a
`usb-mouse` on qemu-xhci, piix3-usb-uhci and pci-ohci. The packets the handler gets
must be the PS/2 packets the same moves give on the PS/2 mouse. SeaBIOS
(which drives usb-mouse too) is the floor.

The machine has no i8042 (`i8042=off`): the keyboard the payload reads at
the end is a usb-kbd on the same controller. In "uhci-hub" a usb-kbd, a
usb-tablet and the usb-mouse share UHCI's two ports (QEMU adds a hub); the
PS/2 keyboard types the last key there, and the mouse gets the moves (one
USB pointing device is driven, the first found: the tablet is skipped).
"""
import os
import re
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_mouse as tm  # noqa: E402
from reefqemu import assert_done_and_exit, assert_no_other_failures, assert_reported, check_or_xfail  # noqa: E402

SETUPS = {
    "xhci": ["-M", "pc,i8042=off", "-device", "qemu-xhci,id=usb0", "-device", "usb-mouse,bus=usb0.0",
             "-device", "usb-kbd,bus=usb0.0"],
    "uhci": ["-M", "pc,i8042=off", "-device", "piix3-usb-uhci,id=usb0", "-device", "usb-mouse,bus=usb0.0",
             "-device", "usb-kbd,bus=usb0.0"],
    # Three devices on UHCI's two ports: QEMU puts a usb-hub on the second.
    "uhci-hub": ["-M", "pc", "-device", "piix3-usb-uhci,id=usb0", "-device", "usb-kbd,bus=usb0.0",
                 "-device", "usb-mouse,bus=usb0.0", "-device", "usb-tablet,bus=usb0.0"],
    "ohci": ["-M", "pc,i8042=off", "-device", "pci-ohci,id=usb0", "-device", "usb-mouse,bus=usb0.0",
             "-device", "usb-kbd,bus=usb0.0"],
}

# Where SeaBIOS (1.16) departs with a USB mouse: id -> why. Its USB mouse
# keeps none of the PS/2 state C2h sets and reads back.
SEABIOS_DEVIATIONS = dict(tm.SEABIOS_DEVIATIONS)
SEABIOS_DEVIATIONS.update({
    "c204": "C204h returns the reset's AAh as the device ID (want 00h)",
    "c206.status": "C206h BH=0 returns fixed bytes: no 2:1 scaling bit, resolution 4, rate 100, whatever was set",
    "c200.on": "C206h's status never shows reporting enabled (bit 5)",
    "c200.quiet": "a move after C200h BH=0 (disable) still reaches the handler",
})


def args_for(setup):
    """QEMU's arguments for a payload image: the setup's (-M first, then
    the USB devices) around the disk."""
    def make(img):
        return setup[:2] + ["-m", "128M", "-nic", "none",
                            "-drive", "file=%s,format=raw,snapshot=on,if=ide,index=0" % img,
                            "-device", "isa-debug-exit,iobase=0x501"] + setup[2:]
    return make


_RUNS = {}


@pytest.fixture(params=[(s, r) for s in SETUPS for r in ("reef", "seabios")], ids=lambda p: "%s-%s" % p)
def run(request, bios, seabios):
    setup, role = request.param
    if request.param not in _RUNS:
        _RUNS[request.param] = tm.run_payload(bios if role == "reef" else seabios, role, args_for(SETUPS[setup]),
                                              name="usb-mouse-" + setup, pause=0.4)
    r = _RUNS[request.param]
    try:
        r.under_seabios = role == "seabios" or os.path.samefile(bios, seabios)
    except OSError:
        r.under_seabios = role == "seabios"
    r.setup = setup
    return r


@pytest.mark.parametrize("sid", tm.EXPECTED_IDS)
def test_function(run, sid):
    why = SEABIOS_DEVIATIONS.get(sid) if run.under_seabios else None
    check_or_xfail(why, lambda: assert_reported(run, sid))


def test_packets_match_the_moves(run):
    """One packet per HMP command, the same bytes as the PS/2 mouse sends."""
    got = [p[:3] for p in run.packets]
    assert got == tm.PACKETS, "got %s\nwant %s\n%s" % (
        ["%02x/%02x/%02x" % p for p in got], ["%02x/%02x/%02x" % p for p in tm.PACKETS], run.tail())


def test_no_other_failures(run):
    assert_no_other_failures(run, tm.EXPECTED_IDS)


def test_done_and_exit(run):
    assert_done_and_exit(run)


def test_reef_drives_the_usb_mouse(run):
    if run.under_seabios:
        pytest.skip("ReefBIOS's debug log")
    assert re.search(r"^usb-mouse port \d+: boot mouse, 3-byte reports", run.debug, re.M), run.debug[-3000:]


# ---- usb-tablet: absolute positions --------------------------------------------
# QMP input-send-event (HMP's mouse_move is relative: a tablet ignores it).
# Positions are QEMU's 0..7FFFh; ReefBIOS maps the tablet onto 640x480
# counts (hid_pointer.h), so a move is a PS/2 delta of that many counts.
def _abs(x, y):
    return [{"type": "abs", "data": {"axis": "x", "value": x}}, {"type": "abs", "data": {"axis": "y", "value": y}}]


def _btn(down):
    return [{"type": "btn", "data": {"down": down, "button": "left"}}]


TABLET_EVENTS = [_abs(0x4000, 0x4000), _abs(0x5000, 0x3000), _btn(True), _btn(False), _abs(0x1000, 0x7000)]
# The first report only fixes the position. Then +80/-60 (HID Y grows down:
# PS/2 +60); a click; -320 (clamped to -256, X overflow) / +240 (PS/2 -240).
TABLET_PACKETS = [(0x08, 0x50, 0x3C), (0x09, 0x00, 0x00), (0x08, 0x00, 0x00), (0x78, 0x00, 0x10)]


def tablet_answer(vm, m):
    if m.group(3):
        vm.sendkey(m.group(3))
        return
    for ev in TABLET_EVENTS if m.group(2) != "0" else [_abs(0x2000, 0x2000)]:
        vm.qmp("input-send-event", {"events": ev})
        time.sleep(0.4)


@pytest.fixture(scope="module")
def tablet_run(bios):
    setup = ["-M", "pc,i8042=off", "-device", "qemu-xhci,id=usb0", "-device", "usb-tablet,bus=usb0.0",
             "-device", "usb-kbd,bus=usb0.0"]
    return tm.run_payload(bios, "reef", args_for(setup), name="usb-tablet", answer_fn=tablet_answer)


def test_tablet_moves_become_packets(tablet_run):
    """A usb-tablet (no boot protocol: read through its report descriptor)
    serves C2h; its absolute moves arrive as relative PS/2 packets, and after
    C200h BH=0 nothing comes. (SeaBIOS drives no tablet: nothing to compare.)"""
    r = tablet_run
    assert re.search(r"^usb-mouse port \d+: tablet \(absolute\), 6-byte reports", r.debug, re.M), r.debug[-3000:]
    got = [p[:3] for p in r.packets]
    assert got == TABLET_PACKETS, "got %s\n%s" % (["%02x/%02x/%02x" % p for p in got], r.tail())
    assert_no_other_failures(r, tm.EXPECTED_IDS)
    assert_done_and_exit(r)
