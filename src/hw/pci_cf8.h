// SPDX-License-Identifier: LGPL-3.0-or-later
// PCI configuration mechanism #1 (ports 0xCF8/0xCFC): the one set of
// accessors for every firmware mode (POST's PciConfig, the PCI BIOS in 16-bit
// and position-independent 32-bit code). `bdf` is bus << 8 | dev << 3 | fn,
// `off` a register 0-0xFF; narrow accesses use the matching byte lanes of
// the data port.
#pragma once
#include "lib/io.h"

namespace reef::cf8 {

using Address = IoReg<u32, port::kPciConfAddr>;
using Data = IoReg<u32, port::kPciConfData>;
constexpr u32 kEnable = 0x80000000u;

[[gnu::always_inline]] inline void select(u16 bdf, u8 off) { Address::write(kEnable | (u32(bdf) << 8) | (off & 0xFC)); }
[[gnu::always_inline]] inline u16 lane(u8 off, u8 mask) { return u16(port::kPciConfData + (off & mask)); }

inline u32 read32(u16 bdf, u8 off) {
    select(bdf, off);
    return Data::read();
}
inline u16 read16(u16 bdf, u8 off) {
    select(bdf, off);
    return inw(lane(off, 2));
}
inline u8 read8(u16 bdf, u8 off) {
    select(bdf, off);
    return inb(lane(off, 3));
}
inline void write32(u16 bdf, u8 off, u32 v) {
    select(bdf, off);
    Data::write(v);
}
inline void write16(u16 bdf, u8 off, u16 v) {
    select(bdf, off);
    outw(v, lane(off, 2));
}
inline void write8(u16 bdf, u8 off, u8 v) {
    select(bdf, off);
    outb(v, lane(off, 3));
}

}  // namespace reef::cf8
