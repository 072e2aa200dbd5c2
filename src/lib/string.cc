// SPDX-License-Identifier: LGPL-3.0-or-later
// The few C library routines gcc may call on its own, built in both modes.
#include "lib/types.h"

extern "C" {

// String instructions: one "instruction" per dword under QEMU's icount and
// far faster than byte loops under TCG. In 16-bit code ES == DS (gcc's own
// assumption), so ES:EDI addresses the same data as DS:EDI.
void* memcpy(void* d, const void* s, size_t n) {
    void* ret = d;
    size_t words = n / 4, bytes = n % 4;
    asm volatile("cld\n\trep movsl\n\tmovl %3, %%ecx\n\trep movsb"
                 : "+D"(d), "+S"(s), "+c"(words)
                 : "r"(bytes)
                 : "memory");
    return ret;
}

void* memmove(void* d, const void* s, size_t n) {
    u8* dp = static_cast<u8*>(d);
    const u8* sp = static_cast<const u8*>(s);
    if (dp < sp) {
        while (n--) *dp++ = *sp++;
    } else {
        while (n--) dp[n] = sp[n];
    }
    return d;
}

void* memset(void* d, int c, size_t n) {
    void* ret = d;
    u32 v = u8(c) * 0x01010101u;
    size_t words = n / 4, bytes = n % 4;
    asm volatile("cld\n\trep stosl\n\tmovl %3, %%ecx\n\trep stosb"
                 : "+D"(d), "+c"(words)
                 : "a"(v), "r"(bytes)
                 : "memory");
    return ret;
}

int memcmp(const void* a, const void* b, size_t n) {
    const u8* ap = static_cast<const u8*>(a);
    const u8* bp = static_cast<const u8*>(b);
    for (; n; n--, ap++, bp++)
        if (*ap != *bp) return *ap < *bp ? -1 : 1;
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int strcmp(const char* a, const char* b) {
    while (*a && *a == *b) a++, b++;
    return u8(*a) - u8(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
    for (; n; n--, a++, b++) {
        if (*a != *b) return u8(*a) - u8(*b);
        if (!*a) return 0;
    }
    return 0;
}

}  // extern "C"
