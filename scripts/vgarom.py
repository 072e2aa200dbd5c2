#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Finishes a VGA option ROM image (vgasrc/, docs/vga-bios.md): pads it to
whole 512-byte blocks with a spare last byte, writes the size byte at 02h
and the image length of the PCI data structure, makes the bytes sum to 0
(the last byte), then checks the result as a BIOS would.

    scripts/vgarom.py IN.bin OUT.bin VENDOR DEVICE      (hex ids)
    scripts/vgarom.py --check ROM.bin VENDOR DEVICE"""
import struct
import sys

BLOCK = 512
MAX_SIZE = 0x10000  # one real-mode segment


def check(rom, vendor, device):
    """Problems with the finished ROM, as strings (empty: fine)."""
    bad = []
    if len(rom) < 0x1C or rom[:2] != b"\x55\xaa":
        return ["no 55AAh signature"]
    size = rom[2] * BLOCK
    if size == 0 or size > len(rom):
        bad.append("size byte %d does not match the image (%d bytes)" % (rom[2], len(rom)))
        return bad
    if sum(rom[:size]) & 0xFF:
        bad.append("checksum: the bytes sum to %02xh, not 0" % (sum(rom[:size]) & 0xFF))
    pcir = struct.unpack_from("<H", rom, 0x18)[0]
    if pcir + 0x18 > size or rom[pcir:pcir + 4] != b"PCIR":
        bad.append("no PCIR structure at %04xh" % pcir)
        return bad
    vid, did, _, length, _ = struct.unpack_from("<HHHHB", rom, pcir + 4)
    cls = rom[pcir + 0x0D:pcir + 0x10]
    img_len, _, code_type, indicator = struct.unpack_from("<HHBB", rom, pcir + 0x10)
    if (vid, did) != (vendor, device):
        bad.append("PCIR names %04x:%04x, not %04x:%04x" % (vid, did, vendor, device))
    if length < 0x18:
        bad.append("PCIR length %d" % length)
    if cls not in (b"\x00\x00\x03", b"\x00\x80\x03"):
        bad.append("class code %s is not 030000h (VGA) or 038000h (other display)" % cls[::-1].hex())
    if code_type != 0 or not indicator & 0x80:
        bad.append("not a single x86 image (code type %d, indicator %02xh)" % (code_type, indicator))
    if img_len * BLOCK != size:
        bad.append("PCIR image length %d blocks, size byte %d" % (img_len, rom[2]))
    return bad


def finish(raw):
    size = (len(raw) + 1 + BLOCK - 1) // BLOCK * BLOCK
    if size > MAX_SIZE:
        raise SystemExit("vgarom: the ROM is %d bytes, more than a 64 KiB segment" % len(raw))
    rom = bytearray(raw) + bytes(size - len(raw))
    rom[2] = size // BLOCK
    pcir = struct.unpack_from("<H", rom, 0x18)[0]
    struct.pack_into("<H", rom, pcir + 0x10, size // BLOCK)
    rom[-1] = (-sum(rom[:-1])) & 0xFF
    return bytes(rom)


def main():
    args = sys.argv[1:]
    if args and args[0] == "--check":
        path, vendor, device = args[1], int(args[2], 16), int(args[3], 16)
        rom = open(path, "rb").read()
    else:
        src, path, vendor, device = args[0], args[1], int(args[2], 16), int(args[3], 16)
        rom = finish(open(src, "rb").read())
    bad = check(rom, vendor, device)
    if bad:
        for b in bad:
            print("vgarom: %s: %s" % (path, b), file=sys.stderr)
        sys.exit(1)
    if args[0] != "--check":
        with open(path + ".tmp", "wb") as f:
            f.write(rom)
        import os
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
