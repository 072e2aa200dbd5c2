// SPDX-License-Identifier: LGPL-3.0-or-later
// ACPI in POST: run QEMU's table loader (src/fw/tableloader.cc) with the
// firmware's fw_cfg and allocator, then say what the guest will find.
#include "fw/acpi.h"

#include "fw/fwcfg.h"
#include "fw/malloc.h"
#include "fw/tableloader.h"
#include "lib/log.h"

namespace reef {
namespace {

class FwLoaderEnv final : public LoaderEnv {
public:
    const FwCfgFile* find(const char* name) override { return fwcfg().find(name); }
    void read(const FwCfgFile& f, u32 offset, void* buf, u32 len) override { fwcfg().read_file(f, offset, buf, len); }
    bool write(const FwCfgFile& f, u32 offset, const void* buf, u32 len) override {
        return fwcfg().write_file(f, offset, buf, len);
    }
    u32 alloc(loader::Zone zone, u32 size, u32 align, const char* name) override {
        return post_alloc().alloc(zone == loader::kZoneFseg ? Zone::kFseg : Zone::kHigh, size, align, name);
    }
    void release(u32 addr, u32 size) override {
        phys_mem().zero(addr, size);
        post_alloc().free(addr);
    }
    u8* map(u32 addr, u32 size) override { return static_cast<u8*>(phys_mem().map(addr, size)); }
};

LoaderResult g_result;

// The blob holding [addr, addr + len), or null: the tables are only read
// where the loader put them.
const LoaderBlob* blob_at(u32 addr, u32 len) {
    for (int i = 0; i < g_result.nblobs; i++) {
        const LoaderBlob& b = g_result.blob[i];
        if (addr >= b.addr && u64(addr) + len <= u64(b.addr) + b.size) return &b;
    }
    return nullptr;
}

u32 rd32(u32 addr) {
    u32 v;
    __builtin_memcpy(&v, reinterpret_cast<const void*>(uintptr_t(addr)), 4);
    return v;
}

// One log line: where the RSDP is and which tables its RSDT lists.
void describe() {
    u32 rsdp = 0;
    // The RSDP is where the guest looks for it: in an F-segment blob.
    for (int i = 0; i < g_result.nblobs && !rsdp; i++) {
        const LoaderBlob& b = g_result.blob[i];
        if (b.zone != loader::kZoneFseg) continue;
        for (u32 off = 0; off + 20 <= b.size; off += 16)
            if (!__builtin_memcmp(reinterpret_cast<const void*>(uintptr_t(b.addr + off)), "RSD PTR ", 8)) {
                rsdp = b.addr + off;
                break;
            }
    }
    if (!rsdp) {
        dlog(1, "acpi: the table loader ran, but no RSDP among its %d files\n", g_result.nblobs);
        return;
    }
    u32 rsdt = rd32(rsdp + 16);
    char sigs[4 * 5 * 16 + 1];
    u32 n = 0, len = 0;
    sigs[0] = 0;
    if (blob_at(rsdt, 36) && (len = rd32(rsdt + 4)) >= 36 && blob_at(rsdt, len)) {
        for (u32 off = 36; off + 4 <= len && n < 16; off += 4, n++) {
            u32 t = rd32(rsdt + off);
            char* s = sigs + 5 * n;
            if (blob_at(t, 4)) __builtin_memcpy(s, reinterpret_cast<const void*>(uintptr_t(t)), 4);
            else __builtin_memcpy(s, "????", 4);
            s[4] = ' ';
            s[5] = 0;
        }
    }
    dlog(1, "acpi: RSDP at 0x%x, RSDT at 0x%x with %u tables: %s(%d pointers, %d checksums, %d writes)\n", rsdp,
         rsdt, n, sigs, g_result.pointers, g_result.checksums, g_result.writes);
}

}  // namespace

bool acpi_setup() {
    if (!fwcfg().present()) return false;
    const FwCfgFile* script = fwcfg().find("etc/table-loader");
    if (const FwCfgFile* test = fwcfg().find("opt/reef/table-loader")) {
        if (CONFIG_ACPI_TEST_LOADER) {
            dlog(1, "acpi: TEST AID: running opt/reef/table-loader instead of etc/table-loader\n");
            script = test;
        } else {
            dlog(1, "acpi: opt/reef/table-loader ignored (CONFIG_ACPI_TEST_LOADER is off)\n");
        }
    }
    if (!script) {
        dlog(1, "acpi: QEMU offers no etc/table-loader; no ACPI tables\n");
        return false;
    }
    FwLoaderEnv env;
    if (!table_loader_run(*script, env, &g_result)) return false;
    describe();
    return true;
}

}  // namespace reef
