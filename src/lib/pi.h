// SPDX-License-Identifier: LGPL-3.0-or-later
// Included first (through -include, see the Makefile) by every object built
// as position-independent 32-bit code (pi32 in src/sources.list).
//
// With -fpic, gcc reaches a symbol either through the GOT base (GOTOFF: the
// link-time distance from the GOT, added to the GOT's run-time address that
// a call/pop found, so right wherever the code runs) or through a GOT entry
// (which holds the symbol's absolute link address: wrong when the code runs
// at PAGE_OFFSET + physical, as 32-bit Linux calls the BIOS32 entries).
// Hidden visibility on every declaration makes it the first for all of
// them; scripts/checkrefs.py fails the build on any relocation of the
// second kind or an absolute one.
#pragma GCC visibility push(hidden)
