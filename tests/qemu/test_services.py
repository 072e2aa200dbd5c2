# SPDX-License-Identifier: LGPL-3.0-or-later
"""BIOS services test: boot tests/payloads/services.S from a raw disk and
check what it reports on COM1 (one PASS/FAIL line per tested call).

    REEF_BIOS=/usr/share/seabios/bios-256k.bin \\
        /usr/bin/python3 -m pytest tests/qemu/test_services.py -v

The payload's protocol and disk layout are described in its header
comment.  This file builds the payload (cached under out/payloads/),
writes a fresh sparse disk image for every run (config sector + data
patterns), runs QEMU once for the whole module, answers the payload's
WAITKEY requests through the HMP monitor, and then checks:

  * every id in EXPECTED_IDS printed at least one line and no FAIL line;
  * no FAIL line for any other id, and the DONE counts match the lines;
  * every sector the payload announced with WROTE really holds its
    pattern in the image (the BIOS wrote where it said it did);
  * INT 18h did not return and the BIOS reported the boot failure.

Run by hand, without pytest:
    /usr/bin/python3 tests/qemu/test_services.py --image out/payloads/services.img
prints the QEMU command line to use with that image (see
tests/payloads/README.md).
"""
import os
import re
import struct
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reefqemu  # noqa: E402
from reefqemu import SEABIOS, Qemu, disk_args  # noqa: E402

IMG = os.path.join(reefqemu.PAYLOAD_BUILD, "services.img")

BIOS = os.environ.get("REEF_BIOS", reefqemu.REEF_BIOS)

# ---- machine and disk: the payload gets these through the config sector --
MEM_MIB = 128
RTC_BASE = (2026, 1, 2, 3, 4, 5)          # -rtc base=2026-01-02T03:04:05
N_HARD_DISKS = 1
SECTOR = 512
# Just past LBA 2^28 so that reads around the 28-bit LBA limit and an EDD
# sector count above 2^28 are exercised; the file is sparse.
DISK_SECTORS = (1 << 28) + 2048
# Regions holding the read pattern (first LBA, count); see services.S.
REGIONS = [
    (63, 16640),                            # low: CHS reads, 42h reads
    ((1 << 28) - 8, 16),                    # across the LBA28 limit
    (DISK_SECTORS - 40, 32),                # end of disk (last 8: scratch)
]
CFG_LBA = 1
STATE_LBA = 2

# The disks the payload runs on: (machine, interface of reefqemu.disk_args).
# A disk driver adds its rows here.
SERVICE_DISKS = [("pc", "ide"), ("pc", "virtio"), ("q35", "virtio-modern"), ("q35", "ahci"), ("q35", "nvme"),
                 ("pc", "megasas"), ("pc", "pvscsi"), ("pc", "mptsas1068"),
                 ("pc", "virtio-scsi"), ("pc", "lsi"), ("pc", "am53c974"), ("q35", "usb-xhci"), ("pc", "usb-ehci"),
                 ("pc", "usb-ohci"), ("q35", "uas-xhci"), ("pc", "uas-ehci")]


def qemu_args(img, machine="pc", iface="ide"):
    return ["-M", machine, "-m", "%dM" % MEM_MIB,
            # clock=vm: the RTC and the PIT on one (virtual) timebase, so that
            # the tick-rate check does not depend on how busy the host is.
            "-rtc", "base=%04d-%02d-%02dT%02d:%02d:%02d,clock=vm" % RTC_BASE,
            "-device", "isa-debug-exit,iobase=0x501",
            "-nic", "none"] + disk_args(img, iface, machine)


def image_path(machine, iface):
    return IMG if (machine, iface) == ("pc", "ide") else os.path.join(reefqemu.PAYLOAD_BUILD, "services-%s-%s.img" % (machine, iface))

# Every service id the payload must report.  A missing id fails.
EXPECTED_IDS = [
    "int10.0e", "int10.0f", "int10.03",
    "int11", "int12",
    "int13.00", "int13.01", "int13.02", "int13.03", "int13.04", "int13.05",
    "int13.08", "int13.0c", "int13.0d", "int13.10", "int13.11", "int13.15",
    "int13.41", "int13.42", "int13.43", "int13.44", "int13.45",
    "int13.45.al", "int13.46", "int13.47", "int13.48", "int13.err",
    "int13.42.errcount",
    "int15.e820", "int15.e801", "int15.88", "int15.86", "int15.87",
    "int15.c0", "int15.2400", "int15.2401", "int15.2402", "int15.2403",
    "int16.00", "int16.00.ext", "int16.01", "int16.02", "int16.10",
    "int16.11", "int16.12",
    "int1a.00", "int1a.01", "int1a.02", "int1a.03", "int1a.04", "int1a.05",
    "int1a.06", "int1a.07",
    "int19",
]

# Where SeaBIOS itself departs from the references the payload follows.
# Applied only when the BIOS under test is Debian's SeaBIOS image.
SEABIOS_DEVIATIONS = {
    "int13.45.al": "SeaBIOS returns AL unchanged for a fixed disk (AL=02h "
                   "after 'return lock status', a reserved value; EDD-4 "
                   "8.18 wants the lock state 00h/01h)",
    "int13.42.errcount": "SeaBIOS leaves the DAP block count untouched when "
                         "it rejects an LBA beyond the end (RBIL: count = "
                         "blocks transferred, i.e. 0)",
    "int16.00.ext": "SeaBIOS passes F11/F12 through AH=00h instead of "
                    "discarding extended-only keys (kbd.c says so "
                    "explicitly)",
}

INT18_MSG = re.compile(r"(?i)no bootable device|boot(ing)? fail|no boot device")
LINE_RE = re.compile(r"^(PASS|FAIL) (\S+)(?: (.*))?$")
WROTE_RE = re.compile(r"^WROTE lba=0x([0-9a-f]+) n=(\d+) tag=0x([0-9a-f]+)$")


# ---- build ----------------------------------------------------------------
def build_payload():
    """services.S into out/payloads/services.bin (cached)."""
    return reefqemu.build_payload("services", [os.path.abspath(__file__)])


def bcd(v):
    return ((v // 10) << 4) | (v % 10)


def read_pattern(lba):
    """Sector content the payload expects at a pattern LBA (tag 0)."""
    k = (lba * 7) & 0xFF
    head = b"RFPT" + struct.pack("<QI", lba, (~lba) & 0xFFFFFFFF)
    return head + bytes((i + k) & 0xFF for i in range(16, SECTOR))


def write_pattern(lba, tag):
    """Sector content of a payload write (see services.S)."""
    head = b"RFWR" + struct.pack("<QI", lba, tag)
    return head + bytes((i ^ tag) & 0xFF for i in range(16, SECTOR))


# What EDD 48h must report as the interface type, and the PCI class of the
# controller its interface path names, per disk interface.
EDD_IFACE = {"ide": (b"ATA ", 0x0101), "virtio": (b"SCSI", 0x0100), "virtio-modern": (b"SCSI", 0x0100),
             "ahci": (b"SATA", 0x0106),
             "nvme": (b"SCSI", 0x0108),
             "megasas": (b"SCSI", 0x0104), "pvscsi": (b"SCSI", 0x0100), "mptsas1068": (b"SCSI", 0x0100),
             "virtio-scsi": (b"SCSI", 0x0100), "lsi": (b"SCSI", 0x0100), "am53c974": (b"SCSI", 0x0100),
             "usb-xhci": (b"USB ", 0x0C03), "usb-ehci": (b"USB ", 0x0C03), "usb-ohci": (b"USB ", 0x0C03),
             "uas-xhci": (b"USB ", 0x0C03), "uas-ehci": (b"USB ", 0x0C03)}


def config_sector(iface="ide"):
    year, month, day, hour, minute, sec = RTC_BASE
    cfg = bytearray(SECTOR)
    cfg[0:8] = b"REEFCFG1"
    struct.pack_into("<QI", cfg, 8, DISK_SECTORS, MEM_MIB)
    cfg[0x14:0x1B] = bytes(bcd(v) for v in (year // 100, year % 100, month,
                                            day, hour, minute, sec))
    cfg[0x1B] = N_HARD_DISKS
    for i, (start, count) in enumerate(REGIONS):
        struct.pack_into("<QII", cfg, 0x20 + 16 * i, start, count, 0)
    name, pci_class = EDD_IFACE[iface]
    cfg[0x60:0x64] = name
    struct.pack_into("<H", cfg, 0x64, pci_class)
    return bytes(cfg)


def make_image(path=IMG, iface="ide"):
    """Fresh sparse disk image: payload, config sector, read patterns."""
    binary = open(build_payload(), "rb").read()
    assert binary[510:512] == b"\x55\xaa"
    with open(path + ".tmp", "wb") as f:
        f.truncate(DISK_SECTORS * SECTOR)
        f.write(binary)
        f.seek(CFG_LBA * SECTOR)
        f.write(config_sector(iface))
        f.write(bytes(SECTOR))                       # state sector
        for start, count in REGIONS:
            f.seek(start * SECTOR)
            # patterns differ only in header and rotation: build per sector
            f.write(b"".join(read_pattern(lba)
                             for lba in range(start, start + count)))
    os.replace(path + ".tmp", path)
    return path


# ---- run -----------------------------------------------------------------
class Run:
    def __init__(self, serial, debug, keys_sent, int18_where, timed_out, image=IMG):
        self.image = image
        self.serial = serial
        self.debug = debug
        self.keys_sent = keys_sent
        self.int18_where = int18_where
        self.timed_out = timed_out
        self.lines = [l.rstrip("\r") for l in serial.split("\n")]
        self.results = []                        # (kind, id, text)
        for line in self.lines:
            m = LINE_RE.match(line)
            if m:
                self.results.append((m.group(1), m.group(2), m.group(3) or ""))

    def lines_for(self, sid):
        return [r for r in self.results if r[1] == sid]

    def tail(self, n=40):
        return "\n".join(self.lines[-n:])


def run_services(bios=None, timeout=90, start_timeout=30, stall_timeout=20, machine="pc", iface="ide"):
    """One QEMU run of the payload; answers WAITKEY lines, stops after the
    INT 18h message (or timeout).  start_timeout bounds the wait for the
    payload's first line, so a BIOS that does not boot fails fast;
    stall_timeout ends the run when the serial output stops growing (a BIOS
    call that never returns): the payload itself is never silent that long
    (its longest waits are 10 s for a key and 5 s for the RTC alarm)."""
    bios = bios or BIOS
    img = make_image(image_path(machine, iface), iface)
    name = "services" if (machine, iface) == ("pc", "ide") else "services-%s-%s" % (machine, iface)
    vm = Qemu(bios=bios, args=qemu_args(img, machine, iface), name=name)
    keys_sent = []
    int18_where = None
    timed_out = False
    vm.start()
    try:
        start = time.monotonic()
        deadline = start + timeout
        int18_deadline = None
        last_len, last_change = 0, start
        dbg_mark = 0            # debug log length before CALL int18 showed
        debug_seen = None       # when the message first showed on debugcon
        while True:
            text = vm.serial_text()
            now = time.monotonic()
            if len(text) != last_len:
                last_len, last_change = len(text), now
            elif now > last_change + stall_timeout and int18_deadline is None:
                timed_out = True
                break
            if ("INFO ReefBIOS services payload" not in text
                    and "FAIL " not in text
                    and time.monotonic() > start + start_timeout):
                timed_out = True
                break
            complete = text.split("\n")[:-1]
            waits = [l.rstrip("\r")[len("WAITKEY "):] for l in complete
                     if l.startswith("WAITKEY ")]
            while len(keys_sent) < len(waits):
                arg = waits[len(keys_sent)].strip()
                vm.sendkey(arg)
                keys_sent.append(arg)
            calls = [i for i, l in enumerate(complete)
                     if l.rstrip("\r") == "CALL int18"]
            if not calls:
                dbg_mark = len(vm.debug_text())
            else:
                after = "\n".join(complete[calls[-1] + 1:]) + text.split("\n")[-1]
                if INT18_MSG.search(after):
                    int18_where = "serial"
                    time.sleep(0.3)             # let a stray FAIL line land
                    break
                if INT18_MSG.search(vm.debug_text()[dbg_mark:]):
                    # the debug log was read after the serial text: give the
                    # serial file a moment to catch up before settling for it
                    if debug_seen is None:
                        debug_seen = time.monotonic()
                    elif time.monotonic() > debug_seen + 3:
                        int18_where = "debugcon"
                        break
                if int18_deadline is None:
                    int18_deadline = time.monotonic() + 15
                elif time.monotonic() > int18_deadline:
                    break
            if vm.proc.poll() is not None:
                break
            if time.monotonic() > deadline:
                timed_out = True
                break
            time.sleep(0.05)
    finally:
        vm.kill()
    return Run(vm.serial_text(), vm.debug_text(), keys_sent, int18_where,
               timed_out, img)


def is_seabios(path):
    try:
        return os.path.samefile(path, SEABIOS)
    except OSError:
        return False


@pytest.fixture(scope="module", params=SERVICE_DISKS, ids=["%s-%s" % d for d in SERVICE_DISKS])
def run(request):
    if not os.path.exists(BIOS):
        pytest.skip("BIOS image %s not built" % BIOS)
    machine, iface = request.param
    return run_services(BIOS, machine=machine, iface=iface)


# ---- tests ---------------------------------------------------------------
def _id_param(sid):
    marks = []
    if sid in SEABIOS_DEVIATIONS and is_seabios(BIOS):
        marks.append(pytest.mark.xfail(reason="SeaBIOS: " + SEABIOS_DEVIATIONS[sid],
                                       strict=True))
    return pytest.param(sid, id=sid, marks=marks)


@pytest.mark.parametrize("sid", [_id_param(s) for s in EXPECTED_IDS])
def test_service(run, sid):
    got = run.lines_for(sid)
    assert got, "no PASS/FAIL line for %s; serial tail:\n%s" % (sid, run.tail())
    fails = ["FAIL %s %s" % (sid, text) for kind, _, text in got if kind == "FAIL"]
    assert not fails, "\n".join(fails)


def test_no_other_failures(run):
    fails = [l for l in run.lines if l.startswith("FAIL ")
             and l.split()[1:2] and l.split()[1] not in EXPECTED_IDS]
    assert not fails, "\n".join(fails)


def test_done(run):
    done = [l for l in run.lines if l.startswith("DONE ")]
    assert done, "no DONE line (timed out: %s); serial tail:\n%s" % (
        run.timed_out, run.tail())
    n_pass, n_fail = (int(x) for x in done[-1].split()[1:3])
    # count the lines before DONE (a FAIL after it is test_int18's business)
    before = run.lines[:run.lines.index(done[-1])]
    kinds = [LINE_RE.match(l).group(1) for l in before if LINE_RE.match(l)]
    assert (n_pass, n_fail) == (kinds.count("PASS"), kinds.count("FAIL"))


def test_keys_served(run):
    waits = [l[len("WAITKEY "):].strip() for l in run.lines if l.startswith("WAITKEY ")]
    assert waits, "payload never asked for keys"
    assert run.keys_sent == waits


def test_writes_landed(run):
    """Sectors the payload wrote hold its pattern at the LBA it named."""
    wrote = [WROTE_RE.match(l) for l in run.lines]
    wrote = [m for m in wrote if m]
    assert len(wrote) >= 4, "expected WROTE lines from the write tests"
    bad = []
    with open(run.image, "rb") as f:
        for m in wrote:
            lba, n, tag = int(m.group(1), 16), int(m.group(2)), int(m.group(3), 16)
            for i in range(n):
                f.seek((lba + i) * SECTOR)
                if f.read(SECTOR) != write_pattern(lba + i, tag):
                    bad.append("lba 0x%x (tag 0x%08x)" % (lba + i, tag))
    assert not bad, "image content differs from the payload's writes: " + ", ".join(bad)


def test_int18(run):
    """INT 18h must not return and the BIOS must report the boot failure.
    ReefBIOS prints it on serial (after the CALL int18 line); SeaBIOS only
    prints on screen and on its debug console (port 0x402), accepted for it."""
    assert "CALL int18" in run.lines, "payload never reached INT 18h; tail:\n" + run.tail()
    after = run.lines[run.lines.index("CALL int18") + 1:]
    fails = [l for l in after if l.startswith("FAIL ")]
    assert not fails, "\n".join(fails)
    allowed = ("serial", "debugcon") if is_seabios(BIOS) else ("serial",)
    assert run.int18_where in allowed, (
        "no 'No bootable device' style message on serial after CALL int18 "
        "(seen on: %s); serial after it: %r" % (run.int18_where, after))


# ---- by hand -----------------------------------------------------------------
if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--image", default=IMG, help="disk image to write")
    ap.add_argument("--run", action="store_true",
                    help="also run QEMU (with REEF_BIOS) and print the serial log")
    a = ap.parse_args()
    if a.run:
        r = run_services(BIOS)
        print(r.serial)
        print("int18 message seen on:", r.int18_where)
    else:
        make_image(a.image)
        args = qemu_args(a.image)
        print("qemu-system-x86_64 -bios <bios.bin> -nographic " + " ".join(args)
              + " -no-reboot")
