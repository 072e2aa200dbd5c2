// SPDX-License-Identifier: LGPL-3.0-or-later
// Option ROM checks (src/fw/romheader.cc): header, size, checksum, PCI data
// structure, PnP headers; images laid out like QEMU's linuxboot_dma.bin and
// like PCI ROMs.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "fw/romheader.h"

using namespace reef;

namespace {

constexpr u16 kPnpAt = 0x1C, kPcirAt = 0x40, kProductAt = 0x60, kBevAt = 0x80, kBcvAt = 0x90;

void put16(std::vector<u8>& r, u32 at, u16 v) { std::memcpy(&r[at], &v, 2); }
void put32(std::vector<u8>& r, u32 at, u32 v) { std::memcpy(&r[at], &v, 4); }

void fix_checksum(std::vector<u8>& r) {
    u32 size = r[2] * 512u;
    u8 sum = 0;
    for (u32 i = 0; i + 1 < size; i++) sum = u8(sum + r[i]);
    r[size - 1] = u8(-sum);
}

// A one-block ROM with a PnP header (BEV, optional BCV, product name) and,
// if `pcir`, a PCI data structure for 8086:100E.
std::vector<u8> make_rom(bool pcir = false, u16 bcv = 0, u32 blocks = 1) {
    std::vector<u8> r(blocks * 512);
    put16(r, 0, rom::kSignature);
    r[2] = u8(blocks);
    r[3] = 0xCB;  // retf
    put16(r, 0x1A, kPnpAt);
    put32(r, kPnpAt, rom::kPnpSignature);
    r[kPnpAt + 4] = 1;
    r[kPnpAt + 5] = 2;  // 32 bytes
    put16(r, kPnpAt + 0x10, kProductAt);
    put16(r, kPnpAt + 0x16, bcv);
    put16(r, kPnpAt + 0x1A, kBevAt);
    std::strcpy(reinterpret_cast<char*>(&r[kProductAt]), "Linux loader DMA");
    if (pcir) {
        put16(r, 0x18, kPcirAt);
        put32(r, kPcirAt, rom::kPcirSignature);
        put16(r, kPcirAt + 4, 0x8086);
        put16(r, kPcirAt + 6, 0x100E);
        put16(r, kPcirAt + 10, kPcirMinLength);
        put16(r, kPcirAt + 16, u16(blocks));
        r[kPcirAt + 21] = rom::kPcirLastImage;
    }
    fix_checksum(r);
    return r;
}

RomStatus check(const std::vector<u8>& r, RomInfo* info, RomSource src = {false, 0, 0}) {
    return rom_check(r.data(), u32(r.size()), src, info);
}

}  // namespace

TEST(RomHeader, QemuStyleBootRom) {
    RomInfo info;
    ASSERT_EQ(check(make_rom(), &info), RomStatus::kOk);
    EXPECT_EQ(info.size, 512u);
    EXPECT_FALSE(info.has_pcir);
    ASSERT_EQ(info.npnp, 1);
    EXPECT_EQ(info.pnp[0].bev, kBevAt);
    EXPECT_EQ(info.pnp[0].bcv, 0);
    char name[30];
    EXPECT_EQ(rom_string(make_rom().data(), 512, info.pnp[0].product, name, sizeof(name)), 16u);
    EXPECT_STREQ(name, "Linux loader DMA");
}

TEST(RomHeader, PnpChecksumIsToleratedButReported) {
    // QEMU's own ROMs leave the PnP checksum byte 0.
    RomInfo info;
    ASSERT_EQ(check(make_rom(), &info), RomStatus::kOk);
    EXPECT_TRUE(info.pnp_bad_checksum);
}

TEST(RomHeader, BasicDefects) {
    RomInfo info;
    std::vector<u8> r = make_rom();
    EXPECT_EQ(rom_check(r.data(), 10, {false, 0, 0}, &info), RomStatus::kTooShort);
    r[0] = 0;
    EXPECT_EQ(check(r, &info), RomStatus::kNoSignature);
    r = make_rom();
    r[2] = 0;
    EXPECT_EQ(check(r, &info), RomStatus::kZeroSize);
    r = make_rom();
    r[2] = 2;  // claims 1 KiB, has 512 bytes
    EXPECT_EQ(check(r, &info), RomStatus::kTruncated);
    r = make_rom();
    r[0x100] ^= 0x55;
    EXPECT_EQ(check(r, &info), RomStatus::kBadChecksum);
}

TEST(RomHeader, PciRomNeedsMatchingPcir) {
    RomInfo info;
    std::vector<u8> r = make_rom(true);
    ASSERT_EQ(check(r, &info, {true, 0x8086, 0x100E}), RomStatus::kOk);
    EXPECT_TRUE(info.has_pcir);
    EXPECT_EQ(info.vendor, 0x8086);
    EXPECT_EQ(check(r, &info, {true, 0x8086, 0x10D3}), RomStatus::kPcirMismatch);
    // A file ROM without a PCIR is fine, a PCI ROM is not.
    r = make_rom(false);
    EXPECT_EQ(check(r, &info, {true, 0x8086, 0x100E}), RomStatus::kPcirNoSignature);
    put16(r, 0x18, 0x300);  // outside
    fix_checksum(r);
    EXPECT_EQ(check(r, &info, {true, 0x8086, 0x100E}), RomStatus::kPcirOutside);
    EXPECT_EQ(check(r, &info), RomStatus::kOk);
    put16(r, 0x18, 0x100);  // inside, but no signature there
    fix_checksum(r);
    EXPECT_EQ(check(r, &info, {true, 0x8086, 0x100E}), RomStatus::kPcirNoSignature);
    EXPECT_EQ(check(r, &info), RomStatus::kOk);
}

TEST(RomHeader, PcirReachingPastTheEnd) {
    RomInfo info;
    std::vector<u8> r = make_rom(true);
    put16(r, kPcirAt + 10, 0x1000);  // length field beyond the ROM
    fix_checksum(r);
    EXPECT_EQ(check(r, &info), RomStatus::kPcirOutside);
    r = make_rom(true);
    std::memmove(&r[500], &r[kPcirAt], 8);  // signature at the very end
    put16(r, 0x18, 500);
    fix_checksum(r);
    EXPECT_EQ(check(r, &info), RomStatus::kPcirOutside);
    r = make_rom(true);
    put16(r, kPcirAt + 10, 8);
    fix_checksum(r);
    EXPECT_EQ(check(r, &info), RomStatus::kPcirBadLength);
    r = make_rom(true);
    r[kPcirAt + 20] = 3;  // EFI image
    fix_checksum(r);
    EXPECT_EQ(check(r, &info), RomStatus::kPcirNotX86);
}

TEST(RomHeader, PnpDefects) {
    RomInfo info;
    std::vector<u8> r = make_rom();
    put16(r, kPnpAt + 0x1A, 0x300);  // BEV beyond 512 bytes
    fix_checksum(r);
    EXPECT_EQ(check(r, &info), RomStatus::kVectorOutside);
    r = make_rom();
    r[kPnpAt + 5] = 40;  // 640 bytes
    fix_checksum(r);
    EXPECT_EQ(check(r, &info), RomStatus::kPnpOutside);
    r = make_rom();
    put16(r, kPnpAt + 6, kPnpAt);  // next = itself
    fix_checksum(r);
    EXPECT_EQ(check(r, &info), RomStatus::kPnpChain);
    // No "$PnP" at the pointer, or a pointer outside: a plain ROM.
    r = make_rom();
    put16(r, 0x1A, 0x26B4);
    fix_checksum(r);
    ASSERT_EQ(check(r, &info), RomStatus::kOk);
    EXPECT_EQ(info.npnp, 0);
}

TEST(RomHeader, PnpChainWithBcv) {
    std::vector<u8> r = make_rom(false, kBcvAt, 2);
    // A second header at 0x200 with only a BEV.
    put16(r, kPnpAt + 6, 0x200);
    put32(r, 0x200, rom::kPnpSignature);
    r[0x205] = 2;
    put16(r, 0x200 + 0x1A, 0x220);
    fix_checksum(r);
    RomInfo info;
    ASSERT_EQ(check(r, &info), RomStatus::kOk);
    ASSERT_EQ(info.npnp, 2);
    EXPECT_EQ(info.pnp[0].bcv, kBcvAt);
    EXPECT_EQ(info.pnp[1].offset, 0x200);
    EXPECT_EQ(info.pnp[1].bev, 0x220);
    EXPECT_EQ(info.pnp[1].product, 0);
    // After init the ROM shrank to 512 bytes: the second header is gone.
    EXPECT_EQ(rom_parse_pnp(r.data(), 512, &info), RomStatus::kPnpOutside);
}

TEST(RomHeader, MultiImagePciRom) {
    // An EFI image first, then the x86 image.
    std::vector<u8> efi = make_rom(true);
    efi[kPcirAt + 20] = 3;
    efi[kPcirAt + 21] = 0;
    std::vector<u8> x86 = make_rom(true);
    std::vector<u8> all = efi;
    all.insert(all.end(), x86.begin(), x86.end());
    u32 off = 0;
    ASSERT_EQ(rom_find_x86_image(all.data(), u32(all.size()), {true, 0x8086, 0x100E}, &off), RomStatus::kOk);
    EXPECT_EQ(off, 512u);
    EXPECT_EQ(rom_find_x86_image(all.data(), u32(all.size()), {true, 0x8086, 0x1234}, &off),
              RomStatus::kPcirMismatch);
    EXPECT_EQ(rom_find_x86_image(efi.data(), u32(efi.size()), {true, 0x8086, 0x100E}, &off),
              RomStatus::kTooShort);
}

TEST(RomHeader, StringsStayInside) {
    std::vector<u8> r = make_rom();
    char buf[8];
    EXPECT_EQ(rom_string(r.data(), 512, kProductAt, buf, sizeof(buf)), 7u);
    EXPECT_STREQ(buf, "Linux l");
    EXPECT_EQ(rom_string(r.data(), 512, 600, buf, sizeof(buf)), 0u);
    EXPECT_STREQ(buf, "");
    r[511] = 'x';
    EXPECT_EQ(rom_string(r.data(), 512, 511, buf, sizeof(buf)), 1u);
}

TEST(RomHeader, QemuRomsFromTheHost) {
    // The ROMs QEMU ships, where installed.
    for (const char* name : {"linuxboot_dma.bin", "linuxboot.bin", "multiboot_dma.bin", "pvh.bin", "kvmvapic.bin"}) {
        std::ifstream f(std::string("/usr/share/qemu/") + name, std::ios::binary);
        if (!f) continue;
        std::vector<u8> r((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        RomInfo info;
        ASSERT_EQ(check(r, &info), RomStatus::kOk) << name;
        if (std::string(name) != "kvmvapic.bin") {
            ASSERT_EQ(info.npnp, 1) << name;
            EXPECT_NE(info.pnp[0].bev, 0) << name;
        } else {
            EXPECT_EQ(info.npnp, 0);
        }
    }
}
