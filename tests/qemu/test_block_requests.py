# SPDX-License-Identifier: LGPL-3.0-or-later
"""INT 13h through the block layer, from a boot sector.

* Bounds: INT 13h AH=42h with block counts 7Fh, 80h, 1000h and FFFFh and
  buffers at 0000:7E00, 9000:F000 and a 64-bit flat address (2 MiB). Each
  call either moves exactly the blocks asked for (only counts up to 7Fh are
  valid, EDD-4 table 9, and only buffers clear of the BIOS's memory) or
  fails with AH=01h and a zero count; the IVT, BDA and EBDA read through
  the monitor are byte-identical before and after the twelve calls.
* Ticks: with the disk throttled to 2 MiB/s, a 1 MiB read (EDD-4 long-form
  packet, flat buffer above 1 MiB: the driver's 32-bit path through call32)
  takes half a second; a hooked INT 1Ch must see the timer run meanwhile
  (yield() lets the IRQs in), and the data must be right.
* Canary: the boot sector damages the runtime stack's canary; the next BIOS
  call stops the machine with a message instead of returning (the stack
  check of CONFIG_STACK_CANARY)."""
import os
import re
import struct
import subprocess

import pytest

from reefqemu import OUT, Qemu, build_sector, disk_args

SECTORS = 4096  # 2 MiB disk


def pattern_disk(path, sectors=SECTORS, boot=None):
    """Each sector starts with "SECT" + its LBA (u32); sector 0 is `boot`."""
    with open(path, "wb") as f:
        for n in range(sectors):
            f.write((b"SECT" + struct.pack("<I", n)).ljust(512, bytes([n & 0xFF])))
    if boot:
        with open(path, "r+b") as f:
            f.write(open(boot, "rb").read()[:512])
    return path


COMMON = r"""
        .code16
        .globl _start
_start: cli
        xorw %ax, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movw $0x7000, %sp
        movb %dl, drive
        jmp main

/* print the NUL-terminated string at SI on COM1 */
puts:   lodsb
        testb %al, %al
        jz 1f
        movw $0x3f8, %dx
        outb %al, %dx
        jmp puts
1:      ret

/* print AX as 4 hex digits */
hex16:  movw $4, %cx
2:      rolw $4, %ax
        pushw %ax
        andb $0x0f, %al
        addb $0x30, %al
        cmpb $0x39, %al
        jbe 3f
        addb $7, %al
3:      movw $0x3f8, %dx
        outb %al, %dx
        popw %ax
        loop 2b
        ret

putc:   movw $0x3f8, %dx
        outb %al, %dx
        ret
"""


BOUNDS = COMMON + r"""
main:   /* Nothing but us may change the BDA meanwhile: mask every IRQ. */
        inb $0x21, %al
        movb %al, imr1
        inb $0xa1, %al
        movb %al, imr2
        movb $0xff, %al
        outb %al, $0x21
        outb %al, $0xa1
        movw $snap1, %si
        call puts
        /* Wait for the harness (a key, read from the i8042 directly). */
4:      inb $0x64, %al
        testb $1, %al
        jz 4b
        inb $0x60, %al
        /* 4 counts x 3 buffers */
        xorw %bx, %bx
5:      movw %bx, %ax
        andw $3, %ax
        shlw $1, %ax
        movw %ax, %si
        movw counts(%si), %ax
        movw %ax, dap_count
        movw %ax, count_now
        movw %bx, %ax
        shrw $2, %ax
        shlw $2, %ax
        movw %ax, %si
        movw bufs(%si), %ax
        movw %ax, dap_off
        movw bufs+2(%si), %ax
        movw %ax, dap_seg
        movw $dap, %si
        movb drive, %dl
        movb $0x42, %ah
        pushw %bx
        int $0x13
        popw %bx
        pushf
        movb %ah, ah_now
        /* R <count> <buffer #> ah=<AH> cf=<CF> n=<count field> */
        movb $'R', %al
        call putc
        movb $' ', %al
        call putc
        movw count_now, %ax
        call hex16
        movb $' ', %al
        call putc
        movw %bx, %ax
        shrw $2, %ax
        call hex16
        movb $' ', %al
        call putc
        movb ah_now, %ah
        movb $0, %al
        call hex16
        movb $' ', %al
        call putc
        popw %ax
        andw $1, %ax
        call hex16
        movb $' ', %al
        call putc
        movw dap_count, %ax
        call hex16
        movb $' ', %al
        call putc
        /* the LBA tag of the last sector the call should have moved */
        movw dap_seg, %es
        movw dap_off, %di
        movw %es, %ax
        cmpw $0xffff, %ax
        jne 6f
        movw $0, %ax
        jmp 7f
6:      movw dap_count, %cx
        testw %cx, %cx
        jz 7f
        decw %cx
        shlw $5, %cx            /* 512-byte sectors in paragraphs */
        addw %cx, %ax
        movw %ax, %es
        movw %es:4(%di), %ax
7:      call hex16
        movb $'\r', %al
        call putc
        movb $'\n', %al
        call putc
        xorw %ax, %ax
        movw %ax, %es
        incw %bx
        cmpw $12, %bx
        jb 5b
        /* One good call, so the BDA's last status is 0 as before. */
        movw $1, dap_count
        movw $0x7e00, dap_off
        movw $0, dap_seg
        movw $dap, %si
        movb drive, %dl
        movb $0x42, %ah
        int $0x13
        movw $snap2, %si
        call puts
        movb imr1, %al
        outb %al, $0x21
        movb imr2, %al
        outb %al, $0xa1
8:      cli
        hlt
        jmp 8b

        .p2align 2
dap:    .byte 0x18, 0
dap_count: .word 0
dap_off: .word 0
dap_seg: .word 0
        .quad 0                 /* LBA */
        .quad 0x200000          /* flat buffer */
counts: .word 0x7f, 0x80, 0x1000, 0xffff
bufs:   .word 0x7e00, 0x0000, 0xf000, 0x9000, 0xffff, 0xffff
drive:  .byte 0
imr1:   .byte 0
imr2:   .byte 0
ah_now: .byte 0
count_now: .word 0
snap1:  .asciz "SNAP1\r\n"
snap2:  .asciz "SNAP2\r\n"
        .org 510
        .word 0xaa55
"""


TICKS = COMMON + r"""
main:   /* INT 1Ch -> count */
        movw $tick, 0x1c*4
        movw %cs, 0x1c*4+2
        sti
        movl 0x46c, %eax
        movl %eax, bda0
        movw $0, count
        movw $dap, %si
        movb drive, %dl
        movb $0x42, %ah
        int $0x13
        pushf
        movb %ah, status
        movl 0x46c, %eax
        subl bda0, %eax
        movw %ax, bdaticks
        movw $res, %si
        call puts
        movb status, %ah
        movb $0, %al
        call hex16
        movb $' ', %al
        call putc
        popw %ax
        andw $1, %ax
        call hex16
        movb $' ', %al
        call putc
        movw count, %ax
        call hex16
        movb $' ', %al
        call putc
        movw bdaticks, %ax
        call hex16
        movb $' ', %al
        call putc
        movw dap_count32, %ax
        call hex16
        movb $'\r', %al
        call putc
        movb $'\n', %al
        call putc
9:      cli
        hlt
        jmp 9b

tick:   incw %cs:count
        iret

        .p2align 2
dap:    .byte 0x20, 0
        .word 0x00ff            /* EDD-4 long form */
        .word 0xffff, 0xffff
        .quad 1                 /* LBA 1 */
        .quad 0x200000          /* flat buffer, 2 MiB */
dap_count32: .long 2048         /* 1 MiB */
        .long 0
drive:  .byte 0
status: .byte 0
count:  .word 0
bdaticks: .word 0
bda0:   .long 0
res:    .asciz "TICKS "
        .org 510
        .word 0xaa55
"""


def canary_source(addr):
    return COMMON + r"""
main:   movw $msg1, %%si
        call puts
        movl $0x%x, %%eax       /* the runtime 16-bit stack's canary */
        movl %%eax, %%ebx
        shrl $4, %%ebx
        movw %%bx, %%es
        andw $0xf, %%ax
        movw %%ax, %%di
        movl $0x12345678, %%es:(%%di)
        int $0x11
        movw $msg2, %%si
        call puts
9:      cli
        hlt
        jmp 9b
drive:  .byte 0
msg1:   .asciz "SMASHING\r\n"
msg2:   .asciz "RETURNED\r\n"
        .org 510
        .word 0xaa55
""" % addr


def snapshot(vm, ebda):
    return vm.read_phys(0, 0x500), vm.read_phys(ebda, 0x400)


# NVMe: the 7Fh-sector reads into 0000:7E00 need a PRP list whose first
# entry (PRP1) starts inside a page.
@pytest.mark.parametrize("iface", ["ide", "nvme"])
def test_dap_bounds_and_bios_memory(bios, tmp_path, iface):
    sector = build_sector(tmp_path, BOUNDS, disk_size=512)
    img = pattern_disk(str(tmp_path / "disk.img"), boot=sector)
    vm = Qemu(bios=bios, name="int13-bounds-" + iface, args=["-M", "pc", "-m", "128M"] + disk_args(img, iface))
    with vm:
        vm.wait_serial(r"SNAP1", timeout=60)
        ebda = int.from_bytes(vm.read_phys(0x40E, 2), "little") << 4
        assert ebda == 0x9FC00, hex(ebda)
        before = snapshot(vm, ebda)
        vm.sendkey("a")
        vm.wait_serial(r"SNAP2", timeout=60)
        after = snapshot(vm, ebda)
        flat = vm.read_phys(0x200000 + 126 * 512, 8)
    out = vm.serial_text()
    rows = re.findall(r"^R ([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4})",
                      out, re.M)
    assert len(rows) == 12, out
    buffers = {0: "0000:7E00", 1: "9000:F000", 2: "flat 2 MiB"}
    for count, buf, ah, cf, n, tag in rows:
        count, buf, ah, cf, n, tag = (int(x, 16) for x in (count, buf, ah, cf, n, tag))
        what = "count %Xh, buffer %s: AH=%02X CF=%d count field %Xh" % (count, buffers[buf], ah >> 8, cf, n)
        ok = count <= 0x7F and buffers[buf] != "9000:F000"
        if ok:
            assert (ah >> 8, cf, n) == (0, 0, count), what
            if buf == 0:
                assert tag == count - 1, what + ": last sector holds LBA %d" % tag
        else:
            assert (ah >> 8, cf, n) == (1, 1, 0), what
    assert flat == b"SECT" + struct.pack("<I", 126), flat
    assert before[0][:0x400] == after[0][:0x400], "the IVT changed"
    assert before[0][0x400:] == after[0][0x400:], "the BDA changed"
    assert before[1] == after[1], "the EBDA changed"


def test_long_read_lets_the_timer_run(bios, tmp_path):
    sector = build_sector(tmp_path, TICKS, disk_size=512)
    img = pattern_disk(str(tmp_path / "disk.img"), boot=sector)
    vm = Qemu(bios=bios, name="int13-ticks", args=[
        "-M", "pc", "-m", "128M",
        "-drive", "file=%s,format=raw,if=ide,throttling.bps-read=2097152" % img])
    with vm:
        m = vm.wait_serial(r"TICKS ([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4})",
                           timeout=90)
        first = vm.read_phys(0x200000, 8)
        last = vm.read_phys(0x200000 + 2047 * 512, 8)
    ah, cf, hooked, bda, n = (int(x, 16) for x in m.groups())
    assert (ah >> 8, cf, n) == (0, 0, 2048), m.group(0)
    assert first == b"SECT" + struct.pack("<I", 1) and last == b"SECT" + struct.pack("<I", 2048), (first, last)
    # 1 MiB at 2 MiB/s: about 9 ticks of 55 ms. Without yield() the 32-bit
    # path would run with interrupts off and at most 1 tick would show.
    assert bda >= 4, "the BDA tick count moved by %d during a 1 MiB read" % bda
    assert hooked >= 4 and abs(hooked - bda) <= 1, "INT 1Ch ran %d times, the BDA moved %d" % (hooked, bda)
    assert "block:" not in vm.debug_text()


def test_stack_canary_stops_the_machine(bios, tmp_path):
    syms = subprocess.run(["nm", os.path.join(os.path.dirname(bios), "bios.elf")], capture_output=True,
                          text=True, check=True).stdout
    m = re.search(r"^([0-9a-f]+) \S+ rt_stack_bottom_flat$", syms, re.M)
    assert m, "no rt_stack_bottom_flat in bios.elf"
    sector = build_sector(tmp_path, canary_source(int(m.group(1), 16)), disk_size=512)
    vm = Qemu(bios=bios, name="canary", args=["-M", "pc", "-m", "128M",
                                              "-drive", "file=%s,format=raw,if=ide" % sector])
    with vm:
        vm.wait_serial(r"SMASHING", timeout=60)
        vm.wait_serial(r"stack: the runtime 16-bit stack overflowed", timeout=30)
        vm.wait_debug(r"stack: the runtime 16-bit stack overflowed", timeout=5)
    assert "RETURNED" not in vm.serial_text()
