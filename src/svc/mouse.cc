// SPDX-License-Identifier: LGPL-3.0-or-later
// The pointing device: INT 15h AH=C2h and IRQ12 (INT 74h). The layer and
// its backend interface are described in svc/mouse.h.
#include "svc/mouse.h"

#include "hw/pic.h"
#include "hw/ps2.h"
#include "hw/usb_hid.h"
#include "lib/bda.h"
#include "lib/call32.h"
#include "lib/io.h"
#include "lib/log.h"
#include "svc/handlers.h"

DECLARE_CALL32(c32_usb_mouse_poll);

namespace reef {
namespace {

// INT 15h C2h status codes (AH).
namespace mst {
constexpr u8 kOk = 0x00, kInvalidFunction = 0x01, kInvalidInput = 0x02, kInterfaceError = 0x03,
             kResend = 0x04, kNoHandler = 0x05;
}

constexpr u8 kMouseIrq = 12;

// C202h: BH = index into the PS/2 sample rates (reports per second).
constexpr u8 kSampleRates[] = {10, 20, 40, 60, 80, 100, 200};
constexpr u8 kMaxResolution = 3;  // C203h BH: 1, 2, 4, 8 counts per mm

MouseBackend backend() { return MouseBackend(EBDA_GET(mouse_backend)); }

u8 status_of(AuxResult r) {
    switch (r) {
    case AuxResult::kOk: return mst::kOk;
    case AuxResult::kResend: return mst::kResend;
    default: return mst::kInterfaceError;
    }
}

// The status command's first byte (PS/2 E9h).
constexpr u8 kStatusEnabled = 0x20, kStatusScaling21 = 0x10;

// A USB pointing device has no PS/2 state: the commands C2h sends are
// answered from (and change) the state kept for it.
u8 usb_mouse_command(u8 cmd, int arg, u8* resp) {
    UsbMouseState& m = g_usbmouse;
    switch (cmd) {
    case ps2mouse::kReset:
        resp[0] = ps2mouse::kBatOk;
        resp[1] = ps2mouse::kIdStandard;
        [[fallthrough]];
    case ps2mouse::kSetDefaults:
        m.rate = kUsbMouseDefaultRate;
        m.resolution = kUsbMouseDefaultResolution;
        m.scaling21 = false;
        break;
    case ps2mouse::kEnable:  // reporting: mouse_service keeps it in the EBDA's flags
    case ps2mouse::kDisable: break;
    case ps2mouse::kSetRate: m.rate = u8(arg); break;
    case ps2mouse::kSetResolution: m.resolution = u8(arg); break;
    case ps2mouse::kScaling11: m.scaling21 = false; break;
    case ps2mouse::kScaling21: m.scaling21 = true; break;
    case ps2mouse::kGetId: resp[0] = ps2mouse::kIdStandard; break;
    case ps2mouse::kStatus:
        // Byte 0: remote mode 0, reporting enabled, 2:1 scaling, buttons 0.
        resp[0] = u8(((EBDA_GET(mouse_flag2) & mouseflag::kEnabled) ? kStatusEnabled : 0) |
                     (m.scaling21 ? kStatusScaling21 : 0));
        resp[1] = m.resolution;
        resp[2] = m.rate;
        break;
    default: return mst::kInvalidFunction;
    }
    m.npackets = 0;
    return mst::kOk;
}

// One PS/2 mouse command to the backend: `cmd`, its parameter when arg >= 0,
// nresp answer bytes. Returns a C2h status code. A command resynchronises
// the packet stream (its answers may have cut a packet short).
u8 mouse_device_command(u8 cmd, int arg, u8* resp, u8 nresp) {
    u8 st = mst::kInterfaceError;
    switch (backend()) {
    case MouseBackend::kPs2Aux:
        st = status_of(aux_command(cmd, arg, resp, nresp));
        break;
    case MouseBackend::kUsb:
        st = usb_mouse_command(cmd, arg, resp);
        break;
    case MouseBackend::kNone:
        break;
    }
    EBDA_SET(mouse_flag1, u8(0));
    return st;
}

void set_flag2(u8 clear, u8 set) { EBDA_SET(mouse_flag2, u8((EBDA_GET(mouse_flag2) & ~clear) | set)); }

// Reset to the power-on state: reporting off, 100/s, 4 counts/mm, 1:1.
// Answers BAT and ID into out[0..1].
u8 reset_device(u8* out) {
    set_flag2(mouseflag::kEnabled, 0);
    return mouse_device_command(ps2mouse::kReset, -1, out, 2);
}

void finish(Regs16* r, u8 st) {
    if (st == mst::kOk) r->ok();
    else r->fail(st);
}

// The user's handler: a far call with status, X, Y and a zero word on the
// stack, which it leaves there (RET FAR); it may change any register.
// It runs on our stack with interrupts off.
void call_handler(u16 status, u16 x, u16 y) {
    SegOff h = EBDA_GET(mouse_handler);
    const SegOff* hp = &h;  // SS-relative, and DS = SS here
    asm volatile(
        "pushl %%ebp\n\t"
        "pushw %%ds\n\t"
        "pushw %%es\n\t"
        "pushw %w0\n\t"
        "pushw %w1\n\t"
        "pushw %w2\n\t"
        "pushw $0\n\t"
        "lcallw *(%3)\n\t"
        "cli\n\t"
        "addw $8, %%sp\n\t"
        "popw %%es\n\t"
        "popw %%ds\n\t"
        "popl %%ebp"
        : "+a"(status), "+c"(x), "+d"(y), "+S"(hp)
        :
        : "ebx", "edi", "memory", "cc");
}

}  // namespace

void mouse_packet(u8 status, u8 dx, u8 dy) {
    u8 f2 = EBDA_GET(mouse_flag2);
    if ((f2 & (mouseflag::kHandler | mouseflag::kEnabled)) != (mouseflag::kHandler | mouseflag::kEnabled)) {
        dlog(4, "mouse: packet %x %x %x with no handler or reporting off\n", status, dx, dy);
        return;
    }
    dlog(5, "mouse: packet %x %x %x\n", status, dx, dy);
    call_handler(status, dx, dy);
}

void mouse_timer_poll() {
    if (!CONFIG_USB_MOUSE || backend() != MouseBackend::kUsb) return;
    u8 f2 = EBDA_GET(mouse_flag2);
    if ((f2 & (mouseflag::kHandler | mouseflag::kEnabled)) != (mouseflag::kHandler | mouseflag::kEnabled)) return;
    if (!g_post_done || in_vm86() || on_call32_stack()) return;
    UsbMouseState& m = g_usbmouse;
    if (!call32(CALL32_ADDR(c32_usb_mouse_poll), 0)) return;
    u8 n = m.npackets;
    m.npackets = 0;
    for (u8 i = 0; i < n; i++) {
        // The packets live in the runtime data segment (DS here); copy
        // before the handler, which may call C2h.
        u8 st = m.packets[i][0], dx = m.packets[i][1], dy = m.packets[i][2];
        mouse_packet(st, dx, dy);
    }
}

void mouse_aux_byte(u8 b) {
    u8 idx = EBDA_GET(mouse_flag1) & mouseflag::kIndexMask;
    u8 size = u8((EBDA_GET(mouse_flag2) & mouseflag::kSizeMask) + 1);
    if (idx == 0 && !(b & ps2mouse::kPktSync)) {
        dlog(3, "mouse: byte 0x%x cannot start a packet, dropped\n", b);
        return;
    }
    u16 ebda = EBDA_SEG();
    far_write<u8>(ebda, __builtin_offsetof(Ebda, mouse_data) + idx, b);
    if (++idx < size) {
        EBDA_SET(mouse_flag1, idx);
        return;
    }
    EBDA_SET(mouse_flag1, u8(0));
    u8 d[3] = {0, 0, 0};
    for (u8 i = 0; i < size && i < 3; i++) d[i] = far_read<u8>(ebda, __builtin_offsetof(Ebda, mouse_data) + i);
    mouse_packet(d[0], d[1], d[2]);
}

void mouse_service(Regs16* r) {
    dlog(4, "int15 c2: ax=%x bx=%x\n", r->ax, r->bx);
    if (r->al > 0x07) {
        dlog(1, "int15 c2: AX=%04Xh: no such function (01h)\n", r->ax);
        finish(r, mst::kInvalidFunction);
        return;
    }
    if (r->al == 0x07) {  // C207h: the handler ES:BX (0:0 removes it)
        EBDA_SET(mouse_handler, (SegOff{r->bx, r->es}));
        set_flag2(mouseflag::kHandler, (r->es || r->bx) ? mouseflag::kHandler : 0);
        r->ok();
        return;
    }
    if (backend() == MouseBackend::kNone) {
        dlog(1, "int15 c2: AX=%04Xh: no pointing device (03h)\n", r->ax);
        finish(r, mst::kInterfaceError);
        return;
    }
    u8 resp[3] = {0, 0, 0};
    u8 st = mst::kOk;
    const char* why = "the device failed";
    switch (r->al) {
    case 0x00:  // enable (BH=1) / disable (BH=0) reporting
        if (r->bh > 1) {
            st = mst::kInvalidFunction;
            why = "BH not 0 (disable) or 1 (enable)";
        } else if (r->bh == 0) {
            st = mouse_device_command(ps2mouse::kDisable, -1, resp, 0);
            if (st == mst::kOk) set_flag2(mouseflag::kEnabled, 0);
        } else if (!(EBDA_GET(mouse_flag2) & mouseflag::kHandler)) {
            st = mst::kNoHandler;
            why = "no handler installed (C207h)";
        } else {
            st = mouse_device_command(ps2mouse::kEnable, -1, resp, 0);
            if (st == mst::kOk) set_flag2(0, mouseflag::kEnabled);
        }
        break;
    case 0x01:  // reset: BL = BAT result (AAh), BH = device ID
        st = reset_device(resp);
        if (st == mst::kOk) {
            r->bl = resp[0];
            r->bh = resp[1];
        }
        break;
    case 0x02:  // sample rate
        if (r->bh >= ARRAY_SIZE(kSampleRates)) {
            st = mst::kInvalidInput;
            why = "sample rate index not 0-6";
        } else st = mouse_device_command(ps2mouse::kSetRate, kSampleRates[r->bh], resp, 0);
        break;
    case 0x03:  // resolution
        if (r->bh > kMaxResolution) {
            st = mst::kInvalidInput;
            why = "resolution not 0-3";
        } else st = mouse_device_command(ps2mouse::kSetResolution, r->bh, resp, 0);
        break;
    case 0x04:  // device ID into BH
        st = mouse_device_command(ps2mouse::kGetId, -1, resp, 1);
        if (st == mst::kOk) r->bh = resp[0];
        break;
    case 0x05:  // initialise with BH-byte packets: a reset, and the new size
        if (r->bh < 1 || r->bh > ps2mouse::kMaxPacketSize) {
            st = mst::kInvalidInput;
            why = "packet size not 1-8";
            break;
        }
        set_flag2(mouseflag::kSizeMask, u8(r->bh - 1));
        st = reset_device(resp);
        break;
    case 0x06:  // BH=0 status (BL, CL = resolution, DL = rate); 1/2 scaling
        if (r->bh == 0) {
            st = mouse_device_command(ps2mouse::kStatus, -1, resp, 3);
            if (st == mst::kOk) {
                r->bl = resp[0];
                r->cl = resp[1];
                r->dl = resp[2];
            }
        } else if (r->bh == 1 || r->bh == 2) {
            st = mouse_device_command(r->bh == 1 ? ps2mouse::kScaling11 : ps2mouse::kScaling21, -1, resp, 0);
        } else {
            st = mst::kInvalidFunction;
            why = "BH not 0-2";
        }
        break;
    default:
        break;
    }
    if (st != mst::kOk) dlog(1, "int15 c2: AX=%04Xh BH=%02Xh: %s (%02Xh)\n", r->ax, r->bh, why, st);
    finish(r, st);
}

}  // namespace reef

using namespace reef;

HANDLER(handle_int74) {
    (void)r;
    u8 st = inb(i8042::kStatusPort);
    if ((st & (i8042::kStOutFull | i8042::kStAuxData)) == (i8042::kStOutFull | i8042::kStAuxData))
        mouse_aux_byte(inb(i8042::kDataPort));
    else
        dlog(5, "mouse: IRQ12 without aux data (status 0x%x)\n", st);
    pic::eoi(kMouseIrq);
}
