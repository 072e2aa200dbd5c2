// SPDX-License-Identifier: LGPL-3.0-or-later
// SMBIOS in POST: QEMU's structures plus our BIOS Information, the table in
// the high zone, the entry point in the F-segment (src/fw/smbios.h).
#include "fw/fwcfg.h"
#include "fw/malloc.h"
#include "fw/smbios.h"
#include "lib/log.h"
#include "version.h"

namespace reef {
namespace {

// REEF_BIOS_DATE is MM/DD/YY (the F000:FFF5 format); SMBIOS wants MM/DD/YYYY.
void smbios_date(char out[11]) {
    const char* d = REEF_BIOS_DATE;
    __builtin_memcpy(out, d, 6);
    out[6] = '2';
    out[7] = '0';
    out[8] = d[6];
    out[9] = d[7];
    out[10] = 0;
}

// Room for our type 0 (formatted area + three strings) in front of QEMU's.
constexpr u32 kType0Room = 0x18 + 16 + sizeof(REEF_VERSION) + 12 + 2;
constexpr u32 kMinimalRoom = 256 + sizeof(REEF_VERSION);
constexpr u32 kMaxTables = 64 * 1024;

u8* at(u32 addr, u32 len) { return static_cast<u8*>(phys_mem().map(addr, len)); }

}  // namespace

void smbios_setup() {
    char date[11];
    smbios_date(date);
    const SmbiosBios bios{"ReefBIOS", REEF_VERSION, date, ROM_SIZE, 0, 1};
    FwCfg& fw = fwcfg();
    Allocator& a = post_alloc();
    const FwCfgFile* tf = fw.present() ? fw.find("etc/smbios/smbios-tables") : nullptr;
    const FwCfgFile* af = fw.present() ? fw.find("etc/smbios/smbios-anchor") : nullptr;

    u32 qsize = tf ? tf->size : 0;
    if (qsize > kMaxTables) {
        dlog(1, "smbios: etc/smbios/smbios-tables is %u bytes, more than %u; using our own tables\n", qsize,
             kMaxTables);
        qsize = 0;
    }
    u32 room = qsize + kType0Room + kMinimalRoom;
    u32 tmp = a.alloc(Zone::kTmpLow, room, 16, "smbios (building)");
    if (!tmp) return;
    u8* buf = at(tmp, room);
    SmbiosScan scan{};
    u32 len = 0;
    bool from_qemu = false, qemu_type0 = false;
    if (qsize) {
        // QEMU's structures after room for our type 0.
        fw.read_file(*tf, 0, buf + kType0Room, qsize);
        if (smbios_scan(buf + kType0Room, qsize, &scan)) {
            from_qemu = true;
            qemu_type0 = scan.has_type0;
            u32 start = kType0Room;
            if (!scan.has_type0) {
                u32 n = smbios_type0(bios, buf, kType0Room);
                start = kType0Room - n;
                __builtin_memmove(buf + start, buf, n);
            }
            len = kType0Room - start + scan.len;
            if (!scan.has_end) {
                u8* e = buf + start + len;
                e[0] = smbios::kTypeEnd, e[1] = 4, e[2] = 0x00, e[3] = 0x7F, e[4] = 0, e[5] = 0;
                len += 6;
            }
            __builtin_memmove(buf, buf + start, len);
        } else {
            dlog(1, "smbios: etc/smbios/smbios-tables: %s at offset %u; using our own tables\n", scan.problem,
                 scan.bad_offset);
        }
    } else if (!tf) {
        dlog(2, "smbios: QEMU offers no SMBIOS tables; using our own\n");
    }
    if (!from_qemu) len = smbios_minimal(bios, buf, room);
    smbios_scan(buf, len, &scan);

    u32 table = a.alloc(Zone::kHigh, len, 16, "smbios tables");
    u8 ep[smbios::kEp21Size];
    u32 ep_len = smbios::kEp21Size;
    bool have_ep = false;
    if (table && from_qemu && af && af->size <= sizeof(ep)) {
        fw.read_file(*af, 0, ep, af->size);
        ep_len = af->size;
        have_ep = smbios_fix_entry(ep, ep_len, table, scan);
        if (!have_ep) dlog(1, "smbios: etc/smbios/smbios-anchor is no SMBIOS entry point; using a 2.1 one\n");
    }
    if (table && !have_ep) {
        ep_len = smbios::kEp21Size;
        smbios_entry21(ep, table, scan);
    }
    u32 epa = table ? a.alloc(Zone::kFseg, ep_len, 16, "smbios entry point") : 0;
    if (!epa) {
        if (table) a.free(table);
        a.free(tmp);
        return;
    }
    __builtin_memcpy(at(table, len), buf, len);
    __builtin_memcpy(at(epa, ep_len), ep, ep_len);
    a.free(tmp);
    dlog(1, "smbios: %s entry point at 0x%x, %u structures (%u bytes) at 0x%x%s\n",
         ep[0] == '_' && ep[3] == '3' ? "3.0" : "2.1", epa, scan.count, len, table,
         from_qemu ? (qemu_type0 ? ", from QEMU" : ", QEMU's with our BIOS information") : ", our own");
}

}  // namespace reef
