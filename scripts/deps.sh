#!/bin/bash
# SPDX-License-Identifier: LGPL-3.0-or-later
# Make sure the Debian packages that ReefBIOS needs to build, test and run
# are installed.
#
#   scripts/deps.sh        (also run by `make deps`, `make run`, `make test`)
#
# Everything present: prints nothing and exits 0 (one dpkg-query call).
# Something missing, as root: apt-get update, then installs what is missing.
# Something missing, not root: prints the apt-get command to run, exits 1.
set -euo pipefail

PACKAGES=(
    # build
    g++ binutils make python3-kconfiglib python3-pyelftools cmake libgtest-dev googletest
    console-setup-linux  # the VGA BIOS fonts (scripts/mkvgafont.py)
    # test and run
    qemu-system-x86 seabios python3-pytest grub-pc-bin grub-common xorriso dmidecode
    mtools busybox-static cpio ipxe-qemu acpica-tools isolinux syslinux-common pxelinux memtest86+
    # fuzzing (make fuzz; make test runs every target briefly)
    clang libfuzzer-14-dev
)

# One query for all; a package never seen by dpkg is only reported on stderr,
# so anything without an "ii" (installed, no error) status line is missing.
installed=$(dpkg-query -W -f='${db:Status-Abbrev}|${Package}\n' "${PACKAGES[@]}" \
            2>/dev/null || true)
missing=()
for p in "${PACKAGES[@]}"; do
    # ${Package} drops any :arch suffix, so a plain match suffices.
    if ! grep -qxE "ii +\|${p//+/\\+}" <<<"$installed"; then
        missing+=("$p")
    fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "scripts/deps.sh: missing Debian packages; install them with (as root):" >&2
    echo "apt-get install ${missing[*]}"
    exit 1
fi

echo "scripts/deps.sh: installing ${missing[*]}" >&2
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
