# SPDX-License-Identifier: LGPL-3.0-or-later
"""PS/2 mouse test: boot tests/payloads/mouse.S and check what it reports.

The payload checks INT 11h's pointing-device bit and every INT 15h
AX=C2xxh function (valid and bad input), installs a C207h handler, enables
the mouse and prints "WAITMOUSE 4": the harness then moves the mouse and
clicks through the HMP monitor (`mouse_move`, `mouse_button`, which QEMU
hands to the PS/2 mouse on the i8042's aux port), and the payload prints
the four words each handler call got ("MOUSE n=.. status=.. x=.. y=..
w4=.."). After C200h BH=0 ("WAITMOUSE 0") a move must bring no packet; a
key typed after all that must come out of INT 16h (the keyboard still
works, and no mouse byte reached its buffer).

Runs under the firmware under test and under Debian's SeaBIOS, on the same
command line (SeaBIOS is the floor: documented deviations are strict
xfails).

    REEF_BIOS=/usr/share/seabios/bios-256k.bin \\
        /usr/bin/python3 -m pytest tests/qemu/test_mouse.py -v
"""
import os
import re
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reefqemu  # noqa: E402
from reefqemu import (PayloadRun, Qemu, assert_done_and_exit, assert_no_other_failures,  # noqa: E402
                      assert_reported, check_or_xfail)

EXPECTED_IDS = ["int11", "c207.clear", "c200.nohandler", "c201", "c205", "c205.bad", "c202",
                "c202.bad", "c203", "c203.bad", "c204", "c206.scale21", "c206.status", "c206.scale11",
                "c206.bad", "c2.unknown", "c207", "c200.on", "c200.bad", "packets", "kbd.clean",
                "c200.off", "c200.quiet", "kbd.key"]

# What the harness does for "WAITMOUSE 4", and the packets (status, x, y)
# the handler must see for it: PS/2 format, Y positive = up (HMP's dy is
# positive down), 9-bit two's complement with the sign bits in the status.
MOVES = ["mouse_move 10 -5", "mouse_button 1", "mouse_button 0", "mouse_move -20 30"]
PACKETS = [(0x08, 0x0A, 0x05), (0x09, 0x00, 0x00), (0x08, 0x00, 0x00), (0x38, 0xEC, 0xE2)]
QUIET_MOVE = "mouse_move 7 7"

# Where SeaBIOS (1.16) departs from the interface as Ralf Brown's list
# documents it: id -> why.
SEABIOS_DEVIATIONS = {
    "c205.bad": "C205h with a packet size of 0 or 9 returns 03h (interface error), not 02h (invalid input)",
}

# What ReefBIOS logs for the refused calls the payload makes.
BAD_INPUT_LOG = [
    r"int15 c2: AX=C200h BH=01h: no handler installed \(C207h\) \(05h\)",
    r"int15 c2: AX=C205h BH=00h: packet size not 1-8 \(02h\)",
    r"int15 c2: AX=C205h BH=09h: packet size not 1-8 \(02h\)",
    r"int15 c2: AX=C202h BH=07h: sample rate index not 0-6 \(02h\)",
    r"int15 c2: AX=C203h BH=04h: resolution not 0-3 \(02h\)",
    r"int15 c2: AX=C206h BH=03h: BH not 0-2 \(01h\)",
    r"int15 c2: AX=C210h: no such function \(01h\)",
    r"int15 c2: AX=C200h BH=02h: BH not 0 \(disable\) or 1 \(enable\) \(01h\)",
]

MOUSE_RE = re.compile(r"^MOUSE n=(\d+) status=(\w{4}) x=(\w{4}) y=(\w{4}) w4=(\w{4})$")


def qemu_args(img):
    return ["-M", "pc", "-m", "128M", "-nic", "none",
            "-drive", "file=%s,format=raw,snapshot=on,if=ide,index=0" % img,
            "-device", "isa-debug-exit,iobase=0x501"]


class Run(PayloadRun):
    def __init__(self, role, serial, debug, returncode, timed_out):
        super().__init__(serial, debug, returncode, timed_out)
        self.role = role
        self.packets = [tuple(int(x, 16) for x in m.groups()[1:]) for m in map(MOUSE_RE.match, self.lines) if m]


REQUEST_RE = re.compile(r"^(WAITMOUSE (\d+)|WAITKEY (\S+))\r?$", re.M)


def answer(vm, m, pause=0.0):
    """One request of the payload. `pause`: seconds between HMP commands, so
    that a polled (USB) mouse reports each before the next comes (QEMU's
    HID queue merges moves the guest has not fetched yet)."""
    if m.group(3):
        vm.sendkey(m.group(3))
    else:
        for cmd in MOVES if m.group(2) != "0" else [QUIET_MOVE]:
            vm.hmp(cmd)
            time.sleep(pause)


def run_payload(bios, role, args=None, name="mouse", pause=0.0, answer_fn=None):
    """`answer_fn(vm, match)` replaces answer() (then the VM has QMP)."""
    img = reefqemu.payload_image("mouse", [os.path.abspath(__file__)])
    vm = Qemu(bios=bios, args=(args or qemu_args)(img), name="%s-%s" % (name, role), qmp=answer_fn is not None)
    vm.start()
    try:
        timed_out = reefqemu.drive_payload(vm, (REQUEST_RE, answer_fn or (lambda vm, m: answer(vm, m, pause))))
    finally:
        rc = vm.proc.poll()
        vm.kill()
    return Run(role, vm.serial_text(), vm.debug_text(), rc, timed_out)


_RUNS = {}


@pytest.fixture(params=["reef", "seabios"])
def run(request, bios, seabios):
    role = request.param
    if role not in _RUNS:
        _RUNS[role] = run_payload(bios if role == "reef" else seabios, role)
    r = _RUNS[role]
    try:
        r.under_seabios = role == "seabios" or os.path.samefile(bios, seabios)
    except OSError:
        r.under_seabios = role == "seabios"
    return r


@pytest.mark.parametrize("sid", EXPECTED_IDS)
def test_function(run, sid):
    why = SEABIOS_DEVIATIONS.get(sid) if run.under_seabios else None
    check_or_xfail(why, lambda: assert_reported(run, sid))


def test_packets_match_the_moves(run):
    """The handler got one packet per HMP command, as the mouse sent it,
    and the fourth word is zero."""
    got = [p[:3] for p in run.packets]
    assert got == PACKETS, "got %s\nwant %s\n%s" % (
        ["%02x/%02x/%02x" % p for p in got], ["%02x/%02x/%02x" % p for p in PACKETS], run.tail())
    assert all(p[3] == 0 for p in run.packets), run.packets


def test_no_other_failures(run):
    assert_no_other_failures(run, EXPECTED_IDS)


def test_done_and_exit(run):
    assert_done_and_exit(run)


def test_reef_logs_bad_input(run):
    """Each refused C2h call is one line on the debug port, and only those."""
    if run.under_seabios:
        pytest.skip("ReefBIOS's debug log")
    lines = [l for l in run.debug.splitlines() if l.startswith("int15 c2:")]
    missing = [p for p in BAD_INPUT_LOG if not any(re.fullmatch(p, l) for l in lines)]
    assert not missing, "missing %s in:\n%s" % (missing, "\n".join(lines))
    assert len(lines) == len(BAD_INPUT_LOG), "\n".join(lines)


# ---- no aux port ---------------------------------------------------------------
# A boot sector on q35 with i8042=off: INT 11h, then C201h (reset) and C200h
# BH=1 after C207h; prints "EQUIP <ax> C201 <flags> <ax> C207 <flags> <ax>
# C200 <flags> <ax>" (flags: the low byte of FLAGS, CF = bit 0).
NO_AUX_SECTOR = r"""
        .code16
        .globl _start
_start: cli
        xorw %ax, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movw $0x7000, %sp
        sti
        movw $s_equip, %si
        call puts
        int $0x11
        call hex4
        movw $s_c201, %si
        call puts
        movw $0xc201, %ax
        int $0x15
        call flags_ax
        movw $s_c207, %si
        call puts
        movw $handler, %bx
        movw $0xc207, %ax
        int $0x15
        call flags_ax
        movw $s_c200, %si
        call puts
        movw $0x0100, %bx
        movw $0xc200, %ax
        int $0x15
        call flags_ax
        movw $s_end, %si
        call puts
        cli
1:      hlt
        jmp 1b
handler: lret
/* the flags of the call (low byte), then AX */
flags_ax:
        pushw %ax
        pushf
        popw %ax
        andw $0xff, %ax
        call hex4
        movb $' ', %al
        call putc
        popw %ax
        jmp hex4
hex4:   movw $4, %cx
2:      rolw $4, %ax
        pushw %ax
        andb $0x0f, %al
        addb $'0', %al
        cmpb $'9', %al
        jbe 3f
        addb $7, %al
3:      call putc
        popw %ax
        loop 2b
        ret
puts:   lodsb
        testb %al, %al
        jz 4f
        call putc
        jmp puts
4:      ret
putc:   movw $0x3f8, %dx
        outb %al, %dx
        ret
s_equip: .asciz "EQUIP "
s_c201:  .asciz " C201 "
s_c207:  .asciz " C207 "
s_c200:  .asciz " C200 "
s_end:   .asciz " END\r\n"
        .org 510
        .word 0xaa55
"""


@pytest.mark.parametrize("which", ["reef", "seabios"])
def test_no_aux_port(bios, seabios, tmp_path, which):
    """Without an i8042 there is no pointing device: INT 11h bit 2 clear,
    C201h and C200h fail with 03h (interface error), C207h still takes a
    handler. SeaBIOS as the floor: its calls fail too (CF set, AH=04h), but
    it sets the equipment bit for the mouse that is not there."""
    img = reefqemu.build_sector(str(tmp_path), NO_AUX_SECTOR)
    vm = Qemu(bios=bios if which == "reef" else seabios, name="mouse-noaux-%s" % which,
              args=["-M", "q35,i8042=off", "-m", "64M", "-nic", "none"] + reefqemu.disk_args(img, "ide", "q35"))
    with vm:
        m = vm.wait_serial(r"EQUIP (\w{4}) C201 (\w{4}) (\w{4}) C207 (\w{4}) (\w{4}) C200 (\w{4}) (\w{4}) END",
                           timeout=60)
    equip, c201f, c201a, c207f, c207a, c200f, c200a = (int(x, 16) for x in m.groups())
    assert c201f & 1 and c200f & 1, m.group(0)
    if which == "reef":
        assert not equip & 0x0004, "INT 11h AX=%04x: pointing device bit set" % equip
        assert (c201a >> 8, c200a >> 8) == (0x03, 0x03), m.group(0)
        assert not c207f & 1 and c207a >> 8 == 0, m.group(0)
