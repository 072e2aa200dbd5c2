// SPDX-License-Identifier: LGPL-3.0-or-later
// fw_cfg transport on QEMU's x86 I/O ports: selector 0x510, data 0x511, and
// the DMA address register at 0x514 (big-endian high half) / 0x518 (low half;
// writing it starts the transfer).
#include "fw/fwcfg.h"

#include "lib/io.h"
#include "lib/log.h"

namespace reef {
namespace {

using FwCfgSelector = IoReg<u16, port::kFwCfgCtl>;
using FwCfgData = IoReg<u8, port::kFwCfgData>;
using FwCfgDmaHigh = IoReg<u32, port::kFwCfgDma>;
using FwCfgDmaLow = IoReg<u32, port::kFwCfgDma + 4>;

constexpr u32 kDmaError = 0x01, kDmaRead = 0x02, kDmaSkip = 0x04, kDmaSelect = 0x08, kDmaWrite = 0x10;

struct DmaAccess {
    u32 control;
    u32 length;
    u64 address;
} PACKED;

class PortTransport final : public FwCfgTransport {
public:
    bool has_signature() override {
        u8 sig[4];
        pio_read(fwcfg_key::kSignature, 0, sig, 4);
        return sig[0] == 'Q' && sig[1] == 'E' && sig[2] == 'M' && sig[3] == 'U';
    }
    bool has_dma() override {
        u32 id = 0;
        pio_read(fwcfg_key::kId, 0, &id, 4);
        dma_ = id & 2;
        return dma_;
    }
    void read(u16 key, u32 offset, void* buf, u32 len) override {
        if (dma_) dma_read(key, offset, buf, len);
        else pio_read(key, offset, buf, len);
    }
    bool write(u16 key, u32 offset, const void* buf, u32 len) override {
        if (!dma_) return false;
        u32 sel = (u32(key) << 16) | kDmaSelect;
        if (offset) {
            if (!dma_run(sel | kDmaSkip, offset, nullptr)) return false;
            sel = 0;
        }
        return dma_run(sel | kDmaWrite, len, const_cast<void*>(buf));
    }

private:
    static void pio_read(u16 key, u32 offset, void* buf, u32 len) {
        FwCfgSelector::write(key);
        while (offset--) FwCfgData::read();
        u8* p = static_cast<u8*>(buf);
        u32 n = len;
        asm volatile("cld; rep insb" : "+D"(p), "+c"(n) : "d"(port::kFwCfgData) : "memory");
    }
    // One DMA descriptor per step: select(+skip), then read.
    static bool dma_run(u32 control, u32 length, void* addr) {
        volatile DmaAccess a;
        a.control = be32(control);
        a.length = be32(length);
        a.address = be64(reinterpret_cast<uintptr_t>(addr));
        barrier();
        FwCfgDmaHigh::write(0);
        FwCfgDmaLow::write(be32(reinterpret_cast<uintptr_t>(&a)));
        // QEMU completes the transfer synchronously; poll in case it does not.
        for (u32 i = 0; i < 10000000; i++) {
            u32 c = be32(a.control);
            if (!(c & ~kDmaError)) return !(c & kDmaError);
        }
        return false;
    }
    static void dma_read(u16 key, u32 offset, void* buf, u32 len) {
        u32 sel = (u32(key) << 16) | kDmaSelect;
        if (offset) {
            if (!dma_run(sel | kDmaSkip, offset, nullptr)) goto fail;
            sel = 0;
        }
        if (!dma_run(sel | kDmaRead, len, buf)) goto fail;
        return;
    fail:
        dlog(1, "fw_cfg: DMA read of item 0x%x failed, using I/O ports\n", key);
        pio_read(key, offset, buf, len);
    }

    bool dma_ = false;
};

PortTransport g_transport;
FwCfg g_fwcfg;

}  // namespace

bool fwcfg_setup() { return g_fwcfg.init(&g_transport); }
FwCfg& fwcfg() { return g_fwcfg; }

}  // namespace reef
