// SPDX-License-Identifier: LGPL-3.0-or-later
// Fake hardware behind lib/io.h's host hooks, and the POST services the
// hosthw drivers call (tests/unit/host_hw.h).
#include "host_hw.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "block/block.h"
#include "fw/malloc.h"
#include "hw/timer.h"
#include "lib/io.h"

namespace reef {

namespace {
PciState g_pci;
Allocator g_alloc;
}  // namespace

// ---- lib/io.h hooks ----------------------------------------------------------
u32 host_port_read(u16 port, u8 size) { return test::hw().port_read(port, size); }
void host_port_write(u16 port, u8 size, u32 v) { test::hw().port_write(port, size, v); }
u64 host_mmio_read(u32 addr, u8 size) { return test::hw().mmio_read(addr, size); }
void host_mmio_write(u32 addr, u8 size, u64 v) { test::hw().mmio_write(addr, size, v); }

// ---- what the drivers take from POST -------------------------------------------
PciState& pci_state() { return g_pci; }
PciConfig& pci_config() { return test::hw().pci; }
const PciBar* pci_find_bar(u16 bdf, u8 index) {
    for (int i = 0; i < g_pci.nbars; i++)
        if (g_pci.bars[i].bdf == bdf && g_pci.bars[i].index == index) return &g_pci.bars[i];
    return nullptr;
}
Allocator& post_alloc() { return g_alloc; }

u16 pit_read_counter() {
    test::hw().pit_ticks += test::FakeHw::kTickStep;
    return u16(-test::hw().pit_ticks);  // a down-counter
}
void yield() {}

void block_init_pci_hd(Drive& g, DriverType t, u64 sectors, u16 sector_size, u16 bdf, const char*) {
    g.driver = t;
    g.kind = DriveKind::kHd;
    g.sectors = sectors;
    g.sector_size = sector_size;
    g.path.bus = pci_bus(bdf);
    g.path.slot = pci_dev(bdf);
    g.path.func = pci_fn(bdf);
}
bool block_register(Drive* d, const char* desc) {
    test::hw().registered.push_back({d, desc});
    return true;
}

namespace test {

FakeHw& hw() {
    static FakeHw h;
    return h;
}

void* FakeHw::ram(u32 addr) {
    static void* mem = [] {
        void* p = mmap(reinterpret_cast<void*>(uintptr_t(kRamBase)), kRamEnd - kRamBase, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p != reinterpret_cast<void*>(uintptr_t(kRamBase))) {
            std::fprintf(stderr, "host_hw: cannot map fake RAM at %#x\n", kRamBase);
            std::abort();
        }
        return p;
    }();
    if (addr < kRamBase || addr >= kRamEnd) return nullptr;
    return static_cast<char*>(mem) + (addr - kRamBase);
}

void FakeHw::reset() {
    mmio_.clear();
    ports_.clear();
    registered.clear();
    pci = FakePci{};
    pit_ticks = 0;
    g_pci.ndevices = g_pci.nbars = 0;
    std::memset(ram(kRamBase), 0, kRamEnd - kRamBase);
    ZoneLayout z{};
    z.high = ZoneRange{kRamBase, kRamEnd};
    g_alloc.init(z, nullptr, nullptr);
    clear_log();
}

void FakeHw::map_mmio(u32 base, u32 len, HwRegion r) { mmio_.push_back({base, len, std::move(r)}); }
void FakeHw::map_ports(u16 base, u16 len, HwRegion r) { ports_.push_back({base, len, std::move(r)}); }

FakePci::Dev& FakeHw::add_device(u16 bdf, u16 vendor, u16 device, u8 cls, u8 sub, u8 prog_if) {
    FakePci::Dev& d = pci.add(bdf, vendor, device, cls, sub);
    d.cfg[0x09] = prog_if;
    PciDevice& pd = g_pci.devices[g_pci.ndevices++];
    pd = PciDevice{};
    pd.bdf = bdf;
    pd.vendor = vendor;
    pd.device = device;
    pd.class_code = cls;
    pd.subclass = sub;
    pd.prog_if = prog_if;
    return d;
}

void FakeHw::add_bar(u16 bdf, u8 index, BarKind kind, u64 addr, u64 size) {
    PciBar& b = g_pci.bars[g_pci.nbars++];
    b = PciBar{};
    b.bdf = bdf;
    b.index = index;
    b.kind = kind;
    b.size = size;
    b.addr = addr;
    b.placed = true;
}

u64 FakeHw::elapsed_us() const { return pit_ticks * 1000000 / kPitHz; }

u32 FakeHw::port_read(u16 port, u8 size) {
    for (auto& m : ports_)
        if (port >= m.base && port - m.base < m.len && m.r.read) return u32(m.r.read(port - m.base, size));
    return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}
void FakeHw::port_write(u16 port, u8 size, u32 v) {
    for (auto& m : ports_)
        if (port >= m.base && port - m.base < m.len) {
            if (m.r.write) m.r.write(port - m.base, size, v);
            return;
        }
}
u64 FakeHw::mmio_read(u32 addr, u8 size) {
    for (auto& m : mmio_)
        if (addr >= m.base && addr - m.base < m.len && m.r.read) return m.r.read(addr - m.base, size);
    return size == 8 ? ~u64(0) : (u64(1) << (8 * size)) - 1;
}
void FakeHw::mmio_write(u32 addr, u8 size, u64 v) {
    for (auto& m : mmio_)
        if (addr >= m.base && addr - m.base < m.len) {
            if (m.r.write) m.r.write(addr - m.base, size, v);
            return;
        }
}

std::vector<std::string> level1_lines() {
    std::vector<std::string> out;
    for (auto& l : log_lines())
        if (l.level <= 1) out.push_back(l.text);
    return out;
}

}  // namespace test
}  // namespace reef
