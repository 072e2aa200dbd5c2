# SPDX-License-Identifier: LGPL-3.0-or-later
"""Boot the GRUB + Linux test image (scripts/mkgrubimage.sh) and read its report.

The image's grub.cfg prints GRUB's view of the firmware memory map (lsmmap,
i.e. INT 15h E820 entry by entry); its initramfs prints /proc/meminfo, the
kernel's e820 lines, /proc/iomem and more, in sections:

    REEF-SECTION-BEGIN <name>
    ...
    REEF-SECTION-END <name>

and ends the VM with a reset, which QEMU's -no-reboot turns into an exit.

    boot = boot_linux(bios, image, "512M")      # -> LinuxBoot, never raises
    boot.check()                                # raises BootFailed if it failed
    boot.report.e820, boot.report.grub_mmap, boot.report.meminfo["MemTotal"]

LinuxBootPool runs several boots at once (each QEMU is its own process, TCG
is single-threaded per VM) and remembers the results, so that a reference
boot under SeaBIOS happens once per configuration and session; it can also
keep SeaBIOS results on disk under out/linux-ref/ between sessions.
"""
import concurrent.futures
import dataclasses
import hashlib
import json
import os
import re
import subprocess
import threading
import time

from reefqemu import OUT, QEMU, ROOT, Qemu, QemuTimeout, disk_args

MKGRUBIMAGE = os.path.join(ROOT, "scripts", "mkgrubimage.sh")
REF_CACHE_DIR = os.path.join(OUT, "linux-ref")
# Bump when what a cached reference result holds, or how it is made, changes.
REF_CACHE_FORMAT = 1

GiB = 1 << 30
MiB = 1 << 20

# Milestones on the serial console, each with the seconds it may take after
# the previous one (one VM per core under TCG needs ~1 s, ~15 s, ~5 s, <1 s).
# REEF_TIMEOUT_SCALE multiplies them all, for slow machines.
STAGES = (
    ("the firmware starts GRUB", r"REEF-GRUB: config loaded", 60),
    ("GRUB loads and starts Linux", r"Linux version \d", 150),
    ("Linux starts /init", r"REEF-LINUX-USERSPACE", 150),
    ("/init prints its report", r"REEF-LINUX-DONE", 60),
)
EXIT_TIMEOUT = 30   # after REEF-LINUX-DONE, until QEMU has exited


def timeout_scale():
    return float(os.environ.get("REEF_TIMEOUT_SCALE", "1"))


def default_jobs():
    """Boots to run at once: one per core unless REEF_TEST_JOBS says."""
    if os.environ.get("REEF_TEST_JOBS"):
        return max(1, int(os.environ["REEF_TEST_JOBS"]))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


# ---- the image ------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class GrubImage:
    path: str
    key: str        # hash of everything the image was built from


def build_grub_image(outdir=None, flavour="cloud"):
    """Build or reuse the image (flavour: the Debian kernel, "cloud" or
    "generic"; see scripts/mkgrubimage.sh); raises RuntimeError with the
    script's output."""
    cmd = [MKGRUBIMAGE, outdir or os.path.join(ROOT, "out", "payloads"), flavour]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed (exit %d):\n%s%s"
                           % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    path = p.stdout.strip().splitlines()[-1]
    with open(path + ".key") as f:
        key = f.read().strip()
    return GrubImage(path, key)


# ---- memory maps ----------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class MemRange:
    start: int      # first byte
    end: int        # one past the last byte
    kind: str       # as printed: "usable", "reserved", "ACPI data", "available RAM", ...

    @property
    def size(self):
        return self.end - self.start

    @property
    def usable(self):
        # Linux prints "usable", GRUB's lsmmap "available RAM".
        return self.kind in ("usable", "available RAM")

    def __str__(self):
        return "[0x%012x-0x%012x] %10s  %s" % (self.start, self.end - 1,
                                              format_size(self.size), self.kind)


def format_size(n):
    for unit, div in (("G", GiB), ("M", MiB), ("K", 1024)):
        if n >= div and n % div == 0:
            return "%d%s" % (n // div, unit)
    if n >= MiB:
        return "%.2fM" % (n / MiB)
    return "%dB" % n if n < 1024 else "%.1fK" % (n / 1024)


def usable_bytes(ranges, lo=0, hi=1 << 64):
    """Bytes of the usable ranges that fall inside [lo, hi)."""
    total = 0
    for r in ranges:
        if r.usable:
            total += max(0, min(r.end, hi) - max(r.start, lo))
    return total


def overlaps(ranges):
    """Pairs of ranges that share at least one byte."""
    out = []
    srt = sorted(ranges, key=lambda r: (r.start, r.end))
    for i, a in enumerate(srt):
        for b in srt[i + 1:]:
            if b.start >= a.end:
                break
            out.append((a, b))
    return out


def format_map(ranges, title=None):
    lines = [title] if title else []
    lines += ["  " + str(r) for r in ranges] or ["  (empty)"]
    lines.append("  usable: %s below 4G, %s above 4G"
                 % (format_size(usable_bytes(ranges, 0, 4 * GiB)),
                    format_size(usable_bytes(ranges, 4 * GiB))))
    return "\n".join(lines)


def side_by_side(left, right, ltitle, rtitle):
    """Two memory maps next to each other, for failure messages."""
    lcol = [ltitle] + [str(r) for r in left]
    rcol = [rtitle] + [str(r) for r in right]
    width = max(len(s) for s in lcol) + 3
    rows = []
    for i in range(max(len(lcol), len(rcol))):
        a = lcol[i] if i < len(lcol) else ""
        b = rcol[i] if i < len(rcol) else ""
        mark = "   " if i == 0 or a == b else " ! "
        rows.append(a.ljust(width) + mark + b)
    return "\n".join(rows)


# ---- parsing the serial log ------------------------------------------------
_ANSI = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[()][0-9A-Za-z]|[=>c78])")
_SECTION = re.compile(r"^REEF-SECTION-BEGIN (\S+)\n(.*?)^REEF-SECTION-END \1$", re.M | re.S)
_KERNEL_E820 = re.compile(r"BIOS-e820: \[mem 0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)\] (.+?)\s*$", re.M)
_GRUB_MMAP = re.compile(r"base_addr = 0x([0-9a-fA-F]+), length = 0x([0-9a-fA-F]+), (.+?)\s*$",
                        re.M)
_MEMINFO = re.compile(r"^([A-Za-z][\w()]*):\s+(\d+)(?: kB)?\s*$", re.M)


def clean_serial(text):
    """Serial log as plain lines: no terminal escapes, no carriage returns."""
    return _ANSI.sub("", text).replace("\r", "")


@dataclasses.dataclass
class LinuxReport:
    text: str                                   # clean serial log
    sections: dict                              # name -> text (first occurrence)
    e820: list                                  # [MemRange] Linux's "BIOS-e820:" lines
    grub_mmap: list                             # [MemRange] GRUB's lsmmap
    meminfo: dict                               # name -> kB (or count)
    done: bool                                  # REEF-LINUX-DONE seen

    @property
    def mem_total(self):
        """MemTotal in bytes, or None."""
        kb = self.meminfo.get("MemTotal")
        return None if kb is None else kb * 1024


def parse_report(raw):
    text = clean_serial(raw)
    sections = {}
    for m in _SECTION.finditer(text):
        sections.setdefault(m.group(1), m.group(2))
    # Prefer the initramfs's dmesg copy; fall back on the boot console (a
    # boot that died before userspace still shows the map there).
    e820_src = sections.get("e820", text)
    e820 = [MemRange(int(a, 16), int(b, 16) + 1, kind)
            for a, b, kind in _KERNEL_E820.findall(e820_src)]
    if "e820" not in sections:
        e820 = _first_run(e820)
    grub = [MemRange(int(a, 16), int(a, 16) + int(n, 16), kind)
            for a, n, kind in _GRUB_MMAP.findall(sections.get("grub-mmap", ""))]
    meminfo = {k: int(v) for k, v in _MEMINFO.findall(sections.get("meminfo", ""))}
    return LinuxReport(text=text, sections=sections, e820=e820, grub_mmap=grub,
                       meminfo=meminfo, done=bool(re.search(r"^REEF-LINUX-DONE$", text, re.M)))


def _first_run(entries):
    """The console may show the map more than once (e.g. a reboot); keep the first."""
    out = []
    for e in entries:
        if out and e.start < out[-1].start:
            break
        out.append(e)
    return out


# ---- one boot -------------------------------------------------------------
class BootFailed(AssertionError):
    pass


@dataclasses.dataclass
class LinuxBoot:
    label: str          # e.g. "reef-512M"
    bios: str
    mem: str
    cmdline: list       # the whole QEMU command line
    serial: str         # raw serial log
    debug: str          # raw debug port log
    returncode: object  # QEMU's exit status (None: killed by us)
    error: str = None   # why the boot failed, None if it reached REEF-LINUX-DONE
    reached: str = None  # last milestone seen
    seconds: float = 0.0
    rundir: str = None  # out/qemu-runs/<name>, or the cache file it came from

    @property
    def report(self):
        if not hasattr(self, "_report"):
            self._report = parse_report(self.serial)
        return self._report

    @property
    def ok(self):
        return self.error is None

    def describe(self):
        return "%s (%s, -m %s; logs: %s)" % (self.label, self.bios, self.mem, self.rundir)

    def failure_text(self, tail=3000):
        """Why the boot failed, with the ends of its logs."""
        txt = clean_serial(self.serial).strip()
        dbg = self.debug.strip()
        stderr = ""
        if self.rundir and os.path.isdir(self.rundir):
            stderr = Qemu._read(os.path.join(self.rundir, "stderr.log")).strip()
        return ("%s\n  error: %s\n  last milestone: %s\n  command: %s\n"
                "--- serial (last %d chars) ---\n%s\n"
                "--- debug port (last 1500 chars) ---\n%s\n"
                "--- QEMU stderr ---\n%s" %
                (self.describe(), self.error, self.reached or "none (GRUB never printed)",
                 " ".join(self.cmdline), tail, txt[-tail:] or "(empty)",
                 dbg[-1500:] or "(empty)", stderr or "(empty)"))

    def check(self):
        if not self.ok:
            raise BootFailed(self.failure_text())
        return self

    # for the on-disk reference cache
    def to_json(self):
        return {k: getattr(self, k) for k in
                ("label", "bios", "mem", "cmdline", "serial", "debug", "returncode",
                 "error", "reached", "seconds")}

    @classmethod
    def from_json(cls, d, rundir):
        return cls(rundir=rundir, **d)


def linux_qemu_args(image, mem, extra_args=()):
    """The QEMU command line of a Linux boot, apart from -bios and logging.

    extra_args may start with ("-M", machine) (default pc) and then
    ("--disk", iface) (default ide; see reefqemu.disk_args: on q35 "ide" is a
    PIIX3 IDE controller added in slot 4, so both machines boot the image
    through the same driver), then ("--media", "cdrom") to attach the image
    (a hybrid ISO) as a CD-ROM."""
    extra = list(extra_args)
    machine, iface, media = "pc", "ide", "disk"
    if extra[:1] == ["-M"]:
        machine, extra = extra[1], extra[2:]
    if extra[:1] == ["--disk"]:
        iface, extra = extra[1], extra[2:]
    if extra[:1] == ["--media"]:
        media, extra = extra[1], extra[2:]
    # snapshot=on: the shared cached image is opened read-only, so boots can
    # run in parallel (QEMU locks images it may write) and never change it.
    # -nic none: no network option ROM to run; nothing here needs a NIC.
    disk = disk_args(image, iface, machine, media=media, drive_opts=",snapshot=on")
    return ["-M", machine, "-m", mem, "-nic", "none"] + disk + extra


def boot_linux(bios, image, mem, label=None, extra_args=(), on_start=None):
    """Boot the image once; returns a LinuxBoot (check .ok / call .check())."""
    label = label or "%s-%s" % (os.path.basename(bios), mem)
    args = linux_qemu_args(image, mem, extra_args)
    vm = Qemu(bios=bios, args=args, name="linux-" + label)
    t0 = time.monotonic()
    error = reached = None
    try:
        vm.start()
        if on_start:
            on_start(vm)
        scale = timeout_scale()
        for what, pattern, seconds in STAGES:
            try:
                vm.wait_serial(pattern, timeout=seconds * scale)
            except QemuTimeout:
                if vm.returncode is not None:
                    error = "QEMU exited (status %s) before %s" % (vm.returncode, what)
                else:
                    error = "no progress: %s did not happen within %gs (no %r on serial)" % (
                        what, seconds * scale, pattern)
                break
            reached = what
        if error is None:
            try:
                vm.wait_exit(EXIT_TIMEOUT * scale)
            except QemuTimeout:
                error = ("QEMU did not exit within %gs of the report (the guest's reset "
                         "did not happen or did not end QEMU)" % (EXIT_TIMEOUT * scale))
        if error is None and vm.returncode != 0:
            error = "QEMU exited with status %s" % vm.returncode
    finally:
        vm.kill()
    return LinuxBoot(label=label, bios=bios, mem=mem, cmdline=vm.cmd,
                     serial=vm.serial_text(), debug=vm.debug_text(),
                     returncode=vm.returncode, error=error, reached=reached,
                     seconds=round(time.monotonic() - t0, 1), rundir=vm.dir)


# ---- many boots -----------------------------------------------------------
def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_qemu_version = None


def qemu_version():
    global _qemu_version
    if _qemu_version is None:
        p = subprocess.run([QEMU, "--version"], capture_output=True, text=True)
        _qemu_version = p.stdout.splitlines()[0] if p.stdout else "unknown"
    return _qemu_version


class LinuxBootPool:
    """Runs Linux boots in parallel and remembers each result.

        pool = LinuxBootPool(image, cache_roles={"seabios"})
        pool.submit("reef", bios, "6G")             # queues it, returns a Future
        boot = pool.get("reef", bios, "6G")         # waits -> LinuxBoot

    A role names what a firmware stands for ("reef", "seabios"); results are
    keyed by (role, firmware, mem, extra_args), so asking twice boots once,
    and the same firmware under two roles still boots twice. Successful boots
    of the roles in cache_roles (the SeaBIOS reference) are also kept on disk
    in out/linux-ref/, keyed by image inputs, firmware contents, QEMU version
    and command line; REEF_NO_REF_CACHE=1 turns that off."""

    def __init__(self, image, jobs=None, cache_roles=(), cache_dir=REF_CACHE_DIR):
        self.image = image
        self.jobs = jobs or default_jobs()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=self.jobs,
                                                           thread_name_prefix="linuxboot")
        self._futures = {}
        self._lock = threading.Lock()
        self._running = set()
        self._closed = False
        self.cache_roles = set(cache_roles)
        if os.environ.get("REEF_NO_REF_CACHE", "") not in ("", "0"):
            self.cache_roles = set()
        self.cache_dir = cache_dir

    def submit(self, role, bios, mem, extra_args=()):
        key = (role, os.path.realpath(bios), mem, tuple(extra_args))
        with self._lock:
            if self._closed:
                raise RuntimeError("boot pool closed")
            if key not in self._futures:
                self._futures[key] = self._pool.submit(self._run, role, bios, mem,
                                                       tuple(extra_args))
            return self._futures[key]

    def get(self, role, bios, mem, extra_args=()):
        return self.submit(role, bios, mem, extra_args).result()

    def _cache_path(self, role, bios, mem, extra_args):
        ident = json.dumps({
            "format": REF_CACHE_FORMAT,
            "image": self.image.key,
            "bios": file_sha256(bios),
            "qemu": qemu_version(),
            "args": linux_qemu_args("IMAGE", mem, extra_args),
            "stages": STAGES,
        }, sort_keys=True)
        h = hashlib.sha256(ident.encode()).hexdigest()[:20]
        return os.path.join(self.cache_dir, "%s-%s-%s.json" % (role, mem, h))

    def _run(self, role, bios, mem, extra_args):
        label = "%s-%s" % (role, mem)
        if extra_args:
            label += "-" + hashlib.sha256(repr(extra_args).encode()).hexdigest()[:8]
        cache = None
        if role in self.cache_roles:
            cache = self._cache_path(role, bios, mem, extra_args)
            try:
                with open(cache) as f:
                    return LinuxBoot.from_json(json.load(f), rundir=cache + " (cached)")
            except (OSError, ValueError, TypeError):
                pass
        vms = []
        try:
            boot = boot_linux(bios, self.image.path, mem, label=label, extra_args=extra_args,
                              on_start=lambda vm: (vms.append(vm), self._started(vm)))
        finally:
            with self._lock:
                self._running.difference_update(vms)
        if cache and boot.ok:
            os.makedirs(self.cache_dir, exist_ok=True)
            tmp = "%s.tmp%d" % (cache, threading.get_ident())
            with open(tmp, "w") as f:
                json.dump(boot.to_json(), f)
            os.replace(tmp, cache)
        return boot

    def _started(self, vm):
        with self._lock:
            self._running.add(vm)
            closed = self._closed
        if closed:
            vm.kill()

    def summary(self):
        """One line per finished boot, for the end of a test session."""
        lines = []
        for f in list(self._futures.values()):
            if f.done() and not f.cancelled() and f.exception() is None:
                b = f.result()
                cached = b.rundir and b.rundir.endswith("(cached)")
                lines.append("  %-16s %6.1fs  %s" % (
                    b.label, b.seconds,
                    ("ok" if b.ok else "FAILED: " + b.error) + (" (cached)" if cached else "")))
        return lines

    def close(self):
        """Cancel queued boots and kill running ones (e.g. on Ctrl-C)."""
        with self._lock:
            self._closed = True
            running = list(self._running)
            futures = list(self._futures.values())
        for f in futures:
            f.cancel()
        for vm in running:
            vm.kill()
        self._pool.shutdown(wait=True)


def generic_boot_pool():
    """A LinuxBootPool on the generic kernel's image (the pytest test
    fails, with the build's output, when the image cannot be built)."""
    import pytest
    try:
        image = build_grub_image(flavour="generic")
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    return LinuxBootPool(image)
