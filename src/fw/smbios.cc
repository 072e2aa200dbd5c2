// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/smbios.h"

#include "lib/checksum.h"

namespace reef {
namespace {
using namespace smbios;

void put16(u8* p, u16 v) {
    p[0] = u8(v);
    p[1] = u8(v >> 8);
}
void put32(u8* p, u32 v) {
    for (int i = 0; i < 4; i++) p[i] = u8(v >> (8 * i));
}
u32 slen(const char* s) {
    u32 n = 0;
    while (s[n]) n++;
    return n;
}

// A structure: `fmt` (its formatted area, header included) and its strings.
u32 put_struct(u8* out, u32 cap, const u8* fmt, u32 fmt_len, const char* const* strs, int nstrs) {
    u32 n = fmt_len;
    for (int i = 0; i < nstrs; i++) n += slen(strs[i]) + 1;
    n += nstrs ? 1 : 2;
    if (n > cap) return 0;
    __builtin_memcpy(out, fmt, fmt_len);
    u32 at = fmt_len;
    for (int i = 0; i < nstrs; i++) {
        u32 l = slen(strs[i]);
        __builtin_memcpy(out + at, strs[i], l + 1);
        at += l + 1;
    }
    out[at++] = 0;
    if (!nstrs) out[at++] = 0;
    return at;
}

// BIOS characteristics (type 0, offset 0Ah) and extension bytes.
constexpr u64 kCharIsa = 1ull << 4, kCharPci = 1ull << 7, kCharShadowing = 1ull << 12, kCharEdd = 1ull << 19,
              kCharInt9 = 1ull << 27, kCharInt14 = 1ull << 28, kCharInt17 = 1ull << 29;
constexpr u8 kExt1Acpi = 1u << 0;
constexpr u8 kExt2TargetedContent = 1u << 2, kExt2VirtualMachine = 1u << 4;

}  // namespace

bool smbios_scan(const u8* t, u32 len, SmbiosScan* out) {
    *out = SmbiosScan{};
    u32 off = 0;
    while (off < len) {
        out->bad_offset = off;
        if (len - off < 4) {
            out->problem = "structure header past the end";
            return false;
        }
        u32 fmt = t[off + 1];
        if (fmt < 4) {
            out->problem = "structure shorter than its header";
            return false;
        }
        if (fmt > len - off) {
            out->problem = "structure runs past the end";
            return false;
        }
        // The string set: strings, each NUL-terminated, then one more NUL
        // (two NULs when there are no strings).
        u32 p = off + fmt;
        u32 end = 0;
        if (len - p >= 2 && t[p] == 0 && t[p + 1] == 0) {
            end = p + 2;
        } else {
            while (p < len && !end) {
                while (p < len && t[p]) p++;   // one string
                if (p >= len) break;
                p++;                           // its NUL
                if (p < len && t[p] == 0) end = p + 1;
            }
            if (!end) {
                out->problem = "strings run past the end";
                return false;
            }
        }
        u32 size = end - off;
        out->count++;
        if (size > out->max_size) out->max_size = size;
        if (t[off] == kTypeBios) out->has_type0 = true;
        off = end;
        if (t[off - size] == kTypeEnd) {
            out->has_end = true;
            break;
        }
    }
    out->len = off;
    out->bad_offset = 0;
    return true;
}

u32 smbios_type0(const SmbiosBios& b, u8* out, u32 cap) {
    u8 f[0x18] = {};
    f[0] = kTypeBios;
    f[1] = sizeof(f);
    put16(f + 2, 0x0000);
    f[4] = 1;  // vendor: string 1
    f[5] = 2;  // version: string 2
    put16(f + 6, u16((0x100000 - b.rom_bytes) >> 4));
    f[8] = 3;  // release date: string 3
    u32 blocks = b.rom_bytes / 0x10000;
    f[9] = u8(blocks == 0 ? 0 : blocks > 256 ? 0xFF : blocks - 1);
    u64 ch = kCharIsa | kCharPci | kCharShadowing | kCharEdd | kCharInt9 | kCharInt14 | kCharInt17;
    for (int i = 0; i < 8; i++) f[10 + i] = u8(ch >> (8 * i));
    f[18] = kExt1Acpi;
    f[19] = kExt2TargetedContent | kExt2VirtualMachine;
    f[20] = b.release_major;
    f[21] = b.release_minor;
    f[22] = 0xFF;  // no embedded controller firmware
    f[23] = 0xFF;
    const char* strs[3] = {b.vendor, b.version, b.date};
    return put_struct(out, cap, f, sizeof(f), strs, 3);
}

u32 smbios_minimal(const SmbiosBios& b, u8* out, u32 cap) {
    u32 n = smbios_type0(b, out, cap);
    if (!n) return 0;
    u8 sys[0x1B] = {};
    sys[0] = kTypeSystem;
    sys[1] = sizeof(sys);
    put16(sys + 2, 0x0100);
    sys[4] = 1;     // manufacturer
    sys[5] = 2;     // product
    sys[24] = 0x06; // wake-up type: power switch
    const char* strs[2] = {"QEMU", "Standard PC"};
    u32 m = put_struct(out + n, cap - n, sys, sizeof(sys), strs, 2);
    if (!m) return 0;
    n += m;
    u8 end[4] = {kTypeEnd, 4, 0x00, 0x7F};
    m = put_struct(out + n, cap - n, end, sizeof(end), nullptr, 0);
    return m ? n + m : 0;
}

bool smbios_fix_entry(u8* ep, u32 ep_len, u32 table_addr, const SmbiosScan& s) {
    if (ep_len >= kEp21Size && !__builtin_memcmp(ep, "_SM_", 4) && ep[5] == kEp21Size &&
        !__builtin_memcmp(ep + 0x10, "_DMI_", 5)) {
        if (s.len > 0xFFFF || s.count > 0xFFFF) return false;
        put16(ep + 0x08, u16(s.max_size));
        put16(ep + 0x16, u16(s.len));
        put32(ep + 0x18, table_addr);
        put16(ep + 0x1C, u16(s.count));
        ep[0x15] = 0;
        ep[0x15] = checksum_byte(ep + 0x10, kEp21Size - 0x10);
        ep[0x04] = 0;
        ep[0x04] = checksum_byte(ep, kEp21Size);
        return true;
    }
    if (ep_len >= kEp30Size && !__builtin_memcmp(ep, "_SM3_", 5) && ep[6] == kEp30Size) {
        put32(ep + 0x0C, s.len);
        put32(ep + 0x10, table_addr);
        put32(ep + 0x14, 0);
        ep[0x05] = 0;
        ep[0x05] = checksum_byte(ep, kEp30Size);
        return true;
    }
    return false;
}

void smbios_entry21(u8* ep, u32 table_addr, const SmbiosScan& s) {
    __builtin_memset(ep, 0, kEp21Size);
    __builtin_memcpy(ep, "_SM_", 4);
    ep[5] = kEp21Size;
    ep[6] = 2;  // SMBIOS 2.8
    ep[7] = 8;
    __builtin_memcpy(ep + 0x10, "_DMI_", 5);
    ep[0x1E] = 0x28;
    smbios_fix_entry(ep, kEp21Size, table_addr, s);
}

}  // namespace reef
