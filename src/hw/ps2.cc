// SPDX-License-Identifier: LGPL-3.0-or-later
#include "hw/ps2.h"

#include "hw/pic.h"
#include "hw/timer.h"
#include "lib/bda.h"
#include "lib/io.h"
#include "lib/log.h"
#include "svc/mouse.h"

namespace reef {
namespace {
using Status = IoReg<u8, i8042::kStatusPort>;
using Command = IoReg<u8, i8042::kStatusPort>;
using Data = IoReg<u8, i8042::kDataPort>;
constexpr u32 kIoTimeoutUs = 100000;
// A reset's self-test result (BAT) takes up to ~500 ms on real devices.
constexpr u32 kBatTimeoutUs = 1000000;

bool wait_input_empty() {
    u32 limit = pit_ticks_from_us(kIoTimeoutUs);
    PitStopwatch sw;
    while (Status::read() & i8042::kStInFull)
        if (sw.poll() > limit) return false;
    return true;
}
}  // namespace

bool i8042_write_cmd(u8 cmd) {
    if (!wait_input_empty()) return false;
    Command::write(cmd);
    return true;
}

bool i8042_write_data(u8 data) {
    if (!wait_input_empty()) return false;
    Data::write(data);
    return true;
}

bool i8042_read(u8* data, u32 timeout_us) {
    u32 limit = pit_ticks_from_us(timeout_us);
    PitStopwatch sw;
    while (!(Status::read() & i8042::kStOutFull))
        if (sw.poll() > limit) return false;
    *data = Data::read();
    return true;
}

bool kbd_command(u8 byte) {
    u8 r;
    return i8042_write_data(byte) && i8042_read(&r, kIoTimeoutUs) && r == i8042::kAck;
}

bool aux_read(u8* data, u32 timeout_us) {
    using namespace i8042;
    u32 limit = pit_ticks_from_us(timeout_us);
    PitStopwatch sw;
    for (;;) {
        u8 st = Status::read();
        if (st & kStOutFull) {
            u8 v = Data::read();
            if (st & kStAuxData) {
                *data = v;
                return true;
            }
            dlog(3, "ps2: keyboard byte 0x%x during a mouse command, dropped\n", v);
        }
        if (sw.poll() > limit) return false;
    }
}

AuxResult aux_send(u8 byte) {
    if (!i8042_write_cmd(i8042::kCmdAuxWrite) || !i8042_write_data(byte)) return AuxResult::kNoAnswer;
    u8 r;
    if (!aux_read(&r, kIoTimeoutUs)) return AuxResult::kNoAnswer;
    if (r == ps2mouse::kAck) return AuxResult::kOk;
    if (r == ps2mouse::kNak) return AuxResult::kResend;
    dlog(3, "ps2: mouse answered 0x%x to 0x%x\n", r, byte);
    return AuxResult::kError;
}

AuxResult aux_command(u8 cmd, int arg, u8* resp, u8 nresp) {
    // The keyboard's bytes would queue in front of the mouse's answer.
    i8042_write_cmd(i8042::kCmdKbdDisable);
    AuxResult res = aux_send(cmd);
    if (res == AuxResult::kOk && arg >= 0) res = aux_send(u8(arg));
    u32 timeout = cmd == ps2mouse::kReset ? kBatTimeoutUs : kIoTimeoutUs;
    for (u8 i = 0; res == AuxResult::kOk && i < nresp; i++)
        if (!aux_read(&resp[i], timeout)) res = AuxResult::kNoAnswer;
    i8042_write_cmd(i8042::kCmdKbdEnable);
    if (res != AuxResult::kOk) dlog(3, "ps2: mouse command 0x%x failed (%d)\n", cmd, int(res));
    return res;
}

#if defined(REEF_MODE32)
namespace {
// The aux port's interface test, then a reset: ACK, BAT OK and the ID of a
// standard mouse. The device is left disabled (stream mode, not reporting).
bool mouse_detect() {
    using namespace i8042;
    u8 v = 0xFF;
    if (!i8042_write_cmd(kCmdAuxTest) || !i8042_read(&v, kIoTimeoutUs) || v != 0) {
        dlog(2, "ps2: no aux port (interface test 0x%x)\n", v);
        return false;
    }
    i8042_write_cmd(kCmdAuxEnable);
    u8 bat[2] = {0, 0xFF};
    if (aux_command(ps2mouse::kReset, -1, bat, 2) != AuxResult::kOk || bat[0] != ps2mouse::kBatOk) {
        dlog(2, "ps2: no mouse (reset got 0x%x 0x%x)\n", bat[0], bat[1]);
        i8042_write_cmd(kCmdAuxDisable);
        return false;
    }
    mouse_attach(MouseBackend::kPs2Aux);
    dlog(2, "ps2: mouse ready (id 0x%x)\n", bat[1]);
    return true;
}

bool kbd_setup() {
    using namespace i8042;
    u8 v;
    if (!i8042_write_cmd(kCmdKbdTest) || !i8042_read(&v, kIoTimeoutUs) || v != 0) {
        dlog(1, "ps2: keyboard interface test failed (0x%x)\n", v);
        return false;
    }
    i8042_write_cmd(kCmdKbdEnable);
    // Reset: ACK, then the self-test result (BAT) after up to ~500 ms on
    // real keyboards; QEMU answers at once, so poll rather than sleep.
    if (!kbd_command(kKbdReset) || !i8042_read(&v, kBatTimeoutUs) || v != kBatOk) {
        dlog(1, "ps2: no keyboard (reset got 0x%x)\n", v);
        return false;
    }
    if (!kbd_command(kKbdEnableScan)) dlog(1, "ps2: keyboard did not acknowledge enable\n");
    dlog(2, "ps2: keyboard ready\n");
    return true;
}
}  // namespace

void ps2_setup() {
    using namespace i8042;
    u8 v;
    // No controller (QEMU's i8042=off): the status port floats to FFh, and
    // every wait for "input buffer empty" would time out.
    if (Status::read() == kStatusAbsent) {
        dlog(1, "ps2: no i8042 (status port reads FFh); no PS/2 keyboard or mouse\n");
        return;
    }
    // Quiet both ports and drain whatever is pending.
    i8042_write_cmd(kCmdKbdDisable);
    i8042_write_cmd(kCmdAuxDisable);
    for (int i = 0; i < 16 && (Status::read() & kStOutFull); i++) Data::read();
    if (!i8042_write_cmd(kCmdSelfTest) || !i8042_read(&v, kIoTimeoutUs) || v != 0x55) {
        dlog(1, "ps2: i8042 self-test failed; no keyboard\n");
        return;
    }
    // IRQs off and translation on while the devices are reset.
    i8042_write_cmd(kCmdWriteConfig);
    i8042_write_data(kCfgSystem | kCfgTranslate | kCfgAuxClockOff);
    bool mouse = CONFIG_PS2_MOUSE && mouse_detect();
    bool kbd = kbd_setup();
    // IRQ12 stays quiet until INT 15h C200h enables the mouse's reporting.
    u8 cfg = u8(kCfgSystem | kCfgTranslate | (mouse ? kCfgAuxIrq : kCfgAuxClockOff));
    if (kbd) cfg |= kCfgKbdIrq;
    i8042_write_cmd(kCmdWriteConfig);
    i8042_write_data(cfg);
    if (kbd) pic::unmask(1);
    if (mouse) pic::unmask(12);
}
#endif

}  // namespace reef
