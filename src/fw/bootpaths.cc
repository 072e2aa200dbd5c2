// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/bootpaths.h"

#include "fw/bootorder.h"
#include "fw/fwcfg.h"
#include "fw/optionrom.h"
#include "fw/pci.h"
#include "hw/usb.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {
namespace {

constexpr u32 kMaxFile = BootOrder::kMaxPaths * BootOrder::kMaxPathLen;
constexpr u32 kMaxPattern = BootOrder::kMaxPathLen;

BootOrder g_order;
bool g_loaded;

// The PCI host bridge node of both QEMU machines (I/O port 0CF8h config).
constexpr char kPciRoot[] = "/pci@i0cf8";

// One PCI node, "/*@slot[,func]", as QEMU names a function (its unit
// address leaves out function 0).
u32 pci_unit(u8 slot, u8 func, char* buf, u32 n) {
    if (func) return u32(snformat(buf, n, "/*@%x,%x", slot, func));
    return u32(snformat(buf, n, "/*@%x", slot));
}

u32 pci_node(const DrivePath& p, char* buf, u32 n) {
    return pci_device_path(pci_bdf(p.bus, p.slot, p.func), buf, n);
}

// The floppy controller behind the PCI-ISA bridge (PIIX3 at 1.0, ICH9's
// LPC at 1f.0), at its usual I/O base: one node per drive unit.
constexpr char kFdcNode[] = "/isa@*/fdc@03f0/floppy@";

bool drive_path(const Drive& d, char* buf, u32 n) {
    const DrivePath& p = d.path;
    if (d.driver == DriverType::kFloppy) {
        snformat(buf, n, "%s%s%x", kPciRoot, kFdcNode, unsigned(p.device));
        return true;
    }
    u32 len = pci_node(p, buf, n);
    if (len >= n) return false;
    switch (d.driver) {
    case DriverType::kAta:
    case DriverType::kAtapi:
        snformat(buf + len, n - len, "/drive@%x/disk@%x", p.channel, unsigned(p.device));
        return true;
    case DriverType::kAhci:
    case DriverType::kAhciAtapi:
        snformat(buf + len, n - len, "/drive@%x/disk@0", unsigned(p.device));
        return true;
    // One drive per function: the function's node is enough (QEMU adds
    // e.g. "/disk@0,0" or "/namespace@1,0" below it).
    case DriverType::kVirtioBlk:
    case DriverType::kNvme:
        return true;
    // usb-storage on a root port: QEMU names the port by its number among
    // the ports of its USB version, then the device's own SCSI bus.
    // Through hubs: "hub@<port>/" for the root port and each hub port but
    // the device's own (QEMU's usb_get_fw_dev_path).
    case DriverType::kUsbMsd: {
        u8 depth = usb_path_depth(p.device);
        u32 route = usb_path_route(p.device);
        u32 port = p.channel;
        for (u8 i = 0; i < depth && len < n; i++) {
            len += u32(snformat(buf + len, n - len, "/hub@%x", port));
            port = (route >> (4 * i)) & 0xF;
        }
        if (len >= n) return false;
        snformat(buf + len, n - len, "/storage@%x/channel@0/*@0,%x", port, usb_path_lun(p.device));
        return true;
    }
    default:
        // SCSI adapters: QEMU names a LUN "channel@0/disk@target,lun" on
        // each of them (a scsi-cd too); our device is target | lun << 16.
        if (!scsi_driver(d.driver)) return false;
        snformat(buf + len, n - len, "/channel@0/*@%x,%x", unsigned(p.device & 0xFFFF),
                 unsigned((p.device >> 16) & 0xFFFF));
        return true;
    }
}

}  // namespace

u32 pci_device_path(u16 bdf, char* buf, u32 n) {
    u16 chain[8];
    int depth = 0;
    const PciDevice* d = pci_find_device(bdf);
    for (const PciDevice* up = d ? pci_upstream(*d) : nullptr; up && depth < 8; up = pci_upstream(*up))
        chain[depth++] = up->bdf;
    u32 len = u32(snformat(buf, n, "%s", kPciRoot));
    while (depth > 0 && len < n) {
        u16 b = chain[--depth];
        len += pci_unit(pci_dev(b), pci_fn(b), buf + len, n - len);
    }
    if (len < n) len += pci_unit(pci_dev(bdf), pci_fn(bdf), buf + len, n - len);
    return len;
}

void bootorder_load() {
    if (g_loaded) return;
    g_loaded = true;
    const FwCfgFile* f = fwcfg().present() ? fwcfg().find("bootorder") : nullptr;
    if (!f || !f->size) return;
    static char text[kMaxFile];
    u32 len = min(f->size, kMaxFile);
    fwcfg().read_file(*f, 0, text, len);
    bootorder_parse(text, len, &g_order);
    if (g_order.dropped || f->size > kMaxFile)
        dlog(1, "boot: bootorder: %d path(s) too long or too many; ignored\n", g_order.dropped + (f->size > kMaxFile));
    for (int i = 0; i < g_order.count; i++) dlog(2, "boot: bootorder %d: %s\n", i + 1, g_order.path[i]);
    if (g_order.halt) dlog(2, "boot: bootorder: HALT (only listed devices boot)\n");
}

bool boot_entry_path(const BootEntry& e, char* buf, u32 n) {
    switch (e.kind) {
    case BootKind::kBev:
    case BootKind::kBcv: return optionrom_boot_path(e.vec_seg, e.vec_off, buf, n);
    default: return e.drive ? drive_path(*e.drive, buf, n) : false;
    }
}

int bootorder_position(const BootEntry& e) {
    bootorder_load();
    if (!g_order.count) return -1;
    char pattern[kMaxPattern];
    if (!boot_entry_path(e, pattern, sizeof(pattern))) {
        dlog(3, "boot: %s: no device path; not matched against bootorder\n", e.desc);
        return -1;
    }
    int pos = bootorder_find(g_order, pattern);
    dlog(3, "boot: %s is %s: bootorder line %d\n", e.desc, pattern, pos + 1);
    return pos;
}

bool bootorder_strict() {
    bootorder_load();
    return g_order.halt;
}

}  // namespace reef
