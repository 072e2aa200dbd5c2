#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Writes the seed corpora of the fuzz targets: tests/fuzz/corpus/<target>/.

Each seed is a small, meaningful input in the format the target's source
describes at its top: what QEMU really sends, and the edge cases the unit
tests cover. The seeds are checked in; run this again after changing an
input format (it replaces the directories of the targets it knows):

    /usr/bin/python3 tests/fuzz/make_seeds.py
"""
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30


# ---- e820: flags, CMOS 30h 31h 34h 35h 5Bh 5Ch 5Dh, u16 file length, file, ops

def cmos_for(low, high):
    """The CMOS memory registers as QEMU fills them (low below 4 GiB, high above)."""
    ext_kb = min(min(low, 64 * MiB) // KiB - 1024, 0xFFFF)
    above16 = min((low - 16 * MiB) >> 16, 0xFFFF) if low > 16 * MiB else 0
    above4g = high >> 16
    return bytes([ext_kb & 0xFF, ext_kb >> 8, above16 & 0xFF, above16 >> 8,
                  above4g & 0xFF, (above4g >> 8) & 0xFF, (above4g >> 16) & 0xFF])


def e820_file(entries):
    return b"".join(struct.pack("<QQI", a, n, t) for a, n, t in entries)


def e820_seed(file=b"", cmos=None, no_fwcfg=False, no_file=False, ops=b""):
    flags = (1 if no_fwcfg else 0) | (2 if no_file else 0)
    cmos = cmos if cmos is not None else cmos_for(128 * MiB, 0)
    return bytes([flags]) + cmos + struct.pack("<H", len(file)) + file + ops


def op_grid(base_page, pages, typ, remove=False):
    return bytes([typ | (8 if remove else 0)]) + struct.pack("<HH", base_page, pages)


def op_raw(base, size, typ, remove=False):
    return bytes([typ | (8 if remove else 0) | 0x10]) + struct.pack("<QQ", base, size)


def e820_seeds():
    many = [(0, 64 * MiB, 1)] + [(4 * GiB + i * 2 * MiB, MiB, 1) for i in range(40)]
    return {
        "qemu-pc-128m": e820_seed(e820_file([(0, 128 * MiB, 1)])),
        "qemu-pc-6g": e820_seed(e820_file([(0, 3 * GiB, 1), (4 * GiB, 3 * GiB, 1)]), cmos_for(3 * GiB, 3 * GiB)),
        "reserved-passthrough": e820_seed(e820_file([(0, 512 * MiB, 1), (0xFEFFC000, 0x4000, 2),
                                                     (0xFD00000000, 0x300000000, 2)]), cmos_for(512 * MiB, 0)),
        "cmos-only-512m": e820_seed(cmos=cmos_for(512 * MiB, 0), no_file=True),
        "no-fwcfg-3g-3g": e820_seed(cmos=cmos_for(3 * GiB, 3 * GiB), no_fwcfg=True),
        "cmos-below-16m": e820_seed(cmos=cmos_for(12 * MiB, 0), no_file=True),
        # 34h/35h at their maximum claim RAM up to 4 GiB + 16 MiB - 64 KiB.
        "cmos-maximum": e820_seed(cmos=b"\xff" * 7, no_file=True),
        "malformed-21-bytes": e820_seed(e820_file([(0, GiB, 1)]) + b"\0", cmos_for(256 * MiB, 0)),
        "empty-file": e820_seed(b""),
        "no-ram-in-file": e820_seed(e820_file([(0xFEFFC000, 0x4000, 2)])),
        "41-entries": e820_seed(e820_file(many)),
        "zero-and-wrapping": e820_seed(e820_file([(0, 256 * MiB, 1), (512 * MiB, 0, 1), ((1 << 64) - 11, 100, 1),
                                                  (GiB, MiB, 0)])),
        # Entries that try to retype what the firmware owns.
        "over-platform-ranges": e820_seed(e820_file([(0, 5 * GiB, 1), (0x9F000, 0x2000, 3),
                                                    (0xA0000, 0x20000, 2), (0xFFF00000, 0x100000, 4)])),
        "map-operations": e820_seed(
            e820_file([(0, 128 * MiB, 1)]),
            ops=op_grid(0x200, 0x10, 2) + op_grid(0x208, 0x4, 3) + op_grid(0x100, 0x100, 1, remove=True)
            + op_grid(0x9F, 0x2, 4) + op_grid(0x0, 0x1000, 1) + op_grid(0x7000, 0x10, 0)
            + op_raw((1 << 64) - 0x2000, 0x1000, 2) + op_raw((1 << 64) - 0x1000, 0x1000, 2)
            + op_raw(4 * GiB - 0x1000, 0x2000, 5) + op_raw(0, (1 << 64) - 1, 0, remove=True)),
        "map-operations-full": e820_seed(
            e820_file([(0, 128 * MiB, 1)]),
            ops=b"".join(op_grid(0x1000 + 2 * i, 1, 2 + i % 3) for i in range(30))
            + op_grid(0x1001, 1, 2) + op_grid(0x2000, 0x10, 3) + op_grid(0x2004, 1, 0, remove=True)
            + op_grid(0x1000, 0x20, 1)),
    }


# ---- fwcfg_dir: the raw FW_CFG_FILE_DIR item

def dir_blob(entries, count=None):
    out = struct.pack(">I", len(entries) if count is None else count)
    for size, select, name in entries:
        raw = name.encode()[:56]
        out += struct.pack(">IHH", size, select, 0) + raw + b"\0" * (56 - len(raw))
    return out


QEMU_FILES = [
    (10, "bootorder"), (36, "etc/acpi/rsdp"), (131072, "etc/acpi/tables"), (4, "etc/boot-fail-wait"),
    (40, "etc/e820"), (8, "etc/msr_feature_control"), (31, "etc/smbios/smbios-anchor"),
    (353, "etc/smbios/smbios-tables"), (1, "etc/smi/features-ok"), (4096, "etc/table-loader"),
    (0, "etc/tpm/log"), (9216, "genroms/kvmvapic.bin"), (8192, "etc/igd-opregion"), (8, "etc/igd-bdsm-size"),
    (2, "opt/reef/igd-test-gen"),
]


def fwcfg_seeds():
    qemu = [(size, 0x20 + i, name) for i, (size, name) in enumerate(QEMU_FILES)]
    return {
        "empty": dir_blob([]),
        "qemu-pc": dir_blob(qemu),
        "count-300-two-entries": dir_blob([(10, 0x20, "bootorder"), (8, 0x21, "etc/ram")], count=300),
        "truncated-entry": dir_blob([(40, 0x20, "etc/e820"), (4, 0x21, "etc/boot-fail-wait")], count=3)[:4 + 96],
        "long-names": dir_blob([(4, 0x20, "a" * 55), (4, 0x21, "b" + "x" * 55), (4, 0x22, "c" + "y" * 69),
                                (4, 0x23, "z")]),
        "duplicates-odd-selects": dir_blob([(8, 0x20, "etc/e820"), (40, 0x21, "etc/e820"), (4, 0x19, "dir-key"),
                                            (4, 0x0000, "signature-key"), (16, 0xFFFF, "key-ffff"), (0, 0x22, "")]),
        "edge-sizes": dir_blob([(0xFFFFFFFF, 0x20, "huge"), (0x80000000, 0x21, "2g"), (0x7FFFFFFF, 0x22, "2g-1"),
                                (4, 0x23, "four"), (8, 0x24, "eight"), (0, 0x25, "zero")]),
        "130-entries": dir_blob([(i, 0x20 + i, "f%03d" % i) for i in range(130)]),
    }


# ---- igd: flags, RAM, devices, allocator operations, three files

OPREGION, BDSM, TESTGEN, OVERRIDE, FINALIZE, NO_FWCFG, EBDA_STUCK = 1, 2, 4, 8, 16, 32, 64
HIGH, TMPHIGH, TMPLOW, FSEG, LOW = 0, 1, 2, 3, 4
ALLOC, ALLOC_RESERVE, FREE, RESERVE = 0, 1, 2, 3
SIG = b"IntelGraphicsMem"


def igd_seed(flags, devs, ram_mib=128, high_gib=0, ops=(), opregion=(0, b""), bdsm=(0, b""), testgen=(0, b"")):
    out = struct.pack("<BHB", flags, ram_mib, high_gib)
    out += bytes([len(devs) - 1])
    for devfn, vendor, device, cls, sub in devs:
        out += struct.pack("<BHHBBB", devfn, vendor, device, cls, sub, 0)
    out += bytes([len(ops)])
    for op, zone, align_log2, which, size in ops:
        out += struct.pack("<BBBBI", op, zone, align_log2, which, size)
    for size, content in (opregion, bdsm, testgen):
        out += struct.pack("<IH", size, len(content)) + content
    return out


def devfn(dev, fn=0):
    return dev << 3 | fn


def le64(v):
    return struct.pack("<Q", v)


def igd_seeds():
    igd9 = [(devfn(2), 0x8086, 0x5912, 0x03, 0x00)]
    opr = (8192, SIG + bytes(range(48)))
    return {
        "gen9-both": igd_seed(OPREGION | BDSM, igd9, opregion=opr, bdsm=(8, le64(64 * MiB))),
        "gen12-bdsm64-finalize": igd_seed(BDSM | FINALIZE, [(devfn(2), 0x8086, 0x9a49, 0x03, 0x00)],
                                          ram_mib=3072, high_gib=2, bdsm=(8, le64(32 * MiB))),
        "upt-other-display-opregion": igd_seed(OPREGION, [(devfn(4), 0x8086, 0x5912, 0x03, 0x80)], opregion=opr),
        "bdsm-not-1m-multiple": igd_seed(BDSM, igd9, bdsm=(8, le64(16 * MiB + 0x80000))),
        "bdsm-4-bytes": igd_seed(BDSM, igd9, bdsm=(4, b"\x00\x00\x00\x04")),
        "bdsm-huge": igd_seed(BDSM, igd9, bdsm=(8, le64(0xFFFFFFFFFFF00000))),
        "bdsm-zero-meteor-lake": igd_seed(BDSM, [(devfn(2), 0x8086, 0x7d55, 0x03, 0x00)], bdsm=(8, le64(0))),
        "opregion-oversized": igd_seed(OPREGION, igd9, opregion=(8 * 1024 + 64 * 1024 + 1, SIG)),
        "opregion-maximum-unsigned": igd_seed(OPREGION, igd9, opregion=(8 * 1024 + 64 * 1024, b"\x11" * 20)),
        "opregion-empty": igd_seed(OPREGION, igd9, opregion=(0, b"")),
        "test-override-gen12": igd_seed(BDSM | OPREGION | TESTGEN | OVERRIDE, [(devfn(2), 0x1234, 0x1111, 0x03, 0x00)],
                                        opregion=opr, bdsm=(8, le64(16 * MiB)), testgen=(3, b"12\n")),
        "test-override-device-id": igd_seed(BDSM | TESTGEN | OVERRIDE, [(devfn(2), 0x1234, 0x1111, 0x03, 0x00)],
                                            bdsm=(8, le64(16 * MiB)), testgen=(6, b"0x4C8A")),
        "test-override-not-built": igd_seed(BDSM | TESTGEN, [(devfn(2), 0x1234, 0x1111, 0x03, 0x00)],
                                            bdsm=(8, le64(16 * MiB)), testgen=(1, b"9")),
        "two-intel-displays": igd_seed(OPREGION | BDSM, igd9 + [(devfn(3), 0x8086, 0x5912, 0x03, 0x80)],
                                       opregion=opr, bdsm=(8, le64(16 * MiB))),
        "not-at-00-02-0": igd_seed(OPREGION | BDSM, [(devfn(3), 0x8086, 0x5912, 0x03, 0x00),
                                                     (devfn(2), 0x1234, 0x1111, 0x03, 0x00)],
                                   opregion=opr, bdsm=(8, le64(64 * MiB))),
        "high-zone-nearly-full": igd_seed(OPREGION | FINALIZE, igd9, ops=[(ALLOC, HIGH, 12, 0, 256 * KiB - 4096)],
                                          opregion=opr),
        "small-ram": igd_seed(OPREGION | BDSM, igd9, ram_mib=8, opregion=opr, bdsm=(8, le64(64 * MiB))),
        "no-fwcfg": igd_seed(OPREGION | BDSM | NO_FWCFG, igd9, opregion=opr, bdsm=(8, le64(64 * MiB))),
        # 15 reserved pages, 1 MiB apart: the e820 table fills up.
        "e820-full": igd_seed(OPREGION | BDSM, igd9, ops=[(ALLOC_RESERVE, TMPHIGH, 20, 0, 4096)] * 15,
                              opregion=opr, bdsm=(8, le64(8 * MiB))),
        # Two reserved blocks in one page; the first is freed again.
        "shared-page-free": igd_seed(OPREGION | FINALIZE, igd9,
                                     ops=[(ALLOC_RESERVE, TMPHIGH, 4, 0, 0x100), (ALLOC_RESERVE, TMPHIGH, 4, 0, 0x100),
                                          (FREE, TMPHIGH, 0, 0, 0), (ALLOC, TMPLOW, 4, 0, 0x800),
                                          (ALLOC, FSEG, 4, 0, 0x40), (ALLOC, HIGH, 4, 0, 0x30)],
                                     opregion=opr),
        # Low blocks move the EBDA down; one that fails to move it.
        "low-zone-ebda-moves": igd_seed(OPREGION | FINALIZE, igd9,
                                        ops=[(ALLOC, LOW, 4, 0, 0x800), (ALLOC, LOW, 10, 0, 0x1000),
                                             (FREE, LOW, 0, 0, 0), (ALLOC, LOW, 4, 0, 0x300)], opregion=opr),
        # The e820 table is full when a low block needs the EBDA to grow.
        "e820-full-low-zone": igd_seed(OPREGION, igd9, ops=[(ALLOC_RESERVE, TMPHIGH, 20, 0, 4096)] * 13
                                       + [(ALLOC_RESERVE, HIGH, 12, 0, 4096), (ALLOC, LOW, 4, 0, 0x800)],
                                       opregion=opr),
        "low-zone-ebda-stuck": igd_seed(OPREGION | EBDA_STUCK, igd9, ops=[(ALLOC, LOW, 4, 0, 0x800)], opregion=opr),
    }


# ---- dap: 32 DAP bytes, u8 readable, drive, op, CX DH AL, EBDA base

def dap_seed(size, count, seg, off, lba, flat=0, count32=0, sectors=1 << 20, ssize_log=0, flags=0,
             op=0, chs=(0x0001, 0, 1), ebda=0x9FC00, avail=0x20):
    dap = struct.pack("<BBHHHQQI", size, 0, count, off, seg, lba, flat, count32).ljust(32, b"\0")
    drive = struct.pack("<QBBHBB", sectors, ssize_log, flags, 1024, 16, 63)
    return dap + bytes([avail]) + drive + bytes([op]) + struct.pack("<HBBI", chs[0], chs[1], chs[2], ebda)


def dap_seeds():
    return {
        "read-7f-7e00": dap_seed(0x10, 0x7F, 0, 0x7E00, 0),
        "read-7f-9000f000": dap_seed(0x10, 0x7F, 0x9000, 0xF000, 0),
        "flat-2m": dap_seed(0x18, 0x7F, 0xFFFF, 0xFFFF, 5, flat=0x200000),
        "long-form-1m": dap_seed(0x20, 0xFF, 0, 0, 1, flat=0x200000, count32=2048),
        "count-ffff": dap_seed(0x18, 0xFFFF, 0, 0x7E00, 0),
        "past-end": dap_seed(0x10, 4, 0, 0x7E00, (1 << 20) - 2),
        "cd-write": dap_seed(0x10, 1, 0, 0x7E00, 0, ssize_log=2, flags=1, op=1),
        "short": dap_seed(0x0F, 1, 0, 0x7E00, 0, avail=0x0F),
        "chs-last": dap_seed(0x10, 0, 0, 0, 0, chs=(0xFFFF, 15, 1)),
    }


# ---- mbr: u64 disk sectors, the 66-byte tail of sector 0

def mbr_seed(sectors, parts, sig=True):
    t = b"".join(struct.pack("<B3xB3xII", st, ty, lba, n) for st, ty, lba, n in parts).ljust(64, b"\0")
    return struct.pack("<Q", sectors) + t + (b"\x55\xaa" if sig else b"\0\0")


def mbr_seeds():
    return {
        "linux": mbr_seed(1 << 21, [(0x80, 0x83, 2048, 1 << 20), (0, 0x82, 2048 + (1 << 20), 4096)]),
        "gpt": mbr_seed(1 << 21, [(0, 0xEE, 1, 0xFFFFFFFF)]),
        "empty": mbr_seed(100, []),
        "no-signature": mbr_seed(100, [(0x80, 0x0C, 63, 30)], sig=False),
        "overlap": mbr_seed(1000, [(0, 0x83, 10, 20), (0, 0x83, 29, 5)]),
        "past-end": mbr_seed(1000, [(0, 0x83, 990, 20)]),
        "isohybrid": mbr_seed(1 << 16, [(0x80, 0x17, 0, 1 << 16)]),
    }


# ---- eltorito: u32 disc sectors, boot record (0x4B bytes), catalog (64
# bytes), MBR tail of an emulated hard disk (66 bytes)

def eltorito_seed(disc, catalog=20, media=0, count=4, lba=21, seg=0, key=b"\x55\xaa", fix_sum=True,
                  bootable=0x88, tail=None):
    rec = (b"\0CD001\x01" + b"EL TORITO SPECIFICATION").ljust(0x47, b"\0") + struct.pack("<I", catalog)
    val = bytearray(struct.pack("<BBH24sH", 1, 0, 0, b"ReefBIOS", 0) + key)
    if fix_sum:
        total = sum(struct.unpack("<16H", bytes(val))) & 0xFFFF
        struct.pack_into("<H", val, 28, (-total) & 0xFFFF)
    entry = struct.pack("<BBHBBHI", bootable, media, seg, 0, 0, count, lba).ljust(32, b"\0")
    if tail is None:
        tail = bytes(64) + b"\x55\xaa"
    return struct.pack("<I", disc) + rec + bytes(val) + entry + tail


def eltorito_seeds():
    hd = struct.pack("<BBBBBBBBII", 0x80, 0, 1, 0, 6, 15, 63 | 0x40, 0x3F, 63, 20000).ljust(64, b"\0") + b"\x55\xaa"
    return {
        "noemul": eltorito_seed(1000),
        "floppy144": eltorito_seed(1000, media=2, count=1),
        "harddisk": eltorito_seed(100000, media=4, count=1, tail=hd),
        "bad-key": eltorito_seed(1000, key=b"\0\0"),
        "bad-sum": eltorito_seed(1000, fix_sum=False),
        "past-end": eltorito_seed(30, lba=29, count=16),
        "zero-count": eltorito_seed(1000, count=0),
        "not-bootable": eltorito_seed(1000, bootable=0),
    }


# ---- smbios: 32-byte anchor, then the structure table

def smbios_struct(typ, fmt_len, handle, strings):
    body = struct.pack("<BBH", typ, fmt_len, handle).ljust(fmt_len, b"\0")
    if strings:
        return body + b"".join(s.encode() + b"\0" for s in strings) + b"\0"
    return body + b"\0\0"


def smbios_seeds():
    tables = (smbios_struct(1, 0x1B, 0x100, ["QEMU", "Standard PC (i440FX + PIIX, 1996)", "pc-i440fx-7.2"])
              + smbios_struct(3, 0x16, 0x300, ["QEMU", "pc-i440fx-7.2"])
              + smbios_struct(4, 0x2A, 0x400, ["CPU 0", "QEMU", "pc-i440fx-7.2"])
              + smbios_struct(16, 0x17, 0x1000, []) + smbios_struct(127, 4, 0x7F00, []))
    ep21 = (b"_SM_" + bytes([0, 0x1F, 2, 8]) + b"\0" * 8 + b"_DMI_" + b"\0" * 10 + b"\x28").ljust(32, b"\0")
    ep30 = (b"_SM3_" + bytes([0, 0x18, 3, 0, 0, 1, 0]) + b"\0" * 12).ljust(32, b"\0")
    return {
        "qemu-21": ep21 + tables,
        "qemu-30": ep30 + tables,
        "with-type0": ep21 + smbios_struct(0, 0x18, 0, ["Vendor", "1.0", "01/01/2026"]) + tables,
        "no-end": ep21 + tables[:-6],
        "junk-anchor": b"_SM_".ljust(32, b"\xff") + tables,
    }


# ---- tableloader: u8 files, per file u8 size/16 + bytes, then the script

def loader_entry(cmd, *fields):
    e = struct.pack("<I", cmd)
    for f in fields:
        e += f
    return e.ljust(128, b"\0")


def lname(i):
    # The target patches names in from the low 2 bits of the field's first
    # byte (etc/f0..etc/f3) unless its low 3 bits are all set.
    return bytes([i]).ljust(56, b"\0")


def tableloader_seeds():
    files = bytes([4]) + bytes([2]) + bytes(range(32)) + bytes([4]) + b"RSD PTR " + bytes(56) \
        + bytes([1]) + bytes(16) + bytes([0]) + bytes(8)
    alloc = lambda i, align, zone: loader_entry(1, lname(i), struct.pack("<IB", align, zone))
    ptr = lambda d, s, off, w: loader_entry(2, lname(d), lname(s), struct.pack("<IB", off, w))
    csum = lambda i, off, start, n: loader_entry(3, lname(i), struct.pack("<III", off, start, n))
    wptr = lambda d, s, doff, soff, w: loader_entry(4, lname(d), lname(s), struct.pack("<IIB", doff, soff, w))
    good = alloc(0, 64, 1) + alloc(1, 16, 2) + ptr(1, 0, 16, 4) + csum(1, 8, 0, 20) + wptr(3, 0, 0, 4, 8)
    return {
        "qemu-like": files + good,
        "bad-width": files + alloc(0, 64, 1) + alloc(1, 16, 2) + ptr(1, 0, 16, 3),
        "checksum-past-end": files + alloc(1, 16, 2) + csum(1, 8, 0, 200),
        "unallocated": files + ptr(1, 0, 16, 4),
        "unknown-command": files + good + loader_entry(9),
    }


# ---- romheader: flags (1 = PCI ROM), u16 vendor, u16 device, u16 runtime
# size, the image

def rom_image(blocks=1, pcir=None, bev=0x80, bcv=0, pnp=True):
    r = bytearray(blocks * 512)
    struct.pack_into("<HB", r, 0, 0xAA55, blocks)
    r[3] = 0xCB
    if pnp:
        struct.pack_into("<H", r, 0x1A, 0x1C)
        struct.pack_into("<4sBBHBBIHH4xHHH", r, 0x1C, b"$PnP", 1, 2, 0, 0, 0, 0, 0, 0x60, bcv, 0, bev)
        r[0x60:0x71] = b"Linux loader DMA\0"
    if pcir:
        vendor, device = pcir
        struct.pack_into("<H", r, 0x18, 0x40)
        struct.pack_into("<4sHHHHB3sHHBB", r, 0x40, b"PCIR", vendor, device, 0, 0x18, 0, b"\0\0\2", blocks, 0, 0, 0x80)
    r[-1] = (-sum(r)) & 0xFF
    return bytes(r)


def rom_seed(img, pci=None, runtime=0):
    vendor, device = pci or (0, 0)
    return struct.pack("<BHHH", 1 if pci else 0, vendor, device, runtime) + img


def romheader_seeds():
    seeds = {
        "boot-rom": rom_seed(rom_image()),
        "pci-rom": rom_seed(rom_image(pcir=(0x8086, 0x100E)), pci=(0x8086, 0x100E), runtime=512),
        "pci-mismatch": rom_seed(rom_image(pcir=(0x8086, 0x100E)), pci=(0x8086, 0x10D3)),
        "disk-rom": rom_seed(rom_image(blocks=2, bcv=0x90), runtime=512),
        "plain": rom_seed(rom_image(pnp=False)),
    }
    bad = bytearray(rom_image())
    bad[0x100] ^= 0x55
    seeds["bad-checksum"] = rom_seed(bytes(bad))
    qemu = "/usr/share/qemu/linuxboot_dma.bin"
    if os.path.exists(qemu):
        with open(qemu, "rb") as f:
            seeds["linuxboot-dma"] = rom_seed(f.read())
    return seeds


# ---- bootorder: u8 pattern length, the pattern, the file

def bootorder_seed(pattern, text):
    return bytes([len(pattern)]) + pattern + text


def bootorder_seeds():
    return {
        "kernel": bootorder_seed(b"/rom@genroms/linuxboot_dma.bin",
                                 b"/rom@genroms/linuxboot_dma.bin\n/pci@i0cf8/ide@1,1/drive@0/disk@0\n\0"),
        "ide": bootorder_seed(b"/pci@i0cf8/*@1,1/drive@0/disk@0", b"/pci@i0cf8/ide@1,1/drive@0/disk@0\nHALT\n"),
        "virtio": bootorder_seed(b"/pci@i0cf8/*@5", b"\r\n  /pci@i0cf8/scsi@5/disk@0,0  \r\n"),
        "empty": bootorder_seed(b"", b""),
    }


# ---- pci: u8 flags, then records: u16 bdf, u16 vendor, u8 class, u8 header
# type, 6 x (u8 size log2, u8 BAR flags), u8 ROM size log2, u8 capability
# pointer, 32 bytes of capabilities at 0x40

def pci_record(bdf, vendor=0x8086, cls=0x02, ht=0, bars=(), rom=0, cap=0, caps=b""):
    b = b"".join(struct.pack("<BB", lg, fl) for lg, fl in bars)
    b = b.ljust(12, b"\0")
    return struct.pack("<HHBB", bdf, vendor, cls, ht) + b + bytes([rom, cap]) + caps.ljust(32, b"\0")


def pci_seeds():
    # QEMU's resource-reserve capability: id 09, next 0, len 32, type 1,
    # bus 3, io 0x2000, mem 8M, pref32 none, pref64 64M.
    hint = bytes([0x09, 0, 32, 1]) + struct.pack("<IQIIQ", 3, 0x2000, 8 << 20, 0xFFFFFFFF, 64 << 20)
    # A PCIe root port with a hot-plug slot: cap 10h, flags type 4 + slot.
    pcie = bytes([0x10, 0, 0x42, 0x01]) + bytes(16) + struct.pack("<I", 0x40)
    host = pci_record(0x0000, cls=0x06)
    nic = pci_record(0x0018, bars=((13, 0), (4, 1)), rom=7)
    big64 = pci_record(0x0028, vendor=0x1AF4, cls=0x05, bars=((4, 0), (0, 0), (30, 0xC)))
    return {
        "bus0": bytes([1]) + host + nic + big64,
        "bridge-nic": bytes([1]) + host + pci_record(0x0008, vendor=0x1B36, cls=0x06, ht=1) +
                      pci_record(0x0100, bars=((13, 0), (4, 1))),
        "bridge-hint": bytes([1]) + pci_record(0x0010, vendor=0x1B36, cls=0x06, ht=1, cap=0x40, caps=hint),
        "rootport-hotplug": bytes([0]) + pci_record(0x0010, vendor=0x1B36, cls=0x06, ht=1, cap=0x40, caps=pcie),
        "cap-loop": bytes([2]) + pci_record(0x0010, ht=1, cap=0x40, caps=bytes([0x10, 0x40])),
        "extra-root": bytes([1 | 4]) + host + pci_record(0x8000, bars=((12, 0),)),
    }


# ---- hid: u8 descriptor length, the descriptor, reports

QEMU_MOUSE = bytes.fromhex("05010902a1010901a10005091901290315002501950375018102950175058101"
                           "0501093009310938158125 7f750895038106c0c0".replace(" ", ""))
QEMU_TABLET = bytes.fromhex("05010901a1010901a100050919012903150025019503750181029501750581010501"
                            "093009311500 26ff7f 3500 46ff7f 7510 9502 8102 0501 0938 1581 257f"
                            "3500 4500 7508 9501 8106 c0c0".replace(" ", ""))


def hid_seeds():
    def seed(desc, reports):
        return bytes([len(desc)]) + desc + b"".join(reports)
    return {
        "qemu-mouse": seed(QEMU_MOUSE, [bytes([0, 10, 0xFB, 0]), bytes([1, 0, 0, 0]), bytes([0, 0xEC, 30, 0])]),
        "qemu-tablet": seed(QEMU_TABLET, [bytes([0, 0, 0x40, 0, 0x40, 0]), bytes([1, 0xFF, 0x7F, 0, 0, 0])]),
        "report-ids": seed(bytes.fromhex("05010902a10185020509190129027501950281029506810305010930093115812"
                                         "57f750895028106c0"), [bytes([2, 1, 4, 0xFF]), bytes([1, 0, 0, 0])]),
        "truncated": seed(QEMU_TABLET[:41], []),
    }


# ---- sercon: u8 file length, etc/sercon-port, then (op, argument) pairs

def sercon_seed(port_file, ops):
    return bytes([len(port_file)]) + port_file + b"".join(bytes([o, a]) for o, a in ops)


def sercon_seeds():
    def typed(text):
        return [(0, c) for c in text]
    return {
        "text": sercon_seed(b"0x3f8", typed(b"\r2a")),
        "binary": sercon_seed(b"\xf8\x03", typed(b"\x1b[24~\x1bOP\x1b[1;5C")),
        "esc-wait": sercon_seed(b"1016", typed(b"\x1b") + [(4, 1), (3, 0), (4, 1), (3, 0)] + typed(b"\x1b[2")
                                + [(4, 9), (3, 0)]),
        "screen": sercon_seed(b"\0\0", [(5, 0x52), (6, ord("H")), (6, 13), (6, 10), (7, 200), (5, 0xFF)]
                              + [(6, 0xC4)] * 90),
        "bad": sercon_seed(b"zzz", []),
    }


def lz_seeds():
    sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
    import lzpack
    text = b"ReefBIOS VGA " * 40 + bytes(range(256)) + b"\0" * 300
    seeds = {"text": struct.pack("<H", 4096) + lzpack.pack(text),
             "small-room": struct.pack("<H", 100) + lzpack.pack(text),
             "literals": struct.pack("<H", 64) + lzpack.pack(bytes(range(40)))}
    qemu = "/usr/share/qemu/linuxboot_dma.bin"
    if os.path.exists(qemu):
        with open(qemu, "rb") as f:
            seeds["linuxboot-dma"] = struct.pack("<H", 0xFFFF) + lzpack.pack(f.read())
    return seeds


TARGETS = {"e820": e820_seeds, "fwcfg_dir": fwcfg_seeds, "igd": igd_seeds, "dap": dap_seeds, "mbr": mbr_seeds,
           "eltorito": eltorito_seeds,
           "smbios": smbios_seeds, "tableloader": tableloader_seeds,
           "romheader": romheader_seeds, "bootorder": bootorder_seeds,
           "pci": pci_seeds, "hid": hid_seeds, "sercon": sercon_seeds, "lz": lz_seeds}


def main():
    for target, make in TARGETS.items():
        d = os.path.join(HERE, "corpus", target)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        seeds = make()
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print("%-10s %2d seeds, %d bytes" % (target, len(seeds), sum(len(s) for s in seeds.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
