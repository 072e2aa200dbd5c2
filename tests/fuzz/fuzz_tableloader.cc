// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: QEMU's table loader (src/fw/tableloader.cc).
// Input: u8 file count (up to 4), per file u8 size/16 and its bytes (named
// etc/f0..etc/f3; f3 is writable), then the script (128-byte entries, names
// patched in from a small set so that commands find files).
// Invariants: no byte outside the allocated blobs is written; a refused
// script leaves no blob allocated and every blob's memory zeroed; a writable
// file is written only by WRITE_POINTER and inside its size.
#include <cstring>

#include "fuzz_support.h"
#include "fw/tableloader.h"

using namespace reef;
using namespace reef::fuzz;

namespace {

class Env final : public LoaderEnv {
public:
    static constexpr u32 kBase = 0x100000, kSize = 0x4000;
    std::vector<u8> mem = std::vector<u8>(kSize, 0xA5);
    std::vector<std::vector<u8>> files;
    std::vector<FwCfgFile> dir;
    std::vector<std::pair<u32, u32>> live;
    u32 next = kBase;

    const FwCfgFile* find(const char* name) override {
        for (auto& f : dir)
            if (!std::strcmp(f.name, name)) return &f;
        return nullptr;
    }
    void read(const FwCfgFile& f, u32 off, void* buf, u32 len) override {
        const auto& d = files[f.select];
        for (u32 i = 0; i < len; i++) static_cast<u8*>(buf)[i] = u64(off) + i < d.size() ? d[off + i] : 0;
    }
    bool write(const FwCfgFile& f, u32 off, const void* buf, u32 len) override {
        FUZZ_CHECK(f.select == 3, "a write into read-only file %s", f.name);
        FUZZ_CHECK(u64(off) + len <= f.size, "write past the file");
        std::memcpy(files[f.select].data() + off, buf, len);
        return true;
    }
    u32 alloc(loader::Zone, u32 size, u32 align, const char*) override {
        u32 a = (next + align - 1) & ~(align - 1);
        if (u64(a) + size > kBase + kSize || a < next) return 0;
        next = a + size;
        live.push_back({a, size});
        return a;
    }
    void release(u32 addr, u32 size) override {
        for (size_t i = 0; i < live.size(); i++)
            if (live[i].first == addr) {
                FUZZ_CHECK(live[i].second == size, "release size");
                live.erase(live.begin() + long(i));
                std::memset(map(addr, size), 0, size);
                return;
            }
        FUZZ_CHECK(false, "release of 0x%x, never allocated", addr);
    }
    u8* map(u32 addr, u32 size) override {
        bool inside = false;
        for (auto& b : live) inside |= addr >= b.first && u64(addr) + size <= u64(b.first) + b.second;
        FUZZ_CHECK(inside, "access to 0x%x+%u outside every blob", addr, size);
        return mem.data() + (addr - kBase);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Reader in(data, size);
    Env env;
    u32 nfiles = in.u8v() % 5;
    const char* names[] = {"etc/f0", "etc/f1", "etc/f2", "etc/f3"};
    for (u32 i = 0; i < nfiles; i++) {
        u32 fsize = u32(in.u8v()) * 16 + (i == 3 ? 8 : 0);
        std::vector<u8> d = in.bytes(fsize);
        d.resize(fsize);
        FwCfgFile f{};
        f.size = fsize;
        f.select = u16(i);
        std::strcpy(f.name, names[i]);
        env.files.push_back(d);
        env.dir.push_back(f);
    }
    std::vector<u8> script = in.rest();
    // Names from the set (so commands meet files); one in 8 left as fuzzed.
    for (size_t e = 0; e + loader::kEntrySize <= script.size(); e += loader::kEntrySize) {
        for (size_t field : {size_t(4), size_t(4 + loader::kNameSize)}) {
            u8 pick = script[e + field];
            if ((pick & 7) == 7) continue;
            std::memset(&script[e + field], 0, loader::kNameSize);
            std::strcpy(reinterpret_cast<char*>(&script[e + field]), names[pick % 4]);
        }
    }
    FwCfgFile sf{};
    sf.size = u32(script.size());
    sf.select = u16(env.files.size());
    std::strcpy(sf.name, "etc/table-loader");
    env.files.push_back(script);
    env.dir.push_back(sf);
    std::vector<u8> before = env.mem;
    LoaderResult r;
    bool ok = table_loader_run(env.dir.back(), env, &r);
    if (!ok) {
        FUZZ_CHECK(env.live.empty() && r.nblobs == 0, "a refused script left %zu blobs", env.live.size());
        for (size_t i = 0; i < env.mem.size(); i++)
            FUZZ_CHECK(env.mem[i] == before[i] || env.mem[i] == 0, "byte +%zu written and kept", i);
    } else {
        FUZZ_CHECK(int(env.live.size()) == r.nblobs, "blobs %d vs allocations %zu", r.nblobs, env.live.size());
        // Bytes outside the blobs are untouched.
        for (size_t i = 0; i < env.mem.size(); i++) {
            u32 a = Env::kBase + u32(i);
            bool in_blob = false;
            for (auto& b : env.live) in_blob |= a >= b.first && a < b.first + b.second;
            if (!in_blob) FUZZ_CHECK(env.mem[i] == before[i], "byte outside the blobs written at +%zu", i);
        }
    }
    return 0;
}
