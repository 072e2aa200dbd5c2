// SPDX-License-Identifier: LGPL-3.0-or-later
#include "fw/platform.h"

#include "fw/fixed_offsets.h"
#include "hw/cpu.h"
#include "hw/lapic.h"
#include "hw/pic.h"
#include "hw/uart.h"

#include "lib/bda.h"
#include "lib/io.h"
#include "lib/log.h"

DECLARE_TEXT16(entry_int18);
DECLARE_TEXT16(entry_int70);
DECLARE_TEXT16(entry_int74);
DECLARE_TEXT16(entry_hwirq_master);
DECLARE_TEXT16(entry_hwirq_slave);

namespace reef {

namespace {
void set_vector(u8 vec, u16 seg, u16 off) { far_write<SegOff>(0, vec * 4u, SegOff{off, seg}); }
void set_vector16(u8 vec, u16 off) { set_vector(vec, FSEG, off); }
}  // namespace

void ivt_setup() {
    for (unsigned v = 0; v < 256; v++) set_vector16(u8(v), fixed::iret);
    // User vectors 60h-67h and the unused range above 78h are zero, as DOS
    // and friends expect for "unhooked".
    for (unsigned v = 0x60; v < 0x68; v++) set_vector(u8(v), 0, 0);
    for (unsigned v = 0x78; v < 0x100; v++) set_vector(u8(v), 0, 0);
    for (unsigned v = pic::kMasterBase; v < pic::kMasterBase + 8u; v++) set_vector16(u8(v), TEXT16_OFFSET(entry_hwirq_master));
    for (unsigned v = pic::kSlaveBase; v < pic::kSlaveBase + 8u; v++) set_vector16(u8(v), TEXT16_OFFSET(entry_hwirq_slave));
    set_vector16(0x02, fixed::nmi);
    set_vector16(0x05, fixed::int05);
    set_vector16(0x08, fixed::int08);
    set_vector16(0x09, fixed::int09);
    set_vector16(0x0E, fixed::int0e);
    set_vector16(0x10, fixed::int10);
    set_vector16(0x11, fixed::int11);
    set_vector16(0x12, fixed::int12);
    set_vector16(0x13, fixed::int13);
    set_vector16(0x14, fixed::int14);
    set_vector16(0x15, fixed::int15);
    set_vector16(0x16, fixed::int16);
    set_vector16(0x17, fixed::int17);
    set_vector16(0x18, TEXT16_OFFSET(entry_int18));
    set_vector16(0x19, fixed::int19);
    set_vector16(0x1A, fixed::int1a);
    set_vector16(0x1D, fixed::video_table);
    set_vector16(0x1E, fixed::diskette_table);
    set_vector(0x1F, 0, 0);
    set_vector16(0x40, fixed::int40);
    set_vector(0x41, 0, 0);
    set_vector(0x43, 0, 0);
    set_vector(0x46, 0, 0);
    set_vector16(0x70, TEXT16_OFFSET(entry_int70));
    if (CONFIG_PS2_MOUSE) set_vector16(0x74, TEXT16_OFFSET(entry_int74));
}

namespace {
// A 16550 answers with its scratch register; an absent port reads 0xFF.
bool uart_present(u16 base) {
    uart::Scratch::write(base, 0x5A);
    if (uart::Scratch::read(base) != 0x5A) return false;
    uart::Scratch::write(base, 0xA5);
    return uart::Scratch::read(base) == 0xA5;
}
bool lpt_present(u16 base) {
    outb(0xAA, base);
    return inb(base) == 0xAA;
}
}  // namespace

void bda_setup(u32 ebda_base) {
    far_fill(kBdaSeg, 0, 0, 0x100);
    u16 equip = 0;
    static constexpr u16 kComPorts[] = {0x3F8, 0x2F8, 0x3E8, 0x2E8};
    int ncom = 0;
    for (u16 p : kComPorts)
        if (uart_present(p)) {
            far_write<u16>(kBdaSeg, __builtin_offsetof(Bda, com_port) + 2u * ncom, p);
            far_write<u8>(kBdaSeg, __builtin_offsetof(Bda, com_timeout) + unsigned(ncom), 0x01);
            ncom++;
        }
    static constexpr u16 kLptPorts[] = {0x378, 0x278};
    int nlpt = 0;
    for (u16 p : kLptPorts)
        if (lpt_present(p)) {
            far_write<u16>(kBdaSeg, __builtin_offsetof(Bda, lpt_port) + 2u * nlpt, p);
            far_write<u8>(kBdaSeg, __builtin_offsetof(Bda, lpt_timeout) + unsigned(nlpt), 0x14);
            nlpt++;
        }
    equip |= u16(ncom << 9) | u16(nlpt << 14);
    equip |= 0x0002;  // x87 coprocessor (every CPU QEMU models has one)
    equip |= 0x0020;  // initial video mode: 80x25 colour
    BDA_SET(equipment, equip);
    BDA_SET(ebda_seg, u16(ebda_base >> 4));
    BDA_SET(mem_kb, u16(ebda_base / 1024));
    BDA_SET(kbd_head, u16(0x1E));
    BDA_SET(kbd_tail, u16(0x1E));
    BDA_SET(kbd_buf_start, u16(0x1E));
    BDA_SET(kbd_buf_end, u16(0x3E));
    BDA_SET(kbd_flag2, u8(0x10));  // enhanced (101/102-key) keyboard
    // EBDA: zeroed, its size in KiB in the first byte.
    __builtin_memset(reinterpret_cast<void*>(ebda_base), 0, EBDA_SIZE_KB * 1024);
    *reinterpret_cast<u8*>(ebda_base) = EBDA_SIZE_KB;
    dlog(2, "bda: %d serial, %d parallel ports; EBDA at 0x%x; %u KiB conventional\n", ncom, nlpt,
         ebda_base, ebda_base / 1024);
}

namespace {
// The local APIC (src/hw/lapic.h). QEMU's LAPIC comes
// out of reset globally enabled with LINT0 masked, which blocks the 8259's
// output; the BIOS must put it in "virtual wire" mode: LINT0 = ExtINT
// (the PIC), LINT1 = NMI, as on every PC since the first APIC systems.
void lapic_virtual_wire() {
    if (!(cpuid(1).edx & cpuidbit::kApic)) return;
    lapic::write(lapic::kSvr, lapic::kSvrEnable | lapic::kSpuriousVector);
    lapic::write(lapic::kLint0, lapic::kDeliverExtInt);
    lapic::write(lapic::kLint1, lapic::kDeliverNmi);
}
}  // namespace

void pic_setup() {
    using namespace pic;
    MasterCmd::write(kIcw1Init);
    SlaveCmd::write(kIcw1Init);
    MasterData::write(kMasterBase);
    SlaveData::write(kSlaveBase);
    MasterData::write(1u << kCascadeIrq);  // the slave hangs on IRQ2
    SlaveData::write(kCascadeIrq);         // ... and knows its cascade identity
    MasterData::write(kIcw4_8086);
    SlaveData::write(kIcw4_8086);
    MasterData::write(u8(~(1u << kCascadeIrq)));  // everything masked but the cascade
    SlaveData::write(0xFF);
    lapic_virtual_wire();
}

void rtc_setup() {
    cmos_write(cmos::kStatusA, 0x26);  // 32.768 kHz time base, 1024 Hz periodic rate
    // Keep the data format, 24-hour mode, no interrupts.
    cmos_write(cmos::kStatusB, u8((cmos_read(cmos::kStatusB) & (cmos::kBBinary | cmos::kB24h)) | cmos::kB24h));
    cmos_read(cmos::kStatusC);
    cmos_read(cmos::kStatusD);
}

}  // namespace reef
