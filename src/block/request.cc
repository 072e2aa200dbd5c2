// SPDX-License-Identifier: LGPL-3.0-or-later
#include "block/request.h"

namespace reef {
namespace {
template <class T> T get(const u8* p) {
    T v = 0;
    for (unsigned i = 0; i < sizeof(T); i++) v = T(v | (T(p[i]) << (8 * i)));
    return v;
}
constexpr u64 k4G = 0x100000000ull;
}  // namespace

u8 dap_decode(const u8* dap, u32 len, DapRequest* out) {
    *out = DapRequest{};
    out->count_off = 2;
    out->count_size = 2;
    if (len < 0x10 || dap[0] < 0x10) return disk_status::kBadCommand;
    u32 size = dap[0] < len ? dap[0] : len;
    u16 count = get<u16>(dap + 2);
    u16 off = get<u16>(dap + 4), seg = get<u16>(dap + 6);
    out->lba = get<u64>(dap + 8);
    bool long_form = count == 0xFF;
    if (long_form) {
        // EDD-4: count FFh -> the real count is the dword at 18h and the
        // buffer the 64-bit address at 10h.
        if (size < 0x1C) return disk_status::kBadCommand;
        out->count_off = 0x18;
        out->count_size = 4;
        out->count = get<u32>(dap + 0x18);
    } else if (count > kDapMaxCount) {
        return disk_status::kBadCommand;
    } else {
        out->count = count;
    }
    if (long_form || (seg == 0xFFFF && off == 0xFFFF)) {
        if (size < 0x18) return disk_status::kBadCommand;
        u64 flat = get<u64>(dap + 0x10);
        if (flat >= k4G) return disk_status::kBadCommand;
        out->buf = u32(flat);
        out->flat = true;
    } else {
        out->buf = (u32(seg) << 4) + off;
    }
    return disk_status::kOk;
}

bool chs_address_valid(const Chs& g, u16 cx, u8 dh) {
    u16 cyl = u16((cx >> 8) | ((cx & 0xC0) << 2));
    u16 sec = cx & 0x3F;
    return sec && sec <= g.spt && dh < g.heads && cyl < g.cylinders;
}

u8 chs_decode(const Chs& g, u16 cx, u8 dh, u8 al, ChsRequest* out) {
    *out = ChsRequest{};
    if (!al || al > 128 || !chs_address_valid(g, cx, dh)) return disk_status::kBadCommand;
    u16 cyl = u16((cx >> 8) | ((cx & 0xC0) << 2));
    u16 sec = cx & 0x3F;
    out->lba = (u64(cyl) * g.heads + dh) * g.spt + sec - 1;
    out->count = al;
    return disk_status::kOk;
}

u8 block_check(const Drive& d, BlockOp op, u64 lba, u32 count, u32 buf, const MemGuard& guard) {
    if (!count) return disk_status::kOk;
    if (lba >= d.sectors || count > d.sectors - lba) return disk_status::kSectorNotFound;
    if (op == BlockOp::kWrite && d.read_only()) return disk_status::kWriteProtected;
    if (op == BlockOp::kVerify) return disk_status::kOk;
    u64 end = u64(buf) + u64(count) * d.sector_size;
    if (end > k4G) return disk_status::kBadCommand;
    if (op == BlockOp::kRead) {
        // [buf, end) must miss [0, kLowEnd) and [ebda_base, kBiosEnd).
        if (buf < MemGuard::kLowEnd) return disk_status::kBadCommand;
        u32 lo = guard.ebda_base < MemGuard::kBiosEnd ? guard.ebda_base : MemGuard::kBiosEnd;
        if (buf < MemGuard::kBiosEnd && end > lo) return disk_status::kBadCommand;
    }
    return disk_status::kOk;
}

}  // namespace reef
