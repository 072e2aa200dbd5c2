# SPDX-License-Identifier: LGPL-3.0-or-later
"""PCI BIOS test: boot tests/payloads/pcibios.S and check what it reports.

The payload calls every INT 1Ah AX=B1xxh function in real mode, then finds
the BIOS32 Service Directory, switches to 32-bit protected mode with paging
(the BIOS reachable only at 0xC0000000 + physical, as under 32-bit Linux)
and calls the directory and the "$PCI" entry there for the same functions
(its header comment lists the checks). It runs on pc and q35, under the
firmware under test and under Debian's SeaBIOS, on the same command line:
three virtio-rng functions (a multi-function device in slot 5, one in slot
6) give B102h an index beyond 0, multi-function walks and routed pins past
the chipset's own; q35 boots from a PIIX3 IDE controller in slot 4 like
the Linux tests.

Besides one pytest item per check id:
  * the payload's own walk of bus 0 (ports CF8h/CFCh) is what QEMU's
    `info pci` shows (taken before the guest runs), so its expectations are
    the machine's;
  * the $PIR it found describes the bus: every function with a pin has a
    slot entry with a link for it (ReefBIOS: exactly those device numbers,
    the chipset's router, IRQs 10/11 exclusive, the bitmap of IRQs 5, 9, 10
    and 11: src/fw/irqroute.h);
  * the DONE counts match the lines, QEMU left through isa-debug-exit with
    the payload's verdict;
  * ReefBIOS logged each refused call on the debug port, in both modes;
  * Debian's biosdecode, given the BIOS area at the boot sector, finds the
    $PIR and the BIOS32 directory (it reports only tables whose checksum
    is right) and decodes the $PIR to the bus `info pci` shows.

    REEF_BIOS=/usr/share/seabios/bios-256k.bin \\
        /usr/bin/python3 -m pytest tests/qemu/test_pcibios.py -v
runs the whole module against SeaBIOS as the firmware under test.
"""
import os
import re
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reefqemu  # noqa: E402
from reefqemu import (SEABIOS, PayloadRun, Qemu, assert_done_and_exit, assert_no_other_failures,  # noqa: E402
                      assert_reported, check_or_xfail, message_sector)

MACHINES = ["pc", "q35"]
DEVICES = ["-device", "virtio-rng-pci,addr=5.0,multifunction=on",
           "-device", "virtio-rng-pci,addr=5.1",
           "-device", "virtio-rng-pci,addr=6"]

FUNCTIONS = ["b101", "b102", "b102.notfound", "b102.badvendor", "b103", "b103.notfound",
             "b103.highbyte", "b106", "b10a", "b109", "b108", "cfg.badreg", "b10b", "b10c",
             "b10d", "cfgw.badreg", "b10e.small", "b10e", "b10e.devices", "b10f", "b10f.bad",
             "unknown", "regs"]
EXPECTED_IDS = (["pir"] + ["rm." + f for f in FUNCTIONS] + ["rm.b10e.wrap", "bios32", "pm.dir",
                "pm.dir.unknown", "pm.dir.func"] + ["pm." + f for f in FUNCTIONS])

# Where SeaBIOS (1.16) departs from the PCI BIOS specification 2.1 or the
# BIOS32 directory proposal, as these checks see it: id -> (machines, why).
_BOTH = ("pc", "q35")
SEABIOS_DEVIATIONS = {}
for _m in ("rm", "pm"):
    SEABIOS_DEVIATIONS.update({
        _m + ".b102.badvendor": (_BOTH, "B102h with DX=FFFFh returns 86h (device not found), not 83h "
                                        "(bad vendor ID)"),
        _m + ".b103.highbyte": (_BOTH, "B103h compares all of ECX; the class code is its low three bytes"),
        _m + ".cfg.badreg": (_BOTH, "no register checks: misaligned and beyond-FFh reads succeed (no 87h)"),
        _m + ".cfgw.badreg": (_BOTH, "no register checks: a misaligned write succeeds and lands (no 87h)"),
        _m + ".b10f": (_BOTH, "B10Fh (set PCI IRQ) is not implemented (81h)"),
        _m + ".b10f.bad": (_BOTH, "B10Fh is not implemented: 81h instead of 88h"),
    })
SEABIOS_DEVIATIONS.update({
    "rm.b10e.wrap": (_BOTH, "B10Eh copies a buffer that crosses its segment's end around to the "
                            "segment's start"),
    "pm.dir.func": (_BOTH, "the BIOS32 directory ignores EBX (the function number): AL=0, not 81h"),
    "pm.b10e": (_BOTH, "the 32-bit B10Eh returns the right size but fills the buffer with zeros, "
                       "not its $PIR's slot entries"),
    "pm.b10e.devices": (_BOTH, "the 32-bit B10Eh returns zeros instead of the slot entries"),
    "rm.b10e.devices": (("q35",), "on q35 its $PIR is the i440FX one (router 00:01.0, slots 1-5): no "
                                  "entry for the ICH9 functions at 00:1f"),
    "pir.covers": (("q35",), "on q35 its $PIR is the i440FX one: no entry for the ICH9 functions"),
})

# What ReefBIOS logs for the refused calls the payload makes (each twice: in
# real and in protected mode; the segment-end one only in real mode).
BAD_INPUT_LOG = [
    (r"pcibios: B102h: vendor FFFFh is no vendor \(83h\)", 2),
    (r"pcibios: B109h 00:00\.0 register 0x1: misaligned for a 2-byte access \(87h\)", 2),
    (r"pcibios: B108h 00:00\.0 register 0x100: beyond 0xFF for a 1-byte access \(87h\)", 2),
    (r"pcibios: B10Ch \w\w:\w\w\.\w register 0x3d: misaligned for a 2-byte access \(87h\)", 2),
    (r"pcibios: function B106h is not supported \(81h\)", 2),
    (r"pcibios: function B1FFh is not supported \(81h\)", 2),
    (r"pcibios: B10Fh \S+ pin 0eh IRQ \d+: pin not 0Ah-0Dh \(88h\)", 2),
    (r"pcibios: B10Fh \S+ pin 0ah IRQ 0: IRQ not in the link's bitmap \(88h\)", 2),
    (r"pcibios: B10Fh 00:1e\.0 pin 0ah IRQ \d+: no routing table link for the device's pin \(88h\)", 2),
    (r"pcibios: B10Eh: the \d+-byte buffer at 5000:fff8 runs past the end of its segment \(89h\)", 1),
]

DEV_RE = re.compile(r"^INFO dev bdf=(\w{4}) id=(\w{8}) class=(\w{8}) hdr=(\w\w) pin=(\w) line=(\w\w)$")
PIR_RE = re.compile(r"^INFO pir at=(\w+) size=(\w+) router=(\w+) excl=(\w+) compat=(\w+)$")
SLOT_RE = re.compile(r"^INFO pirslot bus=(\w\w) devfn=(\w\w) links=((?:\w\w/\w{4} ){4})slot=(\w\w)$")
QPCI_RE = re.compile(r"Bus\s+(\d+), device\s+(\d+), function (\d+):\n\s+(.*?): PCI device (\w{4}):(\w{4})\n"
                     r"((?:\s{6}.*\n?)*)")


def qemu_args(machine, img):
    drive = "file=%s,format=raw,snapshot=on" % img
    if machine == "q35":
        disk = ["-device", "piix3-ide,id=pide,addr=4", "-drive", drive + ",if=none,id=disk0",
                "-device", "ide-hd,drive=disk0,bus=pide.0"]
    else:
        disk = ["-drive", drive + ",if=ide,index=0"]
    return (["-M", machine, "-m", "128M", "-nic", "none"] + disk + DEVICES +
            ["-device", "isa-debug-exit,iobase=0x501", "-S"])


class Run(PayloadRun):
    def __init__(self, role, machine, serial, debug, info_pci, returncode, timed_out):
        super().__init__(serial, debug, returncode, timed_out)
        self.role, self.machine, self.info_pci = role, machine, info_pci
        self.devs = [m.groups() for m in map(DEV_RE.match, self.lines) if m]
        pir = [m.groups() for m in map(PIR_RE.match, self.lines) if m]
        self.pir = pir[0] if pir else None
        self.slots = [m.groups() for m in map(SLOT_RE.match, self.lines) if m]


def run_payload(bios, role, machine):
    img = reefqemu.payload_image("pcibios", [os.path.abspath(__file__)])
    vm = Qemu(bios=bios, args=qemu_args(machine, img), name="pcibios-%s-%s" % (role, machine))
    vm.start()
    try:
        info = vm.hmp("info pci")
        vm.hmp("cont")
        timed_out = reefqemu.drive_payload(vm)
    finally:
        rc = vm.proc.poll()
        vm.kill()
    return Run(role, machine, vm.serial_text(), vm.debug_text(), info, rc, timed_out)


def is_seabios(path):
    try:
        return os.path.samefile(path, SEABIOS)
    except OSError:
        return False


_RUNS = {}


@pytest.fixture(params=[(r, m) for r in ("reef", "seabios") for m in MACHINES],
                ids=lambda p: "%s-%s" % p)
def run(request, bios, seabios):
    role, machine = request.param
    if (role, machine) not in _RUNS:
        _RUNS[role, machine] = run_payload(bios if role == "reef" else seabios, role, machine)
    r = _RUNS[role, machine]
    r.under_seabios = role == "seabios" or is_seabios(bios)
    return r


def deviation(run, sid):
    """The documented SeaBIOS deviation for check `sid` on this run, or None."""
    dev = SEABIOS_DEVIATIONS.get(sid)
    if run.under_seabios and dev and run.machine in dev[0]:
        return dev[1]
    return None


# ---- tests ---------------------------------------------------------------
@pytest.mark.parametrize("sid", EXPECTED_IDS)
def test_function(run, sid):
    check_or_xfail(deviation(run, sid), lambda: assert_reported(run, sid))


def test_no_other_failures(run):
    assert_no_other_failures(run, EXPECTED_IDS)
    assert not [l for l in run.lines if "CPU exception" in l], run.tail()


def test_done_and_exit(run):
    assert_done_and_exit(run)


def parse_info_pci(text):
    """[(bdf, vendor, device, pin)] from HMP `info pci` (pin 0 = none)."""
    devs = []
    for m in QPCI_RE.finditer(text.replace("\r\n", "\n")):
        bus, dev, fn = int(m.group(1)), int(m.group(2)), int(m.group(3))
        pin = re.search(r"pin ([A-D])", m.group(7))
        devs.append((bus << 8 | dev << 3 | fn, int(m.group(5), 16), int(m.group(6), 16),
                     " ABCD".index(pin.group(1)) if pin else 0))
    return devs


def test_scan_matches_qemu(run):
    """The payload's own walk of bus 0 is the machine QEMU built."""
    qemu = parse_info_pci(run.info_pci)
    assert qemu, "could not parse `info pci`:\n" + run.info_pci
    ours = [(int(b, 16), int(i, 16) & 0xFFFF, int(i, 16) >> 16, int(p, 16))
            for b, i, c, h, p, l in run.devs]
    assert ours == sorted(qemu), "payload: %s\nQEMU: %s" % (ours, sorted(qemu))
    # The command line's devices are there: a multi-function device, pins.
    assert sum(1 for d in ours if d[1:3] == (0x1AF4, 0x1005)) == 3, ours


def test_pir_covers_the_bus(run):
    """Every function with a pin has a slot entry with a link for the pin."""
    def check():
        assert run.pir, "no $PIR reported; tail:\n" + run.tail()
        slots = {int(devfn, 16) >> 3: [int(x.split("/")[0], 16) for x in links.split()]
                 for bus, devfn, links, slot in run.slots if bus == "00"}
        missing = []
        for bdf, vendor, device, pin in parse_info_pci(run.info_pci):
            if pin and (bdf >> 3 & 31) not in slots:
                missing.append("%04x: no entry" % bdf)
            elif pin and not slots[bdf >> 3 & 31][pin - 1]:
                missing.append("%04x: pin %d has link 0" % (bdf, pin))
        assert not missing, "; ".join(missing)
    check_or_xfail(deviation(run, "pir.covers"), check)


def test_pir_is_reefbios_layout(run):
    """ReefBIOS's own choices (src/fw/pirtable.h): one entry per device
    number with pins, the chipset's router, IRQs 10 and 11 exclusive, the
    bitmap of IRQs 5, 9, 10, 11 on every pin, slot 0 for chipset devices."""
    if run.under_seabios:
        pytest.skip("ReefBIOS's table layout; SeaBIOS has a fixed one")
    at, size, router, excl, compat = run.pir
    qemu = parse_info_pci(run.info_pci)
    with_pins = sorted({bdf >> 3 & 31 for bdf, v, d, pin in qemu if pin})
    assert [int(devfn, 16) >> 3 for b, devfn, l, s in run.slots] == with_pins
    assert int(size, 16) == 32 + 16 * len(with_pins)
    isa = {"pc": (0x0008, 0x8086, 0x7000), "q35": (0x00F8, 0x8086, 0x2918)}[run.machine]
    assert (int(router, 16), int(compat, 16)) == (isa[0], isa[2] << 16 | isa[1])
    assert int(excl, 16) == (1 << 10) | (1 << 11)
    for b, devfn, links, slot in run.slots:
        assert all(x.endswith("/0e20") for x in links.split()), links
        dev = int(devfn, 16) >> 3
        embedded = dev == 0 or (dev == 1 if run.machine == "pc" else dev >= 25)
        assert int(slot, 16) == (0 if embedded else dev), (devfn, slot)


def test_bad_input_logged(run):
    """Each refused call left one clear line on the debug port."""
    if run.under_seabios:
        pytest.skip("ReefBIOS's debug log")
    missing = ["%s (want %d, got %d)" % (rx, n, len(re.findall(rx, run.debug)))
               for rx, n in BAD_INPUT_LOG if len(re.findall(rx, run.debug)) != n]
    assert not missing, "\n".join(missing) + "\n--- debug log:\n" + run.debug[-3000:]


@pytest.mark.parametrize("machine", MACHINES)
def test_biosdecode(bios, tmp_path, machine):
    """biosdecode finds both tables with valid checksums, and the $PIR's
    devices, router and links are the machine's."""
    img = message_sector(tmp_path, "AT-THE-BOOT-SECTOR")
    args = qemu_args(machine, img)
    args.remove("-S")
    vm = Qemu(bios=bios, name="pcibios-biosdecode-" + machine, args=args)
    with vm:
        vm.wait_serial(r"AT-THE-BOOT-SECTOR", timeout=60)
        qemu = parse_info_pci(vm.hmp("info pci"))
        low = vm.read_phys_file(0xE0000, 0x20000)
    mem = tmp_path / "mem.bin"
    mem.write_bytes(b"\0" * 0xE0000 + low)
    p = subprocess.run(["biosdecode", "-d", str(mem), "--pir", "full"], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    out = p.stdout
    assert "PCI Interrupt Routing 1.0 present." in out, out
    m = re.search(r"^BIOS32 Service Directory present\.\n\tRevision: 0\n"
                  r"\tCalling Interface Address: 0x([0-9A-F]{8})$", out, re.M)
    assert m and 0xE0000 <= int(m.group(1), 16) < 0x100000, out
    if is_seabios(bios):
        return  # its $PIR is a fixed table (test_pir_covers_the_bus)
    router = {"pc": ("00:01.0", "8086:7000"), "q35": ("00:1f.0", "8086:2918")}[machine]
    assert "\tRouter Device: %s\n" % router[0] in out and "\tCompatible Router: %s\n" % router[1] in out, out
    assert "\tExclusive IRQs: 10 11\n" in out, out
    devs = re.findall(r"^\tDevice: 00:(\w\w),", out, re.M)
    assert [int(d, 16) for d in devs] == sorted({bdf >> 3 & 31 for bdf, v, d, pin in qemu if pin}), out
    links = re.findall(r"^\t\tINT([A-D])#: Link 0x(\w\w), IRQ Bitmap(.*)$", out, re.M)
    assert len(links) == 4 * len(devs), out
    assert all(bitmap == " 5 9 10 11" for _, _, bitmap in links), out
