// SPDX-License-Identifier: LGPL-3.0-or-later
// QEMU's bootorder file (src/fw/bootorder.cc): parsing and path matching.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "fw/bootorder.h"

using namespace reef;

namespace {
BootOrder parse(const std::string& s) {
    BootOrder bo;
    bootorder_parse(s.data(), u32(s.size()), &bo);
    return bo;
}
}  // namespace

TEST(BootOrder, KernelFirst) {
    // What QEMU 7.2 hands over for -kernel with a bootindex'd disk.
    BootOrder bo = parse(std::string("/rom@genroms/linuxboot_dma.bin\n/pci@i0cf8/ide@1,1/drive@0/disk@0\n") + '\0');
    ASSERT_EQ(bo.count, 2);
    EXPECT_STREQ(bo.path[0], "/rom@genroms/linuxboot_dma.bin");
    EXPECT_FALSE(bo.halt);
    EXPECT_EQ(bootorder_find(bo, "/rom@genroms/linuxboot_dma.bin"), 0);
    EXPECT_EQ(bootorder_find(bo, "/pci@i0cf8/*@1,1/drive@0/disk@0"), 1);
    EXPECT_EQ(bootorder_find(bo, "/pci@i0cf8/*@1,1/drive@0/disk@1"), -1);
    EXPECT_EQ(bootorder_find(bo, "/rom@genroms/multiboot.bin"), -1);
}

TEST(BootOrder, HaltBlanksAndCrLf) {
    BootOrder bo = parse("  /pci@i0cf8/scsi@5/disk@0,0 \r\n\n\nHALT\r\n");
    ASSERT_EQ(bo.count, 1);
    EXPECT_STREQ(bo.path[0], "/pci@i0cf8/scsi@5/disk@0,0");
    EXPECT_TRUE(bo.halt);
}

TEST(BootOrder, LimitsAndNul) {
    std::string many;
    for (int i = 0; i < BootOrder::kMaxPaths + 3; i++) many += "/rom@genroms/r" + std::to_string(i) + "\n";
    many += std::string(BootOrder::kMaxPathLen, 'x') + "\n";
    BootOrder bo = parse(many);
    EXPECT_EQ(bo.count, BootOrder::kMaxPaths);
    EXPECT_EQ(bo.dropped, 4);
    bo = parse(std::string("/a\0/b\n", 6));
    EXPECT_EQ(bo.count, 1);
    bo = parse("");
    EXPECT_EQ(bo.count, 0);
    bo = parse("/no-newline");
    ASSERT_EQ(bo.count, 1);
    EXPECT_STREQ(bo.path[0], "/no-newline");
}

TEST(BootOrder, Matching) {
    // A pattern names a line or a prefix of it that ends at a node.
    EXPECT_TRUE(bootorder_path_matches("/pci@i0cf8/*@5", "/pci@i0cf8/scsi@5/disk@0,0"));
    EXPECT_TRUE(bootorder_path_matches("/pci@i0cf8/*@5", "/pci@i0cf8/nvme@5"));
    EXPECT_FALSE(bootorder_path_matches("/pci@i0cf8/*@5", "/pci@i0cf8/nvme@5,1"));
    EXPECT_FALSE(bootorder_path_matches("/pci@i0cf8/*@5", "/pci@i0cf8/nvme@50"));
    EXPECT_FALSE(bootorder_path_matches("/pci@i0cf8/*@1,1/drive@0/disk@0", "/pci@i0cf8/ide@1,1/drive@0"));
    EXPECT_TRUE(bootorder_path_matches("/pci@i0cf8/*@1f,2/drive@3/disk@0", "/pci@i0cf8/ich9-ahci@1f,2/drive@3/disk@0"));
    // Node names QEMU makes from vendor and device ids hold a ','.
    EXPECT_TRUE(bootorder_path_matches("/pci@i0cf8/*@3", "/pci@i0cf8/pci1b36,0010@3/namespace@1,0"));
    EXPECT_FALSE(bootorder_path_matches("/pci@i0cf8/*@2", "/pci@i0cf8/pci1b36,0010@3/namespace@1,0"));
    EXPECT_TRUE(bootorder_path_matches("/pci@i0cf8/*@1f,2/drive@1/disk@0",
                                       "/pci@i0cf8/pci8086,2922@1f,2/drive@1/disk@0"));
    EXPECT_FALSE(bootorder_path_matches("/pci@i0cf8/*@1f,2/drive@0/disk@0",
                                        "/pci@i0cf8/pci8086,2922@1f,2/drive@1/disk@0"));
    // A SCSI LUN (any node name: disk or cdrom), a floppy behind any ISA bridge.
    EXPECT_TRUE(bootorder_path_matches("/pci@i0cf8/*@4/channel@0/*@2,1", "/pci@i0cf8/scsi@4/channel@0/disk@2,1"));
    EXPECT_FALSE(bootorder_path_matches("/pci@i0cf8/*@4/channel@0/*@2,0", "/pci@i0cf8/scsi@4/channel@0/disk@2,1"));
    EXPECT_FALSE(bootorder_path_matches("/pci@i0cf8/*@4/channel@0/*@2,1", "/pci@i0cf8/scsi@4/channel@0/disk@12,1"));
    EXPECT_TRUE(bootorder_path_matches("/pci@i0cf8/isa@*/fdc@03f0/floppy@0", "/pci@i0cf8/isa@1f/fdc@03f0/floppy@0"));
    EXPECT_FALSE(bootorder_path_matches("/pci@i0cf8/isa@*/fdc@03f0/floppy@1", "/pci@i0cf8/isa@1/fdc@03f0/floppy@0"));
    // '*' never reaches past its node.
    EXPECT_FALSE(bootorder_path_matches("/pci@i0cf8/*@5", "/pci@i0cf8/a/b@5"));
    EXPECT_FALSE(bootorder_path_matches("/rom@genroms/linuxboot.bin", "/rom@genroms/linuxboot_dma.bin"));
    EXPECT_FALSE(bootorder_path_matches("/rom@genroms/linuxboot_dma.bin", "/rom@genroms/linuxboot.bin"));
    EXPECT_TRUE(bootorder_path_matches("", ""));
    EXPECT_FALSE(bootorder_path_matches("/a", ""));
}
