// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: the option ROM checks (src/fw/romheader.cc).
// Input: flags (bit 0: a PCI ROM), u16 vendor, u16 device, u16 runtime
// size in bytes, then the image.
// Invariants: kOk means the size byte fits the image, the bytes sum to 0,
// every PnP header, vector and PCIR lies inside the ROM; the multi-image
// search and the runtime re-parse stay inside what they are given.
#include "fuzz_support.h"
#include "fw/romheader.h"
#include "lib/checksum.h"

using namespace reef;
using namespace reef::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Reader in(data, size);
    u8 flags = in.u8v();
    RomSource src{bool(flags & 1), in.u16v(), in.u16v()};
    u32 runtime = in.u16v();
    std::vector<unsigned char> img = in.bytes(in.left());
    u32 avail = u32(img.size());
    RomInfo info;
    RomStatus st = rom_check(img.data(), avail, src, &info);
    FUZZ_CHECK(rom_status_text(st)[0] != '?', "status without a text");
    if (st == RomStatus::kOk) {
        FUZZ_CHECK(info.size && info.size <= avail && info.size % rom::kBlockSize == 0, "size %u of %u", info.size,
                   avail);
        FUZZ_CHECK(byte_sum(img.data(), info.size) == 0, "checksum");
        FUZZ_CHECK(info.npnp >= 0 && info.npnp <= int(rom::kMaxPnpHeaders), "npnp %d", info.npnp);
        for (int i = 0; i < info.npnp; i++) {
            const RomPnp& p = info.pnp[i];
            FUZZ_CHECK(p.offset + sizeof(RomPnpHeader) <= info.size, "PnP header %d outside", i);
            FUZZ_CHECK(p.bev < info.size && p.bcv < info.size && p.product < info.size, "vector %d outside", i);
            char name[30];
            FUZZ_CHECK(rom_string(img.data(), info.size, p.product, name, sizeof(name)) < sizeof(name), "name");
        }
        if (info.has_pcir) FUZZ_CHECK(info.pcir_offset + sizeof(RomPcir) <= info.size, "PCIR outside");
        if (src.pci) FUZZ_CHECK(info.has_pcir && info.vendor == src.vendor && info.device == src.device, "PCI match");
        RomInfo after;
        if (runtime > info.size) runtime = info.size;
        if (rom_parse_pnp(img.data(), runtime, &after) == RomStatus::kOk)
            for (int i = 0; i < after.npnp; i++)
                FUZZ_CHECK(after.pnp[i].offset + sizeof(RomPnpHeader) <= runtime, "runtime PnP %d outside", i);
    }
    u32 off = 0;
    if (rom_find_x86_image(img.data(), avail, src, &off) == RomStatus::kOk)
        FUZZ_CHECK(off + sizeof(RomHeader) <= avail && off % rom::kBlockSize == 0, "image at %u of %u", off, avail);
    return 0;
}
