// SPDX-License-Identifier: LGPL-3.0-or-later
// LSI SAS1068 at POST: the IOC to READY (a message unit reset if it is
// not), IOC INIT through the doorbell handshake, the reply frames posted,
// then INQUIRY on every target (LUN 0).
#include "block/scsi.h"
#include "fw/malloc.h"
#include "fw/pci.h"
#include "hw/mptsas.h"
#include "hw/scsi_hba.h"
#include "lib/log.h"

namespace reef {
namespace {

using namespace mpt;

constexpr u32 kStateTimeoutUs = 2000000;     // to READY after a reset
constexpr u32 kHandshakeTimeoutUs = 1000000;  // per doorbell step
constexpr u32 kMaxReplyWords = 64;

u32 ioc_state(const HbaRegs& r) { return r.read(kRegDoorbell) & kStateMask; }

bool wait_doorbell_int(const HbaRegs& r) {
    return hba_wait(kHandshakeTimeoutUs, [&] { return r.read(kRegHostIntrStatus) & kHisDoorbell; });
}
bool wait_doorbell_ack(const HbaRegs& r) {
    return hba_wait(kHandshakeTimeoutUs, [&] { return !(r.read(kRegHostIntrStatus) & kHisIopDoorbell); });
}

// One request through the doorbell and its reply, 16 bits a read.
bool handshake(const HbaRegs& r, const void* msg, u32 bytes, void* reply, u32 reply_bytes) {
    r.write(kRegHostIntrStatus, 0);
    r.write(kRegDoorbell, u32(kFnHandshake) << kDoorbellFunctionShift | (bytes / 4) << kDoorbellDwordsShift);
    if (!wait_doorbell_int(r)) return false;
    r.write(kRegHostIntrStatus, 0);
    if (!wait_doorbell_ack(r)) return false;
    const u32* w = static_cast<const u32*>(msg);
    for (u32 i = 0; i < bytes / 4; i++) {
        r.write(kRegDoorbell, w[i]);
        if (!wait_doorbell_ack(r)) return false;
    }
    u16* out = static_cast<u16*>(reply);
    u32 words = 2;  // until the reply's length (byte 2) is known
    for (u32 i = 0; i < words; i++) {
        if (!wait_doorbell_int(r)) return false;
        u16 v = u16(r.read(kRegDoorbell) & kDoorbellDataMask);
        if (i < reply_bytes / 2) out[i] = v;
        if (i == 1) words = min<u32>(max<u32>(2, u32(v & 0xFF) * 2), kMaxReplyWords);
        r.write(kRegHostIntrStatus, 0);
    }
    r.write(kRegHostIntrStatus, 0);
    return true;
}

u32 setup_adapter(const PciDevice& pd) {
    u8 b = pci_bus(pd.bdf), dv = pci_dev(pd.bdf), fn = pci_fn(pd.bdf);
    HbaRegs r;
    if (!hba_regs(pd.bdf, kMmioBar, kRegsSize, "mptsas", &r)) return 0;
    u32 state = ioc_state(r);
    if (state != kStateReady || (r.read(kRegDoorbell) & kDoorbellActive)) {
        r.write(kRegDoorbell, u32(kFnMessageUnitReset) << kDoorbellFunctionShift);
        if (!hba_wait(kStateTimeoutUs, [&] { return ioc_state(r) == kStateReady; })) {
            dlog(1, "mptsas %02x:%02x.%x: IOC not ready (doorbell %x); skipped\n", b, dv, fn, r.read(kRegDoorbell));
            return 0;
        }
    }
    r.write(kRegHostIntrMask, kHimDoorbell | kHimReply);  // polled
    MptIocInit init = mpt_ioc_init(kMaxTargets, kReplyFrameSize);
    MptIocInitReply reply{};
    if (!handshake(r, &init, sizeof(init), &reply, sizeof(reply)) || (reply.ioc_status & kIocStatusMask) ||
        ioc_state(r) != kStateOperational) {
        dlog(1, "mptsas %02x:%02x.%x: IOC INIT failed (IOCStatus %x, doorbell %x); skipped\n", b, dv, fn,
             reply.ioc_status, r.read(kRegDoorbell));
        return 0;
    }
    u32 mem = hba_dma_alloc(kPage, "mptsas frames");
    if (!mem) return 0;
    MptCtrl& a = *hba_ptr<MptCtrl>(mem);
    a = MptCtrl{};
    a.regs = r.base;
    a.request = mem + kRequestOffset;
    a.sense = mem + kSenseOffset;
    a.replies = mem + kRepliesOffset;
    a.bdf = pd.bdf;
    for (u32 i = 0; i < kReplyFrames; i++) r.write(kRegReplyFifo, a.replies + i * kReplyFrameSize);
    dlog(2, "mptsas %02x:%02x.%x: operational, %u targets\n", b, dv, fn, reply.max_devices);
    return mem;
}

}  // namespace

void mptsas_setup() {
    hba_for_each(kVendor, kDeviceSas1068, kDeviceSas1068, [](const PciDevice& pd) {
        if (u32 ctrl = setup_adapter(pd))
            hba_scan(DriverType::kMptSas, ctrl, pd.bdf, kMaxTargets, "mptsas", kSgeLengthMask);
    });
}

}  // namespace reef
