// SPDX-License-Identifier: LGPL-3.0-or-later
#include "hw/ps2.h"

#include "hw/pic.h"
#include "hw/timer.h"
#include "lib/io.h"
#include "lib/log.h"

namespace reef {
namespace {
using Status = IoReg<u8, i8042::kStatusPort>;
using Command = IoReg<u8, i8042::kStatusPort>;
using Data = IoReg<u8, i8042::kDataPort>;
constexpr u32 kIoTimeoutUs = 100000;

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

#if defined(REEF_MODE32)
void ps2_setup() {
    using namespace i8042;
    u8 v;
    // Quiet both ports and drain whatever is pending.
    i8042_write_cmd(kCmdKbdDisable);
    i8042_write_cmd(kCmdAuxDisable);
    for (int i = 0; i < 16 && (Status::read() & kStOutFull); i++) Data::read();
    if (!i8042_write_cmd(kCmdSelfTest) || !i8042_read(&v, kIoTimeoutUs) || v != 0x55) {
        dlog(1, "ps2: i8042 self-test failed; no keyboard\n");
        return;
    }
    // IRQs off and translation on while the keyboard is reset.
    i8042_write_cmd(kCmdWriteConfig);
    i8042_write_data(kCfgSystem | kCfgTranslate | kCfgAuxClockOff);
    if (!i8042_write_cmd(kCmdKbdTest) || !i8042_read(&v, kIoTimeoutUs) || v != 0) {
        dlog(1, "ps2: keyboard interface test failed (0x%x)\n", v);
        return;
    }
    i8042_write_cmd(kCmdKbdEnable);
    // Reset: ACK, then the self-test result (BAT) after up to ~500 ms on
    // real keyboards; QEMU answers at once, so poll rather than sleep.
    if (!kbd_command(kKbdReset) || !i8042_read(&v, 1000000) || v != kBatOk) {
        dlog(1, "ps2: no keyboard (reset got 0x%x)\n", v);
        return;
    }
    if (!kbd_command(kKbdEnableScan)) dlog(1, "ps2: keyboard did not acknowledge enable\n");
    i8042_write_cmd(kCmdWriteConfig);
    i8042_write_data(kCfgKbdIrq | kCfgSystem | kCfgTranslate | kCfgAuxClockOff);
    pic::unmask(1);
    dlog(2, "ps2: keyboard ready\n");
}
#endif

}  // namespace reef
