// SPDX-License-Identifier: LGPL-3.0-or-later
// PCI bus 0 enumeration, BAR sizing and placement: pure logic over a config
// space interface (CF8/CFC in firmware, a fake in the unit tests).
#pragma once
#include "lib/types.h"

namespace reef {

// Type-0 configuration header registers.
namespace pcireg {
constexpr u8 kVendorId = 0x00, kDeviceId = 0x02, kCommand = 0x04, kStatus = 0x06;
constexpr u8 kRevision = 0x08, kClassProg = 0x09, kClassDevice = 0x0A;
constexpr u8 kHeaderType = 0x0E, kBar0 = 0x10, kRomAddress = 0x30;
constexpr u8 kInterruptLine = 0x3C, kInterruptPin = 0x3D;
constexpr u16 kCmdIo = 0x1, kCmdMemory = 0x2, kCmdMaster = 0x4;
constexpr u32 kBarIoSpace = 0x1, kBarMem64 = 0x4, kBarPrefetch = 0x8;
constexpr u32 kRomEnable = 0x1;
}  // namespace pcireg

constexpr u16 pci_bdf(u8 bus, u8 dev, u8 fn) { return u16((bus << 8) | (dev << 3) | fn); }
constexpr u8 pci_bus(u16 bdf) { return u8(bdf >> 8); }
constexpr u8 pci_dev(u16 bdf) { return u8((bdf >> 3) & 0x1F); }
constexpr u8 pci_fn(u16 bdf) { return u8(bdf & 7); }

class PciConfig {
public:
    virtual u32 read32(u16 bdf, u8 off) = 0;
    virtual void write32(u16 bdf, u8 off, u32 v) = 0;
    // Narrow accesses, built on the 32-bit ones unless overridden.
    virtual u16 read16(u16 bdf, u8 off);
    virtual void write16(u16 bdf, u8 off, u16 v);
    virtual u8 read8(u16 bdf, u8 off);
    virtual void write8(u16 bdf, u8 off, u8 v);

protected:
    ~PciConfig() = default;
};

struct PciDevice {
    u16 bdf;
    u16 vendor, device;
    u8 class_code, subclass, prog_if, revision;
    u8 header_type;  // without the multi-function bit
    u8 irq_pin;
    u16 class_id() const { return u16((class_code << 8) | subclass); }
};

enum class BarKind : u8 { kIo, kMem, kRom };

struct PciBar {
    u16 bdf;
    u8 index;       // 0-5, or 6 for the expansion ROM
    BarKind kind;
    bool is64;
    bool prefetch;
    u64 size;       // a power of two, >= 16 for memory, >= 4 for I/O
    u64 addr;       // assigned address (valid when placed)
    bool placed;
    u8 reg() const { return index == 6 ? pcireg::kRomAddress : u8(pcireg::kBar0 + 4 * index); }
};

// Scans bus 0 (all 32 slots, all functions of multi-function devices).
int pci_scan_bus0(PciConfig& cfg, PciDevice* out, int max);
// Sizes the BARs and the ROM BAR of a type-0 device. Decoding is off during
// the probe and the original values are restored. Returns the count written.
int pci_size_bars(PciConfig& cfg, const PciDevice& dev, PciBar* out, int max);

struct PciWindow {
    u64 base;   // first usable address
    u64 limit;  // one past the last usable address
};

// Places every bar of the given kind (kIo in io; kMem and kRom in mem),
// largest first, packed at the top of the window. Bars that cannot fit are
// left unplaced (and logged). Returns the number of bars placed.
int pci_place_bars(PciBar* bars, int n, const PciWindow& io, const PciWindow& mem);

// Writes placed addresses to the devices (BARs, ROM BAR left disabled).
void pci_program_bars(PciConfig& cfg, const PciBar* bars, int n);

}  // namespace reef
