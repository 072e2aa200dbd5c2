#!/bin/bash
# SPDX-License-Identifier: LGPL-3.0-or-later
# Build (or reuse) the Linux test disk image: GRUB (i386-pc) booting Debian's
# cloud kernel with a busybox initramfs whose /init prints a report and resets
# the machine (tests/payloads/linux/init).
#
#   scripts/mkgrubimage.sh [OUTDIR [FLAVOUR]]
#
# OUTDIR defaults to out/payloads. FLAVOUR is the Debian kernel: "cloud"
# (the default: linux-image-cloud-amd64, small, boots fast) or "generic"
# (linux-image-amd64: what the cloud kernel leaves out, such as MP table
# parsing for -machine acpi=off); the generic image is
# OUTDIR/linux-grub-generic.img, its kernel under OUTDIR/kernel-generic/.
# The generic image's initramfs also holds the virtio PCI and virtio-rng
# modules (/modules, loaded by /init in the order of /modules/order), so that
# a test can see a PCI INTx interrupt delivered.
#
# Prints the image's path on stdout (everything else goes to stderr):
#   OUTDIR/linux-grub.img      hybrid ISO; boots as an IDE hard disk (its MBR
#                              loads GRUB's core through INT 13h extensions)
#   OUTDIR/linux-grub.img.key  hash of everything the image is built from
#   OUTDIR/kernel/             the kernel .deb and its vmlinuz, kept so that
#                              later runs need no network
#
# The image is rebuilt only when an input changes: this script, the init
# script, grub.cfg, the kernel, busybox or the GRUB/xorriso versions.
# The kernel is fetched once: the package that linux-image-cloud-amd64
# depends on, downloaded with apt-get download (never installed). Set
# REEF_KERNEL_REFRESH=1 to fetch the current one again.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTDIR=${1:-$ROOT/out/payloads}
PAYLOAD=$ROOT/tests/payloads/linux
SELF=$ROOT/scripts/mkgrubimage.sh
BUSYBOX=/bin/busybox
FLAVOUR=${2:-cloud}
case $FLAVOUR in
cloud) META=linux-image-cloud-amd64 SUFFIX= MODULES=() ;;
generic)
    META=linux-image-amd64 SUFFIX=-generic
    # Dependency order: insmod does not resolve dependencies.
    MODULES=(drivers/virtio/virtio_ring.ko drivers/virtio/virtio.ko
             drivers/virtio/virtio_pci_modern_dev.ko drivers/virtio/virtio_pci_legacy_dev.ko
             drivers/virtio/virtio_pci.ko drivers/char/hw_random/virtio-rng.ko
             # USB host controllers: what Linux says when it takes them over.
             drivers/usb/common/usb-common.ko drivers/usb/core/usbcore.ko
             drivers/usb/host/xhci-hcd.ko drivers/usb/host/xhci-pci.ko
             drivers/usb/host/ehci-hcd.ko drivers/usb/host/ehci-pci.ko
             drivers/usb/host/ohci-hcd.ko drivers/usb/host/ohci-pci.ko) ;;
*) echo "mkgrubimage: unknown kernel flavour $FLAVOUR (cloud, generic)" >&2; exit 2 ;;
esac

mkdir -p "$OUTDIR/kernel$SUFFIX"
OUTDIR=$(cd "$OUTDIR" && pwd)
KDIR=$OUTDIR/kernel$SUFFIX
IMG=$OUTDIR/linux-grub$SUFFIX.img

log() { echo "mkgrubimage: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Several test runs or `make run` may want the image at once.
exec 9>"$OUTDIR/.mkgrubimage$SUFFIX.lock"
flock 9
# Scratch directories (only ever used under the lock) go, whatever happens.
trap 'rm -rf "$KDIR"/dl.?????? "$KDIR"/x.?????? "$OUTDIR/linux-grub$SUFFIX.build"' EXIT

for tool in grub-mkrescue xorriso mformat cpio gzip dpkg-deb apt-get; do
    command -v "$tool" >/dev/null || die "$tool not found (run scripts/deps.sh)"
done
[ -x "$BUSYBOX" ] || die "$BUSYBOX not found (run scripts/deps.sh)"

# ---- kernel ---------------------------------------------------------------
apt_update() {
    if [ "$(id -u)" -eq 0 ]; then
        log "running apt-get update"
        apt-get update >&2
    else
        log "not root: cannot run apt-get update"
        return 1
    fi
}

# The versioned package behind the cloud kernel metapackage.
kernel_package() {
    apt-cache depends "$META" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }'
}

fetch_kernel() {
    local pkg deb tmp
    pkg=$(kernel_package)
    if [ -z "$pkg" ]; then
        apt_update || true
        pkg=$(kernel_package)
    fi
    [ -n "$pkg" ] || die "cannot resolve the package behind $META (apt-get update?)"

    local found=("$KDIR/${pkg}"_*.deb)
    deb=
    [ -e "${found[0]}" ] && deb=${found[0]}
    if [ -z "$deb" ]; then
        tmp=$(mktemp -d "$KDIR/dl.XXXXXX")
        # apt drops to user _apt for downloads, which cannot write here.
        local aptopt=()
        [ "$(id -u)" -eq 0 ] && aptopt=(-o APT::Sandbox::User=root)
        log "downloading $pkg"
        if ! (cd "$tmp" && apt-get "${aptopt[@]}" download "$pkg" >&2); then
            # Stale package lists point at a version the mirror dropped.
            apt_update || die "apt-get download $pkg failed"
            pkg=$(kernel_package)
            (cd "$tmp" && apt-get "${aptopt[@]}" download "$pkg" >&2) ||
                die "apt-get download $pkg failed"
        fi
        found=("$tmp"/*.deb)
        deb=${found[0]}
        [ -e "$deb" ] || die "apt-get download $pkg left no .deb"
        rm -f "$KDIR"/*.deb
        mv "$deb" "$KDIR/"
        deb=$KDIR/$(basename "$deb")
        rm -rf "$tmp"
    fi

    tmp=$(mktemp -d "$KDIR/x.XXXXXX")
    dpkg-deb -x "$deb" "$tmp"
    found=("$tmp"/boot/vmlinuz-*)
    local vmlinuz=${found[0]}
    [ -e "$vmlinuz" ] || die "no boot/vmlinuz-* in $deb"
    cp "$vmlinuz" "$KDIR/vmlinuz.tmp"
    mv "$KDIR/vmlinuz.tmp" "$KDIR/vmlinuz"
    rm -rf "$KDIR/modules"
    if [ ${#MODULES[@]} -gt 0 ]; then
        mkdir -p "$KDIR/modules"
        local m
        for m in "${MODULES[@]}"; do
            found=("$tmp"/lib/modules/*/kernel/"$m")
            [ -e "${found[0]}" ] || die "no module $m in $deb"
            cp "${found[0]}" "$KDIR/modules/"
            basename "$m" >>"$KDIR/modules/order"
        done
    fi
    basename "$deb" .deb >"$KDIR/package"
    rm -rf "$tmp"
    log "kernel: $(basename "$vmlinuz") from $(basename "$deb")"
}

if [ "${REEF_KERNEL_REFRESH:-0}" = 1 ] || [ ! -s "$KDIR/vmlinuz" ] || [ ! -s "$KDIR/package" ] ||
    { [ ${#MODULES[@]} -gt 0 ] &&
      [ "$(cat "$KDIR/modules/order" 2>/dev/null)" != "$(for m in "${MODULES[@]}"; do basename "$m"; done)" ]; }; then
    fetch_kernel
fi

# ---- cache check ----------------------------------------------------------
key=$( {
    sha256sum "$SELF" "$PAYLOAD/init" "$PAYLOAD/grub.cfg" "$KDIR/vmlinuz" "$BUSYBOX" |
        awk '{ print $1 }'
    if [ -d "$KDIR/modules" ]; then (cd "$KDIR/modules" && sha256sum order $(cat order)); fi
    dpkg-query -W -f='${Package} ${Version}\n' grub-pc-bin xorriso 2>/dev/null || true
} | sha256sum | awk '{ print $1 }')

if [ -s "$IMG" ] && [ "$(cat "$IMG.key" 2>/dev/null)" = "$key" ]; then
    echo "$IMG"
    exit 0
fi

# ---- build ----------------------------------------------------------------
log "building $IMG"
BUILD=$OUTDIR/linux-grub$SUFFIX.build
rm -rf "$BUILD"
mkdir -p "$BUILD/initramfs/bin" "$BUILD/iso/boot/grub"

# initramfs: busybox (its applet links are made by /init) and /init.
# /dev/console comes from the kernel's built-in initramfs.
cp "$BUSYBOX" "$BUILD/initramfs/bin/busybox"
cp "$PAYLOAD/init" "$BUILD/initramfs/init"
chmod 0755 "$BUILD/initramfs/init" "$BUILD/initramfs/bin/busybox"
if [ -d "$KDIR/modules" ]; then cp -r "$KDIR/modules" "$BUILD/initramfs/modules"; fi
find "$BUILD/initramfs" -exec touch -h -d @0 {} +
(cd "$BUILD/initramfs" && find . | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -n -9 >"$BUILD/iso/boot/initrd.img"

cp "$KDIR/vmlinuz" "$BUILD/iso/boot/vmlinuz"
cp "$PAYLOAD/grub.cfg" "$BUILD/iso/boot/grub/grub.cfg"

# Only the BIOS platform, even where GRUB's EFI packages are installed too;
# no fonts, locales or themes: the image boots on a serial console.
grub-mkrescue -d /usr/lib/grub/i386-pc -o "$BUILD/img" \
    --fonts= --locales= --themes= "$BUILD/iso" >"$BUILD/grub-mkrescue.log" 2>&1 ||
    { cat "$BUILD/grub-mkrescue.log" >&2; die "grub-mkrescue failed"; }

mv "$BUILD/img" "$IMG"
echo "$key" >"$IMG.key"
rm -rf "$BUILD"
log "built $IMG ($(du -h "$IMG" | cut -f1))"
echo "$IMG"
