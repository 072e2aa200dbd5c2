#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Packs a file into RLZ1 (src/lib/lz.h: the format, lz_unpack() in the
BIOS), checking that it unpacks to the input again:

    lzpack.py IN OUT          pack
    lzpack.py --unpack IN OUT unpack (the same rules as lz_unpack)

Greedy LZ77 with hash chains over 4-byte prefixes, 64 KiB window."""
import struct
import sys

MAGIC = b"RLZ1"
MIN_MATCH = 4
WINDOW = 0xFFFF
CHAIN = 64  # candidates tried per position


def _count(n):
    """The continuation bytes of a nibble count n >= 15."""
    out = bytearray()
    n -= 15
    while n >= 255:
        out.append(255)
        n -= 255
    out.append(n)
    return bytes(out)


def _sequence(lits, match_len=None, dist=None):
    ln = len(lits)
    ml = None if match_len is None else match_len - MIN_MATCH
    token = (min(ln, 15) << 4) | (0 if ml is None else min(ml, 15))
    out = bytearray([token])
    if ln >= 15:
        out += _count(ln)
    out += lits
    if ml is not None:
        out += struct.pack("<H", dist)
        if ml >= 15:
            out += _count(ml)
    return bytes(out)


def pack(data):
    heads = {}
    out = bytearray()
    lit_start = 0
    i, n = 0, len(data)
    while i + MIN_MATCH <= n:
        key = data[i:i + MIN_MATCH]
        best_len, best_dist = 0, 0
        for j in reversed(heads.get(key, [])[-CHAIN:]):
            if i - j > WINDOW:
                break
            k = MIN_MATCH
            while i + k < n and data[j + k] == data[i + k]:
                k += 1
            if k > best_len:
                best_len, best_dist = k, i - j
        if best_len >= MIN_MATCH:
            out += _sequence(data[lit_start:i], best_len, best_dist)
            for p in range(i, min(i + best_len, n - MIN_MATCH + 1)):
                heads.setdefault(data[p:p + MIN_MATCH], []).append(p)
            i += best_len
            lit_start = i
        else:
            heads.setdefault(key, []).append(i)
            i += 1
    out += _sequence(data[lit_start:])
    return MAGIC + struct.pack("<II", len(data), len(out)) + bytes(out)


def unpack(blob):
    if len(blob) < 12 or blob[:4] != MAGIC:
        raise ValueError("not an RLZ1 stream")
    size, packed = struct.unpack_from("<II", blob, 4)
    if packed > len(blob) - 12:
        raise ValueError("packed size past the end")
    p, end, out = 12, 12 + packed, bytearray()

    def count(nibble):
        nonlocal p
        c = nibble
        if nibble == 15:
            while True:
                if p >= end:
                    raise ValueError("count past the end")
                b = blob[p]
                p += 1
                c += b
                if b != 255:
                    break
        return c

    while p < end:
        token = blob[p]
        p += 1
        lit = count(token >> 4)
        if p + lit > end:
            raise ValueError("literals past the end")
        out += blob[p:p + lit]
        p += lit
        if p == end:
            break
        if end - p < 2:
            raise ValueError("distance past the end")
        dist = struct.unpack_from("<H", blob, p)[0]
        p += 2
        ml = count(token & 15) + MIN_MATCH
        if dist == 0 or dist > len(out):
            raise ValueError("bad distance %d" % dist)
        for _ in range(ml):
            out.append(out[-dist])
    if len(out) != size:
        raise ValueError("unpacked %d bytes, header says %d" % (len(out), size))
    return bytes(out)


def main():
    args = sys.argv[1:]
    if args and args[0] == "--unpack":
        src, dst = args[1:3]
        data = unpack(open(src, "rb").read())
    else:
        src, dst = args[0:2]
        raw = open(src, "rb").read()
        data = pack(raw)
        if unpack(data) != raw:
            raise SystemExit("lzpack: %s does not unpack to itself" % src)
    with open(dst + ".tmp", "wb") as f:
        f.write(data)
    import os
    os.replace(dst + ".tmp", dst)


if __name__ == "__main__":
    main()
