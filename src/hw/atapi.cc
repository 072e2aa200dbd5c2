// SPDX-License-Identifier: LGPL-3.0-or-later
// ATAPI on the PIIX IDE channels (32-bit runtime): the SCSI transport of
// IDE CD-ROMs (src/block/scsi.h). PACKET (A0h) in PIO mode, polled (nIEN
// is set on the channel), each data phase as long as the byte count the
// device puts in the cylinder registers.
#include "hw/ata.h"

#include "block/scsi.h"
#include "hw/timer.h"
#include "lib/log.h"

namespace reef {
namespace {
using namespace ata;

// Bytes per DRQ phase we offer (the byte count limit; even, a multiple of
// 2048 so that CD sectors never straddle phases).
constexpr u16 kByteCountLimit = 0xF800;
constexpr u8 kReasonIo = 0x02;  // interrupt reason (count register): to the host

void pio_words(u16 port, uintptr_t p, u32 words, bool out) {
    if (out) asm volatile("cld; rep outsw" : "+S"(p), "+c"(words) : "d"(port) : "memory");
    else asm volatile("cld; rep insw" : "+D"(p), "+c"(words) : "d"(port) : "memory");
}

}  // namespace

u8 atapi_exec(AtaDrive& d, ScsiCmd* c) {
    u16 io = d.iobase;
    if (wait_not_busy(io, kTimeoutUs) == 0xFF) return disk_status::kTimeout;
    RegDevice::write(io, u8(kDevObs | (d.slave ? kDevSlave : 0)));
    delay400ns(d.ctlbase);
    if (wait_not_busy(io, kTimeoutUs) == 0xFF) return disk_status::kTimeout;
    RegFeature::write(io, 0);  // PIO
    RegLba1::write(io, u8(kByteCountLimit));
    RegLba2::write(io, u8(kByteCountLimit >> 8));
    RegCommand::write(io, kCmdPacket);
    delay400ns(d.ctlbase);
    u8 st = wait_not_busy(io, kTimeoutUs);
    if (st == 0xFF) return disk_status::kTimeout;
    if (st & kStErr) {
        c->status = scsi::kStatusCheckCondition;
        return disk_status::kOk;
    }
    if (!(st & kStDrq)) return disk_status::kControllerFail;
    u16 packet[6] = {};
    __builtin_memcpy(packet, c->cdb, c->cdb_len < 12 ? c->cdb_len : 12);
    pio_words(RegData::port(io), reinterpret_cast<uintptr_t>(packet), 6, true);
    delay400ns(d.ctlbase);
    u32 moved = 0;
    for (;;) {
        st = wait_not_busy(io, kTimeoutUs);
        if (st == 0xFF) {
            dlog(1, "ata%d-%d: ATAPI command %02x timed out\n", d.channel, d.slave, c->cdb[0]);
            return disk_status::kTimeout;
        }
        if (st & kStErr) {
            c->status = scsi::kStatusCheckCondition;
            return disk_status::kOk;
        }
        if (!(st & kStDrq)) break;
        u32 bytes = RegLba1::read(io) | u32(RegLba2::read(io)) << 8;
        bool to_host = RegCount::read(io) & kReasonIo;
        if (to_host == c->write) return disk_status::kControllerFail;
        // What the buffer takes moves; the rest is drained or padded.
        u32 take = min<u32>(bytes, c->len - moved) & ~1u;
        pio_words(RegData::port(io), c->buf + moved, take / 2, c->write);
        for (u32 extra = (bytes - take + 1) / 2; extra; extra--) {
            if (c->write) RegData::write(io, 0);
            else RegData::read(io);
        }
        moved += take;
        delay400ns(d.ctlbase);
    }
    if (moved < c->len && (c->cdb[0] == scsi::kRead10 || c->cdb[0] == scsi::kRead16)) {
        // A read that ended early moved less than it says: not a success.
        dlog(2, "ata%d-%d: ATAPI read moved %u of %u bytes (status %02x)\n", d.channel, d.slave, moved, c->len, st);
        return disk_status::kControllerFail;
    }
    c->status = scsi::kStatusGood;
    return disk_status::kOk;
}

}  // namespace reef
