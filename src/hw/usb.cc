// SPDX-License-Identifier: LGPL-3.0-or-later
// USB descriptors, Bulk-Only Transport wrappers and UAS information units:
// pure logic (src/hw/usb.h).
#include "hw/usb.h"

namespace reef {

namespace {
u16 le16(const u8* p) { return u16(p[0] | (p[1] << 8)); }
}  // namespace

u16 usb_default_mps0(UsbSpeed s) {
    switch (s) {
    case UsbSpeed::kLow: return 8;
    case UsbSpeed::kSuper: return 512;
    default: return 64;
    }
}

u16 usb_mps0_from_desc(UsbSpeed s, u8 b) {
    if (s == UsbSpeed::kSuper) return b == 9 ? 512 : 0;
    if (s == UsbSpeed::kLow) return b == 8 ? 8 : 0;
    if (s == UsbSpeed::kHigh) return b == 64 ? 64 : 0;
    return (b == 8 || b == 16 || b == 32 || b == 64) ? b : 0;
}

bool usb_find_interface(const u8* d, u32 len, u8 cls, u8 proto, UsbInterfaceInfo* out) {
    *out = UsbInterfaceInfo{};
    if (len < usb::kConfigDescLen || d[1] != usb::kDescConfig) return false;
    u32 total = le16(d + 2);
    if (total < len) len = total;
    u8 config = d[5];
    bool in_match = false, found = false;
    UsbEndpointInfo cur{};             // the endpoint descriptor read last
    UsbEndpointInfo* last = nullptr;   // where it was kept (the first each way)
    for (u32 off = 0; off + 2 <= len;) {
        u8 l = d[off], type = d[off + 1];
        if (l < 2 || off + l > len) break;
        const u8* p = d + off;
        if (type == usb::kDescInterface && l >= usb::kInterfaceDescLen) {
            if (found) break;  // the matching interface's descriptors end here
            in_match = p[5] == cls && (proto == 0xFF || p[7] == proto);
            if (in_match) {
                found = true;
                out->config_value = config;
                out->number = p[2];
                out->alt = p[3];
                out->cls = p[5];
                out->subclass = p[6];
                out->proto = p[7];
            }
            last = nullptr;
            cur = UsbEndpointInfo{};
        } else if (type == usb::kDescEndpoint && l >= usb::kEndpointDescLen && in_match) {
            u8 t = p[3] & usb::kEpTypeMask;
            UsbEndpointInfo* e = (p[2] & usb::kEpDirIn) ? &out->in : &out->out;
            last = nullptr;
            cur = UsbEndpointInfo{};
            if (t == usb::kEpBulk || t == usb::kEpInterrupt) {
                cur.addr = p[2];
                cur.type = t;
                cur.mps = u16(le16(p + 4) & 0x7FF);
                cur.interval = p[6];
                if (!e->addr) {
                    *e = cur;
                    last = e;
                }
            }
        } else if (type == usb::kDescSsEpCompanion && l >= usb::kSsCompanionLen && in_match) {
            cur.max_burst = p[2];
            if (cur.type == usb::kEpBulk) cur.max_streams = p[3] & 0x1F;
            if (last) *last = cur;
        } else if (type == uas::kDescPipeUsage && l >= 3 && in_match && cur.addr) {
            // UAS: the pipe this endpoint is (its own slot, whichever came first).
            UsbEndpointInfo* e = p[2] == uas::kPipeIdCommand  ? &out->cmd
                                 : p[2] == uas::kPipeIdStatus ? &out->status
                                 : p[2] == uas::kPipeIdDataIn ? &out->in
                                 : p[2] == uas::kPipeIdDataOut ? &out->out
                                                               : nullptr;
            if (e) {
                *e = cur;
                last = e;
            }
        }
        off += l;
    }
    return found;
}

BotCbw bot_make_cbw(u32 tag, u32 data_len, bool in, u8 lun, const u8* cdb, u8 cdb_len) {
    BotCbw c{};
    c.signature = bot::kCbwSignature;
    c.tag = tag;
    c.data_len = data_len;
    c.flags = in ? bot::kCbwFlagIn : 0;
    c.lun = u8(lun & 0x0F);
    if (cdb_len > sizeof(c.cb)) cdb_len = sizeof(c.cb);
    c.cb_len = cdb_len;
    for (u8 i = 0; i < cdb_len; i++) c.cb[i] = cdb[i];
    return c;
}

BotResult bot_check_csw(const u8* csw, u32 got, u32 tag) {
    if (got != bot::kCswLen) return BotResult::kInvalid;
    u32 sig = u32(csw[0]) | u32(csw[1]) << 8 | u32(csw[2]) << 16 | u32(csw[3]) << 24;
    u32 t = u32(csw[4]) | u32(csw[5]) << 8 | u32(csw[6]) << 16 | u32(csw[7]) << 24;
    if (sig != bot::kCswSignature || t != tag) return BotResult::kInvalid;
    switch (csw[12]) {
    case bot::kCswPassed: return BotResult::kPassed;
    case bot::kCswFailed: return BotResult::kFailed;
    case bot::kCswPhaseError: return BotResult::kPhaseError;
    default: return BotResult::kInvalid;
    }
}

void uas_make_command_iu(u8* iu, u16 tag, u8 lun, const u8* cdb, u8 cdb_len) {
    for (u32 i = 0; i < uas::kCommandIuLen; i++) iu[i] = 0;
    iu[0] = uas::kIuCommand;
    iu[2] = u8(tag >> 8);
    iu[3] = u8(tag);
    // iu[4]: priority 0, task attribute 0 (simple); iu[6]: no additional CDB.
    iu[9] = lun;  // SAM single-level LUN: peripheral addressing, bus 0
    if (cdb_len > 16) cdb_len = 16;
    for (u8 i = 0; i < cdb_len; i++) iu[16 + i] = cdb[i];
}

UasIu uas_parse_status(const u8* iu, u32 got, u16 tag, UasStatusInfo* out, u8* sense, u32 sense_max) {
    *out = UasStatusInfo{};
    if (got < 4 || u16(iu[2] << 8 | iu[3]) != tag) return UasIu::kInvalid;
    switch (iu[0]) {
    case uas::kIuReadReady: return UasIu::kReadReady;
    case uas::kIuWriteReady: return UasIu::kWriteReady;
    case uas::kIuResponse:
        if (got < 8) return UasIu::kInvalid;
        out->response = iu[7];
        return UasIu::kResponse;
    case uas::kIuSense: {
        if (got < uas::kSenseIuHeader) return UasIu::kInvalid;
        out->status = iu[6];
        u32 n = u32(iu[14] << 8 | iu[15]);
        if (n > got - uas::kSenseIuHeader) n = got - uas::kSenseIuHeader;  // what arrived
        if (n > sense_max) n = sense_max;
        for (u32 i = 0; i < n; i++) sense[i] = iu[uas::kSenseIuHeader + i];
        out->sense_len = u8(n);
        return UasIu::kSense;
    }
    default: return UasIu::kInvalid;
    }
}

}  // namespace reef
