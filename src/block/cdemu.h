// SPDX-License-Identifier: LGPL-3.0-or-later
// El Torito boot state and disk emulation (docs/block-layer.md, "CD-ROM
// boot"): what INT 19h recorded when it booted a CD, and the emulated
// floppy or hard disk that then sits in front of the drive map. The
// emulated drive is a block-layer drive (DriverType::kCdEmu) whose 512-byte
// sectors are quarters of the CD's 2048-byte ones; its I/O runs in the
// 32-bit path (src/block/block32.cc) with a 2 KiB bounce buffer for sectors
// that only partly belong to a request.
#pragma once
#include "block/block.h"
#include "block/eltorito.h"
#include "lib/regs16.h"

namespace reef {

struct CdEmuDrive {
    Drive drive;       // first: what the block layer sees
    RtPtr<Drive> cd;   // the CD it reads from
    u32 lba;           // the image's first 2048-byte sector
};

struct CdBootState {
    bool booted;       // INT 19h booted a CD (4Bh answers)
    bool emulating;    // the emulated drive is in the drive map
    CdSpecPacket spec; // what 4Bh returns
    CdEmuDrive emu;
    RtPtr<Drive> cd;
    u32 catalog;       // the boot catalog's sector (4Dh)
    u32 bounce;        // flat address of a 2 KiB buffer (POST, when a CD exists)
};

#if defined(REEF_MODE16)
// INT 19h, a CD-ROM entry: loads the boot image the catalog names, sets up
// emulation and returns the far address to jump to and DL. False, with a
// message, when the CD cannot be booted.
bool cdrom_boot(Drive& cd, const char* desc, u16* seg, u8* dl);
// INT 13h AH=4Ah-4Dh (El Torito).
void cdrom_int13(Regs16* r);
#endif
#if defined(REEF_MODE32)
u8 cdemu_rw(CdEmuDrive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done);
#endif

}  // namespace reef

DECLARE_RTVAR(reef::CdBootState, g_cdboot);
