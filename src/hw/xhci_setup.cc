// SPDX-License-Identifier: LGPL-3.0-or-later
// xHCI at POST (src/hw/xhci.h): legacy ownership released, halt, reset,
// the command ring, one event ring, the device context array; then each
// connected root port is reset (USB 2 ports; USB 3 ports come up enabled),
// its device gets a slot and an address, its descriptors are read and a
// class driver takes it (usb_msd_setup.cc). Every wait polls a register or
// the event ring with a timeout; no fixed delays (docs/usb.md).
#include "fw/pci.h"
#include "hw/scsi_hba.h"
#include "hw/usb_enum.h"
#include "hw/xhci.h"
#include "hw/timer.h"
#include "lib/format.h"
#include "lib/log.h"

namespace reef {

using namespace xhci;

namespace {

constexpr u32 kPage = 4096;
// The controller's DMA block (two pages).
constexpr u32 kCtrlBlockSize = 2 * kPage;
constexpr u32 kOffErst = 0x100, kOffCmdRing = 0x200, kOffEventRing = 0x400, kOffDcbaa = 0x800,
              kOffInputCtx = 0x1000;
// A device's DMA block (one page).
constexpr u32 kOffDevRings = 0x800, kOffDevStruct = kUsbDevStructOffset;
static_assert(kOffDevStruct + kUsbDevBufferOffset + kUsbDevBufferLen <= kPage);
constexpr u32 kHaltTimeoutUs = 20000, kResetTimeoutUs = 1000000, kPortResetTimeoutUs = 500000;

u32 rd32(u32 a) { return *reinterpret_cast<volatile u32*>(uintptr_t(a)); }
void wr32(u32 a, u32 v) { *reinterpret_cast<volatile u32*>(uintptr_t(a)) = v; }
void wr64(u32 a, u64 v) { wr32(a, u32(v)), wr32(a + 4, u32(v >> 32)); }
template <class T> T* flat(u32 a) { return reinterpret_cast<T*>(uintptr_t(a)); }
u32* ctx_dw(u32 base, u32 index, u32 ctx_size) { return flat<u32>(base + index * ctx_size); }

// Polls until (reg & mask) == want; false after the timeout.
bool wait_reg(u32 reg, u32 mask, u32 want, u32 timeout_us) {
    return hba_wait(timeout_us, [&] { return (rd32(reg) & mask) == want; });
}

struct Hc {
    XhciCtrl* c;
    u32 cap, block;
    char name[16];
    u8 proto_offset[kMaxPorts + 1];  // first port of the protocol each port belongs to
    int used;                        // devices a class driver took
    UsbHubList hubs;                 // hubs found, to scan
};

void ext_caps(Hc& h, u32 hcc) {
    u32 off = (hcc >> 16) << 2;
    for (int guard = 0; off && guard < 64; guard++) {
        u32 a = h.cap + off;
        u32 v = rd32(a);
        u8 id = u8(v);
        if (id == kExtLegacy) {
            // No SMI handler here: nothing stays BIOS-owned or SMI-enabled.
            if (v & kLegBiosOwned) wr32(a, v & ~kLegBiosOwned);
            u32 ctl = rd32(a + kLegCtlSts);
            wr32(a + kLegCtlSts, (ctl & ~kLegSmiEnables) | kLegSmiEvents);
            dlog(2, "%s: legacy support capability: BIOS ownership released\n", h.name);
        } else if (id == kExtProtocol) {
            u32 ports = rd32(a + 8);
            u8 first = u8(ports), count = u8(ports >> 8);
            for (u32 p = first; p < u32(first) + count && p <= kMaxPorts; p++) h.proto_offset[p] = first;
            dlog(3, "%s: USB %x.%02x ports %u-%u\n", h.name, v >> 24, (v >> 16) & 0xFF, first, first + count - 1);
        }
        u32 next = (v >> 8) & 0xFF;
        off = next ? off + (next << 2) : 0;
    }
}

bool halt_and_reset(Hc& h) {
    XhciCtrl& c = *h.c;
    wr32(c.op + kUsbCmd, rd32(c.op + kUsbCmd) & ~(kCmdRun | kCmdIntEnable));
    if (!wait_reg(c.op + kUsbSts, kStsHalted, kStsHalted, kHaltTimeoutUs)) {
        dlog(1, "%s: does not halt; skipped\n", h.name);
        return false;
    }
    wr32(c.op + kUsbCmd, kCmdReset);
    if (!wait_reg(c.op + kUsbCmd, kCmdReset, 0, kResetTimeoutUs) ||
        !wait_reg(c.op + kUsbSts, kStsNotReady, 0, kResetTimeoutUs)) {
        dlog(1, "%s: reset does not complete; skipped\n", h.name);
        return false;
    }
    return true;
}

bool start(Hc& h, u32 hcs2) {
    XhciCtrl& c = *h.c;
    if (!(rd32(c.op + kPageSize) & 1)) {
        dlog(1, "%s: no 4 KiB page size; skipped\n", h.name);
        return false;
    }
    u32 nscratch = ((hcs2 >> 27) & 0x1F) | (((hcs2 >> 21) & 0x1F) << 5);
    if (nscratch > kMaxScratchpads) {
        dlog(1, "%s: wants %u scratchpad pages; skipped\n", h.name, nscratch);
        return false;
    }
    c.dcbaa = h.block + kOffDcbaa;
    c.input_ctx = h.block + kOffInputCtx;
    if (nscratch) {
        u32 arr = hba_dma_alloc(kPage * (1 + nscratch), "xhci scratchpad");
        if (!arr) return false;
        for (u32 i = 0; i < nscratch; i++) flat<u64>(arr)[i] = arr + kPage * (1 + i);
        flat<u64>(c.dcbaa)[0] = arr;
    }
    c.cmd = XhciRing{h.block + kOffCmdRing, kCmdRingTrbs, 0, 1};
    c.ev = XhciEventRing{h.block + kOffEventRing, kEventRingTrbs, 0, 1};
    u32* erst = flat<u32>(h.block + kOffErst);
    erst[0] = c.ev.base;
    erst[1] = 0;
    erst[2] = kEventRingTrbs;
    wr32(c.op + kConfig, c.max_slots);
    wr64(c.op + kDcbaap, c.dcbaa);
    wr64(c.op + kCrcr, c.cmd.base | kCrcrRcs);
    u32 ir = c.rt + kIr0;
    wr32(ir + kIman, 0);  // polled: no interrupts
    wr32(ir + kErstSz, 1);
    wr64(ir + kErdp, c.ev.base);
    wr64(ir + kErstBa, h.block + kOffErst);
    wr32(c.op + kUsbCmd, kCmdRun);
    if (!wait_reg(c.op + kUsbSts, kStsHalted, 0, kHaltTimeoutUs)) {
        dlog(1, "%s: does not start; skipped\n", h.name);
        return false;
    }
    return true;
}

// Resets a USB 2 port (USB 3 ports train to enabled by themselves); the
// port's PORTSC afterwards, 0 when no device is usable there.
u32 port_enable(Hc& h, u32 port) {
    u32 reg = h.c->op + kPortBase + kPortStride * (port - 1);
    u32 sc = rd32(reg);
    if (!(sc & kPortCcs)) return 0;
    u32 keep = sc & (kPortPp | kPortWakeBits);
    if (!(sc & kPortPed)) {
        wr32(reg, keep | kPortPr);
        if (!wait_reg(reg, kPortPrc, kPortPrc, kPortResetTimeoutUs)) {
            dlog(1, "%s port %u: reset does not complete (PORTSC %x); skipped\n", h.name, port, rd32(reg));
            return 0;
        }
        sc = rd32(reg);
    }
    wr32(reg, keep | (sc & kPortChangeBits));  // acknowledge the changes
    if (!(sc & kPortPed)) {
        dlog(1, "%s port %u: not enabled after reset (PORTSC %x); skipped\n", h.name, port, sc);
        return 0;
    }
    return sc;
}

constexpr u8 ep_ctx_type(const UsbEndpointInfo& e) {
    bool in = e.addr & usb::kEpDirIn;
    if (e.type == usb::kEpBulk) return in ? kEpTypeBulkIn : kEpTypeBulkOut;
    return in ? kEpTypeIntIn : kEpTypeIntOut;
}

constexpr u32 kCerr3 = 3u << 1;

void fill_ep_ctx(u32* ep, u8 type, u16 mps, u8 burst, u8 interval, const XhciRing& r) {
    for (int i = 0; i < 5; i++) ep[i] = 0;
    ep[0] = u32(interval) << 16;
    ep[1] = kCerr3 | u32(type) << 3 | u32(burst) << 8 | u32(mps) << 16;
    u64 dq = xhci_ring_dequeue_ptr(r);
    ep[2] = u32(dq);
    ep[3] = u32(dq >> 32);
    ep[4] = type == kEpTypeControl ? 8 : mps;  // average TRB length
}

// Where a device is: its root port, the hubs on the way, its speed.
struct Attach {
    u8 root_port, path_port;
    u8 depth;
    u32 route;
    UsbSpeed speed;
    u8 tt_slot, tt_port;
    u8 last_port;   // the hub port (or root port) it is on, for the log
};

// Slot, address; the device in its DMA block, or 0.
u32 address_device(Hc& h, const Attach& a) {
    XhciCtrl& c = *h.c;
    XhciTrb ev;
    u8 cc = xhci_command(c, XhciTrb{0, 0, xhci_trb_control(kTrbEnableSlot)}, &ev);
    u8 slot = xhci_trb_slot(ev);
    if (cc != kCcSuccess || !slot || slot > c.max_slots) {
        dlog(1, "%s port %u route %x: no device slot (completion code %u)\n", h.name, a.root_port, a.route, cc);
        return 0;
    }
    u32 blk = hba_dma_alloc(kPage, "usb device");
    if (!blk) return 0;
    UsbDevice& d = *flat<UsbDevice>(blk + kOffDevStruct);
    d.hc = u32(reinterpret_cast<uintptr_t>(&c));
    d.bdf = c.bdf;
    d.out_ctx = blk;
    d.slot = slot;
    d.port = a.root_port;
    d.path_port = a.path_port;
    d.depth = a.depth;
    d.route = a.route;
    d.tt_slot = a.tt_slot;
    d.tt_port = a.tt_port;
    d.speed = a.speed;
    d.mps0 = usb_default_mps0(a.speed);
    for (int p = 0; p < kPipesInDevPage; p++)
        d.ring[p] = XhciRing{blk + kOffDevRings + p * kXferRingTrbs * 16u, kXferRingTrbs, 0, 1};
    d.dci[kPipeControl] = 1;
    flat<u64>(c.dcbaa)[slot] = blk;
    c.devs[slot] = blk + kOffDevStruct;

    u32 cs = c.ctx_size;
    __builtin_memset(flat<void>(c.input_ctx), 0, 33 * cs);
    u32* icc = ctx_dw(c.input_ctx, 0, cs);
    icc[1] = 0x3;  // add the slot and EP0 contexts
    u32* sl = ctx_dw(c.input_ctx, 1, cs);
    sl[0] = (a.route & 0xFFFFF) | u32(a.speed) << 20 | 1u << 27;  // one context entry
    sl[1] = u32(a.root_port) << 16;
    sl[2] = u32(a.tt_slot) | u32(a.tt_port) << 8;
    fill_ep_ctx(ctx_dw(c.input_ctx, 2, cs), kEpTypeControl, d.mps0, 0, 0, d.ring[kPipeControl]);
    cc = xhci_command(c, XhciTrb{c.input_ctx, 0, xhci_trb_control(kTrbAddressDevice) | u32(slot) << kTrbSlotShift});
    if (cc != kCcSuccess) {
        dlog(1, "%s port %u route %x: address device failed (completion code %u); skipped\n", h.name, a.root_port,
             a.route, cc);
        return 0;
    }
    return blk + kOffDevStruct;
}

}  // namespace

// EP0's max packet size, when the device descriptor says another than the
// speed's default: Evaluate Context.
bool xhci_set_mps0(UsbDevice& d, u16 mps) {
    XhciCtrl& c = *flat<XhciCtrl>(d.hc);
    u32 cs = c.ctx_size;
    __builtin_memset(flat<void>(c.input_ctx), 0, 3 * cs);
    ctx_dw(c.input_ctx, 0, cs)[1] = 0x2;  // EP0
    fill_ep_ctx(ctx_dw(c.input_ctx, 2, cs), kEpTypeControl, mps, 0, 0, d.ring[kPipeControl]);
    u8 cc = xhci_command(c, XhciTrb{c.input_ctx, 0, xhci_trb_control(kTrbEvaluateContext) | u32(d.slot) << kTrbSlotShift});
    if (cc != kCcSuccess) {
        dlog(1, "usb slot %u: evaluate context failed (completion code %u); skipped\n", d.slot, cc);
        return false;
    }
    d.mps0 = mps;
    return true;
}

// The interface's endpoints as pipes In/Out: the Configure Endpoint command.
bool xhci_configure(UsbDevice& d, const UsbInterfaceInfo& info, u8 hub_ports, u8 hub_ttt) {
    XhciCtrl& c = *flat<XhciCtrl>(d.hc);
    u32 cs = c.ctx_size;
    __builtin_memset(flat<void>(c.input_ctx), 0, 33 * cs);
    u32* icc = ctx_dw(c.input_ctx, 0, cs);
    icc[1] = 0x1;
    u8 max_dci = 1;
    bool full_or_low = d.speed == UsbSpeed::kFull || d.speed == UsbSpeed::kLow;
    for (int p = kPipeIn; p < kPipeCount; p++) {
        const UsbEndpointInfo& e = usb_pipe_endpoint(info, p);
        if (!e.addr) continue;
        u8 dci = u8((e.addr & usb::kEpNumMask) * 2 + ((e.addr & usb::kEpDirIn) ? 1 : 0));
        d.dci[p] = dci;
        d.ep_addr[p] = e.addr;
        d.ep_mps[p] = e.mps;
        icc[1] |= 1u << dci;
        if (dci > max_dci) max_dci = dci;
        u8 interval = e.type == usb::kEpInterrupt ? xhci_ep_interval(full_or_low, e.interval) : 0;
        u32* ep = ctx_dw(c.input_ctx, 1 + dci, cs);
        fill_ep_ctx(ep, ep_ctx_type(e), e.mps, e.max_burst, interval, d.ring[p]);
        if (d.stream_array[p]) {
            // One primary stream (ID 1) in a linear array of 4 (MaxPStreams
            // 1): the endpoint's dequeue is the array, entry 1 the ring.
            XhciStreamCtx* sa = flat<XhciStreamCtx>(d.stream_array[p]);
            __builtin_memset(sa, 0, kStreamArrayEntries * sizeof(XhciStreamCtx));
            sa[d.stream[p]].dequeue = xhci_ring_dequeue_ptr(d.ring[p]) | kSctPrimary;
            ep[0] |= kEpMaxPStreams1 | kEpLsa;
            ep[2] = d.stream_array[p];
            ep[3] = 0;
        }
    }
    // The slot context as the controller has it, with the new entry count.
    __builtin_memcpy(ctx_dw(c.input_ctx, 1, cs), flat<void>(d.out_ctx), 16);
    u32* sl = ctx_dw(c.input_ctx, 1, cs);
    sl[0] = (sl[0] & ~(0x1Fu << 27)) | u32(max_dci) << 27;
    sl[3] = 0;
    if (hub_ports) {
        sl[0] |= 1u << 26;  // Hub
        sl[1] = (sl[1] & 0x00FFFFFF) | u32(hub_ports) << 24;
        sl[2] = (sl[2] & ~(3u << 16)) | u32(hub_ttt) << 16;
    }
    u8 cc = xhci_command(c, XhciTrb{c.input_ctx, 0, xhci_trb_control(kTrbConfigureEndpoint) | u32(d.slot) << kTrbSlotShift});
    if (cc != kCcSuccess) {
        dlog(1, "usb slot %u: configure endpoint failed (completion code %u)\n", d.slot, cc);
        return false;
    }
    return true;
}

namespace {

// A hub found by enumerate(): its descriptor, the slot context's hub
// fields; its ports are scanned later (scan_hub), not from here.
bool hub_attach(Hc& h, UsbDevice& d, const UsbInterfaceInfo& info, const char* where) {
    u8 ttt;
    u8 nports = usb_hub_ports(d, where, &ttt);
    if (!nports) return false;
    UsbInterfaceInfo none = info;
    none.in = none.out = UsbEndpointInfo{};  // the status change endpoint: ports are polled instead
    return usb_configure(d, none, nports, ttt) && usb_hub_add(h.hubs, d, nports, where);
}

// The device at `a`: address, then the generic enumeration; a hub goes on
// the list. True if a class driver took it.
bool enumerate(Hc& h, const Attach& a) {
    u32 dp = address_device(h, a);
    if (!dp) return false;
    UsbDevice& d = *flat<UsbDevice>(dp);
    char where[40];
    snformat(where, sizeof(where), "%s port %u route %x", h.name, a.root_port, a.route);
    UsbInterfaceInfo info;
    UsbEnumResult r = usb_enumerate(d, where, &info);
    if (r == UsbEnumResult::kHub) return hub_attach(h, d, info, where);
    return r == UsbEnumResult::kTaken;
}

void scan_hub(Hc& h, int i) {
    UsbDevice& hub = *flat<UsbDevice>(h.hubs.hub[i]);
    char where[48];
    snformat(where, sizeof(where), "%s port %u route %x", h.name, hub.port, hub.route);
    usb_hub_power(hub, h.hubs.ports[i]);
    bool used = false;
    for (u8 p = 1; p <= h.hubs.ports[i] && !h.c->broken; p++) {
        u32 st = usb_hub_port_attach(hub, p, where);
        if (!st) continue;
        Attach a{};
        a.root_port = hub.port;
        a.path_port = hub.path_port;
        a.depth = u8(hub.depth + 1);
        a.route = hub.route | u32(p) << (4 * hub.depth);
        a.speed = usb_hub_port_speed(st);
        a.tt_slot = hub.tt_slot;
        a.tt_port = hub.tt_port;
        if (hub.speed == UsbSpeed::kHigh && a.speed != UsbSpeed::kHigh) {
            a.tt_slot = hub.slot;  // this hub's transaction translator
            a.tt_port = p;
        }
        a.last_port = p;
        used |= enumerate(h, a);
    }
    if (used) h.used++;
}

void enumerate_root_port(Hc& h, u32 port) {
    u32 sc = port_enable(h, port);
    if (!sc) return;
    Attach a{};
    a.root_port = u8(port);
    a.path_port = u8(port - (h.proto_offset[port] ? h.proto_offset[port] : 1) + 1);
    a.speed = UsbSpeed((sc >> kPortSpeedShift) & kPortSpeedMask);
    a.last_port = u8(port);
    if (enumerate(h, a)) h.used++;
}

void setup_one(const PciDevice& pd) {
    Hc h{};
    snformat(h.name, sizeof(h.name), "xhci %02x:%02x.%x", pci_bus(pd.bdf), pci_dev(pd.bdf), pci_fn(pd.bdf));
    HbaRegs regs;
    if (!hba_regs(pd.bdf, 0, 0x1000, "xhci", &regs) || regs.io) return;
    h.cap = regs.base;
    u32 caplen = rd32(h.cap + kCapLength) & 0xFF;
    u32 hcs1 = rd32(h.cap + kHcsParams1), hcs2 = rd32(h.cap + kHcsParams2), hcc = rd32(h.cap + kHccParams1);
    h.block = hba_dma_alloc(kCtrlBlockSize, "xhci");
    if (!h.block) return;
    h.c = flat<XhciCtrl>(h.block);
    XhciCtrl& c = *h.c;
    c.bdf = pd.bdf;
    c.op = h.cap + caplen;
    c.rt = h.cap + (rd32(h.cap + kRtsOff) & ~0x1Fu);
    c.db = h.cap + (rd32(h.cap + kDbOff) & ~0x3u);
    c.ctx_size = (hcc & kHccCsz) ? 64 : 32;
    c.max_slots = u8(min<u32>(hcs1 & 0xFF, kMaxSlots));
    c.nports = u8(min<u32>(hcs1 >> 24, kMaxPorts));
    ext_caps(h, hcc);
    if (!halt_and_reset(h) || !start(h, hcs2)) return;
    dlog(1, "%s: version %x, %u ports, %u slots, %u-byte contexts\n", h.name, rd32(h.cap) >> 16, c.nports,
         c.max_slots, c.ctx_size);
    for (u32 port = 1; port <= c.nports && !c.broken; port++) enumerate_root_port(h, port);
    // Hubs found meanwhile, and hubs found on them (appended as they come).
    for (int i = 0; i < h.hubs.n && !c.broken; i++) scan_hub(h, i);
    if (!h.used) {
        // Nothing of ours on it: the OS finds it halted and reset.
        halt_and_reset(h);
        dlog(2, "%s: nothing to drive; halted\n", h.name);
    }
}

}  // namespace

void xhci_setup() { usb_for_each_hc(kPciProgIfXhci, setup_one); }

}  // namespace reef
