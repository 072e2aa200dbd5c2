// SPDX-License-Identifier: LGPL-3.0-or-later
// Standard VGA registers (IBM VGA Technical Reference) and the Bochs DISPI
// interface that QEMU's std VGA, bochs-display and others implement
// (QEMU include/hw/display/bochs-vbe.h, hw/display/vga.c).
#pragma once
#include "lib/io.h"

namespace reef::vga {

namespace port {
constexpr u16 kAttrIndex = 0x3C0;   // index and data alternate (flip-flop)
constexpr u16 kAttrRead = 0x3C1;
constexpr u16 kMiscWrite = 0x3C2;
constexpr u16 kSeqIndex = 0x3C4, kSeqData = 0x3C5;
constexpr u16 kPelMask = 0x3C6;
constexpr u16 kDacReadIndex = 0x3C7, kDacWriteIndex = 0x3C8, kDacData = 0x3C9;
constexpr u16 kMiscRead = 0x3CC;
constexpr u16 kGcIndex = 0x3CE, kGcData = 0x3CF;
constexpr u16 kCrtcColor = 0x3D4, kCrtcMono = 0x3B4;  // data at +1
constexpr u16 kStatus1Color = 0x3DA, kStatus1Mono = 0x3BA;  // reading resets the flip-flop
constexpr u16 kDispiIndex = 0x1CE, kDispiData = 0x1CF;
}  // namespace port

namespace seq {
constexpr u8 kReset = 0, kClocking = 1, kMapMask = 2, kCharMap = 3, kMemMode = 4;
constexpr u8 kResetSync = 0x01, kResetRun = 0x03;
constexpr u8 kClockScreenOff = 0x20;
constexpr u8 kMapPlane2 = 0x04;
constexpr u8 kMemSequentialExt = 0x07;  // extended memory, no odd/even, chain-4 off
}  // namespace seq

namespace gc {
constexpr u8 kReadMap = 4, kMode = 5, kMisc = 6;
constexpr u8 kMiscA000_64K = 0x04;  // memory map A0000h-AFFFFh, graphics off
}  // namespace gc

namespace crtc {
constexpr u8 kMaxScanLine = 0x09, kCursorStart = 0x0A, kCursorEnd = 0x0B;
constexpr u8 kStartHigh = 0x0C, kStartLow = 0x0D, kCursorHigh = 0x0E, kCursorLow = 0x0F;
constexpr u8 kVSyncEnd = 0x11, kOffset = 0x13;
constexpr u8 kCursorOff = 0x20;      // in kCursorStart
constexpr u8 kProtect = 0x80;        // in kVSyncEnd: registers 0-7 write-protected
constexpr unsigned kCount = 25;
}  // namespace crtc

namespace attr {
constexpr u8 kPaletteEnable = 0x20;  // written with the index: the display shows the palette
constexpr u8 kModeControl = 0x10, kOverscan = 0x11, kPlaneEnable = 0x12, kPelPan = 0x13;
constexpr u8 kColorSelect = 0x14;
constexpr unsigned kCount = 20;
}  // namespace attr

namespace dispi {
constexpr u16 kId = 0, kXres = 1, kYres = 2, kBpp = 3, kEnable = 4, kBank = 5, kVirtWidth = 6,
              kVirtHeight = 7, kXOffset = 8, kYOffset = 9, kVideoMemory64K = 10;
constexpr u16 kId0 = 0xB0C0, kId5 = 0xB0C5;
constexpr u16 kEnabled = 0x01, kGetCaps = 0x02, k8BitDac = 0x20, kLfbEnabled = 0x40, kNoClearMem = 0x80;
}  // namespace dispi

namespace pci {
constexpr u32 kConfEnable = 0x80000000;
constexpr u8 kBar0 = 0x10, kBar2 = 0x18;
constexpr u32 kBarMemMask = 0xFFFFFFF0;
}  // namespace pci

// Standard segments of video memory.
constexpr u16 kSegGraphics = 0xA000, kSegMono = 0xB000, kSegColor = 0xB800;

inline u8 seq_read(u8 i) { outb(i, port::kSeqIndex); return inb(port::kSeqData); }
inline void seq_write(u8 i, u8 v) { outb(i, port::kSeqIndex); outb(v, port::kSeqData); }
inline u8 gc_read(u8 i) { outb(i, port::kGcIndex); return inb(port::kGcData); }
inline void gc_write(u8 i, u8 v) { outb(i, port::kGcIndex); outb(v, port::kGcData); }
inline u8 crtc_read(u16 base, u8 i) { outb(i, base); return inb(u16(base + 1)); }
inline void crtc_write(u16 base, u8 i, u8 v) { outb(i, base); outb(v, u16(base + 1)); }
inline u16 dispi_read(u16 i) { outw(i, port::kDispiIndex); return inw(port::kDispiData); }
inline void dispi_write(u16 i, u16 v) { outw(i, port::kDispiIndex); outw(v, port::kDispiData); }

}  // namespace reef::vga
