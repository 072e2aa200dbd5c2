// SPDX-License-Identifier: LGPL-3.0-or-later
// Host-side support for the unit tests: captured log lines and fakes of the
// firmware's hardware interfaces (PCI config space, fw_cfg).
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fw/fwcfg_dir.h"
#include "fw/pci_alloc.h"

namespace reef::test {

// Every dlog() line since the last clear (level, text).
struct LogLine {
    int level;
    std::string text;
};
std::vector<LogLine>& log_lines();
void clear_log();
// True if some captured line contains `needle`.
bool log_contains(const std::string& needle);
std::string log_text();

// A fake PCI configuration space: devices are 256-byte arrays; BARs answer
// size probes from per-BAR masks like real hardware.
class FakePci final : public PciConfig {
public:
    struct Dev {
        unsigned char cfg[256] = {};
        unsigned bar_mask[7] = {};  // 6 = ROM; 0 = unimplemented
        std::vector<std::pair<unsigned char, unsigned>> writes;  // (offset, value) log
        std::set<unsigned char> readonly;  // dword offsets whose writes are dropped
    };
    Dev& add(u16 bdf, u16 vendor, u16 device, u8 cls, u8 sub, u8 header_type = 0);
    // A BAR of `size` bytes; flags are the low bits (I/O, 64-bit, prefetch).
    void set_bar(u16 bdf, int index, u64 size, u32 flags);
    Dev* dev(u16 bdf);

    u32 read32(u16 bdf, u8 off) override;
    void write32(u16 bdf, u8 off, u32 v) override;

private:
    std::map<u16, Dev> devs_;
};

// A fake fw_cfg device holding named files and legacy keys.
class FakeFwCfg final : public FwCfgTransport {
public:
    bool present = true;
    bool dma = true;
    std::map<std::string, std::vector<unsigned char>> files;
    std::map<u16, std::vector<unsigned char>> keys;
    // Set to damage the directory, e.g. claim more files than exist.
    int dir_count_override = -1;

    bool has_signature() override { return present; }
    bool has_dma() override { return dma; }
    void read(u16 key, u32 offset, void* buf, u32 len) override;

private:
    std::vector<unsigned char> blob(u16 key);
};

}  // namespace reef::test
