// SPDX-License-Identifier: LGPL-3.0-or-later
// Intel IGD assignment (docs/igd-passthrough.md): when QEMU's vfio-pci IGD
// quirks (or a user, by hand) provide the fw_cfg files etc/igd-opregion and
// etc/igd-bdsm-size, give the assigned Intel display device
//   - a copy of its OpRegion in reserved high memory, address in ASLS (0xFC);
//   - a reserved, zeroed stolen-memory (DSM) region, 1 MiB aligned below
//     4 GiB, address in BDSM (0x5C, or 0xC0 as 64 bits from gen 11 on).
// A PCI quirk matched during pci_setup(); pure logic over PciConfig, FwCfg,
// the Allocator and PhysMem, so the unit tests drive it with fakes.
#pragma once
#include "fw/fwcfg_dir.h"
#include "fw/malloc.h"
#include "fw/pci.h"

namespace reef {

namespace igdreg {
constexpr u8 kBdsm = 0x5C;    // Base of Data Stolen Memory, 32-bit (gen 6-9)
constexpr u8 kBdsm64 = 0xC0;  // the same, 64-bit (gen 11-12)
constexpr u8 kAsls = 0xFC;    // ASL Storage: OpRegion address
}  // namespace igdreg

constexpr u16 kIgdVendor = 0x8086;
constexpr u16 kIgdBdf = pci_bdf(0, 2, 0);
constexpr u64 kBdsmAlign = 1024 * 1024;

// The OpRegion header and mailbox 3 fields the copy depends on (Intel's
// OpRegion specification; i915's opregion_header/opregion_asle).
namespace opregion {
constexpr u32 kSize = 0x10;       // u32: the OpRegion's size in KiB
constexpr u32 kVerMinor = 0x16;   // OVER: minor version
constexpr u32 kVerMajor = 0x17;   // OVER: major version
constexpr u32 kRvda = 0x3BA;      // u64: raw VBT data address (2.0: physical; 2.1+: from the OpRegion base)
constexpr u32 kRvds = 0x3C2;      // u32: raw VBT data size
constexpr u32 kMailbox3End = 0x3C6;
constexpr u32 kBaseSize = 8 * 1024;  // what every OpRegion version defines
}  // namespace opregion

// Where the extended VBT of an OpRegion is, and what to do with it.
struct OpRegionPlan {
    bool has_header;   // signature, and long enough for mailbox 3
    u8 major, minor;
    u32 header_size;   // bytes, from the header (0: no usable header)
    u64 rvda;
    u32 rvds;
    bool vbt_inside;   // RVDA/RVDS describe bytes within the file (2.1+)
    bool vbt_outside;  // RVDA/RVDS set but not within the file: must be fixed
    u32 copy;          // bytes of the file to copy (the header's limit)
};
// Reads the header of the `n` bytes of etc/igd-opregion at `p`. The limit
// is the header's size, or RVDA + RVDS when an extended VBT follows inside
// the file; without a usable header, the whole file.
OpRegionPlan opregion_plan(const u8* p, u32 n);

// fw_cfg file names.
constexpr const char* kIgdOpRegionFile = "etc/igd-opregion";
constexpr const char* kIgdBdsmSizeFile = "etc/igd-bdsm-size";
constexpr const char* kIgdTestGenFile = "opt/reef/igd-test-gen";
constexpr const char* kIgdVbtFile = "etc/igd-vbt";

// The graphics generation of an Intel IGD device ID (the reference table in
// docs/igd-passthrough.md), or 0 if the ID is not in it.
int igd_generation(u16 device_id);

struct IgdBdsmReg {
    u8 offset;
    bool is64;
};
// The BDSM register of a generation: 0xC0 (64-bit) for gen 11 and 12, the
// classic 0x5C (32-bit) for everything else, unknown (0) included.
IgdBdsmReg igd_bdsm_reg(int gen);

// A real device ID of each generation, for the test override; 0 if none.
u16 igd_device_for_gen(int gen);

class IgdSetup {
public:
    // `test_override`: honour opt/reef/igd-test-gen (CONFIG_IGD_TEST_OVERRIDE).
    void init(const FwCfg& fw, Allocator& mem, PhysMem& phys, bool test_override);

    // The quirk's match: an Intel display device (class 0x0300, 0x0302 or 0x0380),
    // or, under the test override, the device at 00:02.0. False for
    // everything while neither etc/igd-* file exists.
    bool match(const PciDevice& dev);
    // The quirk's setup: the first matched device gets the OpRegion and the
    // stolen memory (at 00:02.0 on any QEMU; elsewhere QEMU 10.0+ asks for
    // it); later ones only a warning.
    void setup(PciConfig& cfg, const PciDevice& dev);
    // After PCI setup: says why nothing happened when the files exist but no
    // device took them.
    void finish();

    // Results (0 = not set up), for the log and the tests.
    u32 opregion_addr() const { return opregion_addr_; }
    u32 bdsm_addr() const { return bdsm_addr_; }
    u64 bdsm_size() const { return bdsm_size_; }
    u16 igd_bdf() const { return igd_bdf_; }

private:
    void scan();
    void setup_bdsm(PciConfig& cfg, const PciDevice& dev, u16 device, int gen);
    u32 place_vbt(u8* p, u32 addr, const OpRegionPlan& plan, const char* name);
    void setup_opregion(PciConfig& cfg, const PciDevice& dev, u16 device, int gen);
    bool overridden(const PciDevice& dev) const;

    const FwCfg* fw_ = nullptr;
    Allocator* mem_ = nullptr;
    PhysMem* phys_ = nullptr;
    bool allow_override_ = false;
    bool scanned_ = false;
    const FwCfgFile* opregion_ = nullptr;
    const FwCfgFile* bdsm_ = nullptr;
    const FwCfgFile* vbt_ = nullptr;
    u16 override_device_ = 0;  // pretend device ID for 00:02.0, 0 = off
    u16 igd_bdf_ = 0xFFFF;     // the device set up
    u32 opregion_addr_ = 0;
    u32 bdsm_addr_ = 0;
    u64 bdsm_size_ = 0;
};

#if defined(REEF_MODE32)
// Firmware: the quirk for pci_setup() and the after-PCI report.
extern const PciQuirk kIgdQuirk;
void igd_pci_done();
#endif

}  // namespace reef
