#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""`make bench`: ReefBIOS and SeaBIOS side by side on identical QEMU command lines.

    scripts/bench.py              every configuration; out/bench/latest.json
    scripts/bench.py --quick      one configuration, one wall-time run;
                                  out/bench/quick.json (what tests/qemu/test_bench.py runs)
    options: --json PATH, --wall-runs N, --max-runs N, --no-rt,
             --bios PATH (or $REEF_BIOS), --seabios PATH (or $REEF_SEABIOS)

Both firmwares boot tests/payloads/bench/bench.S (built here into
out/bench/payload/, reused while the source is unchanged) from an IDE disk.
Its first instruction is RDTSC; it then reads what the firmware hands to the
OS (INT 12h, the EBDA, the E820 map), prints one line on COM1 and ends QEMU
through isa-debug-exit.  What the table shows:

POST cost  virtual ns from reset to that first instruction, under
           `-icount shift=0,sleep=off` (one instruction = 1 ns; the TSC
           starts at 0 at reset).  Every measurement runs twice and the two
           must agree; a difference is reported loudly.
           Determinism: -icount alone does not make these numbers repeat.
           QEMU finishes some device work in its main loop or a worker
           thread, in host time: the IDE channel reset (SRST) is a bottom
           half, sector reads go through the AIO thread pool.  Until that
           thread runs, the firmware keeps polling the status register, and
           every poll is virtual time; on a busy host the same boot then
           costs anything from +25 ns to +0.5 ms more.  Hence the -icount
           runs start paused (-S), pinned to one CPU with SCHED_FIFO, and the
           vCPU thread is put one priority below QEMU's other threads before
           `cont`: whatever the vCPU wakes up now runs before the guest's
           next instruction, as if every device answered at once.  The
           RTC runs on the virtual clock from a fixed date for the same
           reason.  Without the privilege for that (or with --no-rt) the runs
           get nice -10, and after a disagreement the bench runs again (up
           to --max-runs) and reports the smallest value, which is the same
           zero-latency value.
Wall time  the whole QEMU process, start to exit (the payload exits at the
           boot sector), without -icount, median of --wall-runs runs, plus
           the same for a stub firmware that exits at the reset vector (QEMU
           start-up and teardown alone).
Image      ours: the build's layout report (scripts/checklayout.py);
           SeaBIOS: the bytes of its image outside padding, padding being
           runs of 64 bytes or more repeating a 1- or 2-byte pattern (00,
           FF, or the 66 90 NOP fill); the same measure of ours is shown too.
Footprint  from the payload: INT 12h KiB; the EBDA segment (40:0E) and its
           size byte; "RAM withheld below 4 GiB" = RAM below 4 GiB that
           QEMU gave the machine (CMOS 34h/35h, written by QEMU) minus what
           e820 hands out as usable (type 1) or ACPI-reclaimable (type 3)
           below 4 GiB, minus the 384 KiB 0xA0000-0xFFFFF window that no PC
           firmware can hand out; and the plain sum of non-usable e820 ranges
           below 4 GiB (which also counts MMIO such as the flash alias).
Phases     `phase <name> tsc=0x...` stamps from our debug port (0x402) in the
           run that gave the POST cost, as slices: reset->start, one per
           phase, int19->boot sector; they must add up to the POST cost
           within 5%.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(ROOT, "out")
BENCH = os.path.join(OUT, "bench")
PAYLOAD_SRC = os.path.join(ROOT, "tests", "payloads", "bench", "bench.S")
KERNEL_SRC = os.path.join(ROOT, "tests", "payloads", "bench", "kernel.S")
QBOOT = "/usr/share/qemu/qboot.rom"  # QEMU's minimal firmware: the -kernel row's third column
REEF_BIOS = os.path.join(OUT, "bios.bin")
SEABIOS = "/usr/share/seabios/bios-256k.bin"
QEMU = shutil.which("qemu-system-x86_64") or "/usr/bin/qemu-system-x86_64"
# How a disk is attached on each interface: the tests' own helper.
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
from reefqemu import disk_args  # noqa: E402

ICOUNT = ["-icount", "shift=0,sleep=off"]
# Everything but the firmware, the machine and the per-run files: the same
# for both firmwares and every configuration.  The RTC runs on the virtual
# clock from a fixed date so that waiting for its update cycle costs the
# same every run.
COMMON = ["-no-user-config", "-display", "none", "-no-reboot",
          "-rtc", "base=2024-01-01T00:00:00,clock=vm",
          "-device", "isa-debug-exit,iobase=0x501,iosize=1"]
EXIT_OK = (0x10 << 1) | 1  # the payload writes 0x10 to isa-debug-exit
RUN_TIMEOUT = 60

OUR_VGA_ROM = os.path.join(ROOT, "out", "vgabios-stdvga.bin")
OUR_VGA_KEY = "pc-ide-128m-ourvga"
VGA_GOAL = 0.2  # issue 13: our VGA BIOS's init at most 0.2x SeaVGABIOS's

# (key, label, machine arguments).  One row per boot configuration ReefBIOS
# supports today; a new driver adds its rows here.
CONFIGS = [
    ("pc-ide-128m", "pc + IDE 128M", ["-M", "pc", "-m", "128M"]),
    ("pc-ide-6g", "pc + IDE 6G", ["-M", "pc", "-m", "6G"]),  # RAM above 4 GiB
    ("pc-ide-128m-novga", "pc + IDE 128M, -vga none", ["-M", "pc", "-m", "128M", "-vga", "none"]),
    ("pc-ide-128m-nonic", "pc + IDE 128M, -nic none", ["-M", "pc", "-m", "128M", "-nic", "none"]),
    ("pc-ide-128m-bare", "pc + IDE 128M, -vga none -nic none",
     ["-M", "pc", "-m", "128M", "-vga", "none", "-nic", "none"]),
    ("pc-ide-128m-smp4", "pc + IDE 128M, -smp 4", ["-M", "pc", "-m", "128M", "-smp", "4"]),
    # q35's own disk controller is AHCI; the boot disk hangs off a PIIX3 IDE
    # controller there until the AHCI driver lands.
    ("q35-ide-128m", "q35 + PIIX IDE 128M", ["-M", "q35", "-m", "128M"]),
    ("q35-ide-128m-smp4", "q35 + PIIX IDE 128M, -smp 4", ["-M", "q35", "-m", "128M", "-smp", "4"]),
    # "--disk IFACE": the boot disk on another controller (run_qemu).
    ("pc-virtio-128m", "pc + virtio-blk 128M", ["-M", "pc", "-m", "128M", "--disk", "virtio"]),
    ("q35-virtio-128m", "q35 + virtio-blk 128M", ["-M", "q35", "-m", "128M", "--disk", "virtio"]),
    ("q35-ahci-128m", "q35 + AHCI 128M", ["-M", "q35", "-m", "128M", "--disk", "ahci"]),
    ("q35-virtio1-128m", "q35 + virtio-blk 1.0 128M", ["-M", "q35", "-m", "128M", "--disk", "virtio-modern"]),
    ("q35-nvme-128m", "q35 + NVMe 128M", ["-M", "q35", "-m", "128M", "--disk", "nvme"]),
    # "--media cdrom": the boot sector as the no-emulation El Torito image
    # of a CD (build_cd_payload).
    ("pc-cd-128m", "pc + IDE CD 128M", ["-M", "pc", "-m", "128M", "--disk", "ide", "--media", "cdrom"]),
    ("q35-cd-128m", "q35 + AHCI CD 128M", ["-M", "q35", "-m", "128M", "--disk", "ahci", "--media", "cdrom"]),
    ("pc-megasas-128m", "pc + MegaRAID SAS 128M", ["-M", "pc", "-m", "128M", "--disk", "megasas"]),
    ("pc-pvscsi-128m", "pc + pvscsi 128M", ["-M", "pc", "-m", "128M", "--disk", "pvscsi"]),
    ("pc-mptsas-128m", "pc + LSI SAS1068 128M", ["-M", "pc", "-m", "128M", "--disk", "mptsas1068"]),
    ("pc-virtio-scsi-128m", "pc + virtio-scsi 128M", ["-M", "pc", "-m", "128M", "--disk", "virtio-scsi"]),
    ("pc-lsi-128m", "pc + LSI 53C895A 128M", ["-M", "pc", "-m", "128M", "--disk", "lsi"]),
    ("pc-esp-128m", "pc + AM53C974 128M", ["-M", "pc", "-m", "128M", "--disk", "am53c974"]),
    ("q35-xhci-128m", "q35 + usb-storage on xHCI 128M", ["-M", "q35", "-m", "128M", "--disk", "usb-xhci"]),
    ("pc-xhci-128m", "pc + usb-storage on xHCI 128M", ["-M", "pc", "-m", "128M", "--disk", "usb-xhci"]),
    ("pc-ehci-128m", "pc + usb-storage on EHCI 128M", ["-M", "pc", "-m", "128M", "--disk", "usb-ehci"]),
    ("pc-uhci-128m", "pc + usb-storage on UHCI 128M", ["-M", "pc", "-m", "128M", "--disk", "usb-uhci"]),
    ("pc-ohci-128m", "pc + usb-storage on OHCI 128M", ["-M", "pc", "-m", "128M", "--disk", "usb-ohci"]),
    # usb-uas on xHCI has no row: SeaBIOS 1.16 cannot boot it (no streams).
    ("pc-uas-ehci-128m", "pc + usb-uas on EHCI 128M", ["-M", "pc", "-m", "128M", "--disk", "uas-ehci"]),
    # "--kernel": no disk; -kernel with tests/payloads/bench/kernel.S (build_kernel_payload), measured
    # from reset to the kernel's entry [4]; also under qboot.
    ("pc-kernel-128m", "pc -kernel 128M [4]", ["-M", "pc", "-m", "128M", "--kernel"]),
    # qboot runs no option ROMs (neither the VGA's nor the NIC's iPXE): the
    # same -kernel boot without those two devices compares like with like.
    ("pc-kernel-bare-128m", "pc -kernel, -vga none -nic none [4]",
     ["-M", "pc", "-m", "128M", "-vga", "none", "-nic", "none", "--kernel"]),
    ("pc-floppy-1m44", "pc + 1.44M floppy (-boot a)", ["-M", "pc", "-m", "128M", "--disk", "floppy"]),
    # PCI trees (docs/pci.md): the crowded q35 topology of test_pci_tree.py
    # (4 root ports, a PCIe-to-PCI bridge with an e1000, a 4 GiB ivshmem BAR;
    # not its pxb-pcie: the boot disk's controller, added after these
    # arguments without a bus, would land on the pxb's bus) and pc with two
    # bridge levels.
    ("q35-pcitree-128m", "q35 + crowded PCI tree 128M",
     ["-M", "q35", "-m", "128M", "-nic", "none"]
     + sum([["-device", "pcie-root-port,id=rp%d,chassis=%d,slot=%d,addr=%x" % (i, i, i, 0x10 + i)]
            for i in range(1, 5)], [])
     + ["-device", "pcie-pci-bridge,id=pb1,bus=rp1",
        "-netdev", "user,id=n0", "-device", "e1000,netdev=n0,bus=pb1,addr=3,romfile=",
        "-object", "memory-backend-ram,id=shm,size=4G", "-device", "ivshmem-plain,memdev=shm,bus=rp2",
        "-device", "virtio-rng-pci,bus=rp3"]),
    ("pc-pcibridges-128m", "pc + two PCI bridge levels 128M",
     ["-M", "pc", "-m", "128M", "-nic", "none",
      "-device", "pci-bridge,id=br1,chassis_nr=1,addr=5", "-device", "pci-bridge,id=br2,chassis_nr=2,bus=br1,addr=3",
      "-netdev", "user,id=n0", "-device", "e1000,netdev=n0,bus=br2,addr=1,romfile=",
      "-device", "virtio-rng-pci,bus=br2,addr=2", "-device", "virtio-rng-pci,bus=br1,addr=4"]),
    # Our VGA BIOS (vgasrc/, docs/vga-bios.md) instead of QEMU's SeaVGABIOS in the std VGA's ROM BAR [5].
    (OUR_VGA_KEY, "pc + IDE 128M, our VGA BIOS [5]",
     ["-M", "pc", "-m", "128M", "-vga", "none", "-device", "VGA,romfile=" + OUR_VGA_ROM]),
]
FLOPPY_BYTES = 1474560  # --disk floppy: the boot sector on a 1.44M diskette image
PHASE_CONFIG = "pc-ide-128m"  # the configuration whose phases are shown
BIOSES = ("reef", "seabios")
NAMES = {"reef": "ReefBIOS", "seabios": "SeaBIOS"}
RUNS = [os.path.join(BENCH, "runs")]  # per-run directories (logs, command line)

REPORT_RX = re.compile(
    r"REEFBENCH1 tsc=(?P<tsc>[0-9a-f]{16}) int12=(?P<int12>[0-9a-f]{8}) "
    r"ebdaseg=(?P<ebdaseg>[0-9a-f]{8}) ebdakb=(?P<ebdakb>[0-9a-f]{8}) "
    r"cmos34=(?P<cmos34>[0-9a-f]{8}) e820n=(?P<e820n>[0-9a-f]{8}) e820ok=(?P<e820ok>[0-9a-f]{8}) "
    r"usable=(?P<usable>[0-9a-f]{16}) acpi=(?P<acpi>[0-9a-f]{16}) other=(?P<other>[0-9a-f]{16}) end")
PHASE_RX = re.compile(r"^phase (\S+) tsc=0x([0-9a-f]+)", re.M)


class BenchError(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---- the payload -----------------------------------------------------------

def build_payload():
    """out/bench/payload/disk.img: the boot sector on a 1 MiB raw disk."""
    d = os.path.join(BENCH, "payload")
    disk = os.path.join(d, "disk.img")
    stamp = os.path.join(d, "source.sha")
    # Rebuilt when the source or the build commands below change.
    digest = hashlib.sha256(open(PAYLOAD_SRC, "rb").read() + repr(_payload_cmds("S", "o", "e", "b")).encode()
                            ).hexdigest()
    if os.path.isfile(disk) and os.path.isfile(stamp) and open(stamp).read().strip() == digest:
        return disk
    os.makedirs(d, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=d)  # a concurrent --quick may build too
    obj, elf, binf = (os.path.join(tmp, "bench" + e) for e in (".o", ".elf", ".bin"))
    for cmd in _payload_cmds(PAYLOAD_SRC, obj, elf, binf):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            raise BenchError("building the bench payload failed: %s\n%s" % (" ".join(cmd), r.stderr))
    sector = open(binf, "rb").read()
    if len(sector) != 512 or sector[510:] != b"\x55\xaa" or sector[:2] != b"\x0f\x31":
        raise BenchError("bench payload: expected 512 bytes starting with RDTSC and ending in 55AA, "
                         "got %d bytes" % len(sector))
    shutil.copyfile(binf, os.path.join(d, "bench.bin"))
    with open(os.path.join(tmp, "disk.img"), "wb") as f:
        f.write(sector)
        f.truncate(1 << 20)
    os.replace(os.path.join(tmp, "disk.img"), disk)
    with open(os.path.join(tmp, "source.sha"), "w") as f:
        f.write(digest + "\n")
    os.replace(os.path.join(tmp, "source.sha"), stamp)
    shutil.rmtree(tmp, ignore_errors=True)
    return disk


def build_cd_payload(disk):
    """out/bench/payload/cd.iso: the boot sector of `disk` as a CD's
    no-emulation boot image (one 512-byte sector loaded to 07C0:0000)."""
    d = os.path.dirname(disk)
    iso = os.path.join(d, "cd.iso")
    if os.path.isfile(iso) and os.path.getmtime(iso) >= os.path.getmtime(disk):
        return iso
    tmp = tempfile.mkdtemp(dir=d)
    with open(disk, "rb") as f:
        sector = f.read(512)
    with open(os.path.join(tmp, "boot.bin"), "wb") as f:
        f.write(sector + bytes(2048 - 512))
    r = subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-o", os.path.join(d, "cd.iso.tmp"), "-b", "boot.bin",
                        "-c", "boot.cat", "-no-emul-boot", "-boot-load-size", "1", tmp],
                       capture_output=True, text=True)
    shutil.rmtree(tmp, ignore_errors=True)
    if r.returncode:
        raise BenchError("building the bench CD failed: %s" % r.stderr)
    os.replace(os.path.join(d, "cd.iso.tmp"), iso)
    return iso


def build_kernel_payload(disk):
    """out/bench/payload/kernel.bin: kernel.S (a Linux boot protocol 2.02
    setup that reads the TSC at its entry) with the bench boot sector of
    `disk` at offset 400h and one empty sector as the protected-mode part."""
    d = os.path.dirname(disk)
    out = os.path.join(d, "kernel.bin")
    if os.path.isfile(out) and all(os.path.getmtime(out) >= os.path.getmtime(p) for p in (disk, KERNEL_SRC)):
        return out
    tmp = tempfile.mkdtemp(dir=d)
    obj, binf = os.path.join(tmp, "kernel.o"), os.path.join(tmp, "kernel.bin")
    for cmd in (["gcc", "-m32", "-c", KERNEL_SRC, "-o", obj],
                ["ld", "-m", "elf_i386", "-Ttext=0", "-e", "_start", "--oformat", "binary", obj, "-o", binf]):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            shutil.rmtree(tmp, ignore_errors=True)
            raise BenchError("building the bench kernel failed: %s\n%s" % (" ".join(cmd), r.stderr))
    setup = open(binf, "rb").read()
    sector = open(disk, "rb").read(512)
    if len(setup) != 0x400 or setup[0x202:0x206] != b"HdrS":
        raise BenchError("bench kernel: expected a 1 KiB setup with HdrS, got %d bytes" % len(setup))
    with open(out + ".tmp", "wb") as f:
        f.write(setup + sector + bytes(512))
    os.replace(out + ".tmp", out)
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def _payload_cmds(src, obj, elf, binf):
    return (["gcc", "-m32", "-c", src, "-o", obj],
            ["ld", "-m", "elf_i386", "-Ttext=0x7c00", "-e", "_start", "-o", elf, obj],
            ["objcopy", "-O", "binary", "-j", ".text", elf, binf])


def build_stub_bios():
    """A 64 KiB firmware whose reset vector exits QEMU at once: QEMU alone."""
    path = os.path.join(BENCH, "payload", "stub-bios.bin")
    img = bytearray(b"\xff" * 0x10000)
    # F000:FFF0: mov al,10h; mov dx,501h; out dx,al; cli; hlt
    img[0xFFF0:0xFFF8] = bytes([0xB0, 0x10, 0xBA, 0x01, 0x05, 0xEE, 0xFA, 0xF4])
    if not os.path.isfile(path) or open(path, "rb").read() != bytes(img):
        with open(path + ".%d" % os.getpid(), "wb") as f:
            f.write(img)
        os.replace(path + ".%d" % os.getpid(), path)
    return path


# ---- running QEMU ----------------------------------------------------------

# How the -icount runs are scheduled (see "Determinism" in the docstring):
#   "rt":     QEMU pinned to one CPU, its threads SCHED_FIFO 2, then (before
#             the guest starts, -S) its vCPU thread lowered to SCHED_FIFO 1;
#   "nice":   nice -10;   "normal": as started.
SCHED = {"mode": "normal", "cpu": None}
SCHED_TEXT = {"rt": "SCHED_FIFO, pinned to one CPU, vCPU thread below the others",
              "nice": "nice -10", "normal": "normal priority"}


def _sched_child():
    """preexec_fn of the -icount runs."""
    if SCHED["mode"] == "rt":
        os.sched_setaffinity(0, {SCHED["cpu"]})
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(2))
    elif SCHED["mode"] == "nice":
        os.nice(-10)


def _try_in_child(fn):
    pid = os.fork()
    if pid == 0:
        try:
            fn()
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, st = os.waitpid(pid, 0)
    return os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0


def choose_sched(allow_rt):
    """Picks the best mode this host permits (tried in a child process)."""
    SCHED["cpu"] = max(os.sched_getaffinity(0))

    def rt():
        os.sched_setaffinity(0, {SCHED["cpu"]})
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(2))
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))

    def nice():
        os.nice(-10)
        if os.getpriority(os.PRIO_PROCESS, 0) >= 0:
            raise OSError("nice had no effect")

    if allow_rt and hasattr(os, "SCHED_FIFO") and _try_in_child(rt):
        SCHED["mode"] = "rt"
    elif _try_in_child(nice):
        SCHED["mode"] = "nice"
    else:
        SCHED["mode"] = "normal"
    return SCHED_TEXT[SCHED["mode"]]


def _vcpu_thread(pid, deadline):
    """The TCG vCPU thread of QEMU `pid` ("ALL CPUs/TCG" under -icount)."""
    while time.monotonic() < deadline:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                    if f.read().strip().endswith("/TCG"):
                        return int(tid)
            except OSError:
                pass
        time.sleep(0.002)
    return None


def run_qemu(bios, machine, rundir, disk, icount, expect_payload=True):
    """One QEMU run; returns dict(wall=seconds, report=dict|None, debug=text)."""
    shutil.rmtree(rundir, ignore_errors=True)
    os.makedirs(rundir)
    serial = os.path.join(rundir, "serial.log")
    debug = os.path.join(rundir, "debug.log")
    paused = icount and SCHED["mode"] == "rt"
    iface, media = "ide", "disk"
    if "--disk" in machine:
        i = machine.index("--disk")
        iface, machine = machine[i + 1], machine[:i] + machine[i + 2:]
    if "--media" in machine:
        i = machine.index("--media")
        media, machine = machine[i + 1], machine[:i] + machine[i + 2:]
        if media == "cdrom" and disk:
            disk = build_cd_payload(disk)
    kernel = []
    if "--kernel" in machine:
        machine = [a for a in machine if a != "--kernel"]
        if disk:
            kernel, disk = ["-kernel", build_kernel_payload(disk)], None
    cmd = [QEMU, "-bios", bios] + machine + (ICOUNT if icount else []) + COMMON + [
        "-monitor", "stdio" if paused else "none",
        "-serial", "file:" + serial,
        "-chardev", "file,id=dbg,path=" + debug,
        "-device", "isa-debugcon,iobase=0x402,chardev=dbg"] + kernel
    if paused:
        cmd += ["-S", "-name", "reefbench,debug-threads=on"]
    if disk:
        mydisk = os.path.join(rundir, "disk.img")  # a copy: QEMU locks its image
        shutil.copyfile(disk, mydisk)
        if iface == "floppy":
            os.truncate(mydisk, FLOPPY_BYTES)
            cmd += ["-drive", "if=floppy,file=%s,format=raw" % mydisk, "-boot", "a"]
        else:
            cmd += disk_args(mydisk, iface, machine[machine.index("-M") + 1], media=media)
    with open(os.path.join(rundir, "cmdline.txt"), "w") as f:
        f.write(" ".join(cmd) + "\n")
    with open(os.path.join(rundir, "stderr.log"), "w") as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if paused else subprocess.DEVNULL,
                                stdout=err, stderr=subprocess.STDOUT,
                                preexec_fn=_sched_child if icount else None)
        try:
            if paused:
                tid = _vcpu_thread(proc.pid, time.monotonic() + 20)
                if tid is None:
                    raise BenchError("no TCG vCPU thread found in QEMU %d; see %s" % (proc.pid, rundir))
                os.sched_setscheduler(tid, os.SCHED_FIFO, os.sched_param(1))
                proc.stdin.write(b"cont\n")
                proc.stdin.flush()
            rc = proc.wait(timeout=RUN_TIMEOUT)
        except (subprocess.TimeoutExpired, BenchError, OSError) as e:
            proc.kill()
            proc.wait()
            if isinstance(e, subprocess.TimeoutExpired):
                raise BenchError("QEMU did not finish within %ds: %s" % (RUN_TIMEOUT, rundir))
            raise BenchError("QEMU run failed (%s): %s" % (e, rundir))
        finally:
            if proc.stdin:
                proc.stdin.close()
        wall = time.monotonic() - t0
    text = open(serial, "rb").read().decode("latin-1") if os.path.exists(serial) else ""
    dbg = open(debug, "rb").read().decode("latin-1") if os.path.exists(debug) else ""
    if rc != EXIT_OK:
        raise BenchError("QEMU exited with %s, not %d (payload exit); see %s" % (rc, EXIT_OK, rundir))
    report = None
    if expect_payload:
        m = REPORT_RX.search(text)
        if not m:
            raise BenchError("no REEFBENCH1 line on serial; see %s" % rundir)
        report = {k: int(v, 16) for k, v in m.groupdict().items()}
    return {"wall": wall, "report": report, "debug": dbg}


def footprint(rep):
    low_ram = (16 << 20) + rep["cmos34"] * 65536 if rep["cmos34"] else None
    given = rep["usable"] + rep["acpi"]
    withheld = low_ram - given - 0x60000 if low_ram is not None else None
    return {
        "conventional_kib": rep["int12"],
        "ebda_segment": rep["ebdaseg"],
        "ebda_kib": rep["ebdakb"] if rep["ebdaseg"] else 0,
        "e820_entries": rep["e820n"],
        "e820_complete": bool(rep["e820ok"]),
        "ram_below_4g_bytes": low_ram,
        "e820_usable_below_4g_bytes": rep["usable"],
        "e820_acpi_below_4g_bytes": rep["acpi"],
        "e820_other_below_4g_bytes": rep["other"],
        "ram_withheld_below_4g_kib": withheld // 1024 if withheld is not None else None,
        "e820_nonusable_below_4g_kib": (rep["acpi"] + rep["other"]) // 1024,
    }


def phases_of(debug_text, total):
    """Slices reset->start, <phase>..., int19->boot sector, in ns."""
    stamps = [(n, int(v, 16)) for n, v in PHASE_RX.findall(debug_text)]
    if not stamps:
        return None
    slices = [("reset\u2192start", stamps[0][1])]
    for (name, t), (_, t_next) in zip(stamps, stamps[1:]):
        slices.append((name, t_next - t))
    slices.append(("%s\u2192boot sector" % stamps[-1][0], total - stamps[-1][1]))
    s = sum(ns for _, ns in slices)
    monotonic = all(ns >= 0 for _, ns in slices)
    return {"slices": [{"name": n, "ns": ns} for n, ns in slices], "sum_ns": s, "total_ns": total,
            "monotonic": monotonic,
            "within_5pct": monotonic and total > 0 and abs(s - total) <= 0.05 * total,
            "stamps": [{"name": n, "tsc": t} for n, t in stamps]}


def measure_virtual(bios_path, key, role, machine, disk, max_runs):
    """Runs until run 1 and run 2 agree, or up to max_runs; returns the result."""
    runs = []
    for i in range(max_runs):
        rundir = os.path.join(RUNS[0], key, role, "icount%d" % (i + 1))
        r = run_qemu(bios_path, machine, rundir, disk, icount=True)
        stamps = [int(v, 16) for _, v in PHASE_RX.findall(r["debug"])]
        runs.append({"tsc": r["report"]["tsc"], "stamps": stamps, "report": r["report"],
                     "debug": r["debug"], "dir": rundir})
        if i == 1 and runs[0]["tsc"] == runs[1]["tsc"] and runs[0]["stamps"] == runs[1]["stamps"]:
            break
        # After a disagreement: stop once the smallest value has been seen twice.
        if i >= 2:
            low = min(x["tsc"] for x in runs)
            if sum(1 for x in runs if x["tsc"] == low) >= 2:
                break
    best = min(runs, key=lambda x: x["tsc"])
    identical = runs[0]["tsc"] == runs[1]["tsc"] and runs[0]["stamps"] == runs[1]["stamps"]
    low = best["tsc"]
    return {
        "post_ns": low,
        "runs_ns": [x["tsc"] for x in runs],
        "run1_equals_run2": identical,
        "min_seen": sum(1 for x in runs if x["tsc"] == low),
        "footprint": footprint(best["report"]),
        "debug": best["debug"],
        "dir": best["dir"],
    }


def qemu_version():
    out = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0].replace("QEMU emulator version ", "") if out else "?"


def seabios_version(path):
    # The version string sits on its own ("SeaBIOS (version %s)" is the format).
    m = re.search(rb"\x00(\d+\.\d+(?:\.\d+)?-[!-~]{1,60})\x00", open(path, "rb").read())
    return m.group(1).decode() if m else "?"


def reef_version(path):
    # The banner string "ReefBIOS <version>" is in the image.
    m = re.search(rb"ReefBIOS ([0-9][!-~]{0,59})", open(path, "rb").read())
    return m.group(1).decode() if m else "?"


# ---- image size ------------------------------------------------------------

PAD_RX = re.compile(rb"(?s)(..)\1{31,}")  # >= 64 bytes of a 1- or 2-byte pattern


def nonpadding_bytes(path):
    d = open(path, "rb").read()
    return len(d) - sum(m.end() - m.start() for m in PAD_RX.finditer(d)), len(d)


def reef_layout_used(bios_path):
    elf = re.sub(r"\.bin$", ".elf", bios_path)
    if not os.path.isfile(elf) or os.path.getmtime(elf) > os.path.getmtime(bios_path) + 5:
        return None
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import checklayout
    errors, rep = checklayout.check(elf, bios_path, re.sub(r"\.elf$", ".map", elf))
    return None if errors or not rep else rep["used"]


# ---- output ----------------------------------------------------------------

def fmt_int(n):
    return "-" if n is None else "{:,}".format(n)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return "%.2fx" % (a / b)


def render(res):
    W = 46
    lines = []

    def row(label, a, b, r=None, mark=""):
        lines.append("  %-*s %12s %12s %8s%s" % (W - 2, label, a, b, r if r is not None else "", mark))

    m = res["meta"]
    lines.append("ReefBIOS vs SeaBIOS, %s; QEMU %s" % (m["date"], m["qemu"]))
    lines.append("ReefBIOS %s (%s), SeaBIOS %s (%s); host %d CPUs"
                 % (m["reef_version"], m["reef_bios"], m["seabios_version"], m["seabios"], m["host_cpus"]))
    lines.append("")
    lines.append("%-*s %12s %12s %8s" % (W, "", "ReefBIOS", "SeaBIOS", "ratio"))
    lines.append("POST cost, virtual ns, reset to the first boot-sector instruction")
    lines.append("  (-icount shift=0,sleep=off; QEMU threads: %s;" % m["icount_run_sched"])
    lines.append("   every row run twice and must agree)")
    for c in res["configs"]:
        v = c["virtual"]
        a, b = v["reef"]["post_ns"], v["seabios"]["post_ns"]
        bad = [NAMES[k] for k in BIOSES if not v[k]["run1_equals_run2"]]
        row(c["label"], fmt_int(a), fmt_int(b), ratio(a, b),
            "  !! runs differed: %s" % ", ".join(bad) if bad else "")
        if c.get("qboot"):
            q = c["qboot"]["post_ns"]
            row("  the same, QEMU's qboot in the right column", fmt_int(a), fmt_int(q), ratio(a, q),
                "" if c["qboot"]["run1_equals_run2"] else "  !! runs differed: qboot")
    if res.get("wall"):
        wl = res["wall"]
        lines.append("Wall time of the QEMU process to the boot sector, ms")
        lines.append("  (no -icount; median of %d; the stub exits at the reset vector)" % wl["runs"])
        row("QEMU alone (stub firmware)", "%.0f" % (wl["floor_s"] * 1000), "", "")
        for c in res["configs"]:
            w = c.get("wall")
            if not w:
                continue
            a, b = w["reef"]["median_s"], w["seabios"]["median_s"]
            row(c["label"], "%.0f" % (a * 1000), "%.0f" % (b * 1000), ratio(a, b))
    im = res["image"]
    lines.append("Image, bytes")
    row("used (ours: %s; SeaBIOS: [1])" % ("layout report" if im["reef_used_source"] == "layout report" else "[1]"),
        fmt_int(im["reef_used"]), fmt_int(im["seabios_nonpadding"]),
        ratio(im["reef_used"], im["seabios_nonpadding"]))
    row("non-padding [1], same measure for both", fmt_int(im["reef_nonpadding"]),
        fmt_int(im["seabios_nonpadding"]), ratio(im["reef_nonpadding"], im["seabios_nonpadding"]))
    row("image file size", fmt_int(im["reef_file"]), fmt_int(im["seabios_file"]), "")
    base = next(c for c in res["configs"] if c["key"] == PHASE_CONFIG)
    lines.append("Footprint handed to the OS (%s)" % base["label"])
    fr, fs = base["virtual"]["reef"]["footprint"], base["virtual"]["seabios"]["footprint"]
    row("conventional memory (INT 12h), KiB", fr["conventional_kib"], fs["conventional_kib"],
        ratio(fr["conventional_kib"], fs["conventional_kib"]))
    row("EBDA, KiB (segment)", "%d (%04X)" % (fr["ebda_kib"], fr["ebda_segment"]),
        "%d (%04X)" % (fs["ebda_kib"], fs["ebda_segment"]), "")
    for c in res["configs"]:
        if c["key"] in (PHASE_CONFIG, "pc-ide-6g"):
            a = c["virtual"]["reef"]["footprint"]["ram_withheld_below_4g_kib"]
            b = c["virtual"]["seabios"]["footprint"]["ram_withheld_below_4g_kib"]
            mem = c["qemu_args"][c["qemu_args"].index("-m") + 1]
            row("RAM withheld below 4 GiB [2], KiB, -m %s" % mem, fmt_int(a), fmt_int(b), ratio(a, b))
    row("e820 non-usable ranges below 4 GiB [3], KiB", fmt_int(fr["e820_nonusable_below_4g_kib"]),
        fmt_int(fs["e820_nonusable_below_4g_kib"]), "")
    ph = res.get("phases")
    if ph:
        lines.append("")
        lines.append("Where the time goes: ReefBIOS, %s, by cost (debug-port phase stamps)" % ph["config_label"])
        total = ph["total_ns"]
        for s in sorted(ph["slices"], key=lambda s: -s["ns"]):
            lines.append("  %-30s %12s ns %6.1f%%" % (s["name"], fmt_int(s["ns"]), 100.0 * s["ns"] / total))
        lines.append("  %-30s %12s ns %6.1f%% of the POST cost (%s ns)%s"
                     % ("sum of %d slices" % len(ph["slices"]), fmt_int(ph["sum_ns"]),
                        100.0 * ph["sum_ns"] / total, fmt_int(total),
                        "" if ph["within_5pct"] else "  !! not within 5%"))
    vr = res.get("vga_rom")
    if vr:
        lines.append("")
        lines.append("%-*s %12s %12s %8s" % (W, "VGA BIOS init, virtual ns (ReefBIOS's vga phase)", "ours",
                                              "SeaVGABIOS", "ratio"))
        row("pc + IDE 128M, std VGA", fmt_int(vr["ours_ns"]), fmt_int(vr["seavgabios_ns"]),
            ratio(vr["ours_ns"], vr["seavgabios_ns"]),
            "  goal <= %.1fx: %s" % (vr["goal"], "met" if vr["met"] else "NOT MET"))
    if res.get("deltas"):
        lines.append("")
        lines.append("%-*s %12s %12s" % (W, "What a device costs, virtual ns (row difference)", "ReefBIOS", "SeaBIOS"))
        for d in res["deltas"]:
            row(d["label"], fmt_int(d["reef"]), fmt_int(d["seabios"]), "")
    lines.append("")
    g = res["goals"]
    lines.append("Goals (issue 4): POST <= 0.25x SeaBIOS on every row: %s; image within SeaBIOS's 256 KiB, used bytes within 128 KiB: %s; "
                 "conventional memory >= SeaBIOS: %s"
                 % tuple("met" if g[k] else "NOT MET" for k in ("post", "image", "conventional")))
    lines.append("Determinism: %s" % res["determinism"]["summary"])
    lines.append("")
    lines.append("[1] bytes outside runs of >= 64 bytes repeating a 1- or 2-byte pattern (00, FF, 66 90)")
    lines.append("[2] RAM below 4 GiB per CMOS 34h/35h, minus e820 type 1 and 3 below 4 GiB, "
                 "minus the 384 KiB at 0xA0000-0xFFFFF")
    lines.append("[3] sum of e820 ranges of any type but 1 below 4 GiB (counts MMIO such as the flash alias)")
    lines.append("[4] no disk; -kernel tests/payloads/bench/kernel.S: reset to its RDTSC, the second instruction "
                 "at the kernel's setup entry (after the protocol's jump over the header)")
    lines.append("[5] -vga none -device VGA,romfile=out/vgabios-stdvga.bin: our VGA BIOS in the std VGA's ROM BAR "
                 "(the rows above run QEMU's SeaVGABIOS there); both firmwares run it")
    return "\n".join(lines) + "\n"


# ---- main ------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="one configuration, one wall-time run")
    ap.add_argument("--only", help="comma-separated configuration keys to run (e.g. q35-pcitree-128m)")
    ap.add_argument("--json", help="where to write the results (default out/bench/latest.json, "
                                   "or out/bench/quick.json with --quick)")
    ap.add_argument("--wall-runs", type=int, default=None, help="wall-time runs per row (default 5, 1 with --quick)")
    ap.add_argument("--max-runs", type=int, default=6, help="virtual-time runs when the first two disagree")
    ap.add_argument("--no-rt", action="store_true",
                    help="no real-time scheduling for the -icount runs (nice -10 at most)")
    ap.add_argument("--bios", default=os.environ.get("REEF_BIOS", REEF_BIOS))
    ap.add_argument("--seabios", default=os.environ.get("REEF_SEABIOS", SEABIOS))
    args = ap.parse_args()
    wall_runs = args.wall_runs if args.wall_runs is not None else (1 if args.quick else 5)
    max_runs = max(2, args.max_runs)
    json_path = args.json or os.path.join(BENCH, "quick.json" if args.quick else "latest.json")
    bioses = {"reef": os.path.abspath(args.bios), "seabios": os.path.abspath(args.seabios)}
    for role, p in bioses.items():
        if not os.path.isfile(p):
            raise BenchError("%s not found: %s%s" % (NAMES[role], p, " (run `make`)" if role == "reef" else ""))
    configs = [c for c in CONFIGS if c[0] == PHASE_CONFIG] if args.quick else CONFIGS
    if args.only:
        keys = args.only.split(",")
        unknown = [k for k in keys if k not in {c[0] for c in CONFIGS}]
        if unknown:
            raise SystemExit("bench: unknown configuration(s): " + ", ".join(unknown))
        keys.append(PHASE_CONFIG)  # the phase, footprint and goal summaries are taken from it
        configs = [c for c in configs if c[0] in keys]
    if not os.path.isfile(OUR_VGA_ROM):
        log("bench: %s not built: no row for it" % os.path.relpath(OUR_VGA_ROM, ROOT))
        configs = [c for c in configs if c[0] != OUR_VGA_KEY]

    t_start = time.monotonic()
    os.makedirs(BENCH, exist_ok=True)
    RUNS[0] = os.path.join(BENCH, "runs-quick" if args.quick else "runs")
    shutil.rmtree(RUNS[0], ignore_errors=True)
    os.makedirs(RUNS[0])
    # Every run boots one snapshot of our firmware, even if a build replaces
    # out/bios.bin meanwhile; its layout report is taken now, from the ELF
    # next to it, if the two still match.
    reef_src = bioses["reef"]
    data = open(reef_src, "rb").read()
    bioses["reef"] = os.path.join(RUNS[0], "reef-bios.bin")
    with open(bioses["reef"], "wb") as f:
        f.write(data)
    layout_used = reef_layout_used(reef_src)
    if open(reef_src, "rb").read() != data:
        layout_used = None
    disk = build_payload()
    stub = build_stub_bios()
    sched = choose_sched(not args.no_rt)

    # 1. virtual time: serial runs, every configuration, both firmwares
    results = []
    alarms = []
    for key, label, machine in configs:
        entry = {"key": key, "label": label, "qemu_args": machine, "virtual": {}}
        for role in BIOSES:
            v = measure_virtual(bioses[role], key, role, machine, disk, max_runs)
            if not v["run1_equals_run2"]:
                alarms.append("%s / %s: runs gave %s ns; reported the smallest, %s ns (seen %d times)"
                              % (label, NAMES[role], ", ".join(fmt_int(x) for x in v["runs_ns"]),
                                 fmt_int(v["post_ns"]), v["min_seen"]))
            entry["virtual"][role] = v
            log("  BENCH   %-36s %-8s %12s ns  (runs: %s)" % (label, NAMES[role], fmt_int(v["post_ns"]),
                                                         " ".join(fmt_int(x) for x in v["runs_ns"])))
        if "--kernel" in machine and os.path.isfile(QBOOT):
            entry["qboot"] = q = measure_virtual(QBOOT, key, "qboot", machine, disk, max_runs)
            log("  BENCH   %-36s %-8s %12s ns  (runs: %s)" % (label, "qboot", fmt_int(q["post_ns"]),
                                                         " ".join(fmt_int(x) for x in q["runs_ns"])))
        results.append(entry)

    # 2. wall time: interleaved so that drift in host load hits both alike
    wall = None
    if wall_runs > 0:
        floor = []
        samples = {(e["key"], r): [] for e in results for r in BIOSES}
        for i in range(wall_runs):
            floor.append(run_qemu(stub, configs[0][2], os.path.join(RUNS[0], "stub", "wall%d" % (i + 1)),
                                  None, icount=False, expect_payload=False)["wall"])
            for key, label, machine in configs:
                for role in BIOSES:
                    rd = os.path.join(RUNS[0], key, role, "wall%d" % (i + 1))
                    samples[(key, role)].append(run_qemu(bioses[role], machine, rd, disk, icount=False)["wall"])
        wall = {"runs": wall_runs, "floor_s": statistics.median(floor), "floor_samples_s": floor,
                "icount": False}
        for e in results:
            e["wall"] = {r: {"median_s": statistics.median(samples[(e["key"], r)]),
                             "samples_s": samples[(e["key"], r)]} for r in BIOSES}
        log("  BENCH   wall time: %d run(s) per row" % wall_runs)

    # 3. phases of one configuration
    base = next(e for e in results if e["key"] == PHASE_CONFIG)
    phases = phases_of(base["virtual"]["reef"]["debug"], base["virtual"]["reef"]["post_ns"])
    if phases:
        phases["config"] = PHASE_CONFIG
        phases["config_label"] = base["label"]

    # 3b. the VGA BIOS's init, ours against SeaVGABIOS: ReefBIOS's "vga" phase
    vga_rom = None
    ours = next((e for e in results if e["key"] == OUR_VGA_KEY), None)
    if ours and phases:
        ph_ours = phases_of(ours["virtual"]["reef"]["debug"], ours["virtual"]["reef"]["post_ns"])
        slice_of = lambda ph: next((x["ns"] for x in ph["slices"] if x["name"] == "vga"), None) if ph else None
        a, b = slice_of(ph_ours), slice_of(phases)
        if a is not None and b:
            vga_rom = {"ours_ns": a, "seavgabios_ns": b, "ratio": a / b, "goal": VGA_GOAL,
                       "met": a <= VGA_GOAL * b}

    # 4. what single devices cost (differences between rows)
    deltas = []
    byk = {e["key"]: e for e in results}

    def delta(label, a, b):
        if a in byk and b in byk:
            deltas.append({"label": label, **{r: byk[a]["virtual"][r]["post_ns"] - byk[b]["virtual"][r]["post_ns"]
                                               for r in BIOSES}})
    delta("default VGA (vs -vga none)", "pc-ide-128m", "pc-ide-128m-novga")
    delta("default NIC, e1000 (vs -nic none)", "pc-ide-128m", "pc-ide-128m-nonic")
    delta("6 GiB instead of 128 MiB", "pc-ide-6g", "pc-ide-128m")

    # 5. image
    reef_np, reef_file = nonpadding_bytes(bioses["reef"])
    sea_np, sea_file = nonpadding_bytes(bioses["seabios"])
    image = {"reef_used": layout_used if layout_used is not None else reef_np,
             "reef_used_source": "layout report" if layout_used is not None else "non-padding bytes",
             "reef_nonpadding": reef_np, "reef_file": reef_file,
             "seabios_nonpadding": sea_np, "seabios_file": sea_file}

    # 6. goals and determinism
    post_ok = all(e["virtual"]["reef"]["post_ns"] <= 0.25 * e["virtual"]["seabios"]["post_ns"] for e in results)
    fr = base["virtual"]["reef"]["footprint"]
    fs = base["virtual"]["seabios"]["footprint"]
    goals = {"post": post_ok, "image": reef_file <= 262144 and image["reef_used"] <= 131072,
             "conventional": fr["conventional_kib"] >= fs["conventional_kib"]}
    n_meas = 2 * len(results)
    if alarms:
        summary = ("!! %d of %d virtual-time measurements differed between run 1 and run 2 (see stderr "
                   "and the JSON); the table shows the smallest value of each" % (len(alarms), n_meas))
    else:
        summary = "all %d virtual-time measurements gave identical numbers (and phase stamps) on run 1 and run 2" % n_meas

    res = {
        "meta": {
            "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "qemu": qemu_version(), "qemu_path": QEMU,
            "reef_bios": os.path.relpath(reef_src, ROOT), "reef_version": reef_version(bioses["reef"]),
            "reef_sha256": hashlib.sha256(open(bioses["reef"], "rb").read()).hexdigest(),
            "seabios": bioses["seabios"], "seabios_version": seabios_version(bioses["seabios"]),
            "host_cpus": os.cpu_count(), "host": platform.platform(),
            "quick": args.quick,
            "common_args": COMMON, "icount_args": ICOUNT, "icount_run_sched": sched,
            "payload": os.path.relpath(PAYLOAD_SRC, ROOT),
        },
        "configs": results,
        "wall": wall,
        "image": image,
        "phases": phases,
        "deltas": deltas,
        "vga_rom": vga_rom,
        "goals": goals,
        "determinism": {"identical": not alarms, "alarms": alarms, "summary": summary},
    }
    res["meta"]["elapsed_s"] = round(time.monotonic() - t_start, 1)

    table = render(res)
    for e in results:  # the logs stay in out/bench/runs/; keep the JSON small
        for r in BIOSES:
            e["virtual"][r].pop("debug", None)
            e["virtual"][r]["dir"] = os.path.relpath(e["virtual"][r]["dir"], ROOT)
    os.makedirs(os.path.dirname(os.path.abspath(json_path)), exist_ok=True)
    with open(json_path + ".tmp", "w") as f:
        json.dump(res, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(json_path + ".tmp", json_path)
    with open(re.sub(r"\.json$", "", json_path) + ".txt", "w") as f:
        f.write(table)
    sys.stdout.write(table)
    sys.stdout.flush()
    for a in alarms:
        log("bench: !! NONDETERMINISTIC: " + a)
    log("bench: %s written (%.0f s)" % (os.path.relpath(json_path, ROOT) if json_path.startswith(ROOT)
                                        else json_path, res["meta"]["elapsed_s"]))
    if phases is None or not phases["within_5pct"]:
        log("bench: ERROR: the phase slices do not add up to the POST cost within 5%")
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        sys.exit("bench: ERROR: %s" % e)
