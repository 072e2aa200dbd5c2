// SPDX-License-Identifier: LGPL-3.0-or-later
#include "lib/format.h"

namespace reef {
namespace {

void put_num(FormatSink& s, u64 v, unsigned base, bool upper, bool neg, int width, bool zero, bool left) {
    char tmp[24];
    int n = 0;
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    if (base == 16 && v >> 32 == 0) {
        u32 w = u32(v);  // no 64-bit shifts for the common case
        do { tmp[n++] = digits[w & 15]; w >>= 4; } while (w);
    } else if (base == 16) {
        do { tmp[n++] = digits[v & 15]; v >>= 4; } while (v);
    } else if (v >> 32 == 0) {
        u32 w = u32(v);  // 32-bit division where possible: cheap in firmware
        do { tmp[n++] = digits[w % 10]; w /= 10; } while (w);
    } else {
        do { tmp[n++] = digits[v % 10]; v /= 10; } while (v);
    }
    int len = n + (neg ? 1 : 0);
    if (!left && !zero)
        for (; width > len; width--) s.put(' ');
    if (neg) s.put('-');
    if (!left && zero)
        for (; width > len; width--) s.put('0');
    while (n) s.put(tmp[--n]);
    if (left)
        for (; width > len; width--) s.put(' ');
}

}  // namespace

void vformat_sink(FormatSink& s, const char* fmt, __builtin_va_list ap) {
    for (;;) {
        // The literal text between conversions: the bulk of every line.
        const char* run = fmt;
        for (;; fmt++) {
            u8 c = u8(*fmt);
            if (c > '%') continue;  // most text: one compare per character
            if (c == '%' || c == 0) break;
        }
        if (fmt != run) s.write(run, u32(fmt - run));
        if (!*fmt) return;
        fmt++;
        bool zero = false, left = false;
        for (;; fmt++) {
            if (*fmt == '0') zero = true;
            else if (*fmt == '-') left = true;
            else break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        int lng = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            lng += (*fmt == 'l') ? 1 : (sizeof(size_t) == 8 ? 2 : 0);
            fmt++;
        }
        bool wide = lng >= 2 || (lng == 1 && sizeof(long) == 8);
        switch (*fmt) {
        case 'd': {
            s64 v = wide ? __builtin_va_arg(ap, s64) : s64(__builtin_va_arg(ap, int));
            put_num(s, v < 0 ? 0 - u64(v) : u64(v), 10, false, v < 0, width, zero, left);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            u64 v = wide ? __builtin_va_arg(ap, u64) : u64(__builtin_va_arg(ap, unsigned));
            put_num(s, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, zero, left);
            break;
        }
        case 'p':
            s.put('0');
            s.put('x');
            put_num(s, reinterpret_cast<uintptr_t>(__builtin_va_arg(ap, void*)), 16, false, false,
                    int(sizeof(void*) * 2), true, false);
            break;
        case 'c':
            s.put(char(__builtin_va_arg(ap, int)));
            break;
        case 's': {
            const char* str = __builtin_va_arg(ap, const char*);
            if (!str) str = "(null)";
            int len = 0;
            while (str[len]) len++;
            if (!left)
                for (; width > len; width--) s.put(' ');
            s.write(str, u32(len));
            if (left)
                for (; width > len; width--) s.put(' ');
            break;
        }
        case '%':
            s.put('%');
            break;
        case 0:
            return;
        default:
            s.put('%');
            s.put(*fmt);
        }
        fmt++;
    }
}

void FormatSink::write(const char* p, u32 n) {
    total += n;
    while (n) {
        if (pos == cap) {
            drain_full();
            if (pos == cap) return;
        }
        u32 k = cap - pos;
        if (k > n) k = n;
        __builtin_memcpy(buf + pos, p, k);
        pos += k;
        p += k;
        n -= k;
    }
}

void FormatSink::drain_full() {
    if (!drain) return;  // a fixed buffer: the rest is only counted
    drain(*this);
    pos = 0;
}

namespace {
struct PutcSink : FormatSink {
    PutcFn out;
    void* ctx;
};
void drain_putc(FormatSink& s) {
    auto& p = static_cast<PutcSink&>(s);
    for (u32 i = 0; i < s.pos; i++) p.out(p.ctx, s.buf[i]);
}
}  // namespace

void vformat(PutcFn out, void* ctx, const char* fmt, __builtin_va_list ap) {
    char buf[32];
    PutcSink s;
    s.buf = buf;
    s.cap = sizeof(buf);
    s.drain = drain_putc;
    s.out = out;
    s.ctx = ctx;
    vformat_sink(s, fmt, ap);
    drain_putc(s);
}

size_t vsnformat(char* buf, size_t n, const char* fmt, __builtin_va_list ap) {
    FormatSink s;
    s.buf = buf;
    s.cap = n ? u32(n - 1) : 0;
    vformat_sink(s, fmt, ap);
    if (n) buf[s.pos] = 0;
    return s.total;
}

size_t snformat(char* buf, size_t n, const char* fmt, ...) {
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    size_t r = vsnformat(buf, n, fmt, ap);
    __builtin_va_end(ap);
    return r;
}

}  // namespace reef
