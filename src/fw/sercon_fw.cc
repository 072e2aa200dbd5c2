// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/sercon_fw.h"

#include "fw/fixed_offsets.h"
#include "fw/fwcfg.h"
#include "hw/uart.h"
#include "lib/bda.h"
#include "lib/console.h"
#include "lib/log.h"
#include "lib/rtvars.h"
#include "lib/sercon.h"

DECLARE_TEXT16(entry_sercon10);
extern "C" reef::SegOff _r16_sercon_prev10;

namespace reef {
namespace {

constexpr char kPortFile[] = "etc/sercon-port";
constexpr u8 kInt10 = 0x10;
constexpr u8 kTextMode = 0x03;
constexpr u16 kCursorShape = 0x0607;  // underline, as mode 3 sets it
// Longer than any integer or text form of a port: a bad file.
constexpr u32 kMaxFileSize = 16;

SegOff ivt_get(u8 vec) { return far_read<SegOff>(0, vec * 4u); }
void ivt_set(u8 vec, SegOff v) { far_write<SegOff>(0, vec * 4u, v); }

}  // namespace

void sercon_setup() {
    if (!CONFIG_SERCON || !fwcfg().present()) return;
    u8 buf[kMaxFileSize];
    s32 size = fwcfg().read_file(kPortFile, buf, sizeof(buf));
    if (size < 0) return;
    u16 port = 0;
    SerconPortStatus st = u32(size) > kMaxFileSize ? SerconPortStatus::kBadSize : sercon_parse_port(buf, size, &port);
    if (st != SerconPortStatus::kOk) {
        dlog(1, "sercon: %s (%d bytes) is %s; no serial console\n", kPortFile, size, sercon_port_status_text(st));
        return;
    }
    if (!port) {
        dlog(1, "sercon: %s is 0; no serial console\n", kPortFile);
        return;
    }
    if (uart::Lsr::read(port) == uart::kLsrAbsent) {
        dlog(1, "sercon: no UART at port 0x%x (%s); no serial console\n", port, kPortFile);
        return;
    }
    // The debug serial port is set up already; another one is not.
    if (!CONFIG_SERIAL_CONSOLE || port != CONFIG_SERIAL_PORT) uart_setup(port);
    // Receive trigger level 14: QEMU's 16550 takes in bytes from its
    // chardev up to the trigger level only (1: one byte per poll, so an
    // escape sequence would take a timer tick a byte while we wait halted).
    uart::Fcr::write(port, u8(uart::kFcrEnable | uart::kFcrClearRx | uart::kFcrClearTx | uart::kFcrTrigger14));

    SegOff prev = ivt_get(kInt10);
    bool alone = !RT(g_video_ready);
    // Where entry_sercon10 goes on: the video BIOS, or a bare IRET when
    // there is none (our fallback INT 10h would print teletype twice).
    SegOff next = alone ? SegOff{fixed::iret, FSEG} : prev;
    far_write<SegOff>(0, FSEG_BASE + u32(reinterpret_cast<uintptr_t>(&_r16_sercon_prev10)), next);
    if (alone) {
        // The text screen's BDA fields, as a mode set would fill them.
        BDA_SET(video_mode, kTextMode);
        BDA_SET(video_cols, u16(kSerconCols));
        BDA_SET(video_rows, u8(kSerconRows - 1));
        BDA_SET(video_page, u8(0));
        BDA_SET(cursor_type, kCursorShape);
    }
    // The terminal has what the screen has so far (the banner): its cursor
    // is taken to be the screen's.
    u16 pos = far_read<u16>(kBdaSeg, __builtin_offsetof(Bda, cursor_pos) + 2u * BDA_GET(video_page));
    SerconState& s = RT(g_sercon);
    s = SerconState{};
    s.alone = alone;
    s.shadow = SerconShadow{u8(pos >> 8), u8(pos), 1};
    ivt_set(kInt10, SegOff{TEXT16_OFFSET(entry_sercon10), FSEG});
    s.port = port;
    dlog(1, "sercon: INT 10h mirrored to the UART at 0x%x%s\n", port,
         alone ? " (no video BIOS: it is the only console)" : "");
}

}  // namespace reef
