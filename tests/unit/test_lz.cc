// SPDX-License-Identifier: LGPL-3.0-or-later
// RLZ1 unpacking (src/lib/lz.cc): streams built by hand, byte by byte as
// lib/lz.h describes them, and the malformed ones the BIOS must refuse.
#include <gtest/gtest.h>

#include <vector>

#include "lib/lz.h"

using namespace reef;

namespace {

std::vector<u8> stream(u32 unpacked, std::vector<u8> body) {
    std::vector<u8> s = {'R', 'L', 'Z', '1'};
    for (u32 v : {unpacked, u32(body.size())})
        for (int i = 0; i < 4; i++) s.push_back(u8(v >> (8 * i)));
    s.insert(s.end(), body.begin(), body.end());
    return s;
}

s32 unpack(const std::vector<u8>& s, std::vector<u8>* out, u32 cap = 4096) {
    out->assign(cap, 0xEE);
    s32 n = lz_unpack(s.data(), u32(s.size()), out->data(), cap);
    if (n >= 0) out->resize(u32(n));
    return n;
}

}  // namespace

TEST(Lz, LiteralsOnly) {
    std::vector<u8> out;
    EXPECT_EQ(unpack(stream(3, {0x30, 'a', 'b', 'c'}), &out), 3);
    EXPECT_EQ(out, (std::vector<u8>{'a', 'b', 'c'}));
}

TEST(Lz, EmptyStream) {
    std::vector<u8> out;
    EXPECT_EQ(unpack(stream(0, {}), &out), 0);
}

TEST(Lz, OverlappingMatchRepeatsARun) {
    // "ab", then a match of 6 at distance 2: "abababab", then literal "!".
    std::vector<u8> out;
    EXPECT_EQ(unpack(stream(9, {0x22, 'a', 'b', 0x02, 0x00, 0x10, '!'}), &out), 9);
    EXPECT_EQ(std::string(out.begin(), out.end()), "abababab!");
}

TEST(Lz, LongCountsContinue) {
    // 20 literals (15 + 5), then a match of 4 + 15 + 255 + 1 = 275 at distance 1.
    std::vector<u8> body = {0xFF, 5};
    for (int i = 0; i < 20; i++) body.push_back(u8('A' + i));
    body.insert(body.end(), {0x01, 0x00, 255, 1});
    std::vector<u8> out;
    ASSERT_EQ(unpack(stream(295, body), &out), 295);
    EXPECT_EQ(out[19], 'T');
    for (int i = 20; i < 295; i++) ASSERT_EQ(out[i], 'T') << i;
}

TEST(Lz, Refused) {
    std::vector<u8> out;
    struct Case {
        const char* what;
        std::vector<u8> s;
        u32 cap;
    } cases[] = {
        {"bad magic", {'R', 'L', 'Z', '2', 1, 0, 0, 0, 2, 0, 0, 0, 0x10, 'x'}, 64},
        {"short header", {'R', 'L', 'Z', '1', 1, 0}, 64},
        {"packed size past the input", {'R', 'L', 'Z', '1', 1, 0, 0, 0, 9, 0, 0, 0, 0x10, 'x'}, 64},
        {"unpacked size larger than the room", stream(100, {0x10, 'x'}), 64},
        {"unpacked size not what the header says", stream(2, {0x10, 'x'}), 64},
        {"literals past the input", stream(5, {0x50, 'a', 'b'}), 64},
        {"literals past the header's size", stream(1, {0x20, 'a', 'b'}), 64},
        {"distance 0", stream(5, {0x10, 'a', 0x00, 0x00}), 64},
        {"distance before the start", stream(5, {0x10, 'a', 0x02, 0x00}), 64},
        {"match past the header's size", stream(3, {0x10, 'a', 0x01, 0x00}), 64},
        {"distance cut off", stream(5, {0x10, 'a', 0x01}), 64},
        {"count continuation cut off", stream(20, {0xF0, 255}), 64},
    };
    for (const Case& c : cases) EXPECT_EQ(unpack(c.s, &out, c.cap), -1) << c.what;
}

TEST(Lz, HeaderReadBack) {
    std::vector<u8> s = stream(3, {0x30, 'a', 'b', 'c'});
    LzHeader h;
    ASSERT_TRUE(lz_header(s.data(), u32(s.size()), &h));
    EXPECT_EQ(h.unpacked, 3u);
    EXPECT_EQ(h.packed, 4u);
    EXPECT_FALSE(lz_header(s.data(), 11, &h));
}
