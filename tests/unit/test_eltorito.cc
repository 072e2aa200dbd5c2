// SPDX-License-Identifier: LGPL-3.0-or-later
// El Torito: the boot record, the catalog's validation and default entries
// (every way they can be damaged), and the emulated disks' geometry.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "block/eltorito.h"
#include "block/mbr.h"

using namespace reef;

namespace {

std::vector<u8> boot_record(u32 catalog) {
    std::vector<u8> s(2048, 0);
    memcpy(s.data(), "\0CD001\x01", 7);
    memcpy(s.data() + 7, "EL TORITO SPECIFICATION", 23);
    s[0x47] = u8(catalog), s[0x48] = u8(catalog >> 8), s[0x49] = u8(catalog >> 16), s[0x4A] = u8(catalog >> 24);
    return s;
}

void fix_checksum(std::vector<u8>& c) {
    c[28] = c[29] = 0;
    u16 sum = 0;
    for (int i = 0; i < 32; i += 2) sum = u16(sum + (c[i] | c[i + 1] << 8));
    u16 fix = u16(-sum);
    c[28] = u8(fix), c[29] = u8(fix >> 8);
}

std::vector<u8> catalog(u8 media, u16 seg, u16 count, u32 lba) {
    std::vector<u8> c(2048, 0);
    c[0] = 1;
    memcpy(c.data() + 4, "ReefBIOS test", 13);
    c[30] = 0x55, c[31] = 0xAA;
    fix_checksum(c);
    u8* e = c.data() + 32;
    e[0] = 0x88;
    e[1] = media;
    e[2] = u8(seg), e[3] = u8(seg >> 8);
    e[6] = u8(count), e[7] = u8(count >> 8);
    e[8] = u8(lba), e[9] = u8(lba >> 8), e[10] = u8(lba >> 16), e[11] = u8(lba >> 24);
    return c;
}

}  // namespace

TEST(ElToritoBootRecord, FindsTheCatalog) {
    u32 lba = 0;
    auto s = boot_record(34);
    EXPECT_EQ(eltorito_boot_record(s.data(), 1000, &lba), EltoritoStatus::kOk);
    EXPECT_EQ(lba, 34u);
}

TEST(ElToritoBootRecord, RejectsOtherDescriptors) {
    u32 lba;
    auto s = boot_record(34);
    s[0] = 1;  // a primary volume descriptor
    EXPECT_EQ(eltorito_boot_record(s.data(), 1000, &lba), EltoritoStatus::kNoBootRecord);
    s = boot_record(34);
    s[3] = 'X';
    EXPECT_EQ(eltorito_boot_record(s.data(), 1000, &lba), EltoritoStatus::kNoBootRecord);
    s = boot_record(34);
    s[7 + 23] = 'X';  // junk in the zero padding of the identifier
    EXPECT_EQ(eltorito_boot_record(s.data(), 1000, &lba), EltoritoStatus::kNoBootRecord);
    s = boot_record(34);
    s[6] = 2;  // version
    EXPECT_EQ(eltorito_boot_record(s.data(), 1000, &lba), EltoritoStatus::kNoBootRecord);
}

TEST(ElToritoBootRecord, CatalogMustBeOnTheDisc) {
    u32 lba;
    auto s = boot_record(1000);
    EXPECT_EQ(eltorito_boot_record(s.data(), 1000, &lba), EltoritoStatus::kPastEnd);
    s = boot_record(0);
    EXPECT_EQ(eltorito_boot_record(s.data(), 1000, &lba), EltoritoStatus::kPastEnd);
}

TEST(ElToritoCatalog, NoEmulation) {
    auto c = catalog(0, 0, 4, 35);
    EltoritoBoot b;
    ASSERT_EQ(eltorito_catalog(c.data(), 1000, &b), EltoritoStatus::kOk);
    EXPECT_EQ(b.media, CdMedia::kNoEmulation);
    EXPECT_EQ(b.load_segment, 0x07C0);  // 0 means the traditional segment
    EXPECT_EQ(b.count, 4);
    EXPECT_EQ(b.lba, 35u);
    c = catalog(0, 0x1000, 4, 35);
    ASSERT_EQ(eltorito_catalog(c.data(), 1000, &b), EltoritoStatus::kOk);
    EXPECT_EQ(b.load_segment, 0x1000);
}

TEST(ElToritoCatalog, EmulatedMediaAndTheirGeometry) {
    EltoritoBoot b;
    for (u8 m = 1; m <= 4; m++) {
        auto c = catalog(m, 0, 0, 40);  // count 0: the boot sector alone
        ASSERT_EQ(eltorito_catalog(c.data(), 10000, &b), EltoritoStatus::kOk) << int(m);
        EXPECT_EQ(u8(b.media), m);
        EXPECT_EQ(b.count, 1);
    }
    EXPECT_EQ(cdemu_floppy_geometry(CdMedia::kFloppy12).spt, 15);
    EXPECT_EQ(cdemu_floppy_geometry(CdMedia::kFloppy144).spt, 18);
    EXPECT_EQ(cdemu_floppy_geometry(CdMedia::kFloppy288).spt, 36);
    EXPECT_EQ(cdemu_floppy_geometry(CdMedia::kFloppy144).floppy_type, 4);
    EXPECT_EQ(cdemu_floppy_geometry(CdMedia::kFloppy144).cylinders, 80);
    EXPECT_EQ(cdemu_floppy_geometry(CdMedia::kFloppy144).heads, 2);
}

TEST(ElToritoCatalog, EveryDamageHasItsStatus) {
    EltoritoBoot b;
    auto c = catalog(0, 0, 4, 35);
    c[0] = 2;
    fix_checksum(c);
    EXPECT_EQ(eltorito_catalog(c.data(), 1000, &b), EltoritoStatus::kBadHeader);
    c = catalog(0, 0, 4, 35);
    c[31] = 0x00;
    EXPECT_EQ(eltorito_catalog(c.data(), 1000, &b), EltoritoStatus::kBadKey);
    c = catalog(0, 0, 4, 35);
    c[4] ^= 1;
    EXPECT_EQ(eltorito_catalog(c.data(), 1000, &b), EltoritoStatus::kBadChecksum);
    c = catalog(0, 0, 4, 35);
    c[32] = 0x00;
    EXPECT_EQ(eltorito_catalog(c.data(), 1000, &b), EltoritoStatus::kNotBootable);
    c = catalog(5, 0, 4, 35);
    EXPECT_EQ(eltorito_catalog(c.data(), 1000, &b), EltoritoStatus::kBadMedia);
    c = catalog(0, 0, 0, 35);
    EXPECT_EQ(eltorito_catalog(c.data(), 1000, &b), EltoritoStatus::kZeroCount);
    c = catalog(0, 0, 4, 1000);  // starts past the end
    EXPECT_EQ(eltorito_catalog(c.data(), 1000, &b), EltoritoStatus::kPastEnd);
    c = catalog(0, 0, 9, 998);   // 9 virtual sectors = 3 CD sectors: 998..1000
    EXPECT_EQ(eltorito_catalog(c.data(), 1000, &b), EltoritoStatus::kPastEnd);
    c = catalog(0, 0, 8, 998);   // exactly to the end
    EXPECT_EQ(eltorito_catalog(c.data(), 1000, &b), EltoritoStatus::kOk);
    c = catalog(0, 0, 4, 16);    // over the volume descriptors
    EXPECT_EQ(eltorito_catalog(c.data(), 1000, &b), EltoritoStatus::kPastEnd);
    for (int s = 0; s <= int(EltoritoStatus::kPastEnd); s++)
        EXPECT_NE(eltorito_status_text(EltoritoStatus(s))[0], '?');
}

TEST(ElToritoHardDisk, GeometryFromThePartitionTable) {
    u8 tail[kMbrTailSize] = {};
    tail[64] = 0x55, tail[65] = 0xAA;
    CdEmuGeometry g;
    EXPECT_FALSE(cdemu_hd_geometry(tail, &g));  // no used entry
    // Entry 1 (entry 0 unused): ends at cylinder 299 (bits 9:8 = 1), head 15, sector 63.
    u8* e = tail + 16;
    e[4] = 0x06;
    e[5] = 15;
    e[6] = 63 | 0x40;
    e[7] = 299 & 0xFF;
    ASSERT_TRUE(cdemu_hd_geometry(tail, &g));
    EXPECT_EQ(g.cylinders, 300);
    EXPECT_EQ(g.heads, 16);
    EXPECT_EQ(g.spt, 63);
    EXPECT_EQ(g.floppy_type, 0);
    e[6] = 0x40;  // sector 0: invalid
    EXPECT_FALSE(cdemu_hd_geometry(tail, &g));
    e[6] = 63;
    tail[65] = 0;
    EXPECT_FALSE(cdemu_hd_geometry(tail, &g));
}
