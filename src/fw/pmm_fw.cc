// SPDX-License-Identifier: LGPL-3.0-or-later
// The $PMM structure and the 32-bit side of its entry point (POST only):
// the logic is src/fw/pmm.cc, the 16-bit entry src/svc/pmm16.S.
#include "fw/pmm.h"

#include "lib/checksum.h"
#include "lib/log.h"
#include "lib/rtvars.h"

DECLARE_TEXT16(pmm_entry);

namespace reef {
namespace {
constinit Pmm g_pmm;
u32 g_header;  // flat address of the $PMM structure, 0 if there is none
}  // namespace

// Called by pmm_entry through call32 (on the runtime 32-bit stack) with the
// flat address of the caller's function number.
extern "C" u32 c32_pmm(u32 args_flat) { return g_pmm.call(reinterpret_cast<const u8*>(uintptr_t(args_flat))); }

void pmm_setup() {
    if (!CONFIG_PMM) return;
    g_pmm.init(&post_alloc());
    u32 a = post_alloc().alloc(Zone::kFseg, sizeof(PmmHeader), pmm::kAlign, "$PMM structure");
    if (!a) return;
    PmmHeader h{};
    h.signature = pmm::kSignature;
    h.revision = pmm::kRevision;
    h.length = sizeof(PmmHeader);
    h.entry_off = TEXT16_OFFSET(pmm_entry);
    h.entry_seg = FSEG;
    h.checksum = checksum_byte(&h, sizeof(h));
    __builtin_memcpy(reinterpret_cast<void*>(uintptr_t(a)), &h, sizeof(h));
    g_header = a;
    RT(g_pmm_call32) = u32(reinterpret_cast<uintptr_t>(&c32_pmm));
    dlog(2, "pmm: $PMM at 0x%x, entry %04x:%04x\n", a, h.entry_seg, h.entry_off);
}

void pmm_finalize() {
    if (!g_header) return;
    // POST-only (the specification): the structure goes (no signature for
    // a scan to find) and a caller that kept the entry gets "not supported".
    RT(g_pmm_call32) = 0;
    __builtin_memset(reinterpret_cast<void*>(uintptr_t(g_header)), 0, sizeof(PmmHeader));
    post_alloc().free(g_header);
    g_header = 0;
    g_pmm.finish();
}

}  // namespace reef
