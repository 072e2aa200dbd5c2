// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/fwcfg_dir.h"

#include "lib/log.h"

namespace reef {

namespace {
bool name_eq(const char* a, const char* b, int max) {
    for (int i = 0; i < max; i++) {
        if (a[i] != b[i]) return false;
        if (!a[i]) return true;
    }
    return b[max] == 0;
}
}  // namespace

bool FwCfg::init(FwCfgTransport* t) {
    t_ = nullptr;
    count_ = 0;
    if (!t->has_signature()) return false;
    t_ = t;
    dma_ = t->has_dma();
    u32 n_be = 0;
    t->read(fwcfg_key::kFileDir, 0, &n_be, 4);
    u32 n = be32(n_be);
    if (n > u32(kMaxFiles)) {
        dlog(1, "fw_cfg: directory lists %u files, only the first %d are used\n", n, kMaxFiles);
        n = kMaxFiles;
    }
    // One read for the whole directory (64 bytes per entry after the count).
    struct Raw {
        u32 size;
        u16 select;
        u16 reserved;
        char name[56];
    } PACKED;
    static_assert(sizeof(Raw) == 64 && sizeof(FwCfgFile) == 64);
    t->read(fwcfg_key::kFileDir, 4, files_, n * sizeof(Raw));
    for (u32 i = 0; i < n; i++) {
        Raw raw;
        __builtin_memcpy(&raw, &files_[i], sizeof(raw));
        FwCfgFile& f = files_[i];
        f.size = be32(raw.size);
        f.select = be16(raw.select);
        __builtin_memcpy(f.name, raw.name, sizeof(f.name));
        f.name[sizeof(f.name) - 1] = 0;  // a malformed entry must not run off
    }
    count_ = int(n);
    dlog(2, "fw_cfg: %s interface, %d files\n", dma_ ? "DMA" : "I/O port", count_);
    return true;
}

const FwCfgFile* FwCfg::find(const char* name) const {
    for (int i = 0; i < count_; i++)
        if (name_eq(files_[i].name, name, int(sizeof(files_[i].name)) - 1)) return &files_[i];
    return nullptr;
}

void FwCfg::read_file(const FwCfgFile& f, u32 offset, void* buf, u32 len) const {
    if (offset >= f.size) return;
    if (len > f.size - offset) len = f.size - offset;
    t_->read(f.select, offset, buf, len);
}

bool FwCfg::write_file(const FwCfgFile& f, u32 offset, const void* buf, u32 len) const {
    if (!t_ || u64(offset) + len > f.size) return false;
    return t_->write(f.select, offset, buf, len);
}

s32 FwCfg::read_file(const char* name, void* buf, u32 max) const {
    const FwCfgFile* f = present() ? find(name) : nullptr;
    if (!f) return -1;
    read_file(*f, 0, buf, min(max, f->size));
    return s32(f->size);
}

void FwCfg::read_key(u16 key, void* buf, u32 len) const {
    if (present()) t_->read(key, 0, buf, len);
}

FwCfg::Status FwCfg::read_u64(const char* name, u64* out) const {
    const FwCfgFile* f = present() ? find(name) : nullptr;
    if (!f) return Status::kMissing;
    if (f->size != 8) return Status::kBadSize;
    read_file(*f, 0, out, 8);
    return Status::kOk;
}

FwCfg::Status FwCfg::read_u32(const char* name, u32* out) const {
    const FwCfgFile* f = present() ? find(name) : nullptr;
    if (!f) return Status::kMissing;
    if (f->size != 4) return Status::kBadSize;
    read_file(*f, 0, out, 4);
    return Status::kOk;
}

}  // namespace reef
