// SPDX-License-Identifier: LGPL-3.0-or-later
// VBE mode logic (vgasrc/vbe_modes.cc): which modes fit a device, their
// ModeInfoBlock; and the built VGA ROM (out/vgabios-stdvga.bin) as the
// BIOS's own option ROM check (src/fw/romheader.cc) sees it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fw/romheader.h"
#include "vgasrc/vbe_modes.h"

using namespace reef;
using namespace reef::vga;

namespace {

constexpr VbeLimits kQemu16M{16u << 20, 16000, 12000, 32};

TEST(VbeModes, FitsByMemoryAndLimits) {
    EXPECT_TRUE(vbe_mode_fits({0x144, 1024, 768, 32}, kQemu16M));
    EXPECT_TRUE(vbe_mode_fits({0x14D, 2560, 1440, 32}, kQemu16M));   // 14.06 MiB
    EXPECT_FALSE(vbe_mode_fits({0x999, 2560, 1920, 32}, kQemu16M));  // 18.75 MiB
    VbeLimits four{4u << 20, 16000, 12000, 32};
    EXPECT_TRUE(vbe_mode_fits({0x144, 1024, 768, 32}, four));         // 3 MiB
    EXPECT_FALSE(vbe_mode_fits({0x145, 1280, 1024, 32}, four));       // 5 MiB
    EXPECT_TRUE(vbe_mode_fits({0x11B, 1280, 1024, 24}, four));        // 3.75 MiB
    VbeLimits small{16u << 20, 800, 600, 16};
    EXPECT_FALSE(vbe_mode_fits({0x105, 1024, 768, 8}, small));
    EXPECT_FALSE(vbe_mode_fits({0x142, 640, 480, 32}, small));
    EXPECT_TRUE(vbe_mode_fits({0x111, 640, 480, 16}, small));
}

TEST(VbeModes, RejectsUnknownDepthAndEmptyModes) {
    EXPECT_FALSE(vbe_mode_fits({0x102, 800, 600, 4}, kQemu16M));
    EXPECT_FALSE(vbe_mode_fits({0x100, 0, 400, 8}, kQemu16M));
    EXPECT_FALSE(vbe_mode_fits({0x100, 640, 0, 8}, kQemu16M));
}

TEST(VbeModes, Pitch) {
    EXPECT_EQ(vbe_pitch({0, 640, 480, 8}), 640u);
    EXPECT_EQ(vbe_pitch({0, 640, 480, 15}), 1280u);
    EXPECT_EQ(vbe_pitch({0, 640, 480, 16}), 1280u);
    EXPECT_EQ(vbe_pitch({0, 640, 480, 24}), 1920u);
    EXPECT_EQ(vbe_pitch({0, 1024, 768, 32}), 4096u);
}

TEST(VbeModes, ModeInfo1024x768x32) {
    VbeModeInfo mi;
    vbe_fill_mode_info({0x144, 1024, 768, 32}, 16u << 20, 0xFD000000, 0xC0000123, &mi);
    EXPECT_EQ(mi.attributes, 0x9B);  // supported, colour, graphics, LFB
    EXPECT_EQ(mi.xres, 1024);
    EXPECT_EQ(mi.yres, 768);
    EXPECT_EQ(mi.bpp, 32);
    EXPECT_EQ(mi.bytes_per_line, 4096);
    EXPECT_EQ(mi.lin_bytes_per_line, 4096);
    EXPECT_EQ(mi.memory_model, vbe::kModelDirect);
    EXPECT_EQ(mi.phys_base, 0xFD000000u);
    EXPECT_EQ(mi.win_func, 0xC0000123u);
    EXPECT_EQ(mi.win_a_seg, 0xA000);
    EXPECT_EQ(mi.win_granularity, 64);
    EXPECT_EQ(mi.image_pages, 4);  // 16 MiB / 3 MiB = 5 frames
    EXPECT_EQ(mi.red_pos, 16);
    EXPECT_EQ(mi.green_pos, 8);
    EXPECT_EQ(mi.blue_pos, 0);
    EXPECT_EQ(mi.rsvd_size, 8);
    EXPECT_EQ(mi.rsvd_pos, 24);
}

TEST(VbeModes, ModeInfoPackedAndHighColour) {
    VbeModeInfo mi;
    vbe_fill_mode_info({0x101, 640, 480, 8}, 16u << 20, 0, 0, &mi);
    EXPECT_EQ(mi.memory_model, vbe::kModelPacked);
    EXPECT_EQ(mi.attributes & vbe::kAttrLfb, 0);  // no framebuffer address: no LFB
    EXPECT_EQ(mi.red_size, 0);
    EXPECT_EQ(mi.image_pages, 53);  // 54 frames of 300 KiB in 16 MiB
    vbe_fill_mode_info({0x110, 640, 480, 15}, 16u << 20, 0xE0000000, 0, &mi);
    EXPECT_EQ(mi.red_pos, 10);
    EXPECT_EQ(mi.green_size, 5);
    EXPECT_EQ(mi.bytes_per_line, 1280);
    vbe_fill_mode_info({0x111, 640, 480, 16}, 16u << 20, 0xE0000000, 0, &mi);
    EXPECT_EQ(mi.red_pos, 11);
    EXPECT_EQ(mi.green_size, 6);
}

TEST(VbeModes, ImagePagesCapped) {
    VbeModeInfo mi;
    vbe_fill_mode_info({0x100, 64, 64, 8}, 256u << 20, 0xE0000000, 0, &mi);
    EXPECT_EQ(mi.image_pages, 255);
}

std::string vga_rom_path() {
    const char* env = std::getenv("REEF_VGAROM");
    return env ? env : std::string(REEF_SOURCE_ROOT) + "/out/vgabios-stdvga.bin";
}

// The built ROM passes the BIOS's own checks as a PCI ROM of QEMU's std VGA.
TEST(VgaRom, HeaderAsTheBiosChecksIt) {
    std::ifstream f(vga_rom_path(), std::ios::binary);
    if (!f) GTEST_SKIP() << vga_rom_path() << " not built";
    std::vector<u8> rom((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    RomInfo info{};
    ASSERT_EQ(rom_check(rom.data(), u32(rom.size()), RomSource{true, 0x1234, 0x1111}, &info), RomStatus::kOk);
    EXPECT_EQ(info.size, rom.size());
    EXPECT_LE(info.size, 64u * 1024);
    EXPECT_TRUE(info.has_pcir);
    EXPECT_EQ(info.class_code[2], 0x03);  // display
    EXPECT_EQ(info.class_code[1], 0x00);  // VGA
    EXPECT_EQ(info.npnp, 0);              // no boot vectors
    // Another device's ROM BAR must not run it.
    EXPECT_EQ(rom_check(rom.data(), u32(rom.size()), RomSource{true, 0x1b36, 0x0100}, &info),
              RomStatus::kPcirMismatch);
}

}  // namespace
