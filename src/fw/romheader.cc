// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/romheader.h"

#include "lib/checksum.h"

namespace reef {
namespace {

template <class T> T load(const u8* p) {
    T v;
    __builtin_memcpy(&v, p, sizeof(T));
    return v;
}

// [off, off + len) lies inside [0, size).
bool inside(u32 off, u32 len, u32 size) { return off <= size && len <= size - off; }

}  // namespace

const char* rom_status_text(RomStatus s) {
    switch (s) {
    case RomStatus::kOk: return "ok";
    case RomStatus::kTooShort: return "shorter than a ROM header";
    case RomStatus::kNoSignature: return "no 55AA signature";
    case RomStatus::kZeroSize: return "size byte is 0";
    case RomStatus::kTruncated: return "size byte claims more than the image holds";
    case RomStatus::kBadChecksum: return "bad checksum";
    case RomStatus::kPcirOutside: return "PCI data structure outside the ROM";
    case RomStatus::kPcirNoSignature: return "no PCIR signature at the PCI data structure pointer";
    case RomStatus::kPcirBadLength: return "PCI data structure length too small";
    case RomStatus::kPcirMismatch: return "PCI data structure names another device";
    case RomStatus::kPcirNotX86: return "no x86 code image";
    case RomStatus::kPnpOutside: return "PnP header outside the ROM";
    case RomStatus::kPnpChain: return "PnP header chain loops or is too long";
    case RomStatus::kVectorOutside: return "BEV/BCV outside the ROM";
    }
    return "?";
}

RomStatus rom_parse_pnp(const u8* data, u32 size, RomInfo* out) {
    out->npnp = 0;
    out->pnp_bad_checksum = false;
    if (size < sizeof(RomHeader)) return RomStatus::kOk;
    u32 off = load<RomHeader>(data).pnp_offset;
    // A pointer that is 0, outside the ROM or not at "$PnP" means: no PnP
    // header (plain ROMs keep code there; QEMU's kvmvapic.bin does).
    if (!off || !inside(off, 4, size) || load<u32>(data + off) != rom::kPnpSignature) return RomStatus::kOk;
    u32 seen = 0;
    while (off) {
        if (seen == rom::kMaxPnpHeaders) return RomStatus::kPnpChain;
        if (!inside(off, sizeof(RomPnpHeader), size)) return RomStatus::kPnpOutside;
        RomPnpHeader h = load<RomPnpHeader>(data + off);
        if (h.signature != rom::kPnpSignature) break;  // the chain ends at a foreign structure
        u32 len = u32(h.length16) * rom::kPnpHeaderUnit;
        if (len < sizeof(RomPnpHeader) || !inside(off, len, size)) return RomStatus::kPnpOutside;
        if (byte_sum(data + off, len)) out->pnp_bad_checksum = true;
        if (h.bev >= size || h.bcv >= size) return RomStatus::kVectorOutside;
        for (int i = 0; i < out->npnp; i++)
            if (out->pnp[i].offset == off) return RomStatus::kPnpChain;
        RomPnp& p = out->pnp[out->npnp++];
        p.offset = u16(off);
        p.bev = h.bev;
        p.bcv = h.bcv;
        p.product = h.product < size ? h.product : 0;
        seen++;
        off = h.next;
    }
    return RomStatus::kOk;
}

RomStatus rom_check(const u8* data, u32 avail, const RomSource& src, RomInfo* out) {
    *out = RomInfo{};
    if (avail < sizeof(RomHeader)) return RomStatus::kTooShort;
    RomHeader h = load<RomHeader>(data);
    if (h.signature != rom::kSignature) return RomStatus::kNoSignature;
    if (!h.size512) return RomStatus::kZeroSize;
    u32 size = u32(h.size512) * rom::kBlockSize;
    if (size > avail) return RomStatus::kTruncated;
    out->size = size;
    if (post_byte_sum(data, size)) return RomStatus::kBadChecksum;
    u32 p = h.pcir_offset;
    bool pcir_there = p && inside(p, 4, size) && load<u32>(data + p) == rom::kPcirSignature;
    if (src.pci && !pcir_there) return inside(p, 4, size) ? RomStatus::kPcirNoSignature : RomStatus::kPcirOutside;
    if (pcir_there) {
        if (!inside(p, sizeof(RomPcir), size)) return RomStatus::kPcirOutside;
        RomPcir pc = load<RomPcir>(data + p);
        if (pc.length < kPcirMinLength) return RomStatus::kPcirBadLength;
        if (!inside(p, pc.length, size)) return RomStatus::kPcirOutside;
        if (pc.code_type != rom::kCodeTypeX86) return RomStatus::kPcirNotX86;
        if (src.pci && (pc.vendor != src.vendor || pc.device != src.device)) return RomStatus::kPcirMismatch;
        out->has_pcir = true;
        out->pcir_offset = u16(p);
        out->vendor = pc.vendor;
        out->device = pc.device;
        __builtin_memcpy(out->class_code, pc.class_code, sizeof(out->class_code));
    }
    RomInfo pnp;
    RomStatus st = rom_parse_pnp(data, size, &pnp);
    if (st != RomStatus::kOk) return st;
    out->npnp = pnp.npnp;
    out->pnp_bad_checksum = pnp.pnp_bad_checksum;
    __builtin_memcpy(out->pnp, pnp.pnp, sizeof(out->pnp));
    return RomStatus::kOk;
}

RomStatus rom_find_x86_image(const u8* data, u32 avail, const RomSource& src, u32* offset) {
    u32 off = 0;
    for (u32 n = 0; n < rom::kMaxImages; n++) {
        if (!inside(off, sizeof(RomHeader), avail)) return RomStatus::kTooShort;
        RomHeader h = load<RomHeader>(data + off);
        if (h.signature != rom::kSignature) return RomStatus::kNoSignature;
        u32 p = h.pcir_offset;
        if (!inside(off + p, sizeof(RomPcir), avail)) return RomStatus::kPcirOutside;
        RomPcir pc = load<RomPcir>(data + off + p);
        if (pc.signature != rom::kPcirSignature) return RomStatus::kPcirNoSignature;
        if (pc.code_type == rom::kCodeTypeX86) {
            if (src.pci && (pc.vendor != src.vendor || pc.device != src.device)) return RomStatus::kPcirMismatch;
            *offset = off;
            return RomStatus::kOk;
        }
        if ((pc.indicator & rom::kPcirLastImage) || !pc.image_length512) return RomStatus::kPcirNotX86;
        off += u32(pc.image_length512) * rom::kBlockSize;
    }
    return RomStatus::kPcirNotX86;
}

u32 rom_string(const u8* data, u32 size, u16 offset, char* buf, u32 n) {
    if (!n) return 0;
    u32 len = 0;
    if (offset && offset < size) {
        constexpr u8 kFirstPrintable = 0x20, kLastPrintable = 0x7E;
        for (u32 i = offset; i < size && data[i] && len + 1 < n; i++)
            buf[len++] = data[i] >= kFirstPrintable && data[i] <= kLastPrintable ? char(data[i]) : '?';
    }
    buf[len] = 0;
    return len;
}

}  // namespace reef
