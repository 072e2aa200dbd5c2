// SPDX-License-Identifier: LGPL-3.0-or-later
// PCI enumeration of the whole tree (bridges, bus numbers, extra root
// buses), BAR and bridge-window sizing and placement: pure logic over a
// config space interface (CF8/CFC in firmware, a fake in the unit tests).
// docs/pci.md explains the rules.
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
constexpr u16 kStatusCapList = 0x10;
constexpr u8 kCapPtr = 0x34;
// Type-1 (PCI-PCI bridge) header.
constexpr u8 kPrimaryBus = 0x18, kSecondaryBus = 0x19, kSubordinateBus = 0x1A;
constexpr u8 kIoBase = 0x1C, kIoLimit = 0x1D, kMemBase = 0x20, kMemLimit = 0x22;
constexpr u8 kPrefBase = 0x24, kPrefLimit = 0x26, kPrefBaseUpper = 0x28, kPrefLimitUpper = 0x2C;
constexpr u8 kIoBaseUpper = 0x30, kIoLimitUpper = 0x32, kBridgeControl = 0x3E;
constexpr u16 kPrefMem64 = 0x1;           // low nibble of the prefetchable base/limit
constexpr u8 kIoDecode32 = 0x1;           // low nibble of the I/O base/limit
constexpr u16 kBridgeCtlVga = 0x08;
// Capabilities.
constexpr u8 kCapIdVendor = 0x09, kCapIdShpc = 0x0C, kCapIdPcie = 0x10;
// PCI Express capability: flags (+2) port type bits 7:4, slot implemented
// bit 8; slot capabilities (+0x14) bit 6 = hot-plug capable.
constexpr u8 kPcieFlags = 0x02, kPcieSlotCap = 0x14;
constexpr u16 kPcieFlagSlot = 0x100;
constexpr u32 kPcieSlotHotplug = 0x40;
constexpr u8 kPcieTypeRootPort = 0x4, kPcieTypeDownstream = 0x6;
// QEMU's resource-reserve hint (vendor capability of Red Hat's bridges,
// docs/pcie_pci_bridge.txt in QEMU): type byte +3 = 1, then the minimum
// bus count (u32 +4), I/O (u64 +8), memory (u32 +16), 32-bit prefetchable
// (u32 +20) and 64-bit prefetchable (u64 +24); all ones = no hint.
constexpr u16 kVendorRedHat = 0x1B36;
constexpr u8 kQemuCapType = 0x03, kQemuCapReserve = 1, kQemuCapLen = 32;
constexpr u8 kQemuResBus = 0x04, kQemuResIo = 0x08, kQemuResMem = 0x10, kQemuResPref32 = 0x14,
             kQemuResPref64 = 0x18;
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
    // Where the device hangs: index + 1 of the bridge above it in the device
    // list, 0 on a root bus (bus 0 or an extra root bus).
    u16 upstream;
    // The INTx pin after the bridges' swizzle up to the root bus, and the
    // slot on the root bus it arrives at (both as the device's own on a
    // root bus); 0 = no interrupt pin.
    u8 root_slot, root_pin;
    u8 root_bus;  // 0, or an extra root bus
    // Index + 1 into the bridge list for PCI-PCI bridges, else 0.
    u8 bridge;
    // POST's own drivers use its BARs (32-bit flat code): keep them below 4 GiB.
    bool keep_low;
    u16 class_id() const { return u16((class_code << 8) | subclass); }
    int parent() const { return int(upstream) - 1; }
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
    u16 owner;      // index of the device in the list (pci_place_tree)
    u8 reg() const { return index == 6 ? pcireg::kRomAddress : u8(pcireg::kBar0 + 4 * index); }
};

// Scans bus 0 (all 32 slots, all functions of multi-function devices),
// without following bridges.
int pci_scan_bus0(PciConfig& cfg, PciDevice* out, int max);

// Bridge windows: I/O, memory, prefetchable memory.
enum : int { kWinIo = 0, kWinMem = 1, kWinPref = 2, kNumWin = 3 };

struct PciRange {
    u64 size;    // 0 = window closed
    u64 align;
    u64 addr;    // relative to the parent's window until placed, then absolute
    bool placed;
    bool is64;   // may sit above 4 GiB (prefetchable windows only)
};

struct PciBridge {
    u16 dev;                 // index in the device list
    u16 bdf;
    u8 primary, secondary, subordinate;
    bool pref64;             // the prefetchable window decodes 64-bit addresses
    bool io32;               // the I/O window decodes 32-bit addresses
    bool hotplug;            // a hot-plug slot below it (PCIe slot, SHPC)
    bool pcie;               // a PCI Express port
    bool extra_root;         // below an extra root bus (pxb)
    // QEMU's resource-reserve hint (kNoHint where absent).
    u64 res_io, res_mem, res_pref32, res_pref64;
    u32 res_bus;
    PciRange win[kNumWin];
};
constexpr u64 kNoHint = ~u64(0);

struct PciScanResult {
    int ndevices, nbridges;
    u8 last_bus;             // the highest bus number in use
    int extra_roots_found;
};

// Scans the whole tree: bus 0, then `extra_roots` more root buses (QEMU's
// etc/extra-pci-roots: pxb host bridges, found on the buses above the ones
// bus 0's bridges use). Bridges get bus numbers depth first, their windows
// closed; QEMU's reserve hints and hot-plug ability are read.
PciScanResult pci_scan(PciConfig& cfg, PciDevice* devs, int maxdevs, PciBridge* bridges, int maxbridges,
                       int extra_roots);

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

struct PciPlaceParams {
    PciWindow io;           // I/O, packed at the top
    PciWindow io_fallback;  // tried when io is too small for all of it
    PciWindow mem32;        // 32-bit memory, packed at the top
    PciWindow mem64;        // above 4 GiB, packed at the bottom; empty = none
    // Reserved in hot-plug capable bridges that have no QEMU hint.
    u64 hotplug_io, hotplug_mem, hotplug_pref;
};

// Sizes every bridge window bottom-up and places the root buses' BARs and
// windows in the root windows, 64-bit prefetchable ones above 4 GiB (not
// those of keep_low devices), then everything below each bridge inside its
// window. What does not fit is left unplaced and logged by name. Returns the
// number of BARs placed.
int pci_place_tree(PciBar* bars, int nbars, const PciDevice* devs, int ndevs, PciBridge* bridges,
                   int nbridges, const PciPlaceParams& params);

// Writes placed addresses to the devices (BARs, ROM BAR left disabled).
void pci_program_bars(PciConfig& cfg, const PciBar* bars, int n);
// Writes the bridges' windows (closed where empty or unplaced).
void pci_program_bridges(PciConfig& cfg, const PciDevice* devs, const PciBridge* bridges, int n);

}  // namespace reef
