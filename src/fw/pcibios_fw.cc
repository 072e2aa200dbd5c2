// SPDX-License-Identifier: LGPL-3.0-or-later
// POST's part of the PCI BIOS (svc/pcibios.h): the $PIR table and the
// BIOS32 Service Directory header, both in the F-segment where OSes scan for
// them, and the runtime variable through which the PCI BIOS finds the $PIR.
#include "fw/malloc.h"
#include "fw/pci.h"
#include "fw/pirtable.h"
#include "lib/checksum.h"
#include "lib/log.h"
#include "svc/pcibios.h"

// src/svc/bios32.S
extern "C" char bios32_directory_entry[];

namespace reef {
namespace {

using namespace pcibios;

void pir_setup() {
    PciState& pci = pci_state();
    if (!pci.intx_routed) {
        dlog(1, "pir: PCI interrupts are not routed; no $PIR table\n");
        return;
    }
    Allocator& a = post_alloc();
    u32 size = pir_table_size(pci.devices, pci.ndevices);
    u32 addr = a.alloc(Zone::kFseg, size, 16, "$PIR table");
    if (!addr) return;
    u32 len = pir_build(pci.devices, pci.ndevices, intx_routing(pci.chipset), phys_mem().map(addr, size), size);
    if (!len) {
        a.free(addr);
        return;
    }
    RT(g_pir_off) = u16(addr - FSEG_BASE);
    dlog(1, "pir: $PIR at 0x%x, %u slot entries\n", addr, (len - pir::kHeaderSize) / pir::kSlotSize);
}

void bios32_setup() {
    u32 addr = post_alloc().alloc(Zone::kFseg, sizeof(Bios32Directory), 16, "BIOS32 service directory");
    if (!addr) return;
    Bios32Directory d{};
    d.signature = kBios32Signature;
    d.entry = u32(reinterpret_cast<uintptr_t>(bios32_directory_entry));
    d.length = sizeof(d) / 16;
    d.checksum = checksum_byte(&d, sizeof(d));
    __builtin_memcpy(phys_mem().map(addr, sizeof(d)), &d, sizeof(d));
    dlog(2, "pcibios: BIOS32 service directory at 0x%x, entry 0x%x\n", addr, d.entry);
}

}  // namespace

void pcibios_setup() {
    pir_setup();
    bios32_setup();
}

}  // namespace reef
