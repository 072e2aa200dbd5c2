#!/bin/bash
# SPDX-License-Identifier: LGPL-3.0-or-later
# Boot the Linux test image (scripts/mkgrubimage.sh) under ReefBIOS in QEMU,
# with the serial console on this terminal: the BIOS banner, GRUB, Linux and
# the initramfs report. QEMU exits when the guest resets (the initramfs ends
# with reboot -f); Ctrl-A X quits earlier.
#
#   make run                  (builds out/bios.bin first)
#   scripts/run.sh
#
# Environment:
#   BIOS=FILE             firmware to run (default out/bios.bin); e.g.
#                         BIOS=/usr/share/seabios/bios-256k.bin for reference
#   MEM=SIZE              guest RAM (default 512M)
#   EXTRA_QEMU_ARGS=...   more QEMU arguments, split on spaces
#   QEMU=PROGRAM          default qemu-system-x86_64
#
# The BIOS's debug port (isa-debugcon at 0x402) goes to out/run/debug.log.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIOS=${BIOS:-$ROOT/out/bios.bin}
MEM=${MEM:-512M}
QEMU=${QEMU:-qemu-system-x86_64}
RUNDIR=$ROOT/out/run

[ -f "$BIOS" ] || { echo "run.sh: no firmware at $BIOS (run make, or set BIOS=)" >&2; exit 1; }

IMG=$("$ROOT/scripts/mkgrubimage.sh")
mkdir -p "$RUNDIR"

# snapshot=on: the cached image stays untouched and several QEMUs may share it.
# The serial port and QEMU's monitor (Ctrl-A C) share stdio. Not -nographic:
# that also hands the firmware fw_cfg etc/sercon-port, and SeaBIOS then
# mirrors the VGA text console onto the serial port, doubling everything GRUB
# prints. The VGA device still exists either way; the screen is not shown.
set -x
# shellcheck disable=SC2086  # EXTRA_QEMU_ARGS is split on purpose
exec "$QEMU" -M pc -m "$MEM" -bios "$BIOS" \
    -display none -serial mon:stdio -no-reboot \
    -chardev "file,id=reefdbg,path=$RUNDIR/debug.log" \
    -device isa-debugcon,iobase=0x402,chardev=reefdbg \
    -drive "file=$IMG,format=raw,if=ide,index=0,snapshot=on" \
    ${EXTRA_QEMU_ARGS:-}
