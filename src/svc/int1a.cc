// SPDX-License-Identifier: LGPL-3.0-or-later
// INT 1Ah: the tick counter (00h/01h) and the RTC clock, date and alarm
// (02h-07h), in the RTC's own format (BCD or binary, per status B); the PCI
// BIOS (B1xxh, src/svc/pcibios.cc).
#include "hw/cmos.h"
#include "hw/pic.h"
#include "lib/bda.h"
#include "lib/io.h"
#include "lib/log.h"
#include "svc/handlers.h"
#include "svc/pcibios.h"

namespace reef {
namespace {

using namespace cmos;

u8 rd(u8 idx) { return cmos_read(idx); }
void wr(u8 idx, u8 v) { cmos_write(idx, v); }

// The BIOS interface is BCD; convert if the RTC runs in binary mode.
u8 from_rtc(u8 v) { return (rd(kStatusB) & kBBinary) ? u8(((v / 10) << 4) | (v % 10)) : v; }
u8 to_rtc(u8 bcd) { return (rd(kStatusB) & kBBinary) ? u8((bcd >> 4) * 10 + (bcd & 0xF)) : bcd; }

// Waits (bounded) for the end of an update cycle; false if the clock is
// stopped or never settles.
bool rtc_ready() {
    if (rd(kStatusB) & kBSet) return false;
    for (u32 i = 0; i < 200000; i++)
        if (!(rd(kStatusA) & kAUpdateInProgress)) return true;
    return false;
}

void set_begin() { wr(kStatusB, u8(rd(kStatusB) | kBSet)); }
void set_end() { wr(kStatusB, u8((rd(kStatusB) & ~kBSet) | kB24h)); }

}  // namespace
}  // namespace reef

using namespace reef;

HANDLER(handle_int1a) {
    dlog(4, "int1a ah=%x\n", r->ah);
    switch (r->ah) {
    case 0x00: {
        asm volatile("cli");
        u32 t = BDA_GET(timer_counter);
        r->cx = u16(t >> 16);
        r->dx = u16(t);
        r->al = BDA_GET(timer_rollover);
        BDA_SET(timer_rollover, u8(0));
        r->clear_cf();
        break;
    }
    case 0x01:
        BDA_SET(timer_counter, (u32(r->cx) << 16) | r->dx);
        BDA_SET(timer_rollover, u8(0));
        r->ok();
        break;
    case 0x02:
        if (!rtc_ready()) {
            r->set_cf();
            break;
        }
        r->dh = from_rtc(rd(kSeconds));
        r->cl = from_rtc(rd(kMinutes));
        r->ch = from_rtc(rd(kHours));
        r->dl = rd(kStatusB) & kBDst;
        r->ok();
        break;
    case 0x03:
        rtc_ready();
        set_begin();
        wr(kSeconds, to_rtc(r->dh));
        wr(kMinutes, to_rtc(r->cl));
        wr(kHours, to_rtc(r->ch));
        wr(kStatusB, u8((rd(kStatusB) & ~kBDst) | (r->dl & kBDst)));
        set_end();
        r->ok();
        break;
    case 0x04:
        if (!rtc_ready()) {
            r->set_cf();
            break;
        }
        r->dl = from_rtc(rd(kDay));
        r->dh = from_rtc(rd(kMonth));
        r->cl = from_rtc(rd(kYear));
        r->ch = from_rtc(rd(kCentury));
        r->ok();
        break;
    case 0x05:
        rtc_ready();
        set_begin();
        wr(kDay, to_rtc(r->dl));
        wr(kMonth, to_rtc(r->dh));
        wr(kYear, to_rtc(r->cl));
        wr(kCentury, to_rtc(r->ch));
        set_end();
        r->ok();
        break;
    case 0x06:
        if (rd(kStatusB) & kBAlarmIrq) {  // an alarm is already set
            r->set_cf();
            break;
        }
        rtc_ready();
        wr(kSecondsAlarm, to_rtc(r->dh));
        wr(kMinutesAlarm, to_rtc(r->cl));
        wr(kHoursAlarm, to_rtc(r->ch));
        rd(kStatusC);
        wr(kStatusB, u8(rd(kStatusB) | kBAlarmIrq));
        pic::unmask(8);  // the RTC
        pic::unmask(pic::kCascadeIrq);
        r->ok();
        break;
    case 0x07:
        wr(kStatusB, u8(rd(kStatusB) & ~kBAlarmIrq));
        r->ok();
        break;
    case pcibios::kFunctionId:
        pcibios_call(r);
        break;
    default:
        r->set_cf();
    }
}
