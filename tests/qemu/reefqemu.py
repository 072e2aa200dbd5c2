# SPDX-License-Identifier: LGPL-3.0-or-later
"""Run QEMU for the boot tests: serial, debug console and monitor captured.

    with Qemu(bios=BIOS, args=["-M", "pc", "-m", "128M", "-drive", ...]) as vm:
        vm.wait_serial(r"PASS all", timeout=30)
        vm.sendkey("a")
        vm.hmp("xp /4xb 0xf0000")
    vm.serial_text(), vm.debug_text(), vm.returncode

Every run gets its own directory under out/qemu-runs/<name>/ holding
serial.log, debug.log and cmdline.txt, kept for post-mortem reading."""
import json
import os
import re
import shutil
import socket
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "out")
REEF_BIOS = os.path.join(OUT, "bios.bin")
SEABIOS = "/usr/share/seabios/bios-256k.bin"
QEMU = shutil.which("qemu-system-x86_64") or "/usr/bin/qemu-system-x86_64"


def build_variant(name, options):
    """Builds the tree into out/<name>/ with Kconfig `options` (lines such as
    "CONFIG_X=y", "CONFIG_Y=n") on top of the defaults; returns the path of its bios.bin.
    Raises RuntimeError with the build output if the build fails or an
    option did not take."""
    variant = os.path.join(OUT, name)
    os.makedirs(variant, exist_ok=True)
    cfg = os.path.join(variant, ".config")
    wanted = "".join(line + "\n" for line in options)
    if not os.path.exists(cfg) or any(line not in open(cfg).read() for line in options):
        with open(cfg, "w") as f:
            f.write(wanted)
    p = subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, "OUT=" + variant,
                        "KCONFIG_CONFIG=" + cfg], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("building variant %s failed:\n%s%s" % (name, p.stdout, p.stderr))
    header = open(os.path.join(variant, "autoconf.h")).read()
    for line in options:
        key, _, val = line.partition("=")
        expect = "#define %s %s" % (key, {"y": "1", "n": "0"}.get(val, val))
        if expect not in header:
            raise RuntimeError("variant %s: %s did not take (see %s)" % (name, line, cfg))
    return os.path.join(variant, "bios.bin")


# ---- attaching a disk image ---------------------------------------------------
# Every way a test attaches an image, by interface name, so that one test
# can run over all disk drivers. Controllers get ids "hba<n>".
SCSI_HBAS = {"virtio-scsi": "virtio-scsi-pci", "virtio-scsi-modern": "virtio-scsi-pci,disable-legacy=on",
             "lsi": "lsi53c895a", "megasas": "megasas",
             "pvscsi": "pvscsi", "mptsas1068": "mptsas1068", "am53c974": "am53c974"}
# USB host controllers: the image as a usb-storage device on a root port.
USB_HCS = {"usb-xhci": "qemu-xhci", "usb-nec-xhci": "nec-usb-xhci", "usb-ehci": "usb-ehci",
           "usb-ich9-ehci": "ich9-usb-ehci1", "usb-uhci": "piix3-usb-uhci", "usb-ich9-uhci": "ich9-usb-uhci1",
           "usb-ohci": "pci-ohci"}
# USB Attached SCSI: a usb-uas device on the controller, the image as a
# scsi-hd / scsi-cd on its SCSI bus (SuperSpeed with streams on xHCI).
UAS_HCS = {"uas-xhci": "qemu-xhci", "uas-ehci": "usb-ehci"}
DISK_IFACES = ("ide", "ahci", "virtio", "virtio-modern", "nvme") + tuple(SCSI_HBAS) + tuple(USB_HCS) + tuple(UAS_HCS)


def disk_args(image, iface="ide", machine="pc", media="disk", drive_opts="", index=0, dev_opts=""):
    """QEMU arguments that attach `image` (raw) as a disk or CD (`media`
    "disk"/"cdrom") on `iface`:

      ide            pc: the PIIX3 IDE channels (index 0-3); q35: a PIIX3
                     IDE controller added in slot 4 (q35's own is AHCI)
      ahci           q35: the ICH9 AHCI at 00:1f.2 (port = index); pc: an
                     ahci device
      virtio         virtio-blk-pci, transitional (legacy and modern)
      virtio-modern  virtio-blk-pci,disable-legacy=on (virtio 1.0 only)
      nvme           an nvme controller, the image as namespace 1
      virtio-scsi, lsi, megasas, pvscsi, mptsas1068, am53c974
                     that SCSI HBA with a scsi-hd / scsi-cd on it
      virtio-scsi-modern  virtio-scsi-pci,disable-legacy=on (virtio 1.0 only)
      usb-xhci, usb-nec-xhci, usb-ehci, usb-ich9-ehci, usb-uhci, usb-ich9-uhci, usb-ohci
                     a qemu-xhci / nec-usb-xhci / usb-ehci / ich9-usb-ehci1 /
                     piix3-usb-uhci / ich9-usb-uhci1 / pci-ohci controller with the image
                     as a usb-storage device (media=cdrom: removable)
      uas-xhci, uas-ehci  a qemu-xhci / usb-ehci controller with a usb-uas device,
                     the image a scsi-hd / scsi-cd behind it

    `drive_opts` is appended to -drive (",snapshot=on", throttling, ...),
    `dev_opts` to the disk's device (",logical_block_size=4096", ...)."""
    cd = media == "cdrom"
    drive = "file=%s,format=raw%s" % (image, drive_opts)
    q35 = machine.startswith("q35")
    n = index
    if iface == "ide" and not q35:
        if not dev_opts:
            return ["-drive", drive + ",if=ide,index=%d%s" % (index, ",media=cdrom" if cd else "")]
        # Device options need the -device form, on the PIIX3's own channels.
        did = "disk%d" % n
        return ["-drive", drive + ",if=none,id=%s%s" % (did, ",media=cdrom,readonly=on" if cd else ""),
                "-device", "%s,drive=%s,bus=ide.%d,unit=%d%s" % ("ide-cd" if cd else "ide-hd", did, index >> 1,
                                                                 index & 1, dev_opts)]
    did = "disk%d" % n
    args = ["-drive", drive + ",if=none,id=%s%s" % (did, ",media=cdrom,readonly=on" if cd else "")]
    ata_dev = "ide-cd" if cd else "ide-hd"
    scsi_dev = "scsi-cd" if cd else "scsi-hd"
    if iface == "ide":
        # The controller comes with index 0; 0-3 are its channels' units.
        ctrl = ["-device", "piix3-ide,id=pide,addr=4"] if index == 0 else []
        return args + ctrl + ["-device", "%s,drive=%s,bus=pide.%d,unit=%d%s" % (ata_dev, did, index >> 1, index & 1,
                                                                        dev_opts)]
    if iface == "ahci":
        if q35:
            return args + ["-device", "%s,drive=%s,bus=ide.%d%s" % (ata_dev, did, index, dev_opts)]
        return args + ["-device", "ahci,id=hba%d" % n,
                       "-device", "%s,drive=%s,bus=hba%d.0%s" % (ata_dev, did, n, dev_opts)]
    if iface in ("virtio", "virtio-modern"):
        extra = ",disable-legacy=on" if iface == "virtio-modern" else ""
        return args + ["-device", "virtio-blk-pci,drive=%s%s%s" % (did, extra, dev_opts)]
    if iface == "nvme":
        return args + ["-device", "nvme,drive=%s,serial=reefnvme%d%s" % (did, n, dev_opts)]
    if iface in SCSI_HBAS:
        return args + ["-device", "%s,id=hba%d" % (SCSI_HBAS[iface], n),
                       "-device", "%s,drive=%s,bus=hba%d.0%s" % (scsi_dev, did, n, dev_opts)]
    if iface in USB_HCS:
        return args + ["-device", "%s,id=usb%d" % (USB_HCS[iface], n),
                       "-device", "usb-storage,drive=%s,bus=usb%d.0%s%s" % (did, n, ",removable=on" if cd else "",
                                                                    dev_opts)]
    if iface in UAS_HCS:
        return args + ["-device", "%s,id=usb%d" % (UAS_HCS[iface], n), "-device", "usb-uas,id=uas%d,bus=usb%d.0" % (n, n),
                       "-device", "%s,drive=%s,bus=uas%d.0%s" % (scsi_dev, did, n, dev_opts)]
    raise ValueError("unknown disk interface %r (known: %s)" % (iface, ", ".join(DISK_IFACES)))


PAYLOADS = os.path.join(ROOT, "tests", "payloads")
PAYLOAD_BUILD = os.path.join(OUT, "payloads")


def build_payload(name, extra_deps=()):
    """Assembles and links tests/payloads/<name>.S with <name>.ld into
    out/payloads/<name>.bin (cached: rebuilt when the source, the linker
    script, the shared reporting kit tests/payloads/*.inc or one of
    `extra_deps` is newer); returns its path."""
    os.makedirs(PAYLOAD_BUILD, exist_ok=True)
    src = os.path.join(PAYLOADS, name + ".S")
    lds = os.path.join(PAYLOADS, name + ".ld")
    binary = os.path.join(PAYLOAD_BUILD, name + ".bin")
    deps = [src, lds] + [os.path.join(PAYLOADS, f) for f in os.listdir(PAYLOADS) if f.endswith(".inc")]
    deps += list(extra_deps)
    if os.path.exists(binary) and all(os.path.getmtime(binary) >= os.path.getmtime(d) for d in deps):
        return binary
    obj = os.path.join(PAYLOAD_BUILD, name + ".o")
    elf = os.path.join(PAYLOAD_BUILD, name + ".elf")
    for cmd in (["gcc", "-m32", "-c", src, "-o", obj],
                ["ld", "-m", "elf_i386", "--no-warn-rwx-segments", "-T", lds, obj, "-o", elf],
                ["objcopy", "-O", "binary", elf, binary + ".tmp"]):
        subprocess.run(cmd, check=True)
    os.replace(binary + ".tmp", binary)
    return binary


def build_sector(directory, source, disk_size=64 * 1024):
    """Assembles a 16-bit boot sector (GNU as source, linked at 0x7C00) into
    directory/sector.img, padded with zeros to `disk_size` bytes."""
    directory = str(directory)
    src = os.path.join(directory, "sector.S")
    obj = os.path.join(directory, "sector.o")
    img = os.path.join(directory, "sector.img")
    with open(src, "w") as f:
        f.write(source)
    subprocess.run(["as", "--32", src, "-o", obj], check=True)
    subprocess.run(["ld", "-m", "elf_i386", "-Ttext", "0x7c00", "--oformat", "binary", obj, "-o", img],
                   check=True)
    with open(img, "ab") as f:
        f.truncate(disk_size)
    return img


def message_sector(directory, text, via_int10=False, wait_with_irqs=False):
    """A boot sector that prints `text` and stops: on COM1 directly, or
    through INT 10h AH=0Eh (`via_int10`); then halts with interrupts off, or
    waits with them on (`wait_with_irqs`, e.g. for keys)."""
    out = ("movb $0x0e, %ah\n        movw $0x0007, %bx\n        int $0x10" if via_int10
           else "movw $0x3f8, %dx\n        outb %al, %dx")
    stop = "sti" if wait_with_irqs else "cli"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    source = """
        .code16
        .globl _start
_start: cli
        xorw %%ax, %%ax
        movw %%ax, %%ds
        movw $msg, %%si
1:      lodsb
        testb %%al, %%al
        jz 2f
        %s
        jmp 1b
2:      %s
3:      hlt
        jmp 3b
msg:    .asciz "%s\\r\\n"
        .org 510
        .word 0xaa55
""" % (out, stop, escaped)
    return build_sector(directory, source)


ISOLINUX_BIN = "/usr/lib/ISOLINUX/isolinux.bin"
SYSLINUX_BIOS = "/usr/lib/syslinux/modules/bios"


def isolinux_iso(directory, cfg, modules=("ldlinux.c32",), name="isolinux"):
    """directory/<name>.iso: ISOLINUX (El Torito, no emulation) with
    `cfg` as isolinux.cfg and the syslinux BIOS modules named."""
    tree = os.path.join(str(directory), name + "-tree", "isolinux")
    os.makedirs(tree, exist_ok=True)
    shutil.copy(ISOLINUX_BIN, tree)
    for mod in modules:
        shutil.copy(os.path.join(SYSLINUX_BIOS, mod), tree)
    with open(os.path.join(tree, "isolinux.cfg"), "w") as f:
        f.write(cfg)
    iso = os.path.join(str(directory), name + ".iso")
    p = subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-o", iso, "-b", "isolinux/isolinux.bin",
                        "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
                        os.path.dirname(tree)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return iso


class QemuTimeout(AssertionError):
    pass


class Qemu:
    def __init__(self, bios=REEF_BIOS, args=(), name="run", debugcon=True, no_reboot=True,
                 display_none=True, qmp=False, serial_input=False):
        """`serial_input`: COM1 is a socket chardev (its output still logged
        to serial.log) that send_serial() writes into, as typed on serial.
        `qmp`: a QMP socket for qmp()."""
        self.bios = bios
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
        self.dir = os.path.join(OUT, "qemu-runs", safe)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.serial_path = os.path.join(self.dir, "serial.log")
        self.debug_path = os.path.join(self.dir, "debug.log")
        self.mon_path = os.path.join(self.dir, "mon.sock")
        self.serial_sock_path = os.path.join(self.dir, "serial.sock")
        self._serial_sock = None
        cmd = [QEMU, "-no-user-config"]
        if bios:
            cmd += ["-bios", bios]
        if display_none:
            cmd += ["-display", "none"]
        if serial_input:
            cmd += ["-chardev", "socket,id=reefser,path=%s,server=on,wait=off,logfile=%s"
                    % (self.serial_sock_path, self.serial_path), "-serial", "chardev:reefser"]
        else:
            cmd += ["-serial", "file:" + self.serial_path]
        if debugcon:
            cmd += ["-chardev", "file,id=reefdbg,path=" + self.debug_path,
                    "-device", "isa-debugcon,iobase=0x402,chardev=reefdbg"]
        cmd += ["-monitor", "unix:%s,server=on,wait=off" % self.mon_path]
        self.qmp_path = os.path.join(self.dir, "qmp.sock") if qmp else None
        if qmp:
            cmd += ["-qmp", "unix:%s,server=on,wait=off" % self.qmp_path]
        if no_reboot:
            cmd += ["-no-reboot"]
        cmd += list(args)
        self.cmd = cmd
        with open(os.path.join(self.dir, "cmdline.txt"), "w") as f:
            f.write(" ".join(cmd) + "\n")
        self.proc = None
        self._mon = None
        self._qmp = None

    # -- lifecycle ---------------------------------------------------------
    def start(self):
        self.stderr = open(os.path.join(self.dir, "stderr.log"), "w")
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.stderr, stderr=subprocess.STDOUT)
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()

    def kill(self):
        if self._qmp:
            try:
                self._qmp.close()
            except OSError:
                pass
            self._qmp = None
        if self._serial_sock:
            self._serial_sock.close()
            self._serial_sock = None
        if self._mon:
            try:
                self._mon.close()
            except OSError:
                pass
            self._mon = None
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise QemuTimeout("QEMU did not exit within %ss; serial tail:\n%s"
                              % (timeout, self.serial_text()[-2000:]))

    @property
    def returncode(self):
        return self.proc.poll() if self.proc else None

    # -- output ------------------------------------------------------------
    @staticmethod
    def _read(path):
        try:
            with open(path, "rb") as f:
                return f.read().decode("latin-1")
        except FileNotFoundError:
            return ""

    def serial_text(self):
        return self._read(self.serial_path)

    def debug_text(self):
        return self._read(self.debug_path)

    def _wait(self, reader, pattern, timeout, what):
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(reader())
            if m:
                return m
            if self.proc.poll() is not None:
                m = rx.search(reader())
                if m:
                    return m
                raise QemuTimeout("QEMU exited (%s) before %s matched %r; tail:\n%s"
                                  % (self.proc.returncode, what, pattern, reader()[-2000:]))
            if time.monotonic() > deadline:
                raise QemuTimeout("%s did not match %r within %ss; tail:\n%s"
                                  % (what, pattern, timeout, reader()[-2000:]))
            time.sleep(0.05)

    def wait_serial(self, pattern, timeout=30):
        return self._wait(self.serial_text, pattern, timeout, "serial")

    def wait_debug(self, pattern, timeout=30):
        return self._wait(self.debug_text, pattern, timeout, "debug log")

    def wait_output(self, pattern, timeout=30):
        """Serial or debug log (SeaBIOS writes some messages only to the latter)."""
        return self._wait(lambda: self.serial_text() + "\n" + self.debug_text(), pattern, timeout,
                          "serial or debug log")

    # -- monitor (HMP) -----------------------------------------------------
    @staticmethod
    def _connect(path, timeout):
        """A connected socket to QEMU's unix socket `path` (retried until
        QEMU has made it)."""
        deadline = time.monotonic() + timeout
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                break
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        s.settimeout(timeout)
        return s

    def hmp(self, command, timeout=10):
        if self._mon is None:
            self._mon = self._connect(self.mon_path, timeout)
            self._mon_read_until_prompt()
        self._mon.sendall((command + "\n").encode())
        return self._mon_read_until_prompt()

    def _mon_read_until_prompt(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = self._mon.recv(4096)
            if not chunk:
                break
            buf += chunk
        text = buf.decode("latin-1")
        text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)
        return text.replace("(qemu) ", "").strip()

    def qmp(self, command, arguments=None, timeout=10):
        """One QMP command (the VM must be made with qmp=True); its "return"."""
        if self._qmp is None:
            self._qmp = self._connect(self.qmp_path, timeout).makefile("rw")
            json.loads(self._qmp.readline())  # the greeting
            self._qmp_call("qmp_capabilities")
        return self._qmp_call(command, arguments)

    def _qmp_call(self, command, arguments=None):
        msg = {"execute": command}
        if arguments is not None:
            msg["arguments"] = arguments
        self._qmp.write(json.dumps(msg) + "\n")
        self._qmp.flush()
        while True:
            reply = json.loads(self._qmp.readline())
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError("QMP %s: %s" % (command, reply["error"]))

    def sendkey(self, key):
        self.hmp("sendkey " + key)

    # -- serial input (serial_input=True) ----------------------------------
    def connect_serial(self, timeout=10):
        """Connects to the serial socket (once; send_serial does it too)."""
        deadline = time.monotonic() + timeout
        while self._serial_sock is None:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.serial_sock_path)
                self._serial_sock = s
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def send_serial(self, data):
        """Bytes into COM1's receiver, as if typed on a serial terminal."""
        self.connect_serial()
        self._serial_sock.sendall(data)

    def read_phys_file(self, addr, count):
        """Bytes of guest physical memory, through the monitor's pmemsave (for
        more than a few hundred bytes)."""
        path = os.path.join(self.dir, "pmem-%x-%x.bin" % (addr, count))
        self.hmp('pmemsave 0x%x %d "%s"' % (addr, count, path))
        with open(path, "rb") as f:
            return f.read()

    def read_phys(self, addr, count):
        """Bytes of guest physical memory, read through the monitor's xp."""
        out = self.hmp("xp /%dxb 0x%x" % (count, addr))
        data = []
        for line in out.splitlines():
            if ":" in line:
                data += [int(x, 16) for x in line.split(":", 1)[1].split()]
        return bytes(data[:count])


# ---- payload reports (tests/payloads/report.inc) ---------------------------
PAYLOAD_LINE_RE = re.compile(r"^(PASS|FAIL) (\S+)(?: (.*))?$")


class PayloadRun:
    """What one payload run printed: its PASS/FAIL lines as (kind, id, text),
    how QEMU ended (isa-debug-exit status) and whether the harness gave up."""

    def __init__(self, serial, debug, returncode, timed_out):
        self.serial, self.debug = serial, debug
        self.returncode, self.timed_out = returncode, timed_out
        self.lines = [l.rstrip("\r") for l in serial.split("\n")]
        self.results = [m.groups("") for m in map(PAYLOAD_LINE_RE.match, self.lines) if m]

    def lines_for(self, sid):
        return [r for r in self.results if r[1] == sid]

    def tail(self, n=40):
        return "\n".join(self.lines[-n:])


def check_or_xfail(why, check):
    """Runs check(); with `why` (a documented deviation of the reference
    firmware) it must fail: xfail, or a strict XPASS failure."""
    import pytest
    if why is None:
        check()
        return
    try:
        check()
    except AssertionError:
        pytest.xfail("SeaBIOS: " + why)
    pytest.fail("[XPASS(strict)] documented SeaBIOS deviation did not show: " + why)


def assert_reported(run, sid):
    """Check `sid` printed a line, and no FAIL line."""
    got = run.lines_for(sid)
    assert got, "no PASS/FAIL line for %s (timed out: %s); serial tail:\n%s" % (sid, run.timed_out, run.tail())
    fails = ["FAIL %s %s" % (sid, text) for kind, _, text in got if kind == "FAIL"]
    assert not fails, "\n".join(fails)


def assert_no_other_failures(run, ids):
    fails = [l for l in run.lines if l.startswith("FAIL ") and l.split()[1:2] and l.split()[1] not in ids]
    assert not fails, "\n".join(fails)


def assert_done_and_exit(run):
    """DONE <pass> <fail> matches the lines, and QEMU left through
    isa-debug-exit with the payload's verdict (status = value << 1 | 1)."""
    done = [l for l in run.lines if l.startswith("DONE ")]
    assert done, "no DONE line (timed out: %s); serial tail:\n%s" % (run.timed_out, run.tail())
    n_pass, n_fail = (int(x) for x in done[-1].split()[1:3])
    kinds = [r[0] for r in run.results]
    assert (n_pass, n_fail) == (kinds.count("PASS"), kinds.count("FAIL"))
    assert run.returncode == (3 if n_fail else 1), "QEMU exit status %s" % run.returncode


def payload_image(name, extra_deps=(), size=1 << 20):
    """build_payload(name) at the start of a raw disk image of `size` bytes,
    out/payloads/<name>.img (boot it with snapshot=on); returns its path."""
    binary = open(build_payload(name, extra_deps), "rb").read()
    assert binary[510:512] == b"\x55\xaa", "%s: no boot signature" % name
    img = os.path.join(PAYLOAD_BUILD, name + ".img")
    with open(img + ".tmp", "wb") as f:
        f.write(binary)
        f.truncate(size)
    os.replace(img + ".tmp", img)
    return img


def drive_payload(vm, requests=None, timeout=90, stall=20):
    """Watches a started payload run until QEMU exits; gives up (returns
    True) after `timeout` s, or `stall` s without new serial output.
    `requests` = (regex, answer): each match of the regex (re.M, one per
    request line) in the serial output goes once, in order, to
    answer(vm, match)."""
    start = last = time.monotonic()
    size = handled = 0
    while vm.proc.poll() is None:
        now = time.monotonic()
        text = vm.serial_text()
        if len(text) != size:
            size, last = len(text), now
        if requests:
            found = list(requests[0].finditer(text))
            for m in found[handled:]:
                requests[1](vm, m)
            handled = len(found)
        if now > start + timeout or now > last + stall:
            return True
        time.sleep(0.05)
    return False
