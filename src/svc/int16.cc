// SPDX-License-Identifier: LGPL-3.0-or-later
// The keyboard: IRQ1 (INT 09h) turns scan codes (set 1, as translated by the
// i8042) into BIOS key codes in the BDA ring buffer; INT 16h reads them.
#include "hw/pic.h"
#include "hw/ps2.h"
#include "hw/usb_hid.h"
#include "lib/bda.h"
#include "lib/call32.h"
#include "lib/io.h"
#include "lib/log.h"
#include "svc/handlers.h"
#include "svc/mouse.h"

DECLARE_CALL32(c32_usb_kbd_poll);

namespace reef {
namespace {

// BDA 40:17 / 40:18 / 40:96 bits.
namespace kf0 {
constexpr u8 kRShift = 0x01, kLShift = 0x02, kCtrl = 0x04, kAlt = 0x08, kScroll = 0x10, kNum = 0x20,
             kCaps = 0x40, kInsert = 0x80;
}
namespace kf1 {
constexpr u8 kLCtrl = 0x01, kLAlt = 0x02, kSysReq = 0x04, kPause = 0x08, kScrollDown = 0x10, kNumDown = 0x20,
             kCapsDown = 0x40, kInsertDown = 0x80;
}
namespace kf2 {
constexpr u8 kLastE1 = 0x01, kLastE0 = 0x02, kRCtrl = 0x04, kRAlt = 0x08;
}

// Key codes (scan << 8 | ASCII) per scan code: plain, shift, ctrl, alt.
// 0 = the combination produces nothing.
struct KeyCodes {
    u16 plain, shift, ctrl, alt;
};
constexpr KeyCodes kKeys[0x59] = {
    {0, 0, 0, 0},                                 // 00
    {0x011B, 0x011B, 0x011B, 0x0100},             // 01 Esc
    {0x0231, 0x0221, 0, 0x7800},                  // 02 1 !
    {0x0332, 0x0340, 0x0300, 0x7900},             // 03 2 @
    {0x0433, 0x0423, 0, 0x7A00},                  // 04 3 #
    {0x0534, 0x0524, 0, 0x7B00},                  // 05 4 $
    {0x0635, 0x0625, 0, 0x7C00},                  // 06 5 %
    {0x0736, 0x075E, 0x071E, 0x7D00},             // 07 6 ^
    {0x0837, 0x0826, 0, 0x7E00},                  // 08 7 &
    {0x0938, 0x092A, 0, 0x7F00},                  // 09 8 *
    {0x0A39, 0x0A28, 0, 0x8000},                  // 0A 9 (
    {0x0B30, 0x0B29, 0, 0x8100},                  // 0B 0 )
    {0x0C2D, 0x0C5F, 0x0C1F, 0x8200},             // 0C - _
    {0x0D3D, 0x0D2B, 0, 0x8300},                  // 0D = +
    {0x0E08, 0x0E08, 0x0E7F, 0x0E00},             // 0E Backspace
    {0x0F09, 0x0F00, 0x9400, 0xA500},             // 0F Tab
    {0x1071, 0x1051, 0x1011, 0x1000},             // 10 q
    {0x1177, 0x1157, 0x1117, 0x1100},             // 11 w
    {0x1265, 0x1245, 0x1205, 0x1200},             // 12 e
    {0x1372, 0x1352, 0x1312, 0x1300},             // 13 r
    {0x1474, 0x1454, 0x1414, 0x1400},             // 14 t
    {0x1579, 0x1559, 0x1519, 0x1500},             // 15 y
    {0x1675, 0x1655, 0x1615, 0x1600},             // 16 u
    {0x1769, 0x1749, 0x1709, 0x1700},             // 17 i
    {0x186F, 0x184F, 0x180F, 0x1800},             // 18 o
    {0x1970, 0x1950, 0x1910, 0x1900},             // 19 p
    {0x1A5B, 0x1A7B, 0x1A1B, 0x1A00},             // 1A [ {
    {0x1B5D, 0x1B7D, 0x1B1D, 0x1B00},             // 1B ] }
    {0x1C0D, 0x1C0D, 0x1C0A, 0x1C00},             // 1C Enter
    {0, 0, 0, 0},                                 // 1D Ctrl
    {0x1E61, 0x1E41, 0x1E01, 0x1E00},             // 1E a
    {0x1F73, 0x1F53, 0x1F13, 0x1F00},             // 1F s
    {0x2064, 0x2044, 0x2004, 0x2000},             // 20 d
    {0x2166, 0x2146, 0x2106, 0x2100},             // 21 f
    {0x2267, 0x2247, 0x2207, 0x2200},             // 22 g
    {0x2368, 0x2348, 0x2308, 0x2300},             // 23 h
    {0x246A, 0x244A, 0x240A, 0x2400},             // 24 j
    {0x256B, 0x254B, 0x250B, 0x2500},             // 25 k
    {0x266C, 0x264C, 0x260C, 0x2600},             // 26 l
    {0x273B, 0x273A, 0, 0x2700},                  // 27 ; :
    {0x2827, 0x2822, 0, 0x2800},                  // 28 ' "
    {0x2960, 0x297E, 0, 0x2900},                  // 29 ` ~
    {0, 0, 0, 0},                                 // 2A LShift
    {0x2B5C, 0x2B7C, 0x2B1C, 0x2B00},             // 2B \ |
    {0x2C7A, 0x2C5A, 0x2C1A, 0x2C00},             // 2C z
    {0x2D78, 0x2D58, 0x2D18, 0x2D00},             // 2D x
    {0x2E63, 0x2E43, 0x2E03, 0x2E00},             // 2E c
    {0x2F76, 0x2F56, 0x2F16, 0x2F00},             // 2F v
    {0x3062, 0x3042, 0x3002, 0x3000},             // 30 b
    {0x316E, 0x314E, 0x310E, 0x3100},             // 31 n
    {0x326D, 0x324D, 0x320D, 0x3200},             // 32 m
    {0x332C, 0x333C, 0, 0x3300},                  // 33 , <
    {0x342E, 0x343E, 0, 0x3400},                  // 34 . >
    {0x352F, 0x353F, 0, 0x3500},                  // 35 / ?
    {0, 0, 0, 0},                                 // 36 RShift
    {0x372A, 0x372A, 0x9600, 0x3700},             // 37 keypad *
    {0, 0, 0, 0},                                 // 38 Alt
    {0x3920, 0x3920, 0x3920, 0x3920},             // 39 Space
    {0, 0, 0, 0},                                 // 3A CapsLock
    {0x3B00, 0x5400, 0x5E00, 0x6800},             // 3B F1
    {0x3C00, 0x5500, 0x5F00, 0x6900},             // 3C F2
    {0x3D00, 0x5600, 0x6000, 0x6A00},             // 3D F3
    {0x3E00, 0x5700, 0x6100, 0x6B00},             // 3E F4
    {0x3F00, 0x5800, 0x6200, 0x6C00},             // 3F F5
    {0x4000, 0x5900, 0x6300, 0x6D00},             // 40 F6
    {0x4100, 0x5A00, 0x6400, 0x6E00},             // 41 F7
    {0x4200, 0x5B00, 0x6500, 0x6F00},             // 42 F8
    {0x4300, 0x5C00, 0x6600, 0x7000},             // 43 F9
    {0x4400, 0x5D00, 0x6700, 0x7100},             // 44 F10
    {0, 0, 0, 0},                                 // 45 NumLock
    {0, 0, 0, 0},                                 // 46 ScrollLock
    {0x4700, 0x4737, 0x7700, 0},                  // 47 keypad 7 / Home
    {0x4800, 0x4838, 0x8D00, 0},                  // 48 keypad 8 / Up
    {0x4900, 0x4939, 0x8400, 0},                  // 49 keypad 9 / PgUp
    {0x4A2D, 0x4A2D, 0x8E00, 0x4A00},             // 4A keypad -
    {0x4B00, 0x4B34, 0x7300, 0},                  // 4B keypad 4 / Left
    {0x4C00, 0x4C35, 0x8F00, 0},                  // 4C keypad 5
    {0x4D00, 0x4D36, 0x7400, 0},                  // 4D keypad 6 / Right
    {0x4E2B, 0x4E2B, 0x9000, 0x4E00},             // 4E keypad +
    {0x4F00, 0x4F31, 0x7500, 0},                  // 4F keypad 1 / End
    {0x5000, 0x5032, 0x9100, 0},                  // 50 keypad 2 / Down
    {0x5100, 0x5133, 0x7600, 0},                  // 51 keypad 3 / PgDn
    {0x5200, 0x5230, 0x9200, 0},                  // 52 keypad 0 / Ins
    {0x5300, 0x532E, 0x9300, 0},                  // 53 keypad . / Del
    {0, 0, 0, 0},                                 // 54 SysReq
    {0, 0, 0, 0},                                 // 55
    {0x565C, 0x567C, 0, 0},                       // 56 102nd key \ |
    {0x8500, 0x8700, 0x8900, 0x8B00},             // 57 F11
    {0x8600, 0x8800, 0x8A00, 0x8C00},             // 58 F12
};

// Alt codes of the grey (E0-prefixed) navigation keys, by scan code.
u16 grey_alt(u8 sc) {
    switch (sc) {
    case 0x47: return 0x9700;
    case 0x48: return 0x9800;
    case 0x49: return 0x9900;
    case 0x4B: return 0x9B00;
    case 0x4D: return 0x9D00;
    case 0x4F: return 0x9F00;
    case 0x50: return 0xA000;
    case 0x51: return 0xA100;
    case 0x52: return 0xA200;
    case 0x53: return 0xA300;
    default: return 0;
    }
}

bool enqueue(u16 key) {
    u16 head = BDA_GET(kbd_head), tail = BDA_GET(kbd_tail);
    u16 next = u16(tail + 2);
    if (next >= BDA_GET(kbd_buf_end)) next = BDA_GET(kbd_buf_start);
    if (next == head) return false;  // full
    far_write<u16>(kBdaSeg, tail, key);
    BDA_SET(kbd_tail, next);
    return true;
}

bool peek(u16* key) {
    u16 head = BDA_GET(kbd_head);
    if (head == BDA_GET(kbd_tail)) return false;
    *key = far_read<u16>(kBdaSeg, head);
    return true;
}

void drop() {
    u16 head = u16(BDA_GET(kbd_head) + 2);
    if (head >= BDA_GET(kbd_buf_end)) head = BDA_GET(kbd_buf_start);
    BDA_SET(kbd_head, head);
}

void set_leds() {
    u8 f = BDA_GET(kbd_flag0);
    u8 leds = u8(((f & kf0::kScroll) ? 1 : 0) | ((f & kf0::kNum) ? 2 : 0) | ((f & kf0::kCaps) ? 4 : 0));
    if ((BDA_GET(kbd_led) & 7) == leds) return;
    if (kbd_command(i8042::kKbdSetLeds)) kbd_command(leds);
    BDA_SET(kbd_led, u8((BDA_GET(kbd_led) & ~7) | leds));
}

[[noreturn]] void warm_reboot() {
    dlog(1, "kbd: Ctrl-Alt-Del, rebooting\n");
    BDA_SET(soft_reset_flag, u16(0x1234));
    asm volatile("ljmpw $0xF000, $0xFFF0");
    __builtin_unreachable();
}

void process_scancode(u8 sc) {
    u8 f0 = BDA_GET(kbd_flag0), f1 = BDA_GET(kbd_flag1), f2 = BDA_GET(kbd_flag2);
    if (sc == 0xE0) {
        BDA_SET(kbd_flag2, u8(f2 | kf2::kLastE0));
        return;
    }
    if (sc == 0xE1) {
        BDA_SET(kbd_flag2, u8(f2 | kf2::kLastE1));
        return;
    }
    bool e0 = f2 & kf2::kLastE0;
    bool e1 = f2 & kf2::kLastE1;
    BDA_SET(kbd_flag2, u8(f2 & ~(kf2::kLastE0 | kf2::kLastE1)));
    f2 = u8(f2 & ~(kf2::kLastE0 | kf2::kLastE1));
    bool release = sc & 0x80;
    u8 code = sc & 0x7F;
    if (e1) return;  // Pause: the rest of its sequence is ignored
    // E0 2A / E0 AA (fake shifts around grey keys) carry no meaning.
    if (e0 && (code == 0x2A || code == 0x36)) return;

    switch (code) {
    case 0x2A:
    case 0x36: {
        u8 bit = code == 0x2A ? kf0::kLShift : kf0::kRShift;
        BDA_SET(kbd_flag0, u8(release ? f0 & ~bit : f0 | bit));
        return;
    }
    case 0x1D: {
        if (e0) f2 = u8(release ? f2 & ~kf2::kRCtrl : f2 | kf2::kRCtrl);
        else f1 = u8(release ? f1 & ~kf1::kLCtrl : f1 | kf1::kLCtrl);
        bool any = (f1 & kf1::kLCtrl) || (f2 & kf2::kRCtrl);
        BDA_SET(kbd_flag0, u8(any ? f0 | kf0::kCtrl : f0 & ~kf0::kCtrl));
        BDA_SET(kbd_flag1, f1);
        BDA_SET(kbd_flag2, f2);
        return;
    }
    case 0x38: {
        if (e0) f2 = u8(release ? f2 & ~kf2::kRAlt : f2 | kf2::kRAlt);
        else f1 = u8(release ? f1 & ~kf1::kLAlt : f1 | kf1::kLAlt);
        bool any = (f1 & kf1::kLAlt) || (f2 & kf2::kRAlt);
        BDA_SET(kbd_flag0, u8(any ? f0 | kf0::kAlt : f0 & ~kf0::kAlt));
        BDA_SET(kbd_flag1, f1);
        BDA_SET(kbd_flag2, f2);
        return;
    }
    case 0x3A:
    case 0x45:
    case 0x46: {
        if (code == 0x46 && e0) break;  // Ctrl-Break, below
        u8 down = code == 0x3A ? kf1::kCapsDown : code == 0x45 ? kf1::kNumDown : kf1::kScrollDown;
        u8 lock = code == 0x3A ? kf0::kCaps : code == 0x45 ? kf0::kNum : kf0::kScroll;
        if (release) {
            BDA_SET(kbd_flag1, u8(f1 & ~down));
        } else if (!(f1 & down)) {  // toggle once per press, not on repeat
            BDA_SET(kbd_flag1, u8(f1 | down));
            BDA_SET(kbd_flag0, u8(f0 ^ lock));
            set_leds();
        }
        return;
    }
    default:
        break;
    }
    if (release) {
        if (code == 0x52) BDA_SET(kbd_flag1, u8(f1 & ~kf1::kInsertDown));
        return;
    }
    bool ctrl = f0 & kf0::kCtrl, alt = f0 & kf0::kAlt;
    bool shift = f0 & (kf0::kLShift | kf0::kRShift);
    if (ctrl && alt && code == 0x53) warm_reboot();
    if (e0 && code == 0x46) {  // Ctrl-Break
        BDA_SET(kbd_head, BDA_GET(kbd_buf_start));
        BDA_SET(kbd_tail, BDA_GET(kbd_buf_start));
        BDA_SET(break_flag, u8(0x80));
        asm volatile("int $0x1b" ::: "eax", "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
        enqueue(0);
        return;
    }
    if (code == 0x52 && !(f1 & kf1::kInsertDown)) {
        BDA_SET(kbd_flag1, u8(f1 | kf1::kInsertDown));
        BDA_SET(kbd_flag0, u8(f0 ^ kf0::kInsert));
    }
    if (code >= ARRAY_SIZE(kKeys)) return;
    const KeyCodes& k = kKeys[code];
    u16 key;
    if (e0) {
        // Grey keys: E0 in the ASCII byte (INT 16h 10h reports it as such).
        if (code == 0x1C) key = ctrl ? 0xE00A : alt ? 0xA600 : 0xE00D;
        else if (code == 0x35) key = ctrl ? 0x9500 : alt ? 0xA400 : 0xE02F;
        else if (alt) key = grey_alt(code);
        else if (ctrl) key = u16(k.ctrl | 0xE0);
        else key = u16((k.plain & 0xFF00) | 0xE0);
        if (!(key & 0xFF00)) return;
    } else if (alt) {
        key = k.alt;
    } else if (ctrl) {
        key = k.ctrl;
    } else {
        bool keypad = code >= 0x47 && code <= 0x53 && code != 0x4A && code != 0x4E;
        bool letter = (k.plain & 0xFF) >= 'a' && (k.plain & 0xFF) <= 'z';
        bool shifted = shift;
        if (keypad && (f0 & kf0::kNum)) shifted = !shifted;
        if (letter && (f0 & kf0::kCaps)) shifted = !shifted;
        key = shifted ? k.shift : k.plain;
    }
    if (!key) return;
    if (!enqueue(key)) dlog(3, "kbd: buffer full, key 0x%x dropped\n", key);
}

// USB keyboards: their reports since the last call become scan codes
// (32-bit code, through call32), processed here as IRQ1 would. Not in
// vm86 (no protected mode from there): keys wait for a real-mode caller.
void usb_kbd_poll() {
    if (!CONFIG_USB_KEYBOARD || !g_usbkbd.nkbds || in_vm86()) return;
    if (!call32(CALL32_ADDR(c32_usb_kbd_poll), 0)) return;
    UsbKbdState& k = g_usbkbd;
    for (u8 i = 0; i < k.ncodes; i++) process_scancode(k.codes[i]);
    k.ncodes = 0;
}

// INT 16h 00h/01h only know the 83/84-key set: convert or skip the rest.
bool to_compat(u16* key) {
    u8 scan = u8(*key >> 8), ascii = u8(*key);
    if (scan == 0xE0) {  // grey Enter and /
        *key = u16((ascii == 0x2F ? 0x3500 : 0x1C00) | ascii);
        return true;
    }
    if (scan > 0x84) return false;
    if (ascii == 0xE0 && scan) *key = u16(scan << 8);
    return true;
}

}  // namespace

void kbd_timer_poll() {
    if (!CONFIG_USB_KEYBOARD || !g_usbkbd.nkbds || !g_post_done || on_call32_stack()) return;
    usb_kbd_poll();
}

bool kbd_take_key(u16* key) {
    usb_kbd_poll();
    sercon_poll(true);
    if (!peek(key)) return false;
    drop();
    return true;
}

bool kbd_store_key(u16 key) { return enqueue(key); }

}  // namespace reef

using namespace reef;

HANDLER(handle_int09) {
    (void)r;
    u8 st = inb(i8042::kStatusPort);
    if ((st & i8042::kStOutFull) && (st & i8042::kStAuxData)) {
        // A mouse byte: never a key. IRQ12 would have taken it; it goes
        // the same way (or nowhere without the mouse).
        u8 b = inb(i8042::kDataPort);
        if (CONFIG_PS2_MOUSE) mouse_aux_byte(b);
    } else if (st & i8042::kStOutFull) {
        u8 sc = inb(i8042::kDataPort);
        // INT 15h 4Fh keyboard intercept: CF cleared = key consumed.
        u32 ax = 0x4F00u | sc;
        u8 cf;
        asm volatile("stc\n\tint $0x15\n\tsetc %1" : "+a"(ax), "=qm"(cf) : : "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
        if (cf) process_scancode(u8(ax));
    }
    pic::eoi(1);
}

HANDLER(handle_int16) {
    dlog(5, "int16 ah=%x\n", r->ah);
    usb_kbd_poll();
    sercon_poll(true);
    u16 key;
    switch (r->ah) {
    case 0x00:
    case 0x10:
        for (;;) {
            // Interrupts on while waiting, as the caller had them (INT
            // cleared IF; keys only arrive through IRQ1).
            asm volatile("cli" ::: "memory");
            sercon_poll(true);
            if (peek(&key)) {
                drop();
                if (r->ah == 0x10 || to_compat(&key)) break;
                continue;
            }
            asm volatile("sti\n\thlt" ::: "memory");
            usb_kbd_poll();
        }
        r->ax = key;
        break;
    case 0x01:
    case 0x11:
        for (;;) {
            if (!peek(&key)) {
                r->set_zf();
                return;
            }
            if (r->ah == 0x11 || to_compat(&key)) break;
            drop();
        }
        r->ax = key;
        r->clear_zf();
        break;
    case 0x02:
        r->al = BDA_GET(kbd_flag0);
        break;
    case 0x12: {
        u8 f1 = BDA_GET(kbd_flag1), f2 = BDA_GET(kbd_flag2);
        r->al = BDA_GET(kbd_flag0);
        r->ah = u8((f1 & (kf1::kLCtrl | kf1::kLAlt)) | (f2 & (kf2::kRCtrl | kf2::kRAlt)) |
                   (f1 & (kf1::kScrollDown | kf1::kNumDown | kf1::kCapsDown)) | ((f1 & kf1::kSysReq) << 5));
        break;
    }
    case 0x03:  // typematic rate: AL=05h sets BH delay, BL rate
        if (r->al == 0x05 && kbd_command(0xF3)) kbd_command(u8(((r->bh & 3) << 5) | (r->bl & 0x1F)));
        break;
    case 0x05:  // store CX in the buffer
        r->al = enqueue(r->cx) ? 0 : 1;
        break;
    case 0x09:  // capabilities: 0305h, 10h-12h
        r->al = 0x24;
        break;
    case 0x0A:  // keyboard ID: MF2
        r->bx = 0xAB83;
        break;
    default:
        break;
    }
}
