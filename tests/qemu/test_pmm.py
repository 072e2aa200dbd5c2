# SPDX-License-Identifier: LGPL-3.0-or-later
"""The POST Memory Manager ($PMM) as option ROMs see it, against SeaBIOS
(docs/option-roms.md, "PMM").

* A test option ROM (tests/payloads/pmmrom.S, handed over as the fw_cfg
  file genroms/pmmtest.bin) finds $PMM by scanning the F-segment and checks
  allocate / find / deallocate with and without handles, conventional and
  extended memory, alignment, the size query, writes to what it got, bad
  function numbers, bad flags and sizes, and that every register but DX:AX
  comes back (any segment registers on entry). SeaBIOS runs the same ROM:
  it refuses no duplicate handle and answers the size query in bytes.
* The boot sector that runs after POST finds no $PMM any more, and the
  e820 map reserves the permanent extended block and gives the temporary
  one back as RAM; INT 12h stays below the permanent conventional block;
  a call through the entry the ROM kept returns FFFFFFFFh.
* iPXE (the e1000's ROM, Debian's ipxe-qemu) prints PMM+xxxxxxxx+xxxxxxxx in
  its banner: it found PMM and got its two blocks; SeaVGABIOS gets its
  permanent stack, and conventional memory stays 639 KiB.
* Built without CONFIG_PMM there is no $PMM to find.
"""
import os
import re

import pytest

from reefqemu import REEF_BIOS, SEABIOS, Qemu, build_payload, build_sector, build_variant
import vgascreen

ROM_NAME = "genroms/pmmtest.bin"
# The ROM's checks where SeaBIOS answers differently from ReefBIOS (the
# specification leaves room): duplicate handles are allowed there, and the
# size query is in bytes, so allocating that many paragraphs fails.
SEABIOS_DEVIATIONS = {"dup-refused", "largest"}
ALL_CHECKS = ["found", "query-conv", "query-ext", "conv-anon", "ext-handle", "find", "dup-refused", "align",
              "conv-handle", "free", "free-bad", "bad-function", "bad-flags", "too-big", "largest", "registers",
              "keep"]
# The bad calls the ROM makes; ReefBIOS logs one line for each.
BAD_INPUT_LINES = [
    r"pmm: allocate: handle 0x31544652 is in use; refused",
    r"pmm: deallocate: 0x12345670 is not a PMM block",
    r"pmm: unknown function 0x7; not supported",
    r"pmm: allocate: bad flags 0x0 ",
    r"pmm: allocate: 0x10000000 paragraphs is more than there is",
    r"pmm: allocate: no room for 0x10000 paragraphs",
]


def pmm_rom(tmp_path):
    """The test ROM padded to whole 512-byte blocks, size byte and checksum set."""
    data = bytearray(open(build_payload("pmmrom"), "rb").read())
    data += b"\0" * (-(len(data) + 1) % 512 + 1)
    data[2] = len(data) // 512
    data[-1] = (-sum(data)) & 0xFF
    path = tmp_path / "pmmtest.bin"
    path.write_bytes(bytes(data))
    return str(path)


AFTER_POST_SECTOR = r"""
        .code16
        .globl _start
_start: cli
        xorw %%ax, %%ax
        movw %%ax, %%ds
        movw %%ax, %%es
        movw %%ax, %%ss
        movw $0x7000, %%sp
        cld
        movw $0xf000, %%ax
        movw %%ax, %%fs
        xorw %%di, %%di
1:      cmpl $0x4d4d5024, %%fs:(%%di)
        jne 2f
        movzbw %%fs:5(%%di), %%cx
        jcxz 2f
        xorb %%al, %%al
        movw %%di, %%bx
3:      addb %%fs:(%%bx), %%al
        incw %%bx
        loop 3b
        testb %%al, %%al
        jz 4f
2:      addw $16, %%di
        jnz 1b
        movw $s_gone, %%si
        jmp 5f
4:      movw $s_found, %%si
5:      call puts
        xorl %%ebx, %%ebx
6:      movl $0xe820, %%eax
        movl $0x534d4150, %%edx
        movl $20, %%ecx
        movw $buf, %%di
        int $0x15
        jc 9f
        cmpl $0x534d4150, %%eax
        jne 9f
        cmpl $0, buf+4
        jne 8f
        movl 0x4f0, %%eax
        call inrange
        jnc 7f
        movl buf+16, %%eax
        movl %%eax, ptype
7:      movl 0x4f4, %%eax
        call inrange
        jnc 8f
        movl buf+16, %%eax
        movl %%eax, ttype
8:      testl %%ebx, %%ebx
        jnz 6b
9:      movw $s_e820, %%si
        call puts
        movl ptype, %%eax
        call hex
        movl ttype, %%eax
        call hex
        movw $s_int12, %%si
        call puts
        int $0x12
        movzwl %%ax, %%eax
        call hex
        movb $%(call_entry)d, %%al
        testb %%al, %%al
        jz 10f
        movw $s_entry, %%si
        call puts
        pushl $0x50544652
        pushw $1
        lcallw *0x4fc
        addw $6, %%sp
        pushw %%dx
        pushw %%ax
        popl %%eax
        call hex
10:     movw $s_done, %%si
        call puts
11:     hlt
        jmp 11b
inrange:                        /* CF: buf.base <= EAX < buf.base + buf.len */
        subl buf, %%eax
        jb 1f
        cmpl buf+8, %%eax
        jae 1f
        stc
        ret
1:      clc
        ret
hex:    pushal
        movl %%eax, %%edx
        movw $8, %%cx
1:      roll $4, %%edx
        movb %%dl, %%al
        andb $15, %%al
        addb $'0', %%al
        cmpb $'9', %%al
        jbe 2f
        addb $7, %%al
2:      call putc
        loop 1b
        movb $' ', %%al
        call putc
        popal
        ret
puts:   lodsb
        testb %%al, %%al
        jz 1f
        call putc
        jmp puts
1:      ret
putc:   pushw %%dx
        pushw %%ax
        movw $0x3fd, %%dx
1:      inb %%dx, %%al
        testb $0x20, %%al
        jz 1b
        popw %%ax
        movw $0x3f8, %%dx
        outb %%al, %%dx
        popw %%dx
        ret
s_gone:  .asciz "AFTER PMM-GONE\r\n"
s_found: .asciz "AFTER PMM-FOUND\r\n"
s_e820:  .asciz "AFTER E820 "
s_int12: .asciz "\r\nAFTER INT12 "
s_entry: .asciz "\r\nAFTER ENTRY "
s_done:  .asciz "\r\nAFTER DONE\r\n"
ptype:   .long 0
ttype:   .long 0
buf:     .fill 20, 1, 0
        .org 510
        .word 0xaa55
"""


def run_rom(tmp_path, bios, name):
    """Boots the test ROM and the after-POST sector; returns (the ROM's
    results {id: (verdict, values)}, DONE's FAIL count, the sector's lines
    {what: values}, the VM)."""
    rom = pmm_rom(tmp_path)
    # Only ReefBIOS keeps the entry callable (and failing) after POST;
    # SeaBIOS zeroes it, and a far call to 0000:0000 would run the IVT.
    disk = build_sector(tmp_path, AFTER_POST_SECTOR % {"call_entry": int(bios == REEF_BIOS)})
    vm = Qemu(bios=bios, name=name, args=[
        "-M", "pc", "-m", "128M", "-nic", "none", "-fw_cfg", "name=%s,file=%s" % (ROM_NAME, rom),
        "-drive", "file=%s,format=raw,if=ide" % disk])
    with vm:
        vm.wait_serial(r"AFTER DONE", timeout=60)
    serial = vm.serial_text()
    results = {m.group(2): (m.group(1), m.group(3).split())
               for m in re.finditer(r"PMMTEST (PASS|FAIL) (\S+)((?: [0-9a-f]{8})*)", serial)}
    done = re.search(r"PMMTEST DONE (\d+)", serial)
    after = {m.group(1): m.group(2).split() for m in re.finditer(r"AFTER (\S+) ?([0-9A-F ]*)", serial)}
    assert done, serial
    return results, int(done.group(1)), after, vm


@pytest.mark.parametrize("which", ["reef", "seabios"])
def test_option_rom_uses_pmm(tmp_path, which):
    bios = REEF_BIOS if which == "reef" else SEABIOS
    results, fails, after, vm = run_rom(tmp_path, bios, "pmm-rom-" + which)
    serial = vm.serial_text()
    assert sorted(results) == sorted(ALL_CHECKS), serial
    expected_fail = set() if which == "reef" else SEABIOS_DEVIATIONS
    failed = {k for k, (v, _) in results.items() if v == "FAIL"}
    assert failed == expected_fail, serial
    if which == "reef":
        assert fails == 0, serial
        log = vm.debug_text()
        for pattern in BAD_INPUT_LINES:
            assert re.search(pattern, log), pattern + "\n" + log
        # One line per bad call, nothing else from PMM at the default level.
        pmm_lines = [l for l in log.splitlines() if l.startswith("pmm:")]
        assert len(pmm_lines) == len(BAD_INPUT_LINES), "\n".join(pmm_lines)

    # After POST: no $PMM, the permanent extended block reserved, the
    # temporary one RAM again, the permanent conventional one not in the
    # conventional memory INT 12h reports.
    assert "PMM-GONE" in after, serial
    perm_ext, tmp_ext, perm_conv = (int(v, 16) for v in results["keep"][1])
    assert perm_ext >= 0x100000 and tmp_ext >= 0x100000, serial
    ptype, ttype = (int(v, 16) for v in after["E820"])
    assert (ptype, ttype) == (2, 1), serial
    int12_kb = int(after["INT12"][0], 16)
    assert int12_kb * 1024 <= perm_conv, serial
    if which == "reef":
        # The entry a ROM kept: "not supported" once POST is over.
        assert after["ENTRY"] == ["FFFFFFFF"], serial
        # 1 KiB permanent block: the EBDA moved down by 1 KiB.
        assert int12_kb == 638, serial


@pytest.mark.parametrize("which", ["reef", "seabios"])
def test_ipxe_finds_pmm(tmp_path, which):
    """iPXE's banner: "PMM+<image source>+<decompression area>" when PMM gave
    it both blocks. The disk boots (iPXE's BEV is not run)."""
    bios = REEF_BIOS if which == "reef" else SEABIOS
    disk = build_sector(tmp_path, AFTER_POST_SECTOR % {"call_entry": 0})
    vm = Qemu(bios=bios, name="pmm-ipxe-" + which, args=[
        "-M", "pc", "-m", "128M", "-netdev", "user,id=n0", "-device", "e1000,netdev=n0",
        "-boot", "order=c", "-drive", "file=%s,format=raw,if=ide" % disk])
    with vm:
        vm.wait_serial(r"AFTER DONE", timeout=90)
        cells, _ = vgascreen.text_buffer(vm)
    screen = "\n".join(vgascreen.lines_of(cells))
    m = re.search(r"iPXE \(http://ipxe\.org\) 00:03\.0 \w+ PCI[\d.]+ PnP PMM\+([0-9A-F]{8})\+([0-9A-F]{8})", screen)
    assert m, screen
    image_source, decompress_to = (int(v, 16) for v in m.groups())
    assert image_source >= 0x100000 and decompress_to >= 0x100000, screen
    serial = vm.serial_text()
    assert "AFTER PMM-GONE" in serial, serial
    if which == "reef":
        log = vm.debug_text()
        assert not [l for l in log.splitlines() if l.startswith("pmm:")], log
        # SeaVGABIOS (QEMU's std VGA ROM) asked for a permanent stack, which
        # fits in the EBDA: the OS still gets 639 KiB.
        assert re.search(r"VGA stack allocated at 9fe00", log), log
        assert re.search(r"AFTER INT12 0000027F", serial), serial


def test_no_pmm_without_the_option(tmp_path):
    bios = build_variant("no-pmm", ["CONFIG_PMM=n"])
    rom = pmm_rom(tmp_path)
    disk = build_sector(tmp_path, AFTER_POST_SECTOR % {"call_entry": 0})
    vm = Qemu(bios=bios, name="pmm-off", args=[
        "-M", "pc", "-m", "128M", "-nic", "none", "-fw_cfg", "name=%s,file=%s" % (ROM_NAME, rom),
        "-drive", "file=%s,format=raw,if=ide" % disk])
    with vm:
        vm.wait_serial(r"AFTER DONE", timeout=60)
    serial = vm.serial_text()
    assert "PMMTEST FAIL found" in serial and "PMMTEST DONE 1" in serial, serial
    assert "AFTER PMM-GONE" in serial, serial
