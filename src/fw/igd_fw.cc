// SPDX-License-Identifier: LGPL-3.0-or-later
// The IGD quirk in firmware (32-bit only): igd.cc's logic on the real fw_cfg,
// the POST allocator and flat memory.
#include "fw/fwcfg.h"
#include "fw/igd.h"
#include "lib/mode.h"

namespace reef {
namespace {

constinit IgdSetup g_igd;
bool g_igd_ready;

IgdSetup& igd() {
    if (!g_igd_ready) {
        g_igd.init(fwcfg(), post_alloc(), phys_mem(), CONFIG_IGD_TEST_OVERRIDE);
        g_igd_ready = true;
    }
    return g_igd;
}

bool igd_match(const PciDevice& dev) { return igd().match(dev); }
void igd_setup(PciConfig& cfg, const PciDevice& dev) { igd().setup(cfg, dev); }

}  // namespace

constinit const PciQuirk kIgdQuirk = {igd_match, igd_setup};

void igd_pci_done() { igd().finish(); }

}  // namespace reef
