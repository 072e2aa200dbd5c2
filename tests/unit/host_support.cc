// SPDX-License-Identifier: LGPL-3.0-or-later
#include "host_support.h"

#include <cstdarg>
#include <cstring>

#include "lib/format.h"
#include "lib/log.h"

namespace reef {

void (*host_log_hook)(int level, const char* line) = nullptr;

namespace {
void vlog(int level, const char* fmt, va_list ap) {
    char buf[512];
    vsnformat(buf, sizeof(buf), fmt, ap);
    test::log_lines().push_back({level, buf});
    if (host_log_hook) host_log_hook(level, buf);
}
}  // namespace

void log_write(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(1, fmt, ap);
    va_end(ap);
}

void log_write_level(int level, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
}

namespace test {

std::vector<LogLine>& log_lines() {
    static std::vector<LogLine> lines;
    return lines;
}
void clear_log() { log_lines().clear(); }
bool log_contains(const std::string& needle) {
    for (auto& l : log_lines())
        if (l.text.find(needle) != std::string::npos) return true;
    return false;
}
std::string log_text() {
    std::string s;
    for (auto& l : log_lines()) s += l.text;
    return s;
}

// ---- FakePci ---------------------------------------------------------------
FakePci::Dev& FakePci::add(u16 bdf, u16 vendor, u16 device, u8 cls, u8 sub, u8 header_type) {
    Dev& d = devs_[bdf];
    d.cfg[0] = u8(vendor);
    d.cfg[1] = u8(vendor >> 8);
    d.cfg[2] = u8(device);
    d.cfg[3] = u8(device >> 8);
    d.cfg[0x0A] = sub;
    d.cfg[0x0B] = cls;
    d.cfg[0x0E] = header_type;
    return d;
}

void FakePci::set_bar(u16 bdf, int index, u64 size, u32 flags) {
    Dev& d = devs_.at(bdf);
    if (index == 6) {
        d.bar_mask[6] = u32(~(size - 1)) & 0xFFFFF800u;
        return;
    }
    u64 mask = ~(size - 1);
    if (flags & pcireg::kBarIoSpace) {
        d.bar_mask[index] = (u32(mask) & 0xFFFFFFFCu) | flags;
    } else {
        d.bar_mask[index] = (u32(mask) & 0xFFFFFFF0u) | flags;
        if (flags & pcireg::kBarMem64) d.bar_mask[index + 1] = u32(mask >> 32);
    }
    u32 low = flags;
    std::memcpy(&d.cfg[pcireg::kBar0 + 4 * index], &low, 4);
}

FakePci::Dev* FakePci::dev(u16 bdf) {
    auto it = devs_.find(bdf);
    return it == devs_.end() ? nullptr : &it->second;
}

u32 FakePci::read32(u16 bdf, u8 off) {
    Dev* d = dev(bdf);
    if (!d) return 0xFFFFFFFFu;
    u32 v;
    std::memcpy(&v, &d->cfg[off & 0xFC], 4);
    return v;
}

void FakePci::write32(u16 bdf, u8 off, u32 v) {
    Dev* d = dev(bdf);
    if (!d) return;
    off &= 0xFC;
    d->writes.push_back({off, v});
    if (d->readonly.count(off)) return;
    int bar = -1;
    if (off >= pcireg::kBar0 && off < pcireg::kBar0 + 24) bar = (off - pcireg::kBar0) / 4;
    if (off == pcireg::kRomAddress) bar = 6;
    // Type 0 headers decode BAR0-5 and the ROM; bridges (type 1) BAR0-1
    // only (their 10h-3Fh are bus numbers and windows).
    u8 ht = d->cfg[0x0E] & 0x7F;
    if (ht == 1 && bar >= 2) bar = -1;
    if (bar >= 0 && ht <= 1) {
        u32 mask = d->bar_mask[bar];
        // The upper half of a 64-bit BAR: decided by walking from BAR0, as
        // its own mask bits (all ones for small BARs) mean nothing.
        bool upper = false;
        for (int i = 0; bar != 6 && i < bar; i++) {
            u32 m = d->bar_mask[i];
            if (!(m & pcireg::kBarIoSpace) && (m & 0x6) == pcireg::kBarMem64) {
                if (i + 1 == bar) upper = true;
                i++;
            }
        }
        if (bar == 6) {
            v = (v & (mask | 1u));
        } else if (upper) {
            v &= mask;
        } else if (mask & pcireg::kBarIoSpace) {
            v = (v & mask & ~3u) | (mask & 3u);
        } else {
            v = (v & mask & ~0xFu) | (mask & 0xFu);
        }
    }
    std::memcpy(&d->cfg[off], &v, 4);
}

// ---- FakeFwCfg -------------------------------------------------------------
std::vector<unsigned char> FakeFwCfg::blob(u16 key) {
    if (key == fwcfg_key::kFileDir) {
        std::vector<unsigned char> d;
        u32 n = dir_count_override >= 0 ? u32(dir_count_override) : u32(files.size());
        u32 nbe = be32(n);
        d.insert(d.end(), reinterpret_cast<unsigned char*>(&nbe), reinterpret_cast<unsigned char*>(&nbe) + 4);
        u16 sel = 0x20;
        for (auto& [name, data] : files) {
            unsigned char e[64] = {};
            u32 size = be32(u32(data.size()));
            u16 s = be16(sel++);
            std::memcpy(e, &size, 4);
            std::memcpy(e + 4, &s, 2);
            std::strncpy(reinterpret_cast<char*>(e + 8), name.c_str(), 56);
            d.insert(d.end(), e, e + 64);
        }
        return d;
    }
    if (key >= 0x20) {
        u16 sel = 0x20;
        for (auto& [name, data] : files)
            if (sel++ == key) return data;
    }
    auto it = keys.find(key);
    return it == keys.end() ? std::vector<unsigned char>{} : it->second;
}

void FakeFwCfg::read(u16 key, u32 offset, void* buf, u32 len) {
    // Like the device: reads past the end return zeros.
    std::vector<unsigned char> b = blob(key);
    auto* out = static_cast<unsigned char*>(buf);
    for (u32 i = 0; i < len; i++) out[i] = offset + i < b.size() ? b[offset + i] : 0;
}

}  // namespace test
}  // namespace reef
