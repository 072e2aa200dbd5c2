// SPDX-License-Identifier: LGPL-3.0-or-later
// FwCfg: detection, the file directory, and typed reads over FakeFwCfg.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "fw/fwcfg_dir.h"
#include "host_support.h"

using namespace reef;
using reef::test::FakeFwCfg;

namespace {

std::vector<unsigned char> pattern(size_t n, unsigned seed = 0) {
    std::vector<unsigned char> v(n);
    for (size_t i = 0; i < n; i++) v[i] = (unsigned char)(i * 7 + seed + (i >> 8));
    return v;
}

std::vector<unsigned char> le(u64 v, int n) {
    std::vector<unsigned char> out;
    for (int i = 0; i < n; i++) out.push_back((unsigned char)(v >> (8 * i)));
    return out;
}

class FwCfgTest : public ::testing::Test {
protected:
    void SetUp() override { reef::test::clear_log(); }
    FakeFwCfg dev;
    FwCfg fw;
};

}  // namespace

TEST(FwCfgEndian, Helpers) {
    static_assert(be16(0x1234) == 0x3412);
    static_assert(be32(0x12345678) == 0x78563412);
    static_assert(be64(0x0102030405060708ull) == 0x0807060504030201ull);
    EXPECT_EQ(be32(be32(0xDEADBEEF)), 0xDEADBEEFu);
}

TEST_F(FwCfgTest, AbsentDevice) {
    dev.present = false;
    dev.files["etc/x"] = le(1, 4);
    EXPECT_FALSE(fw.init(&dev));
    EXPECT_FALSE(fw.present());
    EXPECT_EQ(fw.file_count(), 0);
    EXPECT_EQ(fw.find("etc/x"), nullptr);
    unsigned char buf[8];
    std::memset(buf, 0xAA, sizeof(buf));
    EXPECT_EQ(fw.read_file("etc/x", buf, sizeof(buf)), -1);
    u32 v32 = 0x5A5A5A5A;
    u64 v64 = 0x5A5A5A5A5A5A5A5Aull;
    EXPECT_EQ(fw.read_u32("etc/x", &v32), FwCfg::Status::kMissing);
    EXPECT_EQ(fw.read_u64("etc/x", &v64), FwCfg::Status::kMissing);
    EXPECT_EQ(v32, 0x5A5A5A5Au);
    EXPECT_EQ(v64, 0x5A5A5A5A5A5A5A5Aull);
    fw.read_key(fwcfg_key::kNumCpus, buf, 2);
    EXPECT_EQ(buf[0], 0xAA);
    EXPECT_EQ(buf[1], 0xAA);
}

TEST_F(FwCfgTest, ReinitWhenGoneForgetsTheDirectory) {
    dev.files["etc/x"] = le(1, 4);
    ASSERT_TRUE(fw.init(&dev));
    ASSERT_EQ(fw.file_count(), 1);
    FakeFwCfg gone;
    gone.present = false;
    EXPECT_FALSE(fw.init(&gone));
    EXPECT_FALSE(fw.present());
    EXPECT_EQ(fw.file_count(), 0);
    EXPECT_EQ(fw.find("etc/x"), nullptr);
}

TEST_F(FwCfgTest, EmptyDirectory) {
    ASSERT_TRUE(fw.init(&dev));
    EXPECT_TRUE(fw.present());
    EXPECT_EQ(fw.file_count(), 0);
    EXPECT_EQ(fw.find("bootorder"), nullptr);
    EXPECT_EQ(fw.find(""), nullptr);
}

TEST_F(FwCfgTest, DirectoryFieldsAreBigEndian) {
    dev.files["bootorder"] = pattern(10);
    dev.files["etc/big"] = pattern(0x10203);
    dev.files["etc/ram"] = le(0x123456789ull, 8);
    ASSERT_TRUE(fw.init(&dev));
    ASSERT_EQ(fw.file_count(), 3);
    EXPECT_STREQ(fw.file(0).name, "bootorder");
    EXPECT_EQ(fw.file(0).size, 10u);
    EXPECT_EQ(fw.file(0).select, 0x20);
    EXPECT_STREQ(fw.file(1).name, "etc/big");
    EXPECT_EQ(fw.file(1).size, 0x10203u);
    EXPECT_EQ(fw.file(1).select, 0x21);
    EXPECT_STREQ(fw.file(2).name, "etc/ram");
    EXPECT_EQ(fw.file(2).size, 8u);
    EXPECT_EQ(fw.file(2).select, 0x22);
    EXPECT_TRUE(reef::test::log_contains("3 files"));
}

TEST_F(FwCfgTest, DmaFlag) {
    dev.dma = true;
    ASSERT_TRUE(fw.init(&dev));
    EXPECT_TRUE(fw.dma());
    EXPECT_TRUE(reef::test::log_contains("DMA interface"));
    reef::test::clear_log();
    dev.dma = false;
    ASSERT_TRUE(fw.init(&dev));
    EXPECT_FALSE(fw.dma());
    EXPECT_TRUE(reef::test::log_contains("I/O port interface"));
}

TEST_F(FwCfgTest, FindExactNamesOnly) {
    dev.files["etc/boot-fail-wait"] = le(5, 4);
    dev.files["etc/boot"] = le(1, 4);
    dev.files["genroms/kvmvapic.bin"] = pattern(512);
    ASSERT_TRUE(fw.init(&dev));
    const FwCfgFile* f = fw.find("etc/boot");
    ASSERT_NE(f, nullptr);
    EXPECT_STREQ(f->name, "etc/boot");
    EXPECT_EQ(f, &fw.file(0));
    f = fw.find("etc/boot-fail-wait");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->size, 4u);
    EXPECT_NE(fw.find("genroms/kvmvapic.bin"), nullptr);
    EXPECT_EQ(fw.find("etc/boo"), nullptr);
    EXPECT_EQ(fw.find("etc/boot-"), nullptr);
    EXPECT_EQ(fw.find("etc/boot-fail-wait2"), nullptr);
    EXPECT_EQ(fw.find("ETC/BOOT"), nullptr);
    EXPECT_EQ(fw.find(""), nullptr);
}

TEST_F(FwCfgTest, ReadFileWholeAndTruncated) {
    auto data = pattern(10, 3);
    dev.files["bootorder"] = data;
    ASSERT_TRUE(fw.init(&dev));
    unsigned char buf[32];

    std::memset(buf, 0xAA, sizeof(buf));
    EXPECT_EQ(fw.read_file("bootorder", buf, sizeof(buf)), 10);
    EXPECT_EQ(std::memcmp(buf, data.data(), 10), 0);
    for (size_t i = 10; i < sizeof(buf); i++) ASSERT_EQ(buf[i], 0xAA) << "wrote past the file at " << i;

    std::memset(buf, 0xAA, sizeof(buf));
    EXPECT_EQ(fw.read_file("bootorder", buf, 4), 10) << "returns the full size";
    EXPECT_EQ(std::memcmp(buf, data.data(), 4), 0);
    for (size_t i = 4; i < sizeof(buf); i++) ASSERT_EQ(buf[i], 0xAA) << "wrote past max at " << i;

    std::memset(buf, 0xAA, sizeof(buf));
    EXPECT_EQ(fw.read_file("bootorder", buf, 0), 10);
    EXPECT_EQ(buf[0], 0xAA);

    std::memset(buf, 0xAA, sizeof(buf));
    EXPECT_EQ(fw.read_file("bootorder", buf, 10), 10);
    EXPECT_EQ(std::memcmp(buf, data.data(), 10), 0);
    EXPECT_EQ(buf[10], 0xAA);

    EXPECT_EQ(fw.read_file("nope", buf, sizeof(buf)), -1);
}

TEST_F(FwCfgTest, ReadFileAtOffset) {
    auto data = pattern(10, 9);
    dev.files["f"] = data;
    ASSERT_TRUE(fw.init(&dev));
    const FwCfgFile* f = fw.find("f");
    ASSERT_NE(f, nullptr);
    unsigned char buf[16];

    std::memset(buf, 0xAA, sizeof(buf));
    fw.read_file(*f, 3, buf, 4);
    EXPECT_EQ(std::memcmp(buf, data.data() + 3, 4), 0);
    EXPECT_EQ(buf[4], 0xAA);

    std::memset(buf, 0xAA, sizeof(buf));
    fw.read_file(*f, 8, buf, 10);  // clamped to the 2 bytes left
    EXPECT_EQ(buf[0], data[8]);
    EXPECT_EQ(buf[1], data[9]);
    EXPECT_EQ(buf[2], 0xAA);

    std::memset(buf, 0xAA, sizeof(buf));
    fw.read_file(*f, 10, buf, 4);
    fw.read_file(*f, 0xFFFFFFFFu, buf, 4);
    EXPECT_EQ(buf[0], 0xAA);
}

TEST_F(FwCfgTest, LargeFile) {
    auto data = pattern(0x10203, 1);
    dev.files["etc/big"] = data;
    ASSERT_TRUE(fw.init(&dev));
    std::vector<unsigned char> buf(0x10203 + 16, 0xAA);
    EXPECT_EQ(fw.read_file("etc/big", buf.data(), u32(buf.size())), 0x10203);
    EXPECT_EQ(std::memcmp(buf.data(), data.data(), data.size()), 0);
    EXPECT_EQ(buf[0x10203], 0xAA);
}

TEST_F(FwCfgTest, ReadIntegers) {
    dev.files["etc/ram"] = le(0x0000000123456789ull, 8);
    dev.files["etc/cpus"] = le(0xCAFEF00D, 4);
    dev.files["etc/odd"] = le(0x112233, 3);
    dev.files["etc/ten"] = pattern(10);
    dev.files["etc/empty"] = {};
    ASSERT_TRUE(fw.init(&dev));

    u64 v64 = 0;
    u32 v32 = 0;
    EXPECT_EQ(fw.read_u64("etc/ram", &v64), FwCfg::Status::kOk);
    EXPECT_EQ(v64, 0x0000000123456789ull);
    EXPECT_EQ(fw.read_u32("etc/cpus", &v32), FwCfg::Status::kOk);
    EXPECT_EQ(v32, 0xCAFEF00Du);

    // Wrong sizes and missing files leave the output alone.
    v64 = 0x5A5A5A5A5A5A5A5Aull;
    v32 = 0x5A5A5A5A;
    EXPECT_EQ(fw.read_u64("etc/cpus", &v64), FwCfg::Status::kBadSize);
    EXPECT_EQ(fw.read_u64("etc/ten", &v64), FwCfg::Status::kBadSize);
    EXPECT_EQ(fw.read_u64("etc/empty", &v64), FwCfg::Status::kBadSize);
    EXPECT_EQ(fw.read_u64("etc/missing", &v64), FwCfg::Status::kMissing);
    EXPECT_EQ(fw.read_u32("etc/ram", &v32), FwCfg::Status::kBadSize);
    EXPECT_EQ(fw.read_u32("etc/odd", &v32), FwCfg::Status::kBadSize);
    EXPECT_EQ(fw.read_u32("etc/empty", &v32), FwCfg::Status::kBadSize);
    EXPECT_EQ(fw.read_u32("etc/missing", &v32), FwCfg::Status::kMissing);
    EXPECT_EQ(v64, 0x5A5A5A5A5A5A5A5Aull);
    EXPECT_EQ(v32, 0x5A5A5A5Au);
}

TEST_F(FwCfgTest, ReadLegacyKey) {
    dev.keys[fwcfg_key::kNumCpus] = le(4, 2);
    dev.keys[fwcfg_key::kRamSize] = le(0x40000000ull, 8);
    ASSERT_TRUE(fw.init(&dev));
    u16 cpus = 0;
    u64 ram = 0;
    fw.read_key(fwcfg_key::kNumCpus, &cpus, 2);
    fw.read_key(fwcfg_key::kRamSize, &ram, 8);
    EXPECT_EQ(cpus, 4);
    EXPECT_EQ(ram, 0x40000000ull);
}

TEST_F(FwCfgTest, DirectoryClaimingTooManyFilesIsCapped) {
    dev.files["bootorder"] = pattern(10);
    dev.files["etc/ram"] = le(7, 8);
    dev.dir_count_override = 300;  // the directory only holds 2 entries
    ASSERT_TRUE(fw.init(&dev));
    EXPECT_EQ(fw.file_count(), FwCfg::kMaxFiles);
    EXPECT_TRUE(reef::test::log_contains("directory lists 300 files"));
    EXPECT_TRUE(reef::test::log_contains("first 128"));
    EXPECT_STREQ(fw.file(0).name, "bootorder");
    EXPECT_STREQ(fw.file(1).name, "etc/ram");
    // Entries past the real ones read as zeros: empty and unusable.
    EXPECT_EQ(fw.file(2).size, 0u);
    EXPECT_STREQ(fw.file(FwCfg::kMaxFiles - 1).name, "");
    u64 v = 0;
    EXPECT_EQ(fw.read_u64("etc/ram", &v), FwCfg::Status::kOk);
    EXPECT_EQ(v, 7u);
}

TEST_F(FwCfgTest, DirectoryOfExactlyMaxFiles) {
    char name[16];
    for (int i = 0; i < FwCfg::kMaxFiles; i++) {
        std::snprintf(name, sizeof(name), "f%03d", i);
        dev.files[name] = le(u64(i), 4);
    }
    ASSERT_TRUE(fw.init(&dev));
    EXPECT_EQ(fw.file_count(), FwCfg::kMaxFiles);
    EXPECT_FALSE(reef::test::log_contains("only the first"));
    u32 v = 0;
    EXPECT_EQ(fw.read_u32("f127", &v), FwCfg::Status::kOk);
    EXPECT_EQ(v, 127u);
}

TEST_F(FwCfgTest, MoreRealFilesThanMaxKeepsTheFirst) {
    char name[16];
    for (int i = 0; i < FwCfg::kMaxFiles + 5; i++) {
        std::snprintf(name, sizeof(name), "f%03d", i);
        dev.files[name] = le(u64(i), 4);
    }
    ASSERT_TRUE(fw.init(&dev));
    EXPECT_EQ(fw.file_count(), FwCfg::kMaxFiles);
    EXPECT_TRUE(reef::test::log_contains("directory lists 133 files"));
    u32 v = 0;
    EXPECT_EQ(fw.read_u32("f127", &v), FwCfg::Status::kOk);
    EXPECT_EQ(v, 127u);
    EXPECT_EQ(fw.read_u32("f128", &v), FwCfg::Status::kMissing);
}

TEST_F(FwCfgTest, DirectoryClaimingFewerFiles) {
    dev.files["a"] = le(1, 4);
    dev.files["b"] = le(2, 4);
    dev.dir_count_override = 1;
    ASSERT_TRUE(fw.init(&dev));
    EXPECT_EQ(fw.file_count(), 1);
    EXPECT_NE(fw.find("a"), nullptr);
    EXPECT_EQ(fw.find("b"), nullptr);
}

TEST_F(FwCfgTest, UnterminatedNamesAreCut) {
    // The fake copies at most 56 name bytes: names of 56 or more characters
    // arrive without a terminating NUL.
    const std::string n55(55, 'a');
    const std::string n56 = "b" + std::string(55, 'x');
    const std::string n70 = "c" + std::string(69, 'y');
    dev.files[n55] = le(55, 4);
    dev.files[n56] = le(56, 4);
    dev.files[n70] = le(70, 4);
    dev.files["z"] = le(1, 4);  // the entry after them is intact
    ASSERT_TRUE(fw.init(&dev));
    ASSERT_EQ(fw.file_count(), 4);
    for (int i = 0; i < fw.file_count(); i++)
        EXPECT_LT(strnlen(fw.file(i).name, sizeof(fw.file(i).name)), sizeof(fw.file(i).name)) << i;
    EXPECT_EQ(std::string(fw.file(0).name), n55);
    EXPECT_EQ(std::string(fw.file(1).name), n56.substr(0, 55));
    EXPECT_EQ(std::string(fw.file(2).name), n70.substr(0, 55));
    EXPECT_STREQ(fw.file(3).name, "z");

    u32 v = 0;
    EXPECT_EQ(fw.read_u32(n55.c_str(), &v), FwCfg::Status::kOk);
    EXPECT_EQ(v, 55u);
    // What was cut off cannot be matched, but the 55 bytes that are left can.
    EXPECT_EQ(fw.find(n56.c_str()), nullptr);
    EXPECT_EQ(fw.find(n70.c_str()), nullptr);
    EXPECT_EQ(fw.find(n70.substr(0, 56).c_str()), nullptr);
    EXPECT_EQ(fw.read_u32(n56.substr(0, 55).c_str(), &v), FwCfg::Status::kOk);
    EXPECT_EQ(v, 56u);
    EXPECT_EQ(fw.read_u32(n70.substr(0, 55).c_str(), &v), FwCfg::Status::kOk);
    EXPECT_EQ(v, 70u);
    EXPECT_EQ(fw.read_u32("z", &v), FwCfg::Status::kOk);
    EXPECT_EQ(v, 1u);
}

TEST_F(FwCfgTest, FindWithLongQueryDoesNotOverrun) {
    dev.files["etc/x"] = le(1, 4);
    ASSERT_TRUE(fw.init(&dev));
    // Exactly-sized heap copies so AddressSanitizer catches any overread.
    for (size_t len : {0, 1, 5, 54, 55, 56, 57, 200}) {
        std::vector<char> q(len + 1, 'q');
        q[len] = 0;
        EXPECT_EQ(fw.find(q.data()), nullptr) << len;
    }
    std::vector<char> q(6);
    std::memcpy(q.data(), "etc/x", 6);
    EXPECT_NE(fw.find(q.data()), nullptr);
}
