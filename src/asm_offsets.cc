// SPDX-License-Identifier: LGPL-3.0-or-later
// Constants the assembly needs, taken from their one C++ definition. The
// build compiles this file to assembly only (never links it) and turns every
// "->NAME value" marker into "#define NAME value" in out/asm-offsets.h
// (Makefile), which src/*.S include: structure offsets and hardware
// registers are then written down once, in C++.
#include "fw/chipset.h"
#include "hw/cmos.h"
#include "hw/pic.h"
#include "hw/ps2.h"
#include "hw/sysctl.h"
#include "lib/io.h"
#include "lib/regs16.h"

// (long long: gcc prints narrower immediates as signed numbers.)
#define DEFINE(name, value) asm volatile("\n.ascii \"->" #name " %c0\"" ::"i"((long long)(value)))
#define OFFSET(name, type, member) DEFINE(name, __builtin_offsetof(type, member))

using namespace reef;

void asm_offsets() {
    // struct Regs16: the frame irqentry_common builds and asm_call16 reads.
    OFFSET(R_GS, Regs16, gs);
    OFFSET(R_FS, Regs16, fs);
    OFFSET(R_ES, Regs16, es);
    OFFSET(R_DS, Regs16, ds);
    OFFSET(R_EDI, Regs16, edi);
    OFFSET(R_ESI, Regs16, esi);
    OFFSET(R_EBP, Regs16, ebp);
    OFFSET(R_EBX, Regs16, ebx);
    OFFSET(R_EDX, Regs16, edx);
    OFFSET(R_ECX, Regs16, ecx);
    OFFSET(R_EAX, Regs16, eax);
    OFFSET(R_HANDLER, Regs16, handler);
    OFFSET(R_IP, Regs16, ip);
    OFFSET(R_CS, Regs16, cs);
    OFFSET(R_FLAGS, Regs16, flags);
    DEFINE(REGS16_SIZE, sizeof(Regs16));

    DEFINE(PIC_MASTER_CMD, pic::kMasterCmd);
    DEFINE(PIC_SLAVE_CMD, pic::kSlaveCmd);
    DEFINE(PIC_EOI, pic::kOcw2Eoi);

    DEFINE(CMOS_INDEX, cmos::kIndexPort);
    DEFINE(CMOS_DATA, cmos::kDataPort);
    DEFINE(CMOS_NMI_OFF_SHUTDOWN, cmos::kNmiDisable | cmos::kShutdown);
    DEFINE(CMOS_SHUTDOWN_EOI_JUMP, cmos::kShutdownEoiJump);
    DEFINE(CMOS_SHUTDOWN_JUMP, cmos::kShutdownJump);

    DEFINE(SYSCTL_PORT_A, sysctl::kPortA);
    DEFINE(SYSCTL_A20, sysctl::kA20);
    DEFINE(SYSCTL_FAST_RESET, sysctl::kFastReset);
    DEFINE(RESET_CTRL, sysctl::kResetCtrl);
    DEFINE(RESET_CTRL_SYS, sysctl::kResetSys);
    DEFINE(RESET_CTRL_SYS_CPU, sysctl::kResetSys | sysctl::kResetCpu);

    DEFINE(I8042_CMD, i8042::kStatusPort);
    DEFINE(I8042_PULSE_RESET, i8042::kCmdPulseReset);

    DEFINE(PCI_CONF_ADDR, port::kPciConfAddr);
    DEFINE(PCI_CONF_DATA, port::kPciConfData);
    DEFINE(PCI_CONF_ENABLE, 0x80000000u);
    DEFINE(PCI_ID_I440FX, (u32(pciid::kI440fxDevice) << 16) | pciid::kIntel);
    DEFINE(PCI_ID_Q35_MCH, (u32(pciid::kQ35MchDevice) << 16) | pciid::kIntel);
    DEFINE(PAM0_I440FX, pam::kPam0I440fx);
    DEFINE(PAM0_Q35, pam::kPam0Q35);
    DEFINE(PAM_RW_F_SEG, pam::kReadWrite << 4);
    DEFINE(PAM_RW_BOTH, pam::kReadWrite | (pam::kReadWrite << 4));
}
