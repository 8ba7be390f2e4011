/*
 * harness.c - the test runner: runs every generated case and reports on the
 * semihosting console (QEMU's stdout):
 *
 *   case <index> <name> <mismatching bytes>
 *   TNN-RESULT cases=<n> failed=<m>
 *
 * The exit status is 0 when every case matched.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static void put(const char *s)
{
    (void)write(1, s, strlen(s));
}

static void put_int(int32_t v)
{
    char buf[12];
    int i = 11;
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + u % 10u);
        u /= 10u;
    } while (u != 0u);
    if (v < 0) {
        buf[--i] = '-';
    }
    put(&buf[i]);
}

int32_t tnn_compare(const char *what, const void *got, const void *want, int32_t n)
{
    const uint8_t *g = (const uint8_t *)got;
    const uint8_t *w = (const uint8_t *)want;
    int32_t i, bad = 0;
    for (i = 0; i < n; ++i) {
        if (g[i] != w[i]) {
            if (bad == 0) {
                put("  mismatch in ");
                put(what);
                put(" at byte ");
                put_int(i);
                put(": got ");
                put_int(g[i]);
                put(", want ");
                put_int(w[i]);
                put("\n");
            }
            ++bad;
        }
    }
    return bad;
}

int32_t tnn_check_status(int32_t got, int32_t want)
{
    if (got == want) {
        return 0;
    }
    put("  status ");
    put_int(got);
    put(", want ");
    put_int(want);
    put("\n");
    return 1;
}

__attribute__((noinline)) void tnn_mark_begin(void)
{
    __asm volatile("" ::: "memory");
}

__attribute__((noinline)) void tnn_mark_end(void)
{
    __asm volatile("" ::: "memory");
}

int main(void)
{
    int32_t i, failed = 0;
    for (i = 0; i < tnn_case_count; ++i) {
        int32_t bad = tnn_cases[i].run();
        put("case ");
        put_int(i);
        put(" ");
        put(tnn_cases[i].name);
        put(" ");
        put_int(bad);
        put("\n");
        failed += bad != 0;
    }
    put("TNN-RESULT cases=");
    put_int(tnn_case_count);
    put(" failed=");
    put_int(failed);
    put("\n");
    return failed != 0;
}
