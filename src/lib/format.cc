// SPDX-License-Identifier: LGPL-3.0-or-later
#include "lib/format.h"

namespace reef {
namespace {

void put_num(PutcFn out, void* ctx, u64 v, unsigned base, bool upper, bool neg, int width, bool zero, bool left) {
    char tmp[24];
    int n = 0;
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    if (base == 16) {
        do { tmp[n++] = digits[v & 15]; v >>= 4; } while (v);
    } else if (v >> 32 == 0) {
        u32 w = u32(v);  // 32-bit division where possible: cheap in firmware
        do { tmp[n++] = digits[w % 10]; w /= 10; } while (w);
    } else {
        do { tmp[n++] = digits[v % 10]; v /= 10; } while (v);
    }
    int len = n + (neg ? 1 : 0);
    if (!left && !zero)
        for (; width > len; width--) out(ctx, ' ');
    if (neg) out(ctx, '-');
    if (!left && zero)
        for (; width > len; width--) out(ctx, '0');
    while (n) out(ctx, tmp[--n]);
    if (left)
        for (; width > len; width--) out(ctx, ' ');
}

}  // namespace

void vformat(PutcFn out, void* ctx, const char* fmt, __builtin_va_list ap) {
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out(ctx, *fmt);
            continue;
        }
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
            put_num(out, ctx, v < 0 ? 0 - u64(v) : u64(v), 10, false, v < 0, width, zero, left);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            u64 v = wide ? __builtin_va_arg(ap, u64) : u64(__builtin_va_arg(ap, unsigned));
            put_num(out, ctx, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, zero, left);
            break;
        }
        case 'p':
            out(ctx, '0');
            out(ctx, 'x');
            put_num(out, ctx, reinterpret_cast<uintptr_t>(__builtin_va_arg(ap, void*)), 16, false, false,
                    int(sizeof(void*) * 2), true, false);
            break;
        case 'c':
            out(ctx, char(__builtin_va_arg(ap, int)));
            break;
        case 's': {
            const char* s = __builtin_va_arg(ap, const char*);
            if (!s) s = "(null)";
            int len = 0;
            while (s[len]) len++;
            if (!left)
                for (; width > len; width--) out(ctx, ' ');
            while (*s) out(ctx, *s++);
            if (left)
                for (; width > len; width--) out(ctx, ' ');
            break;
        }
        case '%':
            out(ctx, '%');
            break;
        case 0:
            return;
        default:
            out(ctx, '%');
            out(ctx, *fmt);
        }
    }
}

namespace {
struct BufCtx {
    char* buf;
    size_t n, pos;
};
void buf_putc(void* p, char c) {
    auto* b = static_cast<BufCtx*>(p);
    if (b->pos + 1 < b->n) b->buf[b->pos] = c;
    b->pos++;
}
}  // namespace

size_t vsnformat(char* buf, size_t n, const char* fmt, __builtin_va_list ap) {
    BufCtx b{buf, n, 0};
    vformat(buf_putc, &b, fmt, ap);
    if (n) buf[b.pos < n ? b.pos : n - 1] = 0;
    return b.pos;
}

size_t snformat(char* buf, size_t n, const char* fmt, ...) {
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    size_t r = vsnformat(buf, n, fmt, ap);
    __builtin_va_end(ap);
    return r;
}

}  // namespace reef
