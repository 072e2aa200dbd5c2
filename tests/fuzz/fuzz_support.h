// SPDX-License-Identifier: LGPL-3.0-or-later
// Shared pieces of the libFuzzer targets: a checked-invariant macro, a reader
// that turns the input into fields (zeros once it runs out), a fw_cfg device
// serving a file list, and the e820 map's own promises.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "fw/e820.h"
#include "fw/fwcfg_dir.h"
#include "host_support.h"

namespace reef::fuzz {

// On the harness's own checking code: no coverage feedback or comparison
// tracing there (it would steer the fuzzer by the checks and slow it down);
// the sanitizers stay.
#define FUZZ_HARNESS __attribute__((no_sanitize("coverage")))

// An invariant of the firmware logic: on violation, say which and trap, so
// that libFuzzer saves the input as a crash.
#define FUZZ_CHECK(cond, ...)                                                      \
    do {                                                                           \
        if (!(cond)) {                                                             \
            std::fprintf(stderr, "\nFUZZ_CHECK failed at %s:%d: %s\n  ", __FILE__, \
                         __LINE__, #cond);                                         \
            std::fprintf(stderr, __VA_ARGS__);                                     \
            std::fprintf(stderr, "\n");                                            \
            reef::fuzz::dump_log();                                                \
            __builtin_trap();                                                      \
        }                                                                          \
    } while (0)

// The firmware's log of this input (the last lines), printed on a failure.
FUZZ_HARNESS inline void dump_log() {
    const auto& lines = reef::test::log_lines();
    size_t from = lines.size() > 40 ? lines.size() - 40 : 0;
    std::fprintf(stderr, "firmware log (%zu lines, last %zu):\n", lines.size(), lines.size() - from);
    for (size_t i = from; i < lines.size(); i++)
        std::fprintf(stderr, "  [%d] %s", lines[i].level, lines[i].text.c_str());
}

// REEF_FUZZ_LOG=1 in the environment: print the firmware's log of every
// input (to see what a seed reaches: run the target on that one file).
FUZZ_HARNESS inline void print_log_if_asked() {
    static const bool asked = std::getenv("REEF_FUZZ_LOG") != nullptr;
    if (!asked) return;
    for (const auto& l : reef::test::log_lines()) std::fprintf(stderr, "  [%d] %s", l.level, l.text.c_str());
}

// Little-endian fields from the input; past its end every read gives zeros.
class Reader {
public:
    Reader(const unsigned char* data, size_t size) : p_(data), n_(size) {}
    size_t left() const { return n_ - pos_; }
    bool empty() const { return pos_ >= n_; }
    u8 u8v() { return pos_ < n_ ? p_[pos_++] : 0; }
    u16 u16v() { return u16(u8v() | u16(u8v()) << 8); }
    u32 u32v() { return u16v() | u32(u16v()) << 16; }
    u64 u64v() { return u32v() | u64(u32v()) << 32; }
    // Up to `n` bytes (fewer when the input ends).
    std::vector<unsigned char> bytes(size_t n) {
        n = n < left() ? n : left();
        std::vector<unsigned char> v(p_ + pos_, p_ + pos_ + n);
        pos_ += n;
        return v;
    }
    std::vector<unsigned char> rest() { return bytes(left()); }

private:
    const unsigned char* p_;
    size_t n_;
    size_t pos_ = 0;
};

// A fw_cfg device holding named files. A file's directory size may differ
// from the bytes it holds (the device reads zeros past them), so that big
// files cost no input. Every file read is checked to stay inside the file's
// directory size: the firmware clamps reads itself.
class FwCfgDevice final : public FwCfgTransport {
public:
    struct File {
        std::string name;
        u32 size;                         // as the directory says
        std::vector<unsigned char> data;  // the first bytes; zeros after
    };
    bool present = true;
    bool dma = true;
    std::vector<File> files;  // select 0x20 + index

    void add(const std::string& name, u32 size, std::vector<unsigned char> data) {
        files.push_back(File{name, size, std::move(data)});
    }
    bool has_signature() override { return present; }
    bool has_dma() override { return dma; }
    FUZZ_HARNESS void read(u16 key, u32 offset, void* buf, u32 len) override {
        auto* out = static_cast<unsigned char*>(buf);
        if (key == fwcfg_key::kFileDir) {
            std::vector<unsigned char> d = directory();
            for (u32 i = 0; i < len; i++) out[i] = u64(offset) + i < d.size() ? d[offset + i] : 0;
            return;
        }
        FUZZ_CHECK(key >= 0x20 && size_t(key - 0x20) < files.size(), "read of key 0x%x, which is no file", key);
        const File& f = files[key - 0x20];
        FUZZ_CHECK(u64(offset) + len <= f.size, "read of %s at 0x%x+0x%x, past its size 0x%x", f.name.c_str(),
                   offset, len, f.size);
        for (u32 i = 0; i < len; i++) out[i] = u64(offset) + i < f.data.size() ? f.data[offset + i] : 0;
    }
    // The byte at `offset` of file `i`, as read() serves it.
    unsigned char byte(size_t i, u64 offset) const {
        return offset < files[i].data.size() ? files[i].data[offset] : 0;
    }

private:
    FUZZ_HARNESS std::vector<unsigned char> directory() const {
        std::vector<unsigned char> d(4 + 64 * files.size(), 0);
        u32 n = be32(u32(files.size()));
        std::memcpy(d.data(), &n, 4);
        for (size_t i = 0; i < files.size(); i++) {
            unsigned char* e = &d[4 + 64 * i];
            u32 size = be32(files[i].size);
            u16 sel = be16(u16(0x20 + i));
            std::memcpy(e, &size, 4);
            std::memcpy(e + 4, &sel, 2);
            std::memcpy(e + 8, files[i].name.data(), files[i].name.size() < 56 ? files[i].name.size() : 56);
        }
        return d;
    }
};

// What E820Map promises about its contents: at most kMaxEntries entries,
// each non-empty, typed and not wrapping, sorted, non-overlapping, and no two
// touching neighbours of the same type (they are merged).
FUZZ_HARNESS inline void check_e820(const E820Map& m, const char* when) {
    FUZZ_CHECK(m.count() >= 0 && m.count() <= E820Map::kMaxEntries, "%s: %d entries", when, m.count());
    for (int i = 0; i < m.count(); i++) {
        const E820Entry& e = m.at(i);
        FUZZ_CHECK(e.size != 0, "%s: entry %d is empty", when, i);
        FUZZ_CHECK(e.type != 0, "%s: entry %d has type 0", when, i);
        FUZZ_CHECK(e.base + e.size > e.base, "%s: entry %d wraps: 0x%llx+0x%llx", when, i,
                   (unsigned long long)e.base, (unsigned long long)e.size);
        if (i) {
            const E820Entry& p = m.at(i - 1);
            FUZZ_CHECK(p.end() <= e.base, "%s: entries %d and %d overlap or are unsorted", when, i - 1, i);
            FUZZ_CHECK(p.end() != e.base || p.type != e.type, "%s: entries %d and %d of type %u not merged", when,
                       i - 1, i, e.type);
        }
    }
}

// True if every byte of [lo, hi) is typed `type`.
inline bool e820_all(const E820Map& m, u64 lo, u64 hi, u32 type) { return m.total(type, lo, hi) == hi - lo; }

FUZZ_HARNESS inline bool e820_same(const E820Map& a, const E820Map& b) {
    if (a.count() != b.count()) return false;
    for (int i = 0; i < a.count(); i++)
        if (a.at(i).base != b.at(i).base || a.at(i).size != b.at(i).size || a.at(i).type != b.at(i).type)
            return false;
    return true;
}

FUZZ_HARNESS inline void dump_e820(const E820Map& m) {
    std::fprintf(stderr, "e820 map, %d entries:\n", m.count());
    for (int i = 0; i < m.count(); i++)
        std::fprintf(stderr, "  0x%016llx-0x%016llx %u\n", (unsigned long long)m.at(i).base,
                     (unsigned long long)m.at(i).end(), m.at(i).type);
}

}  // namespace reef::fuzz
