// SPDX-License-Identifier: LGPL-3.0-or-later
// HID report descriptors (src/hw/hid_pointer.h): where a pointing device
// reports its buttons and X/Y. Pure logic. Item encoding: HID 1.11 6.2.2.
#include "hw/hid_pointer.h"

namespace reef {

namespace {
namespace item {
// Short item prefix: tag (7:4), type (3:2), size code (1:0: 0, 1, 2, 4 bytes).
constexpr u8 kTypeMain = 0, kTypeGlobal = 1, kTypeLocal = 2, kLong = 0xFE;
// Main items.
constexpr u8 kInput = 0x8, kOutput = 0x9, kCollection = 0xA, kFeature = 0xB, kEndCollection = 0xC;
// Global items.
constexpr u8 kUsagePage = 0x0, kLogicalMin = 0x1, kLogicalMax = 0x2, kReportSize = 0x7, kReportId = 0x8,
             kReportCount = 0x9, kPush = 0xA, kPop = 0xB;
// Local items.
constexpr u8 kUsage = 0x0, kUsageMin = 0x1, kUsageMax = 0x2;
// Input item data bits.
constexpr u32 kConstant = 0x01, kRelative = 0x04;
}  // namespace item

constexpr u16 kPageGenericDesktop = 0x01, kPageButton = 0x09;
constexpr u16 kUsageX = 0x30, kUsageY = 0x31;
constexpr u32 kMaxReportBits = 64 * 8;
constexpr int kMaxUsages = 8, kMaxIds = 16;

struct Globals {
    u16 page;
    s32 lmin, lmax;
    u32 size, count;
    u8 id;
};

struct Locals {
    u32 usage[kMaxUsages];  // page << 16 | usage when 4 bytes long
    int nusage;
    u32 umin, umax;
    bool range;

    // The usage of field i of the main item (HID 1.11 6.2.2.8: a list is
    // used in order, the last repeated; a range counts up).
    bool get(u32 i, u16 page, u16* p, u16* u) const {
        u32 v;
        if (range) {
            if (umax < umin) return false;
            v = umin + i;
            if (v > umax) v = umax;
        } else if (nusage) {
            v = usage[i < u32(nusage) ? i : u32(nusage - 1)];
        } else {
            return false;
        }
        *p = (v >> 16) ? u16(v >> 16) : page;
        *u = u16(v);
        return true;
    }
};

u32 read_data(const u8* d, u32 n) {
    u32 v = 0;
    for (u32 i = 0; i < n; i++) v |= u32(d[i]) << (8 * i);
    return v;
}

s32 sign_extend(u32 v, u32 n) {
    if (n == 0 || n >= 4) return s32(v);
    u32 shift = 32 - 8 * n;
    return s32(v << shift) >> shift;
}
}  // namespace

HidPointerLayout hid_boot_mouse_layout() {
    HidPointerLayout l{};
    l.buttons = 3;
    l.button = {0, 1};
    l.x = {8, 8};
    l.y = {16, 8};
    l.report_len = 3;
    return l;
}

bool hid_parse_pointer(const u8* desc, u32 len, HidPointerLayout* out) {
    Globals g{}, stack[2]{};
    int sp = 0;
    Locals loc{};
    u32 offset[kMaxIds] = {};  // bits so far in each report ID's input report
    bool ids_used = false;
    HidPointerLayout l{};
    s32 xmin = 0, xmax = 0, ymin = 0, ymax = 0;
    bool xabs = false, yabs = false;
    u8 xy_id = 0, btn_id = 0;
    bool have_x = false, have_y = false;
    u32 i = 0;
    while (i < len) {
        u8 prefix = desc[i];
        if (prefix == item::kLong) {
            if (i + 2 >= len) return false;
            u32 n = desc[i + 1];
            if (i + 3 + n > len) return false;
            i += 3 + n;
            continue;
        }
        u32 n = prefix & 3;
        if (n == 3) n = 4;
        if (i + 1 + n > len) return false;
        u32 v = read_data(desc + i + 1, n);
        u8 type = (prefix >> 2) & 3, tag = prefix >> 4;
        i += 1 + n;
        if (type == item::kTypeGlobal) {
            switch (tag) {
            case item::kUsagePage: g.page = u16(v); break;
            case item::kLogicalMin: g.lmin = sign_extend(v, n); break;
            case item::kLogicalMax: g.lmax = sign_extend(v, n); break;
            case item::kReportSize: g.size = v; break;
            case item::kReportCount: g.count = v; break;
            case item::kReportId:
                if (v == 0 || v >= u32(kMaxIds)) return false;
                g.id = u8(v);
                ids_used = true;
                break;
            case item::kPush:
                if (sp == 2) return false;
                stack[sp++] = g;
                break;
            case item::kPop:
                if (sp == 0) return false;
                g = stack[--sp];
                break;
            default: break;
            }
        } else if (type == item::kTypeLocal) {
            switch (tag) {
            case item::kUsage:
                if (loc.nusage < kMaxUsages) loc.usage[loc.nusage++] = n == 4 ? v : v & 0xFFFF;
                break;
            case item::kUsageMin:
                loc.umin = v;
                loc.range = true;
                break;
            case item::kUsageMax:
                loc.umax = v;
                loc.range = true;
                break;
            default: break;
            }
        } else if (type == item::kTypeMain) {
            if (tag == item::kInput) {
                u32& off = offset[g.id];
                if (g.size > 32 || g.count > kMaxReportBits || off + g.size * g.count > kMaxReportBits) return false;
                u32 base = off + (ids_used ? 8 : 0);
                for (u32 f = 0; f < g.count && !(v & item::kConstant); f++) {
                    u16 p, u;
                    if (!loc.get(f, g.page, &p, &u)) break;
                    u16 bit = u16(base + f * g.size);
                    bool abs = !(v & item::kRelative);
                    if (p == kPageButton && u == 1 && !l.buttons && g.size == 1) {
                        l.button = {bit, 1};
                        l.buttons = u8(min<u32>(g.count - f, 3));
                        btn_id = g.id;
                    } else if (p == kPageGenericDesktop && u == kUsageX && !have_x) {
                        l.x = {bit, u8(g.size)};
                        xmin = g.lmin, xmax = g.lmax, xabs = abs, xy_id = g.id, have_x = true;
                    } else if (p == kPageGenericDesktop && u == kUsageY && !have_y) {
                        l.y = {bit, u8(g.size)};
                        ymin = g.lmin, ymax = g.lmax, yabs = abs, have_y = true;
                    }
                }
                off += g.size * g.count;
            }
            if (tag == item::kInput || tag == item::kOutput || tag == item::kFeature || tag == item::kCollection ||
                tag == item::kEndCollection)
                loc = Locals{};  // local items last until the next main item
        }
    }
    if (!have_x || !have_y || xabs != yabs) return false;
    if (l.x.size < 1 || l.x.size > 16 || l.y.size < 1 || l.y.size > 16) return false;
    if (!xabs && (l.x.size < 2 || l.y.size < 2)) return false;
    if (xabs && (xmax <= xmin || ymax <= ymin)) return false;
    if (btn_id != xy_id) l.buttons = 0, l.button = {};  // buttons in another report: not this one's
    l.report_id = ids_used ? xy_id : 0;
    l.absolute = xabs;
    l.x_min = xmin, l.x_max = xmax, l.y_min = ymin, l.y_max = ymax;
    l.report_len = u16((offset[xy_id] + (ids_used ? 8 : 0) + 7) / 8);
    *out = l;
    return true;
}

}  // namespace reef
