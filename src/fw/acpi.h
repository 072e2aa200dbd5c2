// SPDX-License-Identifier: LGPL-3.0-or-later
// ACPI tables from QEMU (POST only).
#pragma once
#include "lib/types.h"

namespace reef {
// Runs etc/table-loader: QEMU's ACPI tables in the high zone, the RSDP in
// the F-segment. Call after everything QEMU reads while building them is
// set up (PCI resources, the PM base). False (logged) without tables.
bool acpi_setup();
}  // namespace reef
