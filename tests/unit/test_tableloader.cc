// SPDX-License-Identifier: LGPL-3.0-or-later
// QEMU's table loader (src/fw/tableloader.cc) against a fake environment:
// files, a flat memory with two zones, writable fw_cfg files.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "fw/tableloader.h"
#include "host_support.h"

using namespace reef;
using namespace reef::loader;

namespace {

class FakeEnv final : public LoaderEnv {
public:
    static constexpr u32 kHighBase = 0x7FF00000, kFsegBase = 0xF0000, kZoneSize = 0x10000;
    std::map<std::string, std::vector<u8>> files;
    std::map<std::string, FwCfgFile> dir;
    std::vector<u8> high = std::vector<u8>(kZoneSize, 0xEE), fseg = std::vector<u8>(kZoneSize, 0xEE);
    u32 high_next = kHighBase, fseg_next = kFsegBase;
    bool can_write = true;
    std::vector<std::pair<u32, u32>> released;

    void add(const std::string& name, std::vector<u8> data) {
        files[name] = data;
        FwCfgFile f{};
        f.size = u32(data.size());
        f.select = u16(0x20 + dir.size());
        std::strncpy(f.name, name.c_str(), sizeof(f.name) - 1);
        dir[name] = f;
    }
    const FwCfgFile* find(const char* name) override {
        auto it = dir.find(name);
        return it == dir.end() ? nullptr : &it->second;
    }
    void read(const FwCfgFile& f, u32 off, void* buf, u32 len) override {
        const auto& d = files[f.name];
        auto* out = static_cast<u8*>(buf);
        for (u32 i = 0; i < len; i++) out[i] = off + i < d.size() ? d[off + i] : 0;
    }
    bool write(const FwCfgFile& f, u32 off, const void* buf, u32 len) override {
        if (!can_write) return false;
        auto& d = files[f.name];
        EXPECT_LE(off + len, d.size());
        std::memcpy(d.data() + off, buf, len);
        return true;
    }
    u32 alloc(Zone z, u32 size, u32 align, const char*) override {
        u32& next = z == kZoneHigh ? high_next : fseg_next;
        u32 base = z == kZoneHigh ? kHighBase : kFsegBase;
        u32 a = (next + align - 1) & ~(align - 1);
        if (a + size > base + kZoneSize) return 0;
        next = a + size;
        return a;
    }
    void release(u32 addr, u32 size) override {
        released.push_back({addr, size});
        std::memset(map(addr, size), 0, size);
    }
    u8* map(u32 addr, u32 size) override {
        if (addr >= kHighBase && addr + size <= kHighBase + kZoneSize) return high.data() + (addr - kHighBase);
        if (addr >= kFsegBase && addr + size <= kFsegBase + kZoneSize) return fseg.data() + (addr - kFsegBase);
        ADD_FAILURE() << "map outside the zones: " << std::hex << addr << "+" << size;
        static u8 junk[1 << 20];
        return junk;
    }
    u32 le(u32 addr, int width) {
        u8* p = map(addr, width);
        u32 v = 0;
        for (int i = 0; i < width && i < 4; i++) v |= u32(p[i]) << (8 * i);
        return v;
    }
};

struct Script {
    std::vector<u8> bytes;
    u8* entry(u32 cmd) {
        bytes.resize(bytes.size() + kEntrySize, 0);
        u8* e = &bytes[bytes.size() - kEntrySize];
        std::memcpy(e, &cmd, 4);
        return e;
    }
    static void name(u8* field, const char* n) { std::strncpy(reinterpret_cast<char*>(field), n, kNameSize); }
    void allocate(const char* file, u32 align, u8 zone) {
        u8* e = entry(kAllocate);
        name(e + 4, file);
        std::memcpy(e + 4 + kNameSize, &align, 4);
        e[4 + kNameSize + 4] = zone;
    }
    void pointer(const char* dst, const char* src, u32 off, u8 width) {
        u8* e = entry(kAddPointer);
        name(e + 4, dst);
        name(e + 4 + kNameSize, src);
        std::memcpy(e + 4 + 2 * kNameSize, &off, 4);
        e[4 + 2 * kNameSize + 4] = width;
    }
    void checksum(const char* file, u32 off, u32 start, u32 len) {
        u8* e = entry(kAddChecksum);
        name(e + 4, file);
        std::memcpy(e + 4 + kNameSize, &off, 4);
        std::memcpy(e + 8 + kNameSize, &start, 4);
        std::memcpy(e + 12 + kNameSize, &len, 4);
    }
    void write_pointer(const char* dst, const char* src, u32 dst_off, u32 src_off, u8 width) {
        u8* e = entry(kWritePointer);
        name(e + 4, dst);
        name(e + 4 + kNameSize, src);
        std::memcpy(e + 4 + 2 * kNameSize, &dst_off, 4);
        std::memcpy(e + 8 + 2 * kNameSize, &src_off, 4);
        e[4 + 2 * kNameSize + 8] = width;
    }
};

// A miniature of what QEMU hands over: an RSDP (in the F-segment) pointing
// at an RSDT (with the tables), checksummed, and a vmgenid-style address
// written back into a writable file.
void qemu_like(FakeEnv& env, Script& s) {
    std::vector<u8> rsdp(20, 0);
    std::memcpy(rsdp.data(), "RSD PTR ", 8);
    rsdp[16] = 0x40;  // RSDT at offset 0x40 of the tables blob
    std::vector<u8> tables(0x80, 0);
    std::memcpy(tables.data() + 0x40, "RSDT", 4);
    tables[0x44] = 0x28;  // length
    tables[0x40 + 0x24] = 0x10;  // first table at offset 0x10
    env.add("etc/acpi/rsdp", rsdp);
    env.add("etc/acpi/tables", tables);
    env.add("etc/vmgenid_addr", std::vector<u8>(8, 0));
    s.allocate("etc/acpi/tables", 64, kZoneHigh);
    s.allocate("etc/acpi/rsdp", 16, kZoneFseg);
    s.pointer("etc/acpi/tables", "etc/acpi/tables", 0x40 + 0x24, 4);
    s.checksum("etc/acpi/tables", 0x40 + 9, 0x40, 0x28);
    s.pointer("etc/acpi/rsdp", "etc/acpi/tables", 16, 4);
    s.checksum("etc/acpi/rsdp", 8, 0, 20);
    s.write_pointer("etc/vmgenid_addr", "etc/acpi/tables", 0, 0x20, 8);
}

bool run(FakeEnv& env, Script& s, LoaderResult* r) {
    env.add("etc/table-loader", s.bytes);
    return table_loader_run(*env.find("etc/table-loader"), env, r);
}

u8 sum(const u8* p, u32 n) {
    u8 s = 0;
    for (u32 i = 0; i < n; i++) s = u8(s + p[i]);
    return s;
}

}  // namespace

TEST(TableLoader, LinksAndChecksumsLikeQemu) {
    FakeEnv env;
    Script s;
    qemu_like(env, s);
    LoaderResult r;
    ASSERT_TRUE(run(env, s, &r)) << r.problem;
    ASSERT_EQ(r.nblobs, 2);
    const LoaderBlob* t = loader_blob(r, "etc/acpi/tables");
    const LoaderBlob* p = loader_blob(r, "etc/acpi/rsdp");
    ASSERT_TRUE(t && p);
    EXPECT_EQ(t->addr % 64, 0u);
    EXPECT_EQ(p->addr, FakeEnv::kFsegBase);
    EXPECT_EQ(env.le(p->addr + 16, 4), t->addr + 0x40) << "RSDP -> RSDT";
    EXPECT_EQ(env.le(t->addr + 0x64, 4), t->addr + 0x10) << "RSDT -> first table";
    EXPECT_EQ(sum(env.map(p->addr, 20), 20), 0) << "RSDP checksum";
    EXPECT_EQ(sum(env.map(t->addr + 0x40, 0x28), 0x28), 0) << "RSDT checksum";
    u64 written;
    std::memcpy(&written, env.files["etc/vmgenid_addr"].data(), 8);
    EXPECT_EQ(written, u64(t->addr) + 0x20);
    EXPECT_EQ(r.pointers, 2);
    EXPECT_EQ(r.checksums, 2);
    EXPECT_EQ(r.writes, 1);
    EXPECT_EQ(r.bad_entry, -1);
}

TEST(TableLoader, PointerWidths) {
    for (u8 width : {1, 2, 4, 8}) {
        FakeEnv env;
        Script s;
        std::vector<u8> a(16, 0);
        a[4] = 0x05;  // an offset already in the field is added to
        env.add("a", a);
        env.add("b", std::vector<u8>(4, 0));
        s.allocate("b", 1, kZoneFseg);
        s.allocate("a", 16, kZoneHigh);
        s.pointer("a", "b", 4, width);
        LoaderResult r;
        ASSERT_TRUE(run(env, s, &r)) << int(width);
        u64 want = u64(loader_blob(r, "b")->addr) + 5;
        u8* p = env.map(loader_blob(r, "a")->addr + 4, width);
        u64 got = 0;
        for (int i = 0; i < width; i++) got |= u64(p[i]) << (8 * i);
        u64 mask = width == 8 ? ~0ull : (1ull << (8 * width)) - 1;
        EXPECT_EQ(got, want & mask) << int(width);
        EXPECT_EQ(p[width < 8 ? width : 7] != 0xEE, true);
    }
}

TEST(TableLoader, UnknownCommandsAreSkipped) {
    FakeEnv env;
    Script s;
    qemu_like(env, s);
    s.entry(0x99);  // a future command
    s.entry(0);     // padding
    LoaderResult r;
    EXPECT_TRUE(run(env, s, &r));
    EXPECT_EQ(r.skipped, 2);
}

// Every malformed script: refused with one log line naming the entry, every
// blob zeroed and freed, nothing written outside the blobs.
struct Broken {
    const char* what;
    void (*make)(FakeEnv&, Script&);
    const char* problem;
};

class TableLoaderBroken : public ::testing::TestWithParam<Broken> {};

TEST_P(TableLoaderBroken, RefusedCleanly) {
    const Broken& b = GetParam();
    FakeEnv env;
    Script s;
    b.make(env, s);
    std::vector<u8> high_before = env.high, fseg_before = env.fseg;
    test::clear_log();
    LoaderResult r;
    EXPECT_FALSE(run(env, s, &r));
    ASSERT_NE(r.problem, nullptr);
    EXPECT_STREQ(r.problem, b.problem);
    EXPECT_EQ(r.nblobs, 0);
    EXPECT_TRUE(test::log_contains("acpi: etc/table-loader")) << test::log_text();
    EXPECT_TRUE(test::log_contains(b.problem)) << test::log_text();
    EXPECT_TRUE(test::log_contains("no ACPI tables")) << test::log_text();
    int lines = 0;
    for (auto& l : test::log_lines())
        if (l.level == 1) lines++;
    EXPECT_EQ(lines, 1) << test::log_text();
    // Memory: every byte is either as before or zero (a released blob).
    for (size_t i = 0; i < env.high.size(); i++)
        ASSERT_TRUE(env.high[i] == high_before[i] || env.high[i] == 0) << "high +" << i;
    for (size_t i = 0; i < env.fseg.size(); i++)
        ASSERT_TRUE(env.fseg[i] == fseg_before[i] || env.fseg[i] == 0) << "fseg +" << i;
    // No RSDP signature survives.
    for (size_t i = 0; i + 8 <= env.fseg.size(); i++)
        ASSERT_NE(std::memcmp(&env.fseg[i], "RSD PTR ", 8), 0) << "a stale RSDP at fseg +" << i;
}

INSTANTIATE_TEST_SUITE_P(
    EveryCase, TableLoaderBroken,
    ::testing::Values(
        Broken{"unknown_file",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   s.allocate("etc/no-such-file", 16, kZoneHigh);
               },
               "no such fw_cfg file"},
        Broken{"pointer_to_unallocated",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   s.pointer("etc/acpi/rsdp", "etc/vmgenid_addr", 16, 4);
               },
               "pointer between files that were not allocated"},
        Broken{"pointer_offset_past_end",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   s.pointer("etc/acpi/rsdp", "etc/acpi/tables", 17, 4);
               },
               "pointer lies outside its file"},
        Broken{"pointer_offset_huge",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   s.pointer("etc/acpi/rsdp", "etc/acpi/tables", 0xFFFFFFFE, 4);
               },
               "pointer lies outside its file"},
        Broken{"pointer_width_3",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   s.pointer("etc/acpi/rsdp", "etc/acpi/tables", 0, 3);
               },
               "pointer width is not 1, 2, 4 or 8"},
        Broken{"checksum_past_end",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   s.checksum("etc/acpi/rsdp", 8, 0, 21);
               },
               "checksum range runs past its file"},
        Broken{"checksum_range_wraps",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   s.checksum("etc/acpi/rsdp", 8, 0xFFFFFFF0, 0x20);
               },
               "checksum range runs past its file"},
        Broken{"checksum_byte_outside",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   s.checksum("etc/acpi/rsdp", 20, 0, 20);
               },
               "checksum byte lies outside its file"},
        Broken{"allocation_fails",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   e.add("etc/huge", std::vector<u8>(FakeEnv::kZoneSize, 1));
                   s.allocate("etc/huge", 16, kZoneHigh);
               },
               "no memory for the file"},
        Broken{"bad_zone",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   e.add("etc/x", std::vector<u8>(4, 1));
                   s.allocate("etc/x", 16, 3);
               },
               "unknown allocation zone"},
        Broken{"bad_alignment",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   e.add("etc/x", std::vector<u8>(4, 1));
                   s.allocate("etc/x", 24, kZoneHigh);
               },
               "alignment is not a power of two"},
        Broken{"allocated_twice",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   s.allocate("etc/acpi/rsdp", 16, kZoneFseg);
               },
               "file allocated twice"},
        Broken{"unterminated_name",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   u8* x = s.entry(kAllocate);
                   std::memset(x + 4, 'a', kNameSize);
               },
               "bad file name"},
        Broken{"write_pointer_no_dma",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   e.can_write = false;
               },
               "the fw_cfg file cannot be written (no DMA)"},
        Broken{"write_pointer_outside_file",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   s.write_pointer("etc/vmgenid_addr", "etc/acpi/tables", 4, 0, 8);
               },
               "pointer lies outside the fw_cfg file"},
        Broken{"write_pointer_target_outside",
               [](FakeEnv& e, Script& s) {
                   qemu_like(e, s);
                   s.write_pointer("etc/vmgenid_addr", "etc/acpi/tables", 0, 0x80, 8);
               },
               "pointer target lies outside its file"}),
    [](const ::testing::TestParamInfo<Broken>& i) { return std::string(i.param.what); });

TEST(TableLoader, PartialEntryIsRefused) {
    FakeEnv env;
    Script s;
    qemu_like(env, s);
    s.bytes.resize(s.bytes.size() + 5);
    LoaderResult r;
    test::clear_log();
    EXPECT_FALSE(run(env, s, &r));
    EXPECT_TRUE(test::log_contains("not a multiple of 128")) << test::log_text();
}
