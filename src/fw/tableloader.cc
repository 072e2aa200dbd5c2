// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/tableloader.h"

#include "lib/checksum.h"
#include "lib/log.h"

namespace reef {
namespace {
using namespace loader;

u32 le32(const u8* p) { return u32(p[0]) | u32(p[1]) << 8 | u32(p[2]) << 16 | u32(p[3]) << 24; }

// Copies a NUL-padded name field; false if it is empty or fills the field
// without a terminator.
bool name_of(const u8* field, char* out) {
    u32 i = 0;
    for (; i < kNameSize && field[i]; i++) out[i] = char(field[i]);
    if (i == 0 || i == kNameSize) return false;
    out[i] = 0;
    return true;
}

bool same(const char* a, const char* b) {
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

bool valid_width(u8 w) { return w == 1 || w == 2 || w == 4 || w == 8; }

class Run {
public:
    Run(LoaderEnv& env, LoaderResult* r) : env_(env), r_(r) {}

    // Each returns nullptr on success or the problem.
    const char* allocate(const u8* e) {
        char name[kNameSize];
        if (!name_of(e + 4, name)) return "bad file name";
        u32 align = le32(e + 4 + kNameSize);
        u8 zone = e[4 + kNameSize + 4];
        if (zone != kZoneHigh && zone != kZoneFseg) return "unknown allocation zone";
        if (align == 0) align = 1;
        if (align & (align - 1)) return "alignment is not a power of two";
        if (blob(name)) return "file allocated twice";
        const FwCfgFile* f = env_.find(name);
        if (!f) return "no such fw_cfg file";
        if (f->size == 0) return "the file is empty";
        if (r_->nblobs == LoaderResult::kMaxBlobs) return "too many files";
        u32 addr = env_.alloc(Zone(zone), f->size, align, name);
        if (!addr) return "no memory for the file";
        LoaderBlob& b = r_->blob[r_->nblobs++];
        __builtin_memcpy(b.name, name, sizeof(name));
        b.addr = addr;
        b.size = f->size;
        b.zone = Zone(zone);
        env_.read(*f, 0, env_.map(addr, f->size), f->size);
        return nullptr;
    }

    const char* add_pointer(const u8* e) {
        char dst_name[kNameSize], src_name[kNameSize];
        if (!name_of(e + 4, dst_name) || !name_of(e + 4 + kNameSize, src_name)) return "bad file name";
        u32 offset = le32(e + 4 + 2 * kNameSize);
        u8 width = e[4 + 2 * kNameSize + 4];
        const LoaderBlob* dst = blob(dst_name);
        const LoaderBlob* src = blob(src_name);
        if (!dst || !src) return "pointer between files that were not allocated";
        if (!valid_width(width)) return "pointer width is not 1, 2, 4 or 8";
        if (u64(offset) + width > dst->size) return "pointer lies outside its file";
        u8* p = env_.map(dst->addr + offset, width);
        u64 v = 0;
        for (u8 i = 0; i < width; i++) v |= u64(p[i]) << (8 * i);
        v += src->addr;
        for (u8 i = 0; i < width; i++) p[i] = u8(v >> (8 * i));
        r_->pointers++;
        return nullptr;
    }

    const char* add_checksum(const u8* e) {
        char name[kNameSize];
        if (!name_of(e + 4, name)) return "bad file name";
        u32 offset = le32(e + 4 + kNameSize), start = le32(e + 8 + kNameSize), len = le32(e + 12 + kNameSize);
        const LoaderBlob* b = blob(name);
        if (!b) return "checksum in a file that was not allocated";
        if (offset >= b->size) return "checksum byte lies outside its file";
        if (u64(start) + len > b->size) return "checksum range runs past its file";
        u8* data = env_.map(b->addr, b->size);
        data[offset] = u8(data[offset] - post_byte_sum(data + start, len));
        r_->checksums++;
        return nullptr;
    }

    const char* write_pointer(const u8* e) {
        char dst_name[kNameSize], src_name[kNameSize];
        if (!name_of(e + 4, dst_name) || !name_of(e + 4 + kNameSize, src_name)) return "bad file name";
        u32 dst_off = le32(e + 4 + 2 * kNameSize), src_off = le32(e + 8 + 2 * kNameSize);
        u8 width = e[4 + 2 * kNameSize + 8];
        const FwCfgFile* dst = env_.find(dst_name);
        const LoaderBlob* src = blob(src_name);
        if (!dst) return "no such fw_cfg file to write to";
        if (!src) return "pointer to a file that was not allocated";
        if (!valid_width(width)) return "pointer width is not 1, 2, 4 or 8";
        if (u64(dst_off) + width > dst->size) return "pointer lies outside the fw_cfg file";
        if (src_off >= src->size) return "pointer target lies outside its file";
        u64 v = u64(src->addr) + src_off;
        u8 bytes[8];
        for (u8 i = 0; i < width; i++) bytes[i] = u8(v >> (8 * i));
        if (!env_.write(*dst, dst_off, bytes, width)) return "the fw_cfg file cannot be written (no DMA)";
        r_->writes++;
        return nullptr;
    }

    void undo() {
        for (int i = r_->nblobs - 1; i >= 0; i--) env_.release(r_->blob[i].addr, r_->blob[i].size);
        r_->nblobs = 0;
    }

private:
    const LoaderBlob* blob(const char* name) const {
        for (int i = 0; i < r_->nblobs; i++)
            if (same(r_->blob[i].name, name)) return &r_->blob[i];
        return nullptr;
    }

    LoaderEnv& env_;
    LoaderResult* r_;
};

}  // namespace

const LoaderBlob* loader_blob(const LoaderResult& r, const char* name) {
    for (int i = 0; i < r.nblobs; i++)
        if (same(r.blob[i].name, name)) return &r.blob[i];
    return nullptr;
}

bool table_loader_run(const FwCfgFile& script, LoaderEnv& env, LoaderResult* out) {
    *out = LoaderResult{};
    out->bad_entry = -1;
    Run run(env, out);
    u32 n = script.size / kEntrySize;
    if (script.size % kEntrySize) {
        out->problem = "the script is not a whole number of 128-byte entries";
        dlog(1, "acpi: %s is %u bytes, not a multiple of %u; no ACPI tables\n", script.name, script.size,
             kEntrySize);
        return false;
    }
    u8 e[kEntrySize];
    for (u32 i = 0; i < n; i++) {
        env.read(script, i * kEntrySize, e, kEntrySize);
        const char* problem = nullptr;
        switch (le32(e)) {
        case kAllocate: problem = run.allocate(e); break;
        case kAddPointer: problem = run.add_pointer(e); break;
        case kAddChecksum: problem = run.add_checksum(e); break;
        case kWritePointer: problem = run.write_pointer(e); break;
        default:
            if (le32(e)) dlog(2, "acpi: table-loader entry %u: unknown command %u skipped\n", i, le32(e));
            out->skipped++;
            break;
        }
        if (problem) {
            out->bad_entry = int(i);
            out->problem = problem;
            dlog(1, "acpi: %s entry %u (command %u): %s; no ACPI tables\n", script.name, i, le32(e), problem);
            run.undo();
            return false;
        }
    }
    return true;
}

}  // namespace reef
