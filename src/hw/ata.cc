// SPDX-License-Identifier: LGPL-3.0-or-later
// ATA PIO driver. Polls status (the drive's interrupt is masked with nIEN);
// every wait has a timeout measured on the PIT.
#include "hw/ata.h"

#include "hw/disk_geometry.h"
#include "hw/timer.h"
#include "lib/bda.h"
#include "lib/far.h"
#include "lib/io.h"
#include "lib/log.h"

#if defined(REEF_MODE16)
DEFINE_RTVAR(reef::AtaState, g_ata);
#endif

namespace reef {
namespace {

// Command block registers (offsets from the I/O base) and the control block.
using RegData = IoRegAt<u16, 0>;
using RegError = IoRegAt<u8, 1>;
using RegFeature = IoRegAt<u8, 1>;
using RegCount = IoRegAt<u8, 2>;
using RegLba0 = IoRegAt<u8, 3>;
using RegLba1 = IoRegAt<u8, 4>;
using RegLba2 = IoRegAt<u8, 5>;
using RegDevice = IoRegAt<u8, 6>;
using RegStatus = IoRegAt<u8, 7>;
using RegCommand = IoRegAt<u8, 7>;
using RegAltStatus = IoRegAt<u8, 0>;  // control block
using RegDevCtl = IoRegAt<u8, 0>;

constexpr u8 kStErr = 0x01, kStDrq = 0x08, kStDf = 0x20, kStDrdy = 0x40, kStBsy = 0x80;
constexpr u8 kCtlNien = 0x02, kCtlSrst = 0x04;
constexpr u8 kDevLba = 0x40, kDevObs = 0xA0, kDevSlave = 0x10;
constexpr u8 kCmdReadPio = 0x20, kCmdReadPioExt = 0x24, kCmdWritePio = 0x30, kCmdWritePioExt = 0x34,
             kCmdVerify = 0x40, kCmdVerifyExt = 0x42, kCmdIdentify = 0xEC, kCmdIdentifyPacket = 0xA1;

constexpr u32 kTimeoutUs = 5000000;      // a command
constexpr u32 kResetTimeoutUs = 3000000; // a channel reset

struct Channel {
    u16 iobase, ctlbase;
    u8 irq;
};
constexpr Channel kChannels[2] = {{0x1F0, 0x3F6, 14}, {0x170, 0x376, 15}};

void delay400ns(u16 ctl) {
    for (int i = 0; i < 4; i++) RegAltStatus::read(ctl);
}

// Waits for BSY to clear; returns the status, or 0xFF after the timeout.
u8 wait_not_busy(u16 io, u32 timeout_us) {
    u32 limit = pit_ticks_from_us(timeout_us);
    PitStopwatch sw;
    for (;;) {
        u8 st = RegStatus::read(io);
        if (!(st & kStBsy)) return st;
        if (sw.poll() > limit) return 0xFF;
    }
}

u8 status_to_error(u8 st) {
    if (st == 0xFF) return disk_status::kTimeout;
    if (st & kStDf) return disk_status::kWriteFault;
    if (st & kStErr) return disk_status::kBadEcc;
    return disk_status::kUndefined;
}

u8 select(const AtaDrive& d, u8 lba_high4) {
    if (wait_not_busy(d.iobase, kTimeoutUs) == 0xFF) return disk_status::kTimeout;
    RegDevice::write(d.iobase, u8(kDevObs | kDevLba | (d.slave ? kDevSlave : 0) | (lba_high4 & 0x0F)));
    delay400ns(d.ctlbase);
    u8 st = wait_not_busy(d.iobase, kTimeoutUs);
    if (st == 0xFF) return disk_status::kTimeout;
    if (d.kind == AtaKind::kAta && !(st & kStDrdy)) return disk_status::kNotReady;
    return disk_status::kOk;
}

void pio_words(u16 port, u16 seg, u16 off, u16 words, bool out) {
#if defined(REEF_MODE16)
    u32 p = off, n = words;
    if (out)
        asm volatile("pushw %%ds\n\tmovw %w3, %%ds\n\tcld\n\trep outsw\n\tpopw %%ds"
                     : "+S"(p), "+c"(n) : "d"(port), "r"(seg) : "memory");
    else
        asm volatile("pushw %%es\n\tmovw %w3, %%es\n\tcld\n\trep insw\n\tpopw %%es"
                     : "+D"(p), "+c"(n) : "d"(port), "r"(seg) : "memory");
#else
    uintptr_t p = (uintptr_t(seg) << 4) + off;
    u32 n = words;
    if (out) asm volatile("cld; rep outsw" : "+S"(p), "+c"(n) : "d"(port) : "memory");
    else asm volatile("cld; rep insw" : "+D"(p), "+c"(n) : "d"(port) : "memory");
#endif
}

// One command of at most 256 (LBA28) or 65536 (LBA48) sectors.
u8 rw_chunk(const AtaDrive& d, AtaOp op, u64 lba, u32 count, u16& seg, u16& off, u32* done) {
    bool ext = d.lba48 && (lba + count > (1ull << 28) || count > 256);
    u8 err = select(d, ext ? 0 : u8(lba >> 24));
    if (err) return err;
    u16 io = d.iobase;
    if (ext) {
        RegCount::write(io, u8(count >> 8));
        RegLba0::write(io, u8(lba >> 24));
        RegLba1::write(io, u8(lba >> 32));
        RegLba2::write(io, u8(lba >> 40));
    }
    RegFeature::write(io, 0);
    RegCount::write(io, u8(count));
    RegLba0::write(io, u8(lba));
    RegLba1::write(io, u8(lba >> 8));
    RegLba2::write(io, u8(lba >> 16));
    u8 cmd = op == AtaOp::kRead    ? (ext ? kCmdReadPioExt : kCmdReadPio)
             : op == AtaOp::kWrite ? (ext ? kCmdWritePioExt : kCmdWritePio)
                                   : (ext ? kCmdVerifyExt : kCmdVerify);
    RegCommand::write(io, cmd);
    delay400ns(d.ctlbase);
    if (op == AtaOp::kVerify) {
        u8 st = wait_not_busy(io, kTimeoutUs);
        if (st == 0xFF || st & (kStErr | kStDf)) return status_to_error(st);
        *done += count;
        return disk_status::kOk;
    }
    for (u32 i = 0; i < count; i++) {
        u8 st = wait_not_busy(io, kTimeoutUs);
        if (st == 0xFF || st & (kStErr | kStDf)) return status_to_error(st);
        if (!(st & kStDrq)) return disk_status::kControllerFail;
        // Normalise the far pointer so each sector stays inside its segment.
        seg = u16(seg + (off >> 4));
        off &= 0xF;
        pio_words(RegData::port(io), seg, off, 256, op == AtaOp::kWrite);
        off = u16(off + 512);
        if (op == AtaOp::kWrite) delay400ns(d.ctlbase);
        (*done)++;
    }
    u8 st = wait_not_busy(io, kTimeoutUs);
    if (st == 0xFF || st & (kStErr | kStDf)) return status_to_error(st);
    return disk_status::kOk;
}

}  // namespace


u8 ata_rw(const AtaDrive& d, AtaOp op, u64 lba, u32 count, u16 seg, u16 off, u32* done) {
    *done = 0;
    if (d.kind != AtaKind::kAta) return disk_status::kBadCommand;
    if (lba >= d.sectors || count > d.sectors - lba) return disk_status::kSectorNotFound;
    u32 max = d.lba48 ? 65536 : 256;
    while (count) {
        u32 n = count < max ? count : max;
        u8 err = rw_chunk(d, op, lba, n, seg, off, done);
        if (err) {
            dlog(3, "ata: %s of lba %u failed: status 0x%x\n", op == AtaOp::kWrite ? "write" : "read",
                 u32(lba), err);
            return err;
        }
        lba += n;
        count -= n;
    }
    return disk_status::kOk;
}

#if defined(REEF_MODE32)

namespace {

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
    t.options = u16(1u << 3 /* LBA */ | (d.lba48 ? 0 : 0));
    t.revision = 0x11;
    u8 sum = 0;
    const u8* p = reinterpret_cast<const u8*>(&t);
    for (unsigned i = 0; i < sizeof(t) - 1; i++) sum = u8(sum + p[i]);
    t.checksum = u8(-sum);
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
    pio_words(RegData::port(io), 0, u16(reinterpret_cast<uintptr_t>(buf)), 256, false);
    d.kind = atapi ? AtaKind::kAtapi : AtaKind::kAta;
    if (atapi) return true;
    d.lba48 = buf[83] & (1u << 10);
    u64 lba28 = buf[60] | (u32(buf[61]) << 16);
    u64 lba48 = u64(buf[100]) | (u64(buf[101]) << 16) | (u64(buf[102]) << 32) | (u64(buf[103]) << 48);
    d.sectors = d.lba48 && lba48 ? lba48 : lba28;
    d.phys = Chs{buf[1], buf[3], buf[6]};
    Geometry g = disk_translate(d.sectors);
    d.lchs = Chs{g.cylinders, g.heads, g.spt};
    fill_dpte(d);
    return true;
}

// The translated fixed disk parameter table (INT 41h/46h) for an EBDA slot.
void set_fdpt(int idx, const AtaDrive& d) {
    u8 t[16] = {};
    u16 lcyl = d.lchs.cylinders, pcyl = d.phys.cylinders ? d.phys.cylinders : lcyl;
    t[0] = u8(lcyl);
    t[1] = u8(lcyl >> 8);
    t[2] = u8(d.lchs.heads);
    t[3] = 0xA0;  // signature: translated table
    t[4] = u8(d.phys.spt ? d.phys.spt : d.lchs.spt);
    t[5] = 0xFF;  // write precompensation: none
    t[6] = 0xFF;
    t[8] = u8(d.lchs.heads > 8 ? 0x08 : 0x00);
    t[9] = u8(pcyl);
    t[10] = u8(pcyl >> 8);
    t[11] = u8(d.phys.heads ? d.phys.heads : d.lchs.heads);
    t[12] = t[9];
    t[13] = t[10];
    t[14] = u8(d.lchs.spt);
    u8 sum = 0;
    for (int i = 0; i < 15; i++) sum = u8(sum + t[i]);
    t[15] = u8(-sum);
    u16 ebda = BDA_GET(ebda_seg);
    u16 off = u16(__builtin_offsetof(Ebda, fdpt) + 16 * idx);
    far_copy_to(ebda, off, t, 16);
    far_write<SegOff>(0, (idx ? 0x46 : 0x41) * 4u, SegOff{off, ebda});
}

}  // namespace

void ata_setup() {
    AtaState& st = RT(g_ata);
    st = AtaState{};
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
        for (u8 s = 0; s < 2; s++) {
            AtaDrive d{};
            d.iobase = ch.iobase;
            d.ctlbase = ch.ctlbase;
            d.channel = c;
            d.slave = s;
            d.irq = ch.irq;
            if (!identify(d, buf)) continue;
            char model[41];
            copy_ata_string(model, buf + 27, 20);
            if (d.kind == AtaKind::kAta) {
                dlog(1, "ata%d-%d: %s, %llu sectors (%llu MiB), CHS %u/%u/%u%s\n", c, s, model,
                     (unsigned long long)d.sectors, (unsigned long long)(d.sectors >> 11), d.lchs.cylinders,
                     d.lchs.heads, d.lchs.spt, d.lba48 ? ", LBA48" : "");
            } else {
                dlog(1, "ata%d-%d: ATAPI %s (not bootable yet)\n", c, s, model);
            }
            st.drives[st.ndrives] = d;
            if (d.kind == AtaKind::kAta && st.nhd < AtaState::kMaxDrives) st.hd[st.nhd++] = st.ndrives;
            st.ndrives++;
        }
    }
    BDA_SET(hdcount, st.nhd);
    for (int i = 0; i < st.nhd && i < 2; i++) set_fdpt(i, st.drives[st.hd[i]]);
}

#endif  // REEF_MODE32

}  // namespace reef
