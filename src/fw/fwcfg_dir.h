// SPDX-License-Identifier: LGPL-3.0-or-later
// QEMU fw_cfg: the file directory and typed reads on top of a transport
// (I/O ports or DMA in firmware, a fake in the unit tests). See QEMU's
// docs/specs/fw_cfg.rst for the protocol.
#pragma once
#include "lib/types.h"

namespace reef {

namespace fwcfg_key {
constexpr u16 kSignature = 0x0000;
constexpr u16 kId = 0x0001;         // feature bits: 1 = traditional, 2 = DMA
constexpr u16 kRamSize = 0x0003;
constexpr u16 kNumCpus = 0x0005;
constexpr u16 kBootMenu = 0x000E;
constexpr u16 kMaxCpus = 0x000F;
constexpr u16 kFileDir = 0x0019;
}  // namespace fwcfg_key

class FwCfgTransport {
public:
    virtual bool has_signature() = 0;
    virtual bool has_dma() = 0;
    // Selects an item and reads `len` bytes from its start (the data offset
    // resets on every select) after skipping `offset` bytes.
    virtual void read(u16 key, u32 offset, void* buf, u32 len) = 0;
    // Writes `len` bytes at `offset` of an item (DMA interface only: false
    // without it, or when the device refuses, e.g. a read-only file).
    virtual bool write(u16 key, u32 offset, const void* buf, u32 len) {
        (void)key, (void)offset, (void)buf, (void)len;
        return false;
    }

protected:
    ~FwCfgTransport() = default;
};

struct FwCfgFile {
    u32 size;
    u16 select;
    char name[56];
};

class FwCfg {
public:
    static constexpr int kMaxFiles = 128;

    // Detects the device and loads the file directory. False if absent.
    bool init(FwCfgTransport* t);
    bool present() const { return t_ != nullptr; }
    bool dma() const { return dma_; }
    int file_count() const { return count_; }
    const FwCfgFile& file(int i) const { return files_[i]; }

    const FwCfgFile* find(const char* name) const;
    // Reads min(size, max) bytes of a file. Returns the file's full size, or
    // -1 if the file does not exist.
    s32 read_file(const char* name, void* buf, u32 max) const;
    void read_file(const FwCfgFile& f, u32 offset, void* buf, u32 len) const;
    void read_key(u16 key, void* buf, u32 len) const;
    // Writes into a file (QEMU's writable files, e.g. etc/vmgenid_addr).
    bool write_file(const FwCfgFile& f, u32 offset, const void* buf, u32 len) const;

    enum class Status { kOk, kMissing, kBadSize };
    // A little-endian integer file of exactly sizeof(T) bytes.
    Status read_u64(const char* name, u64* out) const;
    Status read_u32(const char* name, u32* out) const;

private:
    FwCfgTransport* t_ = nullptr;
    bool dma_ = false;
    int count_ = 0;
    FwCfgFile files_[kMaxFiles];
};

constexpr u16 be16(u16 v) { return u16((v >> 8) | (v << 8)); }
constexpr u32 be32(u32 v) { return (v >> 24) | ((v >> 8) & 0xFF00) | ((v << 8) & 0xFF0000) | (v << 24); }
constexpr u64 be64(u64 v) { return (u64(be32(u32(v))) << 32) | be32(u32(v >> 32)); }

}  // namespace reef
