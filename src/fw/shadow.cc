// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/shadow.h"

#include "fw/chipset.h"
#include "fw/pci.h"
#include "lib/log.h"

extern "C" u8 _r16_post_done;

namespace reef {
namespace {
// PAM registers: src/fw/chipset.h.
constexpr u16 kHostBridge = pci_bdf(0, 0, 0);
using namespace pam;

void set_pam_chunk(PciConfig& cfg, u8 pam0, u32 addr, u8 mode) {
    u32 idx = (addr - 0xC0000) / kChunk;  // 0..11
    u8 reg = u8(pam0 + 1 + idx / 2);
    u8 shift = (idx & 1) ? 4 : 0;
    u8 v = cfg.read8(kHostBridge, reg);
    v = u8((v & ~(0x3 << shift)) | (mode << shift));
    cfg.write8(kHostBridge, reg, v);
}
}  // namespace

void shadow_lock(u32 optionrom_end) {
    PciConfig& cfg = pci_config();
    u16 bridge = cfg.read16(kHostBridge, pcireg::kDeviceId);
    u8 pam0 = bridge == pciid::kI440fxDevice ? kPam0I440fx : bridge == pciid::kQ35MchDevice ? kPam0Q35 : 0;
    if (!pam0) {
        dlog(1, "shadow: unknown host bridge %04x, BIOS area left as is\n", bridge);
        return;
    }
    // The flat alias of the F-segment flag the reset path checks.
    *reinterpret_cast<volatile u8*>(FSEG_BASE + reinterpret_cast<uintptr_t>(&_r16_post_done)) = 1;
    u32 rom_end = u32(align_up(optionrom_end, 0x4000));
    for (u32 a = 0xC0000; a < 0xF0000; a += 0x4000) {
        u8 mode;
        if (a >= RTDATA_BASE && a < RTDATA_BASE + RTDATA_SIZE) mode = kReadWrite;  // runtime data + stacks
        else if (a >= TEXT32_BASE) mode = kReadOnly;     // BIOS image
        else if (a < rom_end) mode = kReadOnly;          // option ROMs
        else mode = kReadWrite;                          // free upper memory
        set_pam_chunk(cfg, pam0, a, mode);
    }
    u8 v = cfg.read8(kHostBridge, pam0);
    cfg.write8(kHostBridge, pam0, u8((v & 0x0F) | (kReadOnly << 4)));
    dlog(2, "shadow: 0xC0000-0x%x and 0xE0000-0xFFFFF read-only (runtime data at 0x%x writable)\n",
         rom_end, RTDATA_BASE);
}

}  // namespace reef
