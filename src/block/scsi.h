// SPDX-License-Identifier: LGPL-3.0-or-later
// SCSI commands for the block layer (docs/block-layer.md, "SCSI drives").
// ATAPI CD-ROMs (IDE and AHCI), virtio-scsi and the SCSI host adapters all
// speak SCSI: each driver supplies only a transport that runs one command
// descriptor block (CDB) on its device; this layer builds the CDBs, reads
// sense data, probes a logical unit at POST, and turns block requests into
// READ/WRITE(10)/(16).
//
// The CDB builders and parsers are pure logic (also built for the host unit
// tests and fuzzers); scsi_exec/scsi_rw/scsi_probe are 32-bit runtime code.
#pragma once
#include "block/drive.h"
#include "block/request.h"

namespace reef {

namespace scsi {
// Operation codes (SPC-4, SBC-3, MMC-6).
constexpr u8 kTestUnitReady = 0x00, kRequestSense = 0x03, kInquiry = 0x12, kStartStopUnit = 0x1B,
             kPreventAllowRemoval = 0x1E, kModeSense6 = 0x1A, kReadCapacity10 = 0x25, kRead10 = 0x28, kWrite10 = 0x2A,
             kRead16 = 0x88, kWrite16 = 0x8A, kServiceActionIn16 = 0x9E, kReportLuns = 0xA0;
constexpr u8 kSaReadCapacity16 = 0x10;
// Status bytes (SAM-5).
constexpr u8 kStatusGood = 0x00, kStatusCheckCondition = 0x02, kStatusBusy = 0x08;
// Sense keys.
constexpr u8 kSenseNoSense = 0x0, kSenseRecovered = 0x1, kSenseNotReady = 0x2, kSenseMediumError = 0x3,
             kSenseHardwareError = 0x4, kSenseIllegalRequest = 0x5, kSenseUnitAttention = 0x6,
             kSenseDataProtect = 0x7, kSenseAborted = 0xB;
// Additional sense codes this layer acts on.
constexpr u8 kAscNotReadyBecoming = 0x04, kAscMediumNotPresent = 0x3A, kAscMediumChanged = 0x28,
             kAscPowerOnReset = 0x29;
// Peripheral device types (INQUIRY byte 0, bits 4:0).
constexpr u8 kTypeDisk = 0x00, kTypeCdrom = 0x05;
constexpr u32 kInquiryLen = 36, kSenseLen = 18;
}  // namespace scsi

struct ScsiSense {
    u8 key, asc, ascq;
};

// One command as a transport sees it. The data buffer is a flat address
// (identity-mapped: a DMA address too) of `len` bytes.
struct ScsiCmd {
    u8 cdb[16];
    u8 cdb_len;
    bool write;          // data goes to the device
    u32 buf, len;
    // Filled by the transport:
    u8 status;           // SCSI status byte
    u8 sense_len;        // bytes of autosense in `sense` (0: none; the layer asks)
    u8 sense[scsi::kSenseLen];
};

// ---- pure: CDBs and the data that comes back ----------------------------
ScsiCmd scsi_cmd(u8 opcode, u32 buf, u32 len);
ScsiCmd scsi_cmd_inquiry(u32 buf);
ScsiCmd scsi_cmd_request_sense(u32 buf);
ScsiCmd scsi_cmd_read_capacity10(u32 buf);
// MODE SENSE (6) of all pages, only the 4-byte header asked for (byte 2
// bit 7: the medium is write-protected).
ScsiCmd scsi_cmd_mode_sense_header(u32 buf);
constexpr u8 kModeHeaderWp = 0x80;
ScsiCmd scsi_cmd_read_capacity16(u32 buf);
// READ or WRITE of `count` blocks at `lba`: the 10-byte form when both fit
// (lba + count within 32 bits, count up to FFFFh), else the 16-byte form.
ScsiCmd scsi_cmd_rw(bool write, u64 lba, u32 count, u32 buf, u32 block_size);

// Fixed (70h/71h) and descriptor (72h/73h) sense data; {0,0,0} when it is
// neither or too short.
ScsiSense scsi_parse_sense(const u8* s, u32 len);

struct ScsiInquiry {
    u8 type;         // peripheral device type
    u8 qualifier;    // 0: a device is connected at this LUN
    bool removable;
    char vendor[9], product[17];  // trailing spaces dropped
};
// False when the data is shorter than the 8 bytes that hold the type.
bool scsi_parse_inquiry(const u8* d, u32 len, ScsiInquiry* out);

// READ CAPACITY (10): 8 bytes. False (sectors untouched) when the last LBA
// is FFFFFFFFh, that is, READ CAPACITY (16) must be asked.
bool scsi_parse_capacity10(const u8* d, u64* sectors, u32* block_size);
// READ CAPACITY (16): at least 12 bytes.
void scsi_parse_capacity16(const u8* d, u64* sectors, u32* block_size);

// The INT 13h status for a failed command: not ready / no medium (AAh,
// 31h), medium changed (06h), write protected (03h), medium error (10h),
// illegal request (01h), anything else (20h; BBh on an unknown key).
u8 scsi_sense_status(const ScsiSense& s, bool write);

// ---- 32-bit: what the drivers plug into ---------------------------------
#if defined(REEF_MODE32)
// Runs one command through the drive's transport (a switch on
// Drive::driver, src/block/scsi.cc). Returns disk_status::kOk when the
// device answered (cmd->status then says how), or the transport's error
// (timeout, controller failure). A CHECK CONDITION without autosense is
// followed by REQUEST SENSE, so cmd->sense is filled whenever status is 02h.
u8 scsi_exec(Drive& d, ScsiCmd* cmd);

// Result of probing one logical unit.
struct ScsiProbe {
    ScsiInquiry inq;
    bool medium;        // ready with a medium (sectors/block_size valid)
    bool write_protected;  // a disk whose MODE SENSE header says WP
    u64 sectors;
    u32 block_size;
};
enum class ScsiProbeStatus : u8 { kOk = 0, kNoDevice, kUnsupported, kNotReady, kFailed };
// INQUIRY; TEST UNIT READY until ready (unit attentions are consumed, a
// "becoming ready" unit is given up to 5 s, "medium not present" ends it
// with medium = false); READ CAPACITY (10), or (16) past 2 TiB. kOk for a
// disk (type 0) or CD-ROM (type 5) at qualifier 0; disks must have a medium.
ScsiProbeStatus scsi_probe(Drive& d, ScsiProbe* out);

// Fills `d` from a probe (kind, sector size, sectors, read-only and
// removable flags, the CHS geometry of a disk), keeping d.driver and d.path.
// False (with a log line naming `name`) for a block size the BIOS cannot
// serve (not 512, 1024, 2048 or 4096) or a disk with no medium.
bool scsi_fill_drive(Drive& d, const ScsiProbe& p, const char* name);

// The block layer's request on a SCSI drive: READ/WRITE(10)/(16) split by
// d.max_transfer (blocks per command; 0: FFFFh); verify moves nothing. A
// unit attention re-reads the capacity (the medium may have changed) and
// returns 06h; the caller may retry.
u8 scsi_rw(Drive& d, BlockOp op, u64 lba, u32 count, u32 buf, u32* done);

// Removable media: TEST UNIT READY and READ CAPACITY again, updating
// d.sectors/d.sector_size (0 sectors when there is no medium). Returns kOk,
// or the status that says why there is no medium (AAh/31h).
u8 scsi_media_check(Drive& d);

// POST: probes the logical unit behind `d` (d.driver and the driver's own
// fields set, so that scsi_exec reaches it), fills the drive (EDD path:
// "SCSI" at the PCI function `bdf`, device path target | LUN << 16) and
// registers it as "<name> <target>:<lun> <product>". False, with a log line
// unless nothing answers there, when it is no usable disk or CD-ROM.
bool scsi_register_lun(Drive& d, u16 bdf, u16 target, u32 lun, const char* name);

#endif

}  // namespace reef
