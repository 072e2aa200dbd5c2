// SPDX-License-Identifier: LGPL-3.0-or-later
// The C++ side of the 16-bit entry stubs (src/entry16.S): each handler gets
// the caller's registers, runs on the runtime stack with DS = ES = SS =
// RTDATA_SEG, and its changes to *r are what the caller sees after IRET.
#pragma once
#include "lib/regs16.h"

#define HANDLER(name) extern "C" void name(reef::Regs16* r)

HANDLER(handle_int08);
HANDLER(handle_int09);
HANDLER(handle_int0e);
HANDLER(handle_int10);
HANDLER(handle_int11);
HANDLER(handle_int12);
HANDLER(handle_int13);
HANDLER(handle_int14);
HANDLER(handle_int15);
HANDLER(handle_int16);
HANDLER(handle_int17);
HANDLER(handle_int18);
HANDLER(handle_int19);
HANDLER(handle_int1a);
HANDLER(handle_int40);
HANDLER(handle_int70);
HANDLER(handle_int74);
HANDLER(handle_hwirq_master);
HANDLER(handle_hwirq_slave);
HANDLER(handle_selftest);
HANDLER(handle_bootmenu);
HANDLER(handle_sercon10);

namespace reef {
// INT 13h and INT 40h for DL < 0x80 (src/svc/int13_floppy.cc).
void floppy_service(Regs16* r);
// The next key of the keyboard buffer (INT 16h AH=10h's code: scan << 8 |
// ASCII), taken out of it, after a poll of the USB keyboards; false when
// the buffer is empty. Call with interrupts off (src/svc/int16.cc).
bool kbd_take_key(u16* key);
// From the timer IRQ (INT 08h), after POST: USB keyboards' reports into the
// keyboard buffer, for callers that read it without INT 16h. Not when the
// IRQ came in during a call32 (svc/mouse.h mouse_timer_poll says why).
void kbd_timer_poll();
// Puts a key (INT 16h AH=10h's code) at the end of the keyboard buffer;
// false when it is full. Call with interrupts off (src/svc/int16.cc).
bool kbd_store_key(u16 key);
// The serial console's received bytes into the keyboard buffer, and a lone
// ESC once its wait is over (src/svc/sercon16.cc). Interrupts off.
// `flush` (INT 16h: the caller waits for the user): first the character
// INT 10h 09h/0Ah wrote last, if it was held back.
void sercon_poll(bool flush);
}  // namespace reef
