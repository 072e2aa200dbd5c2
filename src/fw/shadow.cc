// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/shadow.h"

#include "fw/pci.h"
#include "lib/log.h"

extern "C" u8 _r16_post_done;

namespace reef {
namespace {
// PAM registers (host bridge 00:00.0): PAM0 bits 5:4 cover the
// F-segment; PAM1..PAM6 cover 0xC0000-0xEFFFF in 16 KiB halves.
// The Q35 MCH has the same registers at 0x90-0x96.
constexpr u16 kHostBridge = pci_bdf(0, 0, 0);
constexpr u8 kPam0I440fx = 0x59, kPam0Q35 = 0x90;
constexpr u8 kPamReadOnly = 0x1, kPamReadWrite = 0x3;
constexpr u16 kDevI440fx = 0x1237, kDevQ35Mch = 0x29C0;

void set_pam_chunk(PciConfig& cfg, u8 pam0, u32 addr, u8 mode) {
    u32 idx = (addr - 0xC0000) / 0x4000;  // 0..11
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
    u8 pam0 = bridge == kDevI440fx ? kPam0I440fx : bridge == kDevQ35Mch ? kPam0Q35 : 0;
    if (!pam0) {
        dlog(1, "shadow: unknown host bridge %04x, BIOS area left as is\n", bridge);
        return;
    }
    // The flat alias of the F-segment flag the reset path checks.
    *reinterpret_cast<volatile u8*>(FSEG_BASE + reinterpret_cast<uintptr_t>(&_r16_post_done)) = 1;
    u32 rom_end = u32(align_up(optionrom_end, 0x4000));
    for (u32 a = 0xC0000; a < 0xF0000; a += 0x4000) {
        u8 mode;
        if (a == RTDATA_BASE) mode = kPamReadWrite;         // runtime data + stack
        else if (a >= TEXT32_BASE) mode = kPamReadOnly;     // BIOS image
        else if (a < rom_end) mode = kPamReadOnly;          // option ROMs
        else mode = kPamReadWrite;                          // free upper memory
        set_pam_chunk(cfg, pam0, a, mode);
    }
    u8 v = cfg.read8(kHostBridge, pam0);
    cfg.write8(kHostBridge, pam0, u8((v & 0x0F) | (kPamReadOnly << 4)));
    dlog(2, "shadow: 0xC0000-0x%x and 0xE0000-0xFFFFF read-only (runtime data at 0x%x writable)\n",
         rom_end, RTDATA_BASE);
}

}  // namespace reef
