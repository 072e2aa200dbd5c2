// SPDX-License-Identifier: LGPL-3.0-or-later
// The printf engine: conversions, flags, widths, length modifiers and
// truncation, with expected strings and against the host's snprintf.
#include <gtest/gtest.h>

#include <sys/types.h>

#include <algorithm>
#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "lib/format.h"

using namespace reef;

namespace {

// Formats through vsnformat (no compile-time format checking, so odd
// formats can be tested too) and checks the returned length.
std::string F(const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    size_t n = vsnformat(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    EXPECT_LT(n, sizeof(buf));
    EXPECT_EQ(buf[n], 0) << "not terminated at the returned length";
    return std::string(buf, n);
}

// The result must equal the host libc's for the same (checked) format.
#define SAME(fmt, ...)                                                 \
    do {                                                               \
        char want_[512];                                               \
        std::snprintf(want_, sizeof(want_), fmt, __VA_ARGS__);         \
        EXPECT_EQ(F(fmt, __VA_ARGS__), std::string(want_)) << (fmt);   \
    } while (0)

}  // namespace

TEST(Format, PlainText) {
    EXPECT_EQ(F(""), "");
    EXPECT_EQ(F("hello"), "hello");
    EXPECT_EQ(F("100%%"), "100%");
    EXPECT_EQ(F("%%d"), "%d");
    EXPECT_EQ(F("a\nb"), "a\nb");
}

TEST(Format, SignedDecimal) {
    EXPECT_EQ(F("%d", 0), "0");
    EXPECT_EQ(F("%d", 42), "42");
    EXPECT_EQ(F("%d", -42), "-42");
    EXPECT_EQ(F("%d", INT_MAX), "2147483647");
    EXPECT_EQ(F("%d", INT_MIN), "-2147483648");
    EXPECT_EQ(F("%d|%d", 1, -1), "1|-1");
    SAME("%d %d %d", 7, INT_MIN, INT_MAX);
}

TEST(Format, UnsignedAndHex) {
    EXPECT_EQ(F("%u", 0u), "0");
    EXPECT_EQ(F("%u", 4294967295u), "4294967295");
    EXPECT_EQ(F("%u", -1), "4294967295");  // an int read as unsigned: 32 bits
    EXPECT_EQ(F("%x", 0u), "0");
    EXPECT_EQ(F("%x", 0xDEADBEEFu), "deadbeef");
    EXPECT_EQ(F("%X", 0xDEADBEEFu), "DEADBEEF");
    EXPECT_EQ(F("%x", -1), "ffffffff");    // not sign-extended to 64 bits
    EXPECT_EQ(F("%X", 0xABCu), "ABC");
    SAME("%u %x %X", 123456789u, 0x1234abcdu, 0x1234abcdu);
}

TEST(Format, StringsAndChars) {
    EXPECT_EQ(F("%s", "abc"), "abc");
    EXPECT_EQ(F("[%s]", ""), "[]");
    EXPECT_EQ(F("%s-%s", "a", "bc"), "a-bc");
    const char* volatile null = nullptr;
    EXPECT_EQ(F("%s", null), "(null)");
    EXPECT_EQ(F("%c", 'A'), "A");
    EXPECT_EQ(F("%c%c%c", 'x', 'y', 'z'), "xyz");
    EXPECT_EQ(F("%c", 0x141), "A") << "the int is truncated to a char";
}

TEST(Format, CharNulIsCounted) {
    char buf[8];
    std::memset(buf, 'X', sizeof(buf));
    EXPECT_EQ(snformat(buf, sizeof(buf), "a%cb", 0), 3u);
    EXPECT_EQ(buf[0], 'a');
    EXPECT_EQ(buf[1], 0);
    EXPECT_EQ(buf[2], 'b');
    EXPECT_EQ(buf[3], 0);
    EXPECT_EQ(buf[4], 'X');
}

TEST(Format, Pointer) {
    EXPECT_EQ(F("%p", nullptr), "0x" + std::string(sizeof(void*) * 2, '0'));
    EXPECT_EQ(F("%p", reinterpret_cast<void*>(0x1234)), "0x" + std::string(sizeof(void*) * 2 - 4, '0') + "1234");
    EXPECT_EQ(F("%p", reinterpret_cast<void*>(~uintptr_t(0))), "0x" + std::string(sizeof(void*) * 2, 'f'));
}

TEST(Format, Widths) {
    EXPECT_EQ(F("[%5d]", 42), "[   42]");
    EXPECT_EQ(F("[%5d]", -42), "[  -42]");
    EXPECT_EQ(F("[%2d]", 12345), "[12345]");  // never truncated
    EXPECT_EQ(F("[%1d]", 0), "[0]");
    EXPECT_EQ(F("[%8x]", 0xBEEFu), "[    beef]");
    EXPECT_EQ(F("[%6s]", "ab"), "[    ab]");
    EXPECT_EQ(F("[%2s]", "abcd"), "[abcd]");
    EXPECT_EQ(F("[%12u]", 4294967295u), "[  4294967295]");
    EXPECT_EQ(F("[%20d]", INT_MIN), "[         -2147483648]");
    SAME("[%5d][%5d][%8x][%6s][%3u]", 42, -42, 0xbeefu, "ab", 1234567u);
}

TEST(Format, ZeroFlag) {
    EXPECT_EQ(F("%08x", 0xBEEFu), "0000beef");
    EXPECT_EQ(F("%04X", 0xABu), "00AB");
    EXPECT_EQ(F("%05d", 42), "00042");
    EXPECT_EQ(F("%05d", -42), "-0042");  // the sign goes before the zeros
    EXPECT_EQ(F("%012d", INT_MIN), "-02147483648");
    EXPECT_EQ(F("%02x", 0x1234u), "1234");
    EXPECT_EQ(F("%0d", 7), "7");
    EXPECT_EQ(F("%02u:%02u", 5u, 30u), "05:30");
    SAME("%08x %05d %05d %012d", 0xbeefu, 42, -42, INT_MIN);
}

TEST(Format, LeftFlag) {
    EXPECT_EQ(F("[%-5d]", 42), "[42   ]");
    EXPECT_EQ(F("[%-5d]", -42), "[-42  ]");
    EXPECT_EQ(F("[%-6s]", "ab"), "[ab    ]");
    EXPECT_EQ(F("[%-8x]", 0xBEEFu), "[beef    ]");
    EXPECT_EQ(F("[%-2d]", 12345), "[12345]");
    // '-' wins over '0', in either order.
    EXPECT_EQ(F("[%-05d]", 42), "[42   ]");
    EXPECT_EQ(F("[%0-5d]", 42), "[42   ]");
    SAME("[%-5d][%-5d][%-6s][%-8X]", 42, -42, "ab", 0xbeefu);
}

TEST(Format, LengthModifiers) {
    EXPECT_EQ(F("%ld", -1L), "-1");
    EXPECT_EQ(F("%lld", LLONG_MAX), "9223372036854775807");
    EXPECT_EQ(F("%llu", ULLONG_MAX), "18446744073709551615");
    EXPECT_EQ(F("%llx", 0x123456789ABCDEF0ull), "123456789abcdef0");
    EXPECT_EQ(F("%llX", 0x123456789ABCDEF0ull), "123456789ABCDEF0");
    EXPECT_EQ(F("%zu", size_t(SIZE_MAX)), std::to_string(SIZE_MAX));
    EXPECT_EQ(F("%zx", size_t(0x1000)), "1000");
    EXPECT_EQ(F("%016llx", 0xABCull), "0000000000000abc");
    SAME("%ld %lu %lx %lX", LONG_MIN, ULONG_MAX, ULONG_MAX, 0xfedcba9876543210UL);
    SAME("%lld %llu %llx", LLONG_MAX, ULLONG_MAX, 0x8000000000000000ull);
    SAME("%zu %zx %zd", size_t(SIZE_MAX), size_t(0xabcdef), ssize_t(-5));
    // The argument after a 64-bit one is read from the right place.
    EXPECT_EQ(F("%llx %d %llu %s", 0x100000000ull, 7, 1ull, "ok"), "100000000 7 1 ok");
}

TEST(Format, Int64Min) {
    EXPECT_EQ(F("%lld", LLONG_MIN), "-9223372036854775808");
    EXPECT_EQ(F("%ld", LONG_MIN), std::to_string(LONG_MIN));
    EXPECT_EQ(F("%25lld", LLONG_MIN), "     -9223372036854775808");
    SAME("%lld|%-22lld|%022lld", LLONG_MIN, LLONG_MIN, LLONG_MIN);
}

TEST(Format, SixtyFourBitDecimalBoundaries) {
    // The engine divides in 32 bits when it can: check both sides.
    EXPECT_EQ(F("%llu", 0xFFFFFFFFull), "4294967295");
    EXPECT_EQ(F("%llu", 0x100000000ull), "4294967296");
    EXPECT_EQ(F("%llu", 10000000000000000000ull), "10000000000000000000");
    EXPECT_EQ(F("%lld", -4294967296ll), "-4294967296");
    EXPECT_EQ(F("%lld", -4294967295ll), "-4294967295");
    EXPECT_EQ(F("%llu", 0ull), "0");
    SAME("%llu %llu %lld %lld", 99999999999ull, 1000000000000000000ull, -99999999999ll, -1ll);
}

TEST(Format, UnknownConversionsAndTrailingPercent) {
    EXPECT_EQ(F("%q"), "%q");
    EXPECT_EQ(F("a%yb"), "a%yb");
    EXPECT_EQ(F("abc%"), "abc");
    EXPECT_EQ(F("abc%-"), "abc");
    EXPECT_EQ(F("abc%08"), "abc");
    EXPECT_EQ(F("abc%ll"), "abc");
    EXPECT_EQ(F("%d%", 5), "5");
}

TEST(Format, MixedLine) {
    EXPECT_EQ(F("e820: [%016llx-%016llx] %s", 0x100000ull, 0x7FFFFFFFull, "RAM"),
              "e820: [0000000000100000-000000007fffffff] RAM");
    EXPECT_EQ(F("pci: %02x:%02x.%x %04x:%04x", 0, 31, 2, 0x8086, 0x2922), "pci: 00:1f.2 8086:2922");
}

// ---- truncation --------------------------------------------------------------

TEST(Format, TruncationAtEverySize) {
    const std::string full = "value=-12345 name=hello!";
    for (size_t n = 0; n <= full.size() + 3; n++) {
        SCOPED_TRACE(n);
        char buf[64];
        std::memset(buf, 'X', sizeof(buf));
        size_t r = snformat(buf, n, "value=%d name=%s!", -12345, "hello");
        EXPECT_EQ(r, full.size()) << "returns the wanted length";
        if (n == 0) {
            EXPECT_EQ(buf[0], 'X') << "n == 0 writes nothing";
            continue;
        }
        size_t len = std::min(full.size(), n - 1);
        EXPECT_EQ(std::string(buf, len), full.substr(0, len));
        EXPECT_EQ(buf[len], 0) << "always terminated";
        for (size_t i = n; i < sizeof(buf); i++) ASSERT_EQ(buf[i], 'X') << "wrote past n at " << i;
    }
}

TEST(Format, TruncationWithNullBufferAndZeroSize) {
    EXPECT_EQ(snformat(nullptr, 0, "%s %d", "abc", 12345), 9u);
}

TEST(Format, TruncationInsidePaddingAndNumbers) {
    char buf[4];
    EXPECT_EQ(snformat(buf, sizeof(buf), "%10d", 5), 10u);
    EXPECT_STREQ(buf, "   ");
    EXPECT_EQ(snformat(buf, sizeof(buf), "%d", 123456), 6u);
    EXPECT_STREQ(buf, "123");
    EXPECT_EQ(snformat(buf, sizeof(buf), "%-8s|", "a"), 9u);
    EXPECT_STREQ(buf, "a  ");
    EXPECT_EQ(snformat(buf, 1, "%d", 9), 1u);
    EXPECT_STREQ(buf, "");
}

TEST(Format, ExactFit) {
    char buf[6];
    std::memset(buf, 'X', sizeof(buf));
    EXPECT_EQ(snformat(buf, sizeof(buf), "%s", "hello"), 5u);
    EXPECT_STREQ(buf, "hello");
    EXPECT_EQ(snformat(buf, sizeof(buf), "%s", "hello!"), 6u);
    EXPECT_STREQ(buf, "hello");
}

// ---- vformat with a custom sink ----------------------------------------------

namespace {
struct Sink {
    std::string s;
    int calls = 0;
};
void sink_putc(void* ctx, char c) {
    auto* k = static_cast<Sink*>(ctx);
    k->s.push_back(c);
    k->calls++;
}
void vf(Sink* k, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vformat(sink_putc, k, fmt, ap);
    va_end(ap);
}
}  // namespace

TEST(Format, VformatSink) {
    Sink k;
    vf(&k, "%s=%05d%c", "x", -7, '!');
    EXPECT_EQ(k.s, "x=-0007!");
    EXPECT_EQ(k.calls, 8);
    Sink long_out;
    std::string big(1000, 'z');
    vf(&long_out, "<%s>", big.c_str());
    EXPECT_EQ(long_out.s, "<" + big + ">");  // no internal buffer limit
}

// ---- randomized comparison with the host's snprintf --------------------------

TEST(Format, RandomIntegersMatchLibc) {
    std::mt19937_64 rng(2024);
    const char* flags[] = {"", "-", "0", "-0", "0-"};
    const char* lengths[] = {"", "l", "ll", "z"};
    const char convs[] = {'d', 'u', 'x', 'X'};
    for (int i = 0; i < 20000; i++) {
        std::string fmt = "<%";
        fmt += flags[rng() % 5];
        if (rng() % 3) fmt += std::to_string(rng() % 26);
        int len = int(rng() % 4);
        fmt += lengths[len];
        char conv = convs[rng() % 4];
        fmt += conv;
        fmt += ">";
        u64 v = rng() >> (rng() % 64);
        if (rng() % 8 == 0) v = std::vector<u64>{0, 1, 0x80000000, 0xFFFFFFFF, 0x100000000, 1ull << 63, ~0ull}[rng() % 7];
        bool neg = rng() % 2;
        char want[128];
        std::string got;
        bool sgn = conv == 'd';
        const char* f = fmt.c_str();
        if (len == 0) {
            unsigned u = unsigned(v);
            int s = int(neg ? 0u - u : u);  // modular, INT_MIN included
            if (sgn) {
                std::snprintf(want, sizeof(want), f, s);
                got = F(f, s);
            } else {
                std::snprintf(want, sizeof(want), f, u);
                got = F(f, u);
            }
        } else if (len == 1 || len == 2) {
            long long s = neg ? (long long)(0 - v) : (long long)v;
            if (sgn) {
                std::snprintf(want, sizeof(want), f, s);
                got = F(f, s);
            } else {
                std::snprintf(want, sizeof(want), f, (unsigned long long)v);
                got = F(f, (unsigned long long)v);
            }
        } else {
            if (sgn) {
                ssize_t s = neg ? (ssize_t)(0 - v) : (ssize_t)v;
                std::snprintf(want, sizeof(want), f, s);
                got = F(f, s);
            } else {
                std::snprintf(want, sizeof(want), f, size_t(v));
                got = F(f, size_t(v));
            }
        }
        ASSERT_EQ(got, std::string(want)) << "format " << fmt << " value " << v << " neg " << neg;
    }
}

TEST(Format, RandomStringsMatchLibc) {
    std::mt19937 rng(99);
    for (int i = 0; i < 2000; i++) {
        std::string s(rng() % 12, 'a');
        for (auto& ch : s) ch = char('a' + rng() % 26);
        std::string fmt = std::string("[%") + (rng() % 2 ? "-" : "") + (rng() % 2 ? std::to_string(rng() % 16) : "") + "s]";
        char want[64];
        std::snprintf(want, sizeof(want), fmt.c_str(), s.c_str());
        ASSERT_EQ(F(fmt.c_str(), s.c_str()), std::string(want)) << fmt << " " << s;
    }
}
