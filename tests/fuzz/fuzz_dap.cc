// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: the INT 13h request checks (src/block/request.cc).
// Input: 32 bytes of DAP, then a drive (u64 sectors, u16 sector size,
// u8 flags), an op, CX/DH/AL of a CHS call, the EBDA base (u32).
// Invariants: a decoded DAP's count is 0-7Fh or came from the long form; a
// flat buffer is below 4 GiB; a request block_check accepts stays inside the
// drive, writes only writable media and, for reads, misses the IVT/BDA and
// EBDA..1 MiB; a decoded CHS address lies inside the geometry.
#include "block/request.h"
#include "fuzz_support.h"

using namespace reef;
using namespace reef::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Reader in(data, size);
    std::vector<unsigned char> raw = in.bytes(kDapMaxSize);
    raw.resize(kDapMaxSize);
    u32 avail = u32(in.u8v() % (kDapMaxSize + 1));
    Drive d{};
    d.sectors = in.u64v();
    d.sector_size = u16(1u << (9 + in.u8v() % 4));  // 512..4096
    d.flags = in.u8v() & 3;
    d.lchs = Chs{u16(in.u16v() % 1025), u16(in.u8v()), u16(in.u8v() % 64)};
    BlockOp op = BlockOp(in.u8v() % 3);
    u16 cx = in.u16v();
    u8 dh = in.u8v(), al = in.u8v();
    MemGuard g{in.u32v()};

    std::vector<unsigned char> dap(raw.begin(), raw.begin() + avail);  // exactly what is readable
    DapRequest r;
    if (dap_decode(dap.data(), avail, &r) == disk_status::kOk) {
        FUZZ_CHECK(r.count <= kDapMaxCount || r.count_off == 0x18, "count %u from the short form", r.count);
        FUZZ_CHECK(r.count_off + r.count_size <= (r.count_off == 0x18 ? 0x1C : 4), "count field");
        u8 st = block_check(d, op, r.lba, r.count, r.buf, g);
        if (st == disk_status::kOk && r.count) {
            FUZZ_CHECK(r.lba < d.sectors && r.count <= d.sectors - r.lba, "past the drive");
            FUZZ_CHECK(!(op == BlockOp::kWrite && d.read_only()), "write to read-only media");
            if (op != BlockOp::kVerify) {
                u64 end = u64(r.buf) + u64(r.count) * d.sector_size;
                FUZZ_CHECK(end <= 0x100000000ull, "past 4 GiB");
                if (op == BlockOp::kRead) {
                    FUZZ_CHECK(r.buf >= MemGuard::kLowEnd, "read into the IVT/BDA");
                    u64 lo = g.ebda_base < MemGuard::kBiosEnd ? g.ebda_base : MemGuard::kBiosEnd;
                    FUZZ_CHECK(r.buf >= MemGuard::kBiosEnd || end <= lo, "read into the EBDA/BIOS");
                }
            }
        }
    }
    ChsRequest c;
    if (chs_decode(d.lchs, cx, dh, al, &c) == disk_status::kOk) {
        FUZZ_CHECK(c.count >= 1 && c.count <= 128, "CHS count");
        u64 cyls = u64(d.lchs.cylinders), total = cyls * d.lchs.heads * d.lchs.spt;
        FUZZ_CHECK(c.lba < total, "CHS address outside the geometry");
    }
    return 0;
}
