// SPDX-License-Identifier: LGPL-3.0-or-later
// SCSI CDBs and the data that comes back (pure logic; src/block/scsi.h).
#include "block/scsi.h"

namespace reef {
namespace {

void put_be32(u8* p, u32 v) {
    p[0] = u8(v >> 24), p[1] = u8(v >> 16), p[2] = u8(v >> 8), p[3] = u8(v);
}
void put_be64(u8* p, u64 v) {
    put_be32(p, u32(v >> 32));
    put_be32(p + 4, u32(v));
}
u32 be32(const u8* p) { return u32(p[0]) << 24 | u32(p[1]) << 16 | u32(p[2]) << 8 | p[3]; }
u64 be64(const u8* p) { return u64(be32(p)) << 32 | be32(p + 4); }

// ASCII from INQUIRY, trailing spaces (and anything unprintable) dropped.
void copy_ident(char* dst, const u8* src, u32 n) {
    u32 len = 0;
    for (u32 i = 0; i < n; i++) {
        char c = char(src[i]);
        dst[i] = c >= 0x20 && c < 0x7F ? c : ' ';
        if (dst[i] != ' ') len = i + 1;
    }
    dst[len] = 0;
}

}  // namespace

ScsiCmd scsi_cmd(u8 opcode, u32 buf, u32 len) {
    ScsiCmd c{};
    c.cdb[0] = opcode;
    c.cdb_len = opcode >= 0x80 ? 16 : opcode >= 0x20 ? 10 : 6;
    c.buf = buf;
    c.len = len;
    return c;
}

ScsiCmd scsi_cmd_inquiry(u32 buf) {
    ScsiCmd c = scsi_cmd(scsi::kInquiry, buf, scsi::kInquiryLen);
    c.cdb[4] = u8(scsi::kInquiryLen);
    return c;
}

ScsiCmd scsi_cmd_request_sense(u32 buf) {
    ScsiCmd c = scsi_cmd(scsi::kRequestSense, buf, scsi::kSenseLen);
    c.cdb[4] = u8(scsi::kSenseLen);
    return c;
}

ScsiCmd scsi_cmd_read_capacity10(u32 buf) { return scsi_cmd(scsi::kReadCapacity10, buf, 8); }

ScsiCmd scsi_cmd_mode_sense_header(u32 buf) {
    ScsiCmd c = scsi_cmd(scsi::kModeSense6, buf, 4);
    c.cdb[1] = 0x08;  // DBD: no block descriptors
    c.cdb[2] = 0x3F;  // all pages (only the header fits)
    c.cdb[4] = 4;
    return c;
}

ScsiCmd scsi_cmd_read_capacity16(u32 buf) {
    ScsiCmd c = scsi_cmd(scsi::kServiceActionIn16, buf, 32);
    c.cdb[1] = scsi::kSaReadCapacity16;
    put_be32(c.cdb + 10, 32);
    return c;
}

ScsiCmd scsi_cmd_rw(bool write, u64 lba, u32 count, u32 buf, u32 block_size) {
    bool small = count <= 0xFFFF && lba + count <= 0x100000000ull;
    ScsiCmd c = scsi_cmd(small ? (write ? scsi::kWrite10 : scsi::kRead10) : (write ? scsi::kWrite16 : scsi::kRead16),
                         buf, count * block_size);
    c.write = write;
    if (small) {
        put_be32(c.cdb + 2, u32(lba));
        c.cdb[7] = u8(count >> 8);
        c.cdb[8] = u8(count);
    } else {
        put_be64(c.cdb + 2, lba);
        put_be32(c.cdb + 10, count);
    }
    return c;
}

ScsiSense scsi_parse_sense(const u8* s, u32 len) {
    if (len < 1) return {};
    u8 code = s[0] & 0x7F;
    if ((code == 0x70 || code == 0x71) && len >= 3) {
        // Fixed format: key at 2, ASC/ASCQ at 12/13 (when the additional
        // length at 7 covers them).
        ScsiSense r{u8(s[2] & 0x0F), 0, 0};
        if (len >= 14 && len >= 8 && u32(s[7]) + 8 >= 14) r.asc = s[12], r.ascq = s[13];
        return r;
    }
    if ((code == 0x72 || code == 0x73) && len >= 4) return ScsiSense{u8(s[1] & 0x0F), s[2], s[3]};
    return {};
}

bool scsi_parse_inquiry(const u8* d, u32 len, ScsiInquiry* out) {
    if (len < 8) return false;
    *out = ScsiInquiry{};
    out->type = d[0] & 0x1F;
    out->qualifier = d[0] >> 5;
    out->removable = d[1] & 0x80;
    if (len >= 16) copy_ident(out->vendor, d + 8, 8);
    if (len >= 32) copy_ident(out->product, d + 16, 16);
    return true;
}

bool scsi_parse_capacity10(const u8* d, u64* sectors, u32* block_size) {
    u32 last = be32(d);
    *block_size = be32(d + 4);
    if (last == 0xFFFFFFFFu) return false;
    *sectors = u64(last) + 1;
    return true;
}

void scsi_parse_capacity16(const u8* d, u64* sectors, u32* block_size) {
    u64 last = be64(d);
    *sectors = last == ~0ull ? last : last + 1;
    *block_size = be32(d + 8);
}

u8 scsi_sense_status(const ScsiSense& s, bool write) {
    using namespace disk_status;
    switch (s.key) {
    case scsi::kSenseNotReady: return s.asc == scsi::kAscMediumNotPresent ? kNoMedia : kNotReady;
    case scsi::kSenseUnitAttention: return kMediaChanged;
    case scsi::kSenseDataProtect: return kWriteProtected;
    case scsi::kSenseMediumError: return write ? kWriteFault : kBadEcc;
    case scsi::kSenseIllegalRequest: return s.asc == 0x21 ? kSectorNotFound : kBadCommand;
    case scsi::kSenseHardwareError:
    case scsi::kSenseAborted: return kControllerFail;
    default: return kUndefined;
    }
}

}  // namespace reef
