// SPDX-License-Identifier: LGPL-3.0-or-later
// Fuzz target: the fw_cfg file directory (src/fw/fwcfg_dir.cc). The input is
// the raw FW_CFG_FILE_DIR item as the device serves it: a big-endian u32
// count, then 64-byte entries (be32 size, be16 select, u16 reserved, char
// name[56]); the device reads zeros past its end. Every name in it (and
// variations of it) is then looked up and read through every read helper,
// in buffers of exactly the allowed size, so AddressSanitizer sees any
// overrun; the device checks that no read leaves the selected file.
#include <memory>

#include "fuzz_support.h"

using namespace reef;
using namespace reef::fuzz;

namespace {

constexpr size_t kEntry = 64, kName = 56;

// The content of every fw_cfg item: a pattern of (select, offset).
unsigned char pattern(u16 key, u64 offset) { return (unsigned char)(key * 31 + offset * 7 + (offset >> 9)); }

class DirDevice final : public FwCfgTransport {
public:
    DirDevice(const unsigned char* data, size_t size) : dir_(data), dir_size_(size) {}
    bool present = true;
    // init() reads the directory; afterwards key 0x19 is just a select
    // value some malformed entry may carry.
    bool in_init = true;
    // What the firmware may read now: key and [0, limit). -1 = any key.
    int allowed_key = -1;
    u64 limit = 0;
    // The last file read.
    bool read_seen = false;
    u32 last_offset = 0, last_len = 0;

    bool has_signature() override { return present; }
    bool has_dma() override { return dir_size_ & 1; }
    FUZZ_HARNESS void read(u16 key, u32 offset, void* buf, u32 len) override {
        auto* out = static_cast<unsigned char*>(buf);
        if (in_init) {
            FUZZ_CHECK(key == fwcfg_key::kFileDir, "init() read key 0x%x", key);
            // The directory is read once, whole: the count, then at most
            // kMaxFiles entries into the table.
            FUZZ_CHECK((offset == 0 && len == 4) || (offset == 4 && len <= FwCfg::kMaxFiles * kEntry),
                       "directory read at %u+%u", offset, len);
            for (u32 i = 0; i < len; i++) out[i] = u64(offset) + i < dir_size_ ? dir_[offset + i] : 0;
            return;
        }
        FUZZ_CHECK(allowed_key < 0 || key == allowed_key, "read of key 0x%x, expected 0x%x", key, allowed_key);
        FUZZ_CHECK(u64(offset) + len <= limit, "read at 0x%x+0x%x past the file's 0x%llx bytes", offset, len,
                   (unsigned long long)limit);
        read_seen = true;
        last_offset = offset;
        last_len = len;
        for (u32 i = 0; i < len; i++) out[i] = pattern(key, u64(offset) + i);
    }

private:
    const unsigned char* dir_;
    size_t dir_size_;
};

u32 be32_at(const unsigned char* p) { return u32(p[0]) << 24 | u32(p[1]) << 16 | u32(p[2]) << 8 | p[3]; }

// The raw directory as a reader expects it: bytes past the input are zeros.
struct RawDir {
    const unsigned char* data;
    size_t size;
    unsigned char at(size_t i) const { return i < size ? data[i] : 0; }
    u32 count() const { return u32(at(0)) << 24 | u32(at(1)) << 16 | u32(at(2)) << 8 | at(3); }
    FUZZ_HARNESS void entry(u32 i, unsigned char out[kEntry]) const {
        for (size_t j = 0; j < kEntry; j++) out[j] = at(4 + i * kEntry + j);
    }
};

// A NUL-terminated copy of `s` in a heap block of exactly its size.
std::unique_ptr<char[]> exact_string(const std::string& s) {
    std::unique_ptr<char[]> p(new char[s.size() + 1]);
    std::memcpy(p.get(), s.c_str(), s.size() + 1);
    return p;
}

// The entry find() must return: the first whose name is `q`.
FUZZ_HARNESS const FwCfgFile* reference_find(const FwCfg& fw, const std::string& q) {
    for (int i = 0; i < fw.file_count(); i++)
        if (q == fw.file(i).name) return &fw.file(i);
    return nullptr;
}

FUZZ_HARNESS void check_reads(const FwCfg& fw, DirDevice& dev, const FwCfgFile& f, const char* name, Reader& r) {
    dev.allowed_key = f.select;
    dev.limit = f.size;
    // read_file(name, buf, max), for max around the size and a few fixed ones.
    u32 extra = r.u16v();
    for (u64 max64 : {u64(0), u64(1), u64(f.size) - 1, u64(f.size), u64(f.size) + 1, u64(extra), u64(4096)}) {
        u32 max = u32(std::min<u64>(max64, 4096));  // keep the buffers small
        std::unique_ptr<unsigned char[]> buf(new unsigned char[max ? max : 1]);
        std::memset(buf.get(), 0xA5, max ? max : 1);
        dev.read_seen = false;
        s32 got = fw.read_file(name, buf.get(), max);
        FUZZ_CHECK(got == s32(f.size), "read_file(%s) returned %d for a 0x%x-byte file", name, got, f.size);
        u32 want = std::min(max, f.size);
        FUZZ_CHECK(want == 0 ? !dev.read_seen || dev.last_len == 0
                             : dev.read_seen && dev.last_offset == 0 && dev.last_len == want,
                   "read_file(%s, max %u) read %u bytes at %u, wanted %u", name, max, dev.last_len, dev.last_offset,
                   want);
        for (u32 i = 0; i < want; i++)
            FUZZ_CHECK(buf[i] == pattern(f.select, i), "read_file(%s) byte %u wrong", name, i);
    }
    // read_file(file, offset, buf, len): offsets at the edges.
    u32 off_in = r.u32v();
    for (u64 off64 : {u64(0), u64(f.size) - 1, u64(f.size), u64(f.size) + 1, u64(0xFFFFFFFF), u64(off_in)}) {
        u32 offset = u32(off64);
        for (u32 len : {0u, 1u, 8u, 300u}) {
            std::unique_ptr<unsigned char[]> buf(new unsigned char[len ? len : 1]);
            dev.read_seen = false;
            fw.read_file(f, offset, buf.get(), len);
            u32 want = offset < f.size ? std::min(len, f.size - offset) : 0;
            FUZZ_CHECK(want == 0 ? !dev.read_seen || dev.last_len == 0
                                 : dev.read_seen && dev.last_offset == offset && dev.last_len == want,
                       "read_file(%s, %u, len %u) read %u at %u, wanted %u", name, offset, len, dev.last_len,
                       dev.last_offset, want);
            for (u32 i = 0; i < want; i++)
                FUZZ_CHECK(buf[i] == pattern(f.select, u64(offset) + i), "read_file at offset: byte %u wrong", i);
        }
    }
    // The integer readers, into objects of exactly their size.
    std::unique_ptr<u32> v32(new u32(0x5A5A5A5A));
    std::unique_ptr<u64> v64(new u64(0x5A5A5A5A5A5A5A5Aull));
    FwCfg::Status s32v = fw.read_u32(name, v32.get());
    FwCfg::Status s64v = fw.read_u64(name, v64.get());
    FUZZ_CHECK(s32v == (f.size == 4 ? FwCfg::Status::kOk : FwCfg::Status::kBadSize), "read_u32 status");
    FUZZ_CHECK(s64v == (f.size == 8 ? FwCfg::Status::kOk : FwCfg::Status::kBadSize), "read_u64 status");
    u32 want32 = 0x5A5A5A5A;
    u64 want64 = 0x5A5A5A5A5A5A5A5Aull;
    if (f.size == 4)
        for (int i = 0; i < 4; i++) reinterpret_cast<unsigned char*>(&want32)[i] = pattern(f.select, i);
    if (f.size == 8)
        for (int i = 0; i < 8; i++) reinterpret_cast<unsigned char*>(&want64)[i] = pattern(f.select, i);
    FUZZ_CHECK(*v32 == want32 && *v64 == want64, "integer read of %s wrong", name);
    dev.allowed_key = -1;
}

// Full read checks for the first few files found, and for the first few
// names not found, per input (every helper searches the table again).
int g_reads_left, g_missing_left;

FUZZ_HARNESS void lookup(const FwCfg& fw, DirDevice& dev, const std::string& q, Reader& r) {
    std::unique_ptr<char[]> name = exact_string(q);
    const FwCfgFile* f = fw.find(name.get());
    const FwCfgFile* want = reference_find(fw, q);
    FUZZ_CHECK(f == want, "find(\"%s\") gave entry %ld, expected %ld", q.c_str(),
               f ? long(f - &fw.file(0)) : -1L, want ? long(want - &fw.file(0)) : -1L);
    if (f) {
        if (g_reads_left > 0) {
            g_reads_left--;
            check_reads(fw, dev, *f, name.get(), r);
        }
        return;
    }
    // A missing file: every helper says so and touches nothing.
    if (g_missing_left <= 0) return;
    g_missing_left--;
    dev.limit = 0;  // no file read may happen at all
    unsigned char buf[8];
    std::memset(buf, 0xA5, sizeof(buf));
    u32 v32 = 1;
    u64 v64 = 2;
    FUZZ_CHECK(fw.read_file(name.get(), buf, sizeof(buf)) == -1, "read_file of a missing file");
    FUZZ_CHECK(fw.read_u32(name.get(), &v32) == FwCfg::Status::kMissing && v32 == 1, "read_u32 of a missing file");
    FUZZ_CHECK(fw.read_u64(name.get(), &v64) == FwCfg::Status::kMissing && v64 == 2, "read_u64 of a missing file");
    for (unsigned char c : buf) FUZZ_CHECK(c == 0xA5, "read_file of a missing file wrote");
}

}  // namespace

FUZZ_HARNESS extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
    reef::test::clear_log();
    RawDir raw{data, size};
    DirDevice dev(data, size);
    std::unique_ptr<FwCfg> fw(new FwCfg);
    FUZZ_CHECK(fw->init(&dev), "init failed with the device present");
    dev.in_init = false;
    g_reads_left = 6;
    g_missing_left = 6;
    FUZZ_CHECK(fw->present(), "not present after init");

    // The table is the directory's first min(count, kMaxFiles) entries.
    u32 n = raw.count();
    int want_count = int(std::min<u32>(n, FwCfg::kMaxFiles));
    FUZZ_CHECK(fw->file_count() == want_count, "%d files for a count of %u", fw->file_count(), n);
    for (int i = 0; i < fw->file_count(); i++) {
        unsigned char e[kEntry];
        raw.entry(u32(i), e);
        const FwCfgFile& f = fw->file(i);
        FUZZ_CHECK(f.size == be32_at(e), "entry %d size", i);
        FUZZ_CHECK(f.select == (u16(e[4]) << 8 | e[5]), "entry %d select", i);
        FUZZ_CHECK(strnlen(f.name, kName) < kName, "entry %d name not terminated", i);
        size_t len = strnlen(reinterpret_cast<const char*>(e + 8), kName - 1);
        FUZZ_CHECK(std::memcmp(f.name, e + 8, len) == 0 && f.name[len] == 0, "entry %d name", i);
    }

    // Look up every name of the directory (also the ones past the cap),
    // cut and extended, and names that are always asked for.
    Reader r(data, size);  // the parameters of the reads: the input again
    u32 listed = std::min<u32>(n, FwCfg::kMaxFiles + 4);
    if (listed > size / kEntry + 1) listed = u32(size / kEntry + 1);
    for (u32 i = 0; i < listed; i++) {
        unsigned char e[kEntry];
        raw.entry(i, e);
        std::string name(reinterpret_cast<const char*>(e + 8), strnlen(reinterpret_cast<const char*>(e + 8), kName));
        lookup(*fw, dev, name, r);
        if (i >= 8) continue;
        if (!name.empty()) lookup(*fw, dev, name.substr(0, name.size() - 1), r);
        lookup(*fw, dev, name + "x", r);
        if (i == 0) lookup(*fw, dev, name + std::string(200, 'y'), r);
    }
    for (const char* fixed : {"", "etc/e820", "bootorder", "etc/igd-opregion", "etc/igd-bdsm-size"})
        lookup(*fw, dev, fixed, r);
    // The tail of the input as one more name.
    if (size > 4) {
        size_t from = size > 80 ? size - 80 : 4;
        const char* t = reinterpret_cast<const char*>(data + from);
        lookup(*fw, dev, std::string(t, strnlen(t, size - from)), r);
    }

    // Reinitialising without a device forgets the directory.
    dev.present = false;
    dev.in_init = true;
    FUZZ_CHECK(!fw->init(&dev) && !fw->present() && fw->file_count() == 0, "re-init without a device");
    dev.limit = 0;
    FUZZ_CHECK(!fw->find("etc/e820") && fw->read_file("etc/e820", nullptr, 0) == -1, "lookup after re-init");
    print_log_if_asked();
    return 0;
}
