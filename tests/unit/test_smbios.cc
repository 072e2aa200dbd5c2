// SPDX-License-Identifier: LGPL-3.0-or-later
// SMBIOS: walking QEMU's structures, our type 0 and minimal set, entry points.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "fw/smbios.h"

using namespace reef;

namespace {

std::vector<u8> st(u8 type, u8 fmt_len, u16 handle, std::vector<std::string> strs) {
    std::vector<u8> s(fmt_len, 0);
    s[0] = type;
    s[1] = fmt_len;
    s[2] = u8(handle);
    s[3] = u8(handle >> 8);
    for (auto& x : strs) {
        s.insert(s.end(), x.begin(), x.end());
        s.push_back(0);
    }
    s.push_back(0);
    if (strs.empty()) s.push_back(0);
    return s;
}

std::vector<u8> cat(std::initializer_list<std::vector<u8>> parts) {
    std::vector<u8> out;
    for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// What QEMU hands over for `-M pc` (shape, not content): types 1, 3, 4, 16,
// 17, 19, 32, 127.
std::vector<u8> qemu_tables() {
    return cat({st(1, 0x1B, 0x100, {"QEMU", "Standard PC (i440FX + PIIX, 1996)", "pc-i440fx-7.2"}),
                st(3, 0x16, 0x300, {"QEMU", "pc-i440fx-7.2"}), st(4, 0x2A, 0x400, {"CPU 0", "QEMU", "pc-i440fx-7.2"}),
                st(16, 0x17, 0x1000, {}), st(17, 0x28, 0x1100, {"DIMM 0", "QEMU"}), st(19, 0x1F, 0x1300, {}),
                st(32, 0x0B, 0x2000, {}), st(127, 4, 0x7F00, {})});
}

const SmbiosBios kBios{"ReefBIOS", "0.1-test", "12/02/2026", 128 * 1024, 0, 1};

u8 sum(const u8* p, u32 n) {
    u8 s = 0;
    for (u32 i = 0; i < n; i++) s = u8(s + p[i]);
    return s;
}

std::vector<std::string> strings_of(const u8* s) {
    std::vector<std::string> out;
    const char* p = reinterpret_cast<const char*>(s + s[1]);
    while (*p) {
        out.emplace_back(p);
        p += out.back().size() + 1;
    }
    return out;
}

}  // namespace

TEST(Smbios, ScansQemuTables) {
    auto t = qemu_tables();
    SmbiosScan s;
    ASSERT_TRUE(smbios_scan(t.data(), u32(t.size()), &s)) << s.problem;
    EXPECT_EQ(s.count, 8u);
    EXPECT_EQ(s.len, t.size());
    EXPECT_TRUE(s.has_end);
    EXPECT_FALSE(s.has_type0);
    EXPECT_EQ(s.max_size, st(1, 0x1B, 0x100, {"QEMU", "Standard PC (i440FX + PIIX, 1996)", "pc-i440fx-7.2"}).size());
}

TEST(Smbios, StopsAtTheEndStructure) {
    auto t = cat({qemu_tables(), std::vector<u8>(40, 0xAB)});
    SmbiosScan s;
    ASSERT_TRUE(smbios_scan(t.data(), u32(t.size()), &s));
    EXPECT_EQ(s.len, qemu_tables().size()) << "what follows type 127 is not the table";
}

TEST(Smbios, Malformed) {
    SmbiosScan s;
    auto t = qemu_tables();
    EXPECT_FALSE(smbios_scan(t.data(), 3, &s));
    EXPECT_STREQ(s.problem, "structure header past the end");
    auto bad = t;
    bad[1] = 2;  // formatted area shorter than the header
    EXPECT_FALSE(smbios_scan(bad.data(), u32(bad.size()), &s));
    EXPECT_STREQ(s.problem, "structure shorter than its header");
    EXPECT_EQ(s.bad_offset, 0u);
    bad = t;
    bad[1] = 0xFF;
    EXPECT_FALSE(smbios_scan(bad.data(), 40, &s));
    EXPECT_STREQ(s.problem, "structure runs past the end");
    auto unterminated = st(1, 0x1B, 0x100, {"QEMU"});
    unterminated.pop_back();  // no terminating NUL of the set
    unterminated.pop_back();  // nor of the string
    EXPECT_FALSE(smbios_scan(unterminated.data(), u32(unterminated.size()), &s));
    EXPECT_STREQ(s.problem, "strings run past the end");
}

TEST(Smbios, NoEndStructure) {
    auto t = st(1, 0x1B, 0x100, {"QEMU"});
    SmbiosScan s;
    ASSERT_TRUE(smbios_scan(t.data(), u32(t.size()), &s));
    EXPECT_FALSE(s.has_end);
    EXPECT_EQ(s.count, 1u);
}

TEST(Smbios, Type0) {
    u8 buf[256];
    u32 n = smbios_type0(kBios, buf, sizeof(buf));
    ASSERT_GT(n, 0u);
    EXPECT_EQ(buf[0], 0);
    EXPECT_EQ(buf[1], 0x18);
    EXPECT_EQ(buf[6] | buf[7] << 8, 0xE000) << "starting segment of a 128 KiB ROM";
    EXPECT_EQ(buf[9], 1) << "ROM size: (n + 1) * 64 KiB";
    u64 ch;
    std::memcpy(&ch, buf + 10, 8);
    EXPECT_TRUE(ch & (1ull << 7)) << "PCI";
    EXPECT_TRUE(ch & (1ull << 19)) << "EDD";
    EXPECT_FALSE(ch & (1ull << 3)) << "characteristics are supported";
    EXPECT_TRUE(buf[0x13] & (1u << 4)) << "the table describes a virtual machine";
    EXPECT_TRUE(buf[0x12] & 1) << "ACPI";
    auto strs = strings_of(buf);
    ASSERT_EQ(strs.size(), 3u);
    EXPECT_EQ(strs[buf[4] - 1], "ReefBIOS");
    EXPECT_EQ(strs[buf[5] - 1], "0.1-test");
    EXPECT_EQ(strs[buf[8] - 1], "12/02/2026");
    SmbiosScan s;
    ASSERT_TRUE(smbios_scan(buf, n, &s));
    EXPECT_EQ(s.count, 1u);
    EXPECT_TRUE(s.has_type0);
    EXPECT_EQ(smbios_type0(kBios, buf, 20), 0u) << "too small a buffer";
}

TEST(Smbios, Minimal) {
    u8 buf[512];
    u32 n = smbios_minimal(kBios, buf, sizeof(buf));
    ASSERT_GT(n, 0u);
    SmbiosScan s;
    ASSERT_TRUE(smbios_scan(buf, n, &s));
    EXPECT_EQ(s.count, 3u);
    EXPECT_TRUE(s.has_type0 && s.has_end);
    EXPECT_EQ(s.len, n);
}

TEST(Smbios, Entry21) {
    auto t = qemu_tables();
    SmbiosScan s;
    ASSERT_TRUE(smbios_scan(t.data(), u32(t.size()), &s));
    u8 ep[smbios::kEp21Size];
    smbios_entry21(ep, 0x7FE0000, s);
    EXPECT_EQ(std::memcmp(ep, "_SM_", 4), 0);
    EXPECT_EQ(sum(ep, smbios::kEp21Size), 0);
    EXPECT_EQ(sum(ep + 0x10, 0x0F), 0);
    u32 addr;
    std::memcpy(&addr, ep + 0x18, 4);
    EXPECT_EQ(addr, 0x7FE0000u);
    EXPECT_EQ(ep[0x16] | ep[0x17] << 8, int(t.size()));
    EXPECT_EQ(ep[0x1C] | ep[0x1D] << 8, 8);
    EXPECT_EQ(ep[0x08] | ep[0x09] << 8, int(s.max_size));
    // QEMU's own anchor (address 0) is fixed the same way.
    u8 anchor[smbios::kEp21Size];
    smbios_entry21(anchor, 0, SmbiosScan{});
    ASSERT_TRUE(smbios_fix_entry(anchor, sizeof(anchor), 0x7FE0000, s));
    EXPECT_EQ(std::memcmp(anchor, ep, sizeof(ep)), 0);
}

TEST(Smbios, Entry30) {
    u8 ep[smbios::kEp30Size] = {'_', 'S', 'M', '3', '_', 0, smbios::kEp30Size, 3, 0, 0, 1, 0};
    SmbiosScan s{};
    s.len = 0x1234;
    ASSERT_TRUE(smbios_fix_entry(ep, sizeof(ep), 0x7FE0000, s));
    EXPECT_EQ(sum(ep, sizeof(ep)), 0);
    u32 max, lo, hi;
    std::memcpy(&max, ep + 0x0C, 4);
    std::memcpy(&lo, ep + 0x10, 4);
    std::memcpy(&hi, ep + 0x14, 4);
    EXPECT_EQ(max, 0x1234u);
    EXPECT_EQ(lo, 0x7FE0000u);
    EXPECT_EQ(hi, 0u);
}

TEST(Smbios, BadAnchors) {
    SmbiosScan s{};
    u8 junk[smbios::kEp21Size] = {'_', 'S', 'M', '_'};
    EXPECT_FALSE(smbios_fix_entry(junk, sizeof(junk), 0, s)) << "length byte 0, no _DMI_";
    u8 short3[8] = {'_', 'S', 'M', '3', '_'};
    EXPECT_FALSE(smbios_fix_entry(short3, sizeof(short3), 0, s));
    u8 ep[smbios::kEp21Size];
    smbios_entry21(ep, 0, s);
    EXPECT_FALSE(smbios_fix_entry(ep, 16, 0, s)) << "truncated";
}

TEST(Smbios, RandomBytesNeverReadPastTheEnd) {
    // ASan watches: the scan must stay inside the buffer whatever it holds.
    std::mt19937 rng(7);
    for (int i = 0; i < 20000; i++) {
        std::vector<u8> t(rng() % 200);
        for (auto& b : t) b = u8(rng() % 4 == 0 ? 0 : rng());
        SmbiosScan s;
        if (smbios_scan(t.data(), u32(t.size()), &s)) {
            EXPECT_LE(s.len, t.size());
            EXPECT_LE(s.max_size, s.len);
        }
    }
}

#include "lib/checksum.h"

TEST(Checksum, ByteSumMatchesABytewiseSum) {
    // Every length and alignment up to a few folds of the lanes.
    std::mt19937 rng(3);
    std::vector<u8> buf(3000);
    for (auto& b : buf) b = u8(rng());
    buf[100] = buf[101] = 0xFF;
    for (u32 off = 0; off < 8; off++)
        for (u32 n = 0; n + off <= buf.size(); n += (n < 64 ? 1 : 37)) {
            u8 want = 0;
            for (u32 i = 0; i < n; i++) want = u8(want + buf[off + i]);
            ASSERT_EQ(byte_sum(buf.data() + off, n), want) << "off " << off << " n " << n;
        }
    std::vector<u8> ff(70000, 0xFF);  // the worst case for the lanes
    EXPECT_EQ(byte_sum(ff.data(), u32(ff.size())), u8(70000u * 0xFF));
    u8 t[16] = {1, 2, 3};
    t[15] = checksum_byte(t, 15);
    EXPECT_EQ(byte_sum(t, 16), 0);
}
