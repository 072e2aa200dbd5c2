// SPDX-License-Identifier: LGPL-3.0-or-later
// The BIOS Data Area (segment 0x40) and the Extended BDA, plus typed access
// that works in both firmware modes:  BDA_GET(timer_counter),
// BDA_SET(hdcount, 1), EBDA_GET(size_kb).
#pragma once
#include "lib/far.h"

namespace reef {

constexpr u16 kBdaSeg = 0x40;

struct Bda {
    u16 com_port[4];          // 00
    u16 lpt_port[3];          // 08
    u16 ebda_seg;             // 0E
    u16 equipment;            // 10
    u8 pad12;                 // 12
    u16 mem_kb;               // 13
    u8 pad15[2];              // 15
    u8 kbd_flag0;             // 17
    u8 kbd_flag1;             // 18
    u8 alt_keypad;            // 19
    u16 kbd_head;             // 1A
    u16 kbd_tail;             // 1C
    u16 kbd_buf[16];          // 1E
    u8 floppy_recal;          // 3E
    u8 floppy_motor_status;   // 3F
    u8 floppy_motor_counter;  // 40
    u8 floppy_last_status;    // 41
    u8 floppy_ctrl_status[7]; // 42
    u8 video_mode;            // 49
    u16 video_cols;           // 4A
    u16 video_pagesize;       // 4C
    u16 video_pagestart;      // 4E
    u16 cursor_pos[8];        // 50
    u16 cursor_type;          // 60
    u8 video_page;            // 62
    u16 crtc_address;         // 63
    u8 video_msr;             // 65
    u8 video_pal;             // 66
    SegOff resume_vector;     // 67
    u8 pad6b;                 // 6B
    u32 timer_counter;        // 6C
    u8 timer_rollover;        // 70
    u8 break_flag;            // 71
    u16 soft_reset_flag;      // 72
    u8 disk_last_status;      // 74
    u8 hdcount;               // 75
    u8 disk_control_byte;     // 76
    u8 port_disk;             // 77
    u8 lpt_timeout[4];        // 78
    u8 com_timeout[4];        // 7C
    u16 kbd_buf_start;        // 80
    u16 kbd_buf_end;          // 82
    u8 video_rows;            // 84
    u16 char_height;          // 85
    u8 video_ctl;             // 87
    u8 video_switches;        // 88
    u8 modeset_ctl;           // 89
    u8 dcc_index;             // 8A
    u8 floppy_last_data_rate; // 8B
    u8 disk_status_controller;// 8C
    u8 disk_error_controller; // 8D
    u8 disk_interrupt_flag;   // 8E
    u8 floppy_harddisk_info;  // 8F
    u8 floppy_media_state[4]; // 90
    u8 floppy_track[2];       // 94
    u8 kbd_flag2;             // 96
    u8 kbd_led;               // 97
    SegOff user_wait_flag;    // 98
    u32 user_wait_timeout;    // 9C
    u8 rtc_wait_flag;         // A0
} PACKED;

static_assert(__builtin_offsetof(Bda, ebda_seg) == 0x0E);
static_assert(__builtin_offsetof(Bda, mem_kb) == 0x13);
static_assert(__builtin_offsetof(Bda, kbd_buf) == 0x1E);
static_assert(__builtin_offsetof(Bda, video_mode) == 0x49);
static_assert(__builtin_offsetof(Bda, resume_vector) == 0x67);
static_assert(__builtin_offsetof(Bda, timer_counter) == 0x6C);
static_assert(__builtin_offsetof(Bda, disk_last_status) == 0x74);
static_assert(__builtin_offsetof(Bda, kbd_buf_start) == 0x80);
static_assert(__builtin_offsetof(Bda, kbd_flag2) == 0x96);
static_assert(__builtin_offsetof(Bda, rtc_wait_flag) == 0xA0);

// The EBDA: 1 KiB at the top of conventional memory (segment in BDA 0x0E).
struct Ebda {
    u8 size_kb;               // 00  size in KiB
    u8 pad01[0x21];           // 01
    SegOff mouse_handler;     // 22  far pointer to the PS/2 mouse callback
    u8 mouse_flag1;           // 26
    u8 mouse_flag2;           // 27
    u8 mouse_data[8];         // 28  the packet being assembled
    u8 mouse_backend;         // 30  svc/mouse.h MouseBackend
    u8 pad31[0x0C];           // 31
    u8 fdpt[2][16];           // 3D  fixed disk parameter tables, INT 41h/46h
} PACKED;
static_assert(__builtin_offsetof(Ebda, mouse_handler) == 0x22);
static_assert(__builtin_offsetof(Ebda, mouse_backend) == 0x30);
static_assert(__builtin_offsetof(Ebda, fdpt) == 0x3D);

#define BDA_GET(f) (::reef::far_read<decltype(::reef::Bda::f)>(::reef::kBdaSeg, __builtin_offsetof(::reef::Bda, f)))
#define BDA_SET(f, v) (::reef::far_write<decltype(::reef::Bda::f)>(::reef::kBdaSeg, __builtin_offsetof(::reef::Bda, f), (v)))
#define EBDA_SEG() (BDA_GET(ebda_seg))
#define EBDA_GET(f) (::reef::far_read<decltype(::reef::Ebda::f)>(EBDA_SEG(), __builtin_offsetof(::reef::Ebda, f)))
#define EBDA_SET(f, v) (::reef::far_write<decltype(::reef::Ebda::f)>(EBDA_SEG(), __builtin_offsetof(::reef::Ebda, f), (v)))

}  // namespace reef
