/* SPDX-License-Identifier: LGPL-3.0-or-later
 * The IBM-compatible fixed entry points and tables in the F-segment: the one
 * list the linker script (src/rom.ld.S places section .fixed.<tag> at each
 * offset), the IVT set-up (src/fw/platform.cc), the assembly that fills
 * them (src/entry16.S) and the layout check (scripts/checklayout.py, which
 * parses the lines below) all use. Only #defines: included from .ld.S too.
 *
 *   X(offset, tag, kind, symbol, "what")
 * kind: JMP    a near jump to the 16-bit symbol
 *       SYM    the 16-bit symbol itself starts here
 *       IRET   a single IRET instruction
 *       RESET  JMP F000:E05B (far)
 *       DATE   the BIOS date, MM/DD/YY
 *       MODEL  the model byte FC (PC/AT)
 */
#ifndef REEF_FIXED_H
#define REEF_FIXED_H

#define REEF_FIXED_ENTRIES(X) \
    X(0xE05B, post, JMP, entry_post_impl, "POST entry") \
    X(0xE2C3, nmi, SYM, entry_nmi, "NMI entry (INT 02h)") \
    X(0xE3FE, int13, JMP, entry_int13, "INT 13h fixed disk") \
    X(0xE401, fdpt, SYM, fixed_fdpt, "fixed disk parameter table") \
    X(0xE6F2, int19, JMP, entry_int19, "INT 19h bootstrap") \
    X(0xE6F5, config_table, SYM, bios_config_table, "configuration table") \
    X(0xE729, baud_table, SYM, baud_table, "baud rate table") \
    X(0xE739, int14, JMP, entry_int14, "INT 14h serial") \
    X(0xE82E, int16, JMP, entry_int16, "INT 16h keyboard") \
    X(0xE987, int09, JMP, entry_int09, "INT 09h keyboard IRQ") \
    X(0xEC59, int40, JMP, entry_int40, "INT 40h diskette") \
    X(0xEF57, int0e, JMP, entry_int0e, "INT 0Eh diskette IRQ") \
    X(0xEFC7, diskette_table, SYM, diskette_param_table, "diskette parameter table") \
    X(0xEFD2, int17, JMP, entry_int17, "INT 17h printer") \
    X(0xF045, int10_funcs, JMP, entry_int10, "INT 10h (functions 0-0Fh)") \
    X(0xF065, int10, JMP, entry_int10, "INT 10h video") \
    X(0xF0A4, video_table, SYM, video_param_table, "video parameter table (INT 1Dh)") \
    X(0xF841, int12, JMP, entry_int12, "INT 12h memory size") \
    X(0xF84D, int11, JMP, entry_int11, "INT 11h equipment") \
    X(0xF859, int15, JMP, entry_int15, "INT 15h system services") \
    X(0xFE6E, int1a, JMP, entry_int1a, "INT 1Ah time of day") \
    X(0xFEA5, int08, JMP, entry_int08, "INT 08h timer IRQ") \
    X(0xFF53, iret, IRET, entry_iret, "dummy IRET") \
    X(0xFF54, int05, SYM, entry_int05, "INT 05h print screen") \
    X(0xFFF0, reset, RESET, reset_vector, "reset vector") \
    X(0xFFF5, date, DATE, bios_date, "BIOS date") \
    X(0xFFFE, model, MODEL, model_byte, "model byte (AT)")

#endif
