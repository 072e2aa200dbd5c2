// SPDX-License-Identifier: LGPL-3.0-or-later
// AHCI at POST: AHCI mode on, each implemented port stopped, given its
// command list and FIS area, started when a device is there; ATA disks
// identified and registered. Every wait polls with a timeout.
#include "fw/malloc.h"
#include "fw/pci.h"
#include "block/scsi.h"
#include "hw/ahci.h"
#include "hw/timer.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace ahci;

constexpr u32 kStopTimeoutUs = 500000, kLinkTimeoutUs = 10000, kReadyTimeoutUs = 1000000;
constexpr u8 kClassStorage = 0x01, kSubclassSata = 0x06, kProgIfAhci = 0x01;
constexpr u8 kAbarIndex = 5;

template <class T> volatile T& reg(u32 a) { return *reinterpret_cast<volatile T*>(uintptr_t(a)); }

// Polls until (reg & mask) == want; false on timeout.
bool wait_reg(u32 a, u32 mask, u32 want, u32 timeout_us) {
    PitStopwatch sw;
    u32 limit = pit_ticks_from_us(timeout_us);
    while ((reg<u32>(a) & mask) != want)
        if (sw.poll() > limit) return false;
    return true;
}

void copy_ata_string(char* out, const u16* words, int nwords) {
    int n = 0;
    for (int i = 0; i < nwords; i++) {
        out[n++] = char(words[i] >> 8);
        out[n++] = char(words[i]);
    }
    while (n > 0 && out[n - 1] == ' ') n--;
    out[n] = 0;
}

// An ATAPI device (a CD-ROM): SCSI commands through PACKET.
bool setup_atapi(u16 bdf, AhciDrive& d) {
    reg<u32>(d.port + kPxCmd) = reg<u32>(d.port + kPxCmd) | kCmdAtapi;
    Drive& g = d.drive;
    g.driver = DriverType::kAhciAtapi;
    char name[12];
    snformat(name, sizeof(name), "ahci%u", d.port_no);
    ScsiProbe pr;
    ScsiProbeStatus ps = scsi_probe(g, &pr);
    if (ps != ScsiProbeStatus::kOk) {
        dlog(1, "ahci%u: ATAPI device does not answer (probe %u); skipped\n", d.port_no, unsigned(ps));
        return false;
    }
    if (!scsi_fill_drive(g, pr, name)) return false;
    DrivePath& path = g.path;
    __builtin_memcpy(path.host_bus, "PCI ", 4);
    __builtin_memcpy(path.iface, "SATA    ", 8);
    path.bus = pci_bus(bdf);
    path.slot = pci_dev(bdf);
    path.func = pci_fn(bdf);
    path.device = d.port_no;
    dlog(1, "ahci%u: ATAPI %s %s, %s\n", d.port_no, pr.inq.vendor, pr.inq.product,
         pr.medium ? "medium present" : "no medium");
    if (pr.medium)
        dlog(2, "ahci%u: %llu blocks of %u bytes\n", d.port_no, (unsigned long long)g.sectors, g.sector_size);
    return true;
}

bool setup_port(u16 bdf, u32 abar, u8 p, AhciDrive& d) {
    u32 port = abar + kPortBase + kPortSize * p;
    // Stop the port (command engine, then FIS receive) before touching it.
    reg<u32>(port + kPxCmd) = reg<u32>(port + kPxCmd) & ~kCmdSt;
    if (!wait_reg(port + kPxCmd, kCmdCr, 0, kStopTimeoutUs)) {
        dlog(1, "ahci%u: port does not stop; skipped\n", p);
        return false;
    }
    reg<u32>(port + kPxCmd) = reg<u32>(port + kPxCmd) & ~kCmdFre;
    if (!wait_reg(port + kPxCmd, kCmdFr, 0, kStopTimeoutUs)) {
        dlog(1, "ahci%u: FIS receive does not stop; skipped\n", p);
        return false;
    }
    reg<u32>(port + kPxCmd) = reg<u32>(port + kPxCmd) | kCmdSud | kCmdPod;
    // DET 0: nothing attached (QEMU says so at once: no wait for empty
    // ports); 1: a device whose link is still coming up: wait for 3.
    u32 det = reg<u32>(port + kPxSsts) & kSstsDetMask;
    if (det == 0) return false;
    if (!wait_reg(port + kPxSsts, kSstsDetMask, kSstsDetPresent, kLinkTimeoutUs)) {
        dlog(1, "ahci%u: device present, link not up (DET %u); skipped\n", p, det);
        return false;
    }
    u32 mem = post_alloc().alloc(Zone::kHigh, 0x800, 0x400, "AHCI port");
    if (!mem) return false;
    __builtin_memset(reinterpret_cast<void*>(uintptr_t(mem)), 0, 0x800);
    reg<u32>(port + kPxClb) = mem;
    reg<u32>(port + kPxClbu) = 0;
    reg<u32>(port + kPxFb) = mem + 0x400;
    reg<u32>(port + kPxFbu) = 0;
    reg<u32>(port + kPxIe) = 0;
    reg<u32>(port + kPxSerr) = ~0u;
    reg<u32>(port + kPxIs) = ~0u;
    reg<u32>(port + kPxCmd) = reg<u32>(port + kPxCmd) | kCmdFre;
    if (!wait_reg(port + kPxTfd, kTfdBsy | kTfdDrq, 0, kReadyTimeoutUs)) {
        dlog(1, "ahci%u: device stays busy; skipped\n", p);
        return false;
    }
    reg<u32>(port + kPxCmd) = reg<u32>(port + kPxCmd) | kCmdSt;
    u32 sig = reg<u32>(port + kPxSig);
    d = AhciDrive{};
    d.port = port;
    d.mem = mem;
    d.port_no = p;
    if (sig == kSigAtapi) return setup_atapi(bdf, d);
    if (sig != kSigAta) {
        dlog(1, "ahci%u: unknown device signature %08x; skipped\n", p, sig);
        return false;
    }
    // IDENTIFY DEVICE into the tail of the port block (512 bytes at 0x600).
    u32 idbuf = mem + 0x600;
    if (ahci_command(d, kAtaIdentify, 0, 0, idbuf, 512, false)) {
        dlog(1, "ahci%u: IDENTIFY failed; skipped\n", p);
        return false;
    }
    const u16* id = reinterpret_cast<const u16*>(uintptr_t(idbuf));
    bool lba48 = id[83] & (1u << 10);
    u64 n48 = u64(id[100]) | (u64(id[101]) << 16) | (u64(id[102]) << 32) | (u64(id[103]) << 48);
    u64 n28 = id[60] | (u32(id[61]) << 16);
    u64 sectors = lba48 && n48 ? n48 : n28;
    if (!sectors) {
        dlog(1, "ahci%u: the disk is empty (0 sectors); skipped\n", p);
        return false;
    }
    Drive& g = d.drive;
    block_init_pci_hd(g, DriverType::kAhci, sectors, 512, bdf, "SATA    ");
    g.pchs = Chs{id[1], id[3], id[6]};
    g.path.device = p;
    char model[41];
    copy_ata_string(model, id + 27, 20);
    dlog(1, "ahci%u: %s, %llu sectors (%llu MiB)%s\n", p, model, (unsigned long long)g.sectors,
         (unsigned long long)(g.sectors >> 11), lba48 ? ", LBA48" : "");
    return true;
}

}  // namespace

void ahci_setup() {
    AhciState& st = ahci_state();
    st.ndrives = 0;
    const PciState& ps = pci_state();
    for (int i = 0; i < ps.ndevices; i++) {
        const PciDevice& pd = ps.devices[i];
        if (pd.class_code != kClassStorage || pd.subclass != kSubclassSata || pd.prog_if != kProgIfAhci) continue;
        const PciBar* bar = pci_find_bar(pd.bdf, kAbarIndex);
        if (!bar || bar->kind != BarKind::kMem || !bar->placed || bar->addr >= (u64(1) << 32)) {
            dlog(1, "ahci %02x:%02x.%x: no usable ABAR (BAR5); skipped\n", pci_bus(pd.bdf), pci_dev(pd.bdf),
                 pci_fn(pd.bdf));
            continue;
        }
        u32 abar = u32(bar->addr);
        reg<u32>(abar + kGhc) = reg<u32>(abar + kGhc) | kGhcAhciEnable;
        u32 pi = reg<u32>(abar + kPi);
        for (u8 p = 0; p < 32 && st.ndrives < AhciState::kMaxDrives; p++) {
            if (!(pi & (1u << p))) continue;
            AhciDrive& d = st.drives[st.ndrives];
            if (!setup_port(pd.bdf, abar, p, d)) continue;
            char desc[sizeof(BootEntry::desc)];
            snformat(desc, sizeof(desc), "AHCI %02x:%02x.%x port %u", pci_bus(pd.bdf), pci_dev(pd.bdf),
                     pci_fn(pd.bdf), p);
            block_register(&d.drive, desc);
            st.ndrives++;
        }
    }
}

}  // namespace reef
