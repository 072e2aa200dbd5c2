// SPDX-License-Identifier: LGPL-3.0-or-later
// 16550 UART registers (offsets from the port base), for both firmware modes.
#pragma once
#include "lib/io.h"

namespace reef::uart {
using Thr = IoRegAt<u8, 0>;  // transmit holding (DLAB=0, write)
using Rbr = IoRegAt<u8, 0>;  // receive buffer (DLAB=0, read)
using Dll = IoRegAt<u8, 0>;  // divisor latch low (DLAB=1)
using Ier = IoRegAt<u8, 1>;
using Dlm = IoRegAt<u8, 1>;  // divisor latch high (DLAB=1)
using Fcr = IoRegAt<u8, 2>;
using Lcr = IoRegAt<u8, 3>;
using Mcr = IoRegAt<u8, 4>;
using Lsr = IoRegAt<u8, 5>;
using Msr = IoRegAt<u8, 6>;
using Scratch = IoRegAt<u8, 7>;
constexpr u8 kLcrDlab = 0x80, kLcr8N1 = 0x03;
constexpr u8 kLsrDataReady = 0x01, kLsrThrEmpty = 0x20, kLsrTimeout = 0x80;
constexpr u8 kFcrEnable = 0x01, kFcrClearRx = 0x02, kFcrClearTx = 0x04, kFcrTrigger14 = 0xC0;
constexpr u8 kMcrDtr = 0x01, kMcrRts = 0x02;
// What the LSR of a port without a UART reads (all ones).
constexpr u8 kLsrAbsent = 0xFF;
}  // namespace reef::uart
