// SPDX-License-Identifier: LGPL-3.0-or-later
// ATA driver, POST part: reset the PIIX IDE channels, IDENTIFY every
// position, register the hard disks with the block layer.
#include "block/scsi.h"
#include "fw/pci.h"
#include "hw/ata.h"
#include "hw/disk_geometry.h"
#include "hw/timer.h"
#include "lib/checksum.h"
#include "lib/log.h"
#include "lib/format.h"

namespace reef {
namespace {
using namespace ata;

constexpr u32 kResetTimeoutUs = 3000000;  // a channel reset

struct Channel {
    u16 iobase, ctlbase;
    u8 irq;
};
constexpr Channel kChannels[2] = {{0x1F0, 0x3F6, 14}, {0x170, 0x376, 15}};

void copy_ata_string(char* dst, const u16* words, int nwords) {
    for (int i = 0; i < nwords; i++) {
        dst[2 * i] = char(words[i] >> 8);
        dst[2 * i + 1] = char(words[i]);
    }
    int n = nwords * 2;
    dst[n] = 0;
    while (n > 0 && dst[n - 1] == ' ') dst[--n] = 0;
}

void fill_dpte(AtaDrive& d) {
    Dpte& t = d.dpte;
    t = Dpte{};
    t.iobase = d.iobase;
    t.ctlbase = d.ctlbase;
    t.head_prefix = u8(kDevObs | kDevLba | (d.slave ? kDevSlave : 0));
    t.irq = d.irq;
    t.block_count = 1;
    t.options = u16(1u << 3);  // LBA
    t.revision = 0x11;
    t.checksum = checksum_byte(&t, sizeof(t) - 1);
}

// IDENTIFY (PACKET) DEVICE on one position; fills `d` on success.
bool identify(AtaDrive& d, u16* buf) {
    u16 io = d.iobase;
    RegDevice::write(io, u8(kDevObs | (d.slave ? kDevSlave : 0)));
    delay400ns(d.ctlbase);
    u8 st = RegStatus::read(io);
    if (st == 0xFF) return false;  // floating bus
    // The signature left by the reset tells ATA from ATAPI. ATAPI devices
    // may show a zero status; for ATA, zero means nobody is there.
    u8 lba1 = RegLba1::read(io), lba2 = RegLba2::read(io);
    bool atapi = lba1 == 0x14 && lba2 == 0xEB;
    if (!atapi && (st == 0 || lba1 != 0 || lba2 != 0)) return false;
    if (wait_not_busy(io, kTimeoutUs) == 0xFF) return false;
    RegCommand::write(io, atapi ? kCmdIdentifyPacket : kCmdIdentify);
    delay400ns(d.ctlbase);
    st = wait_not_busy(io, kTimeoutUs);
    if (st == 0xFF || st & kStErr || !(st & kStDrq)) return false;
    u32 n = 256;
    u16 port = RegData::port(io);
    asm volatile("cld; rep insw" : "+D"(buf), "+c"(n) : "d"(port) : "memory");
    buf -= 256;
    d.atapi = atapi;
    Drive& g = d.drive;
    g.driver = DriverType::kAta;
    g.kind = atapi ? DriveKind::kCdrom : DriveKind::kHd;
    g.flags = atapi ? u8(Drive::kReadOnly | Drive::kRemovable) : 0;
    g.sector_size = atapi ? 2048 : 512;
    if (atapi) return true;
    d.lba48 = buf[83] & (1u << 10);
    u64 lba28 = buf[60] | (u32(buf[61]) << 16);
    u64 lba48 = u64(buf[100]) | (u64(buf[101]) << 16) | (u64(buf[102]) << 32) | (u64(buf[103]) << 48);
    g.sectors = d.lba48 && lba48 ? lba48 : lba28;
    g.pchs = Chs{buf[1], buf[3], buf[6]};
    Geometry t = disk_translate(g.sectors);
    g.lchs = Chs{t.cylinders, t.heads, t.spt};
    g.translation = Translation::kLba;
    fill_dpte(d);
    g.dpte = u16(reinterpret_cast<uintptr_t>(&d.dpte) - RTDATA_BASE);
    return true;
}

// The PCI function of the IDE controller (class 01h/01h), for EDD's path.
u16 ide_controller_bdf() {
    const PciState& ps = pci_state();
    for (int i = 0; i < ps.ndevices; i++)
        if (ps.devices[i].class_id() == 0x0101) return ps.devices[i].bdf;
    return pci_bdf(0, 1, 1);  // where QEMU's PIIX puts it
}

// An ATAPI device (CD-ROM) that IDENTIFY PACKET DEVICE found: probed and
// registered through the SCSI layer.
bool setup_atapi(AtaDrive& d, const char* model) {
    Drive& g = d.drive;
    g.driver = DriverType::kAtapi;
    char name[12];
    snformat(name, sizeof(name), "ata%d-%d", d.channel, d.slave);
    ScsiProbe pr;
    ScsiProbeStatus ps = scsi_probe(g, &pr);
    if (ps != ScsiProbeStatus::kOk) {
        dlog(1, "%s: ATAPI %s does not answer (probe %u); skipped\n", name, model, unsigned(ps));
        return false;
    }
    if (!scsi_fill_drive(g, pr, name)) return false;
    dlog(1, "%s: ATAPI %s, %s\n", name, model, pr.medium ? "medium present" : "no medium");
    if (pr.medium) dlog(2, "%s: %llu blocks of %u bytes\n", name, (unsigned long long)g.sectors, g.sector_size);
    char desc[sizeof(BootEntry::desc)];
    snformat(desc, sizeof(desc), "ATAPI%d-%d %s", d.channel, d.slave, model);
    block_register(&g, desc);
    return true;
}

}  // namespace

void ata_setup() {
    AtaState& st = RT(g_ata);
    st = AtaState{};
    u16 bdf = ide_controller_bdf();
    u16 buf[256];
    for (u8 c = 0; c < 2; c++) {
        const Channel& ch = kChannels[c];
        // A floating bus (no controller or no drives) reads 0xFF.
        if (RegStatus::read(ch.iobase) == 0xFF) continue;
        RegDevCtl::write(ch.ctlbase, kCtlNien | kCtlSrst);
        udelay(5);
        RegDevCtl::write(ch.ctlbase, kCtlNien);
        if (wait_not_busy(ch.iobase, kResetTimeoutUs) == 0xFF) {
            dlog(1, "ata%d: channel reset timed out\n", c);
            continue;
        }
        for (u8 s = 0; s < 2 && st.ndrives < AtaState::kMaxDrives; s++) {
            AtaDrive& d = st.drives[st.ndrives];
            d = AtaDrive{};
            d.iobase = ch.iobase;
            d.ctlbase = ch.ctlbase;
            d.channel = c;
            d.slave = s;
            d.irq = ch.irq;
            if (!identify(d, buf)) continue;
            DrivePath& p = d.drive.path;
            __builtin_memcpy(p.host_bus, "PCI ", 4);
            __builtin_memcpy(p.iface, d.atapi ? "ATAPI   " : "ATA     ", 8);
            p.bus = u8(bdf >> 8);
            p.slot = u8((bdf >> 3) & 0x1F);
            p.func = u8(bdf & 7);
            p.channel = c;
            p.device = s;
            char model[41];
            copy_ata_string(model, buf + 27, 20);
            if (!d.atapi) {
                dlog(1, "ata%d-%d: %s, %llu sectors (%llu MiB), CHS %u/%u/%u%s\n", c, s, model,
                     (unsigned long long)d.drive.sectors, (unsigned long long)(d.drive.sectors >> 11),
                     d.drive.lchs.cylinders, d.drive.lchs.heads, d.drive.lchs.spt, d.lba48 ? ", LBA48" : "");
                char desc[sizeof(BootEntry::desc)];
                snformat(desc, sizeof(desc), "ATA%d-%d %s", c, s, model);
                block_register(&d.drive, desc);
            } else if (!setup_atapi(d, model)) {
                continue;
            }
            st.ndrives++;
        }
    }
}

}  // namespace reef
