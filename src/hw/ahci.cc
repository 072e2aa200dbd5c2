// SPDX-License-Identifier: LGPL-3.0-or-later
// AHCI I/O path (32-bit runtime): build the FIS and the PRD entry, issue
// slot 0, poll PxCI against a PIT timeout.
#include "hw/ahci.h"

#include "block/scsi.h"
#include "hw/timer.h"
#include "lib/log.h"

namespace reef {

namespace {
AhciState g_ahci;
constexpr u32 kCommandTimeoutUs = 5000000;
constexpr u32 kFisOffset = 0x400, kTableOffset = 0x500;

template <class T> volatile T& reg(u32 a) { return *reinterpret_cast<volatile T*>(uintptr_t(a)); }
}  // namespace

AhciState& ahci_state() { return g_ahci; }

namespace {

// After a task-file error the HBA stops the port's command processing:
// restart it (ST off, wait for CR, clear the errors, ST on).
void recover(const AhciDrive& d) {
    using namespace ahci;
    reg<u32>(d.port + kPxCmd) = reg<u32>(d.port + kPxCmd) & ~kCmdSt;
    PitStopwatch sw;
    u32 limit = pit_ticks_from_us(500000);
    while ((reg<u32>(d.port + kPxCmd) & kCmdCr) && sw.poll() < limit) asm volatile("pause");
    reg<u32>(d.port + kPxSerr) = ~0u;
    reg<u32>(d.port + kPxIs) = ~0u;
    reg<u32>(d.port + kPxCmd) = reg<u32>(d.port + kPxCmd) | kCmdSt;
}

// Slot 0 with the FIS already in the command table (and the ATAPI command
// at 40h when `atapi`), one PRD entry for `bytes` at `buf`. kOk, kTimeout,
// or kControllerFail when the device ended with a task-file error (the
// port is recovered then).
u8 issue(const AhciDrive& d, u32 buf, u32 bytes, bool write, bool atapi) {
    using namespace ahci;
    u32 table = d.mem + kTableOffset;
    u32* prd = reinterpret_cast<u32*>(uintptr_t(table + 0x80));
    prd[0] = buf;
    prd[1] = 0;
    prd[2] = 0;
    prd[3] = bytes ? bytes - 1 : 0;  // byte count - 1 (even byte counts: bit 0 set)
    u32* hdr = reinterpret_cast<u32*>(uintptr_t(d.mem));
    // 5-dword FIS; one PRD entry when data moves.
    hdr[0] = 5u | (write ? kHdrWrite : 0) | (atapi ? kHdrAtapi : 0) | (bytes ? 1u << 16 : 0);
    hdr[1] = 0;  // PRD byte count, written by the HBA
    hdr[2] = table;
    hdr[3] = 0;
    asm volatile("" ::: "memory");
    reg<u32>(d.port + kPxIs) = ~0u;
    reg<u32>(d.port + kPxCi) = 1;
    PitStopwatch sw;
    u32 limit = pit_ticks_from_us(kCommandTimeoutUs);
    for (;;) {
        u32 is = reg<u32>(d.port + kPxIs);
        if (is & kIsTfes) break;
        if (!(reg<u32>(d.port + kPxCi) & 1)) break;
        if (sw.poll() > limit) {
            recover(d);
            return disk_status::kTimeout;
        }
        asm volatile("pause" ::: "memory");
    }
    u32 tfd = reg<u32>(d.port + kPxTfd);
    if ((reg<u32>(d.port + kPxIs) & kIsTfes) || (tfd & kTfdErr)) {
        recover(d);
        return disk_status::kControllerFail;
    }
    return disk_status::kOk;
}

u8* clear_fis(const AhciDrive& d) {
    u8* fis = reinterpret_cast<u8*>(uintptr_t(d.mem + kTableOffset));
    __builtin_memset(fis, 0, 0x80 + 16);
    fis[0] = ahci::kFisH2d;
    fis[1] = ahci::kFisCommand;
    return fis;
}

}  // namespace

u8 ahci_command(const AhciDrive& d, u8 cmd, u64 lba, u32 count, u32 buf, u32 bytes, bool write) {
    u8* fis = clear_fis(d);
    fis[2] = cmd;
    fis[4] = u8(lba), fis[5] = u8(lba >> 8), fis[6] = u8(lba >> 16);
    fis[7] = 0x40;  // LBA mode
    fis[8] = u8(lba >> 24), fis[9] = u8(lba >> 32), fis[10] = u8(lba >> 40);
    fis[12] = u8(count), fis[13] = u8(count >> 8);
    u8 err = issue(d, buf, bytes, write, false);
    if (err == disk_status::kTimeout) dlog(1, "ahci%u: command %02x timed out\n", d.port_no, cmd);
    if (err == disk_status::kControllerFail) {
        dlog(2, "ahci%u: command %02x at lba %llu failed\n", d.port_no, cmd, (unsigned long long)lba);
        return write ? disk_status::kWriteFault : disk_status::kBadEcc;
    }
    return err;
}

u8 ahci_atapi_exec(AhciDrive& d, ScsiCmd* c) {
    u8* fis = clear_fis(d);
    fis[2] = ahci::kAtaPacket;
    fis[3] = c->len ? ahci::kFeatureDma : 0;
    fis[5] = 0xFF, fis[6] = 0xFF;  // byte count limit (PIO only; harmless)
    __builtin_memcpy(fis + 0x40, c->cdb, c->cdb_len < 16 ? c->cdb_len : 16);
    u8 err = issue(d, c->buf, c->len, c->write, true);
    if (err == disk_status::kTimeout) {
        dlog(1, "ahci%u: ATAPI command %02x timed out\n", d.port_no, c->cdb[0]);
        return err;
    }
    c->status = err ? scsi::kStatusCheckCondition : scsi::kStatusGood;
    return disk_status::kOk;
}

u8 ahci_rw(AhciDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done) {
    *done = 0;
    if (op == BlockOp::kVerify) {  // nothing moves; the range was checked
        *done = count;
        return disk_status::kOk;
    }
    bool write = op == BlockOp::kWrite;
    while (*done < count) {
        u32 n = min<u32>(count - *done, ahci::kMaxSectorsPerCommand);
        u8 st = ahci_command(d, write ? ahci::kAtaWriteDmaExt : ahci::kAtaReadDmaExt, lba + *done, n,
                             buf + *done * d.drive.sector_size, n * d.drive.sector_size, write);
        if (st) return st;
        *done += n;
    }
    return disk_status::kOk;
}

}  // namespace reef
