/*
 * tnn_dsp.h - the Arm DSP-extension (SIMD32) building blocks of the kernels'
 * fast paths.
 *
 * TNN_DSP is defined when the compiler targets a core with the DSP extension
 * (__ARM_FEATURE_DSP and __ARM_FEATURE_SIMD32: Cortex-M4, M7, M33, M35P, M55,
 * M85), little-endian, unless TNN_NO_DSP is defined. The kernels then run
 * their int8 multiply-adds on int16 pairs with the ACLE intrinsics of
 * <arm_acle.h> (a compiler header): SXTB16 widens bytes 0 and 2 of a word to
 * an int16 pair, SXTB16 of the word rotated by 8 bytes 1 and 3, SXTAB16 does
 * the same and adds an offset to each half, SMLAD adds both halves' products
 * to an int32 accumulator and SMLABB/SMLABT/SMLATB/SMLATT one product of the
 * chosen halves. All of them compute exact int16 x int16 products and wrap
 * the int32 sum, so the results are those of the portable C code bit for bit.
 * Everywhere else (Cortex-M0+/M3, the host build) nothing here is defined and
 * the kernels compile their portable C.
 *
 * Memory is read and written through memcpy of 4 bytes (one LDR/STR on cores
 * with unaligned access, no alignment or aliasing assumption in C).
 */
#ifndef TNN_DSP_H
#define TNN_DSP_H

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32) && !defined(__ARM_BIG_ENDIAN) && \
    !defined(TNN_NO_DSP)
#define TNN_DSP 1

#include <arm_acle.h>
#include <stdint.h>
#include <string.h>

#include "tinyml_nn.h"
#include "tnn_requantize.h"

/* 4 bytes at p, any alignment; byte 0 in bits 0-7. */
TNN_INLINE uint32_t tnn_load_x4(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

TNN_INLINE void tnn_store_x4(void *p, uint32_t v)
{
    memcpy(p, &v, sizeof v);
}

/* The 8-byte aligned 64-bit word at p as one LDRD (GCC splits 64-bit loads
 * into two LDRs when tuning for the M4). */
TNN_INLINE uint64_t tnn_load_u64(const uint64_t *p)
{
#if defined(__GNUC__)
    uint64_t q;
    __asm__("ldrd %Q0, %R0, %1" : "=r"(q) : "m"(*p));
    return q;
#else
    return *p;
#endif
}

/* Orders the code for the register allocator: `p` is taken to depend on `s`,
 * so a load through p is not scheduled before s is computed (GCC hoists the
 * loads of an unrolled step above the multiplies that free their registers,
 * then spills). Emits no instruction. */
#if defined(__GNUC__)
#define TNN_AFTER(p, s) __asm__("" : "+r"(p) : "r"(s))
#else
#define TNN_AFTER(p, s) ((void)0)
#endif

/* The 2 bytes at p in the low half (any alignment). */
TNN_INLINE uint32_t tnn_load_x2(const int8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* *p as one LDRD, then p += 1 (the post-indexed form: no add). */
TNN_INLINE uint64_t tnn_load_u64_next(const uint64_t **p)
{
#if defined(__GNUC__)
    uint64_t q;
    __asm__("ldrd %Q0, %R0, [%1], #8" : "=&r"(q), "+r"(*p) : "m"(**p));
    return q;
#else
    return *(*p)++;
#endif
}

/* A helper the kernels call rather than inline: its loops then get a register
 * file of their own (inlined into a large kernel, GCC spills their sums). */
#if defined(__GNUC__)
#define TNN_OUTLINE static __attribute__((noinline, unused))
#else
#define TNN_OUTLINE static
#endif

/* The first n (1..3) bytes at p, zeros above: a short tail read that never
 * reads past p + n. */
TNN_INLINE uint32_t tnn_load_x4_tail(const int8_t *p, int32_t n)
{
    uint32_t v = (uint8_t)p[0];
    if (n > 1) {
        v |= (uint32_t)(uint8_t)p[1] << 8;
    }
    if (n > 2) {
        v |= (uint32_t)(uint8_t)p[2] << 16;
    }
    return v;
}

/* Bytes 0 and 2 of v sign-extended: the int16 pair (b0, b2). */
TNN_INLINE int32_t tnn_s8_even(uint32_t v)
{
    return __sxtb16((int32_t)v);
}

/* Bytes 1 and 3 of v sign-extended: (b1, b3). GCC and clang do not fold a
 * rotate into SXTB16, so the rotated form is written as the one instruction. */
TNN_INLINE int32_t tnn_s8_odd(uint32_t v)
{
#if defined(__GNUC__)
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
#else
    return __sxtb16((int32_t)((v >> 8) | (v << 24)));
#endif
}

/* The 4 int8 of v widened to int16 pairs in one 64-bit word: (b0, b2) in the
 * low word, (b1, b3) in the high word (one LDRD reads both back). */
TNN_INLINE uint64_t tnn_widen4(uint32_t v)
{
    return (uint64_t)(uint32_t)tnn_s8_even(v) | (uint64_t)(uint32_t)tnn_s8_odd(v) << 32;
}

TNN_INLINE int32_t tnn_lo(uint64_t q)
{
    return (int32_t)(uint32_t)q;
}

TNN_INLINE int32_t tnn_hi(uint64_t q)
{
    return (int32_t)(uint32_t)(q >> 32);
}

/* (b0 + lo(off2), b2 + hi(off2)): the even bytes widened with an offset added. */
TNN_INLINE int32_t tnn_s8_even_add(uint32_t v, int32_t off2)
{
    return __sxtab16(off2, (int32_t)v);
}

/* (b1 + lo(off2), b3 + hi(off2)). */
TNN_INLINE int32_t tnn_s8_odd_add(uint32_t v, int32_t off2)
{
#if defined(__GNUC__)
    int32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(off2), "r"(v));
    return r;
#else
    return __sxtab16(off2, (int32_t)((v >> 8) | (v << 24)));
#endif
}

/* An int16 value in both halves of a word (an SXTAB16 offset). */
TNN_INLINE int32_t tnn_s16_pair(int32_t v)
{
    return (int32_t)(((uint32_t)v & 0xFFFFu) | ((uint32_t)v << 16));
}

/* PKHBT: the low halfword of lo, the low halfword of hi above it. */
TNN_INLINE uint32_t tnn_pack16(int32_t lo, int32_t hi)
{
#if defined(__GNUC__)
    uint32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
    return r;
#else
    return ((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16);
#endif
}

/* SMMULR: (a * b + 2^31) >> 32, the rounded high word of the product. */
TNN_INLINE int32_t tnn_smmulr(int32_t a, int32_t b)
{
#if defined(__GNUC__)
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return (int32_t)(((int64_t)a * b + ((int64_t)1 << 31)) >> 32);
#endif
}

/* ---- requantization ------------------------------------------------------
 * tnn_requantize_s8 (tnn_requantize.h) with fewer instructions, for the
 * channels and calls where the shorter formula gives the same int8:
 *
 * - double rounding (TFLM's default), multiplier >= 2^30 (as TFLite's
 *   QuantizeMultiplier makes them) and shift in [-21, -1] (every
 *   convolution whose output scale is below the product of the input and
 *   filter scales, down to 2^-21 of it): with e = -shift,
 *     h = SMMULR(QADD(x, x), mult)       the doubling high multiply: exact
 *                                        while |x| < 2^30 (then 2x fits);
 *     r = QADD(h, 2^(e-1) - (h < 0)) >> e   the rounding right shift
 *                                        (half away from zero) as one
 *                                        rounding add: exact unless it
 *                                        saturates.
 *   Where the saturating steps do saturate (|x| >= 2^30; h within 2^(e-1)
 *   of INT32_MAX), the true result and this one both have |r| >= 2^(29-e)
 *   >= 256, so with an output offset and activation range inside int8
 *   (`ok` of tnn_rq_range) both clamp to the same end of the range;
 * - single rounding (TNN_SINGLE_ROUNDING), shift in [-31, -2]: with
 *   k = -shift - 1, (x * mult + 2^(30-shift)) >> (31-shift) equals
 *   (hi32(x * mult) + 2^(k-1)) >> k (SMULL's high word), for every x.
 *
 * Other channels, and calls whose offset or range leave int8, run
 * tnn_requantize_s8 itself. The clamp runs on two values at a time: SSAT to
 * 16 bits (harmless for a range inside int8), then SSUB16 sets the GE flags
 * per half and SEL picks per half (max, then min). Each short formula was
 * checked equal to the long one on 2e8 random and edge inputs (x near 0,
 * 2^30 and the int32 limits, every shift, offsets and ranges in int8), and
 * the QEMU test vectors (cortex_m.models.edge_models) hit both paths. */
typedef struct {
    int32_t mult;
    int32_t shift;
    int32_t e;      /* final right shift */
    int32_t half;   /* 2^(e-1): its rounding term */
    int32_t fast;   /* the short formula applies to this channel */
} tnn_rq_channel;

TNN_INLINE tnn_rq_channel tnn_rq_setup(int32_t mult, int32_t shift)
{
    tnn_rq_channel c;
    c.mult = mult;
    c.shift = shift;
#if defined(TNN_SINGLE_ROUNDING)
    c.fast = shift >= -31 && shift <= -2;
    c.e = c.fast ? -shift - 1 : 1;
#else
    c.fast = mult >= (1 << 30) && shift >= -21 && shift <= -1;
    c.e = c.fast ? -shift : 1;
#endif
    c.half = (int32_t)((uint32_t)1 << (c.e - 1));
    return c;
}

/* The requantized x (before the output offset) for a c.fast channel. */
TNN_INLINE int32_t tnn_rq_fast(int32_t x, const tnn_rq_channel *c)
{
#if defined(TNN_SINGLE_ROUNDING)
    return ((int32_t)(((int64_t)x * c->mult) >> 32) + c->half) >> c->e;
#else
    const int32_t h = tnn_smmulr(__qadd(x, x), c->mult);
    return __qadd(h, c->half + (h >> 31)) >> c->e;
#endif
}

/* An activation range and output offset, for the pairwise clamp. */
typedef struct {
    int32_t min2;          /* act_min in both halves */
    int32_t max2;          /* act_max in both halves */
    int32_t output_offset;
    int32_t act_min, act_max;
    int32_t ok;            /* offset and range inside int8: the fast path applies */
} tnn_rq_range;

TNN_INLINE tnn_rq_range tnn_rq_range_of(int32_t output_offset, int32_t act_min, int32_t act_max)
{
    tnn_rq_range r;
    r.min2 = (int32_t)tnn_pack16(act_min, act_min);
    r.max2 = (int32_t)tnn_pack16(act_max, act_max);
    r.output_offset = output_offset;
    r.act_min = act_min;
    r.act_max = act_max;
    r.ok = output_offset >= -128 && output_offset <= 127 && act_min >= -128 && act_max <= 127;
    return r;
}

/* (clamp(a + offset), clamp(b + offset)) as int16 halves, a and b requantized
 * (tnn_rq_fast); the int8 results are the low bytes of the halves. */
TNN_INLINE uint32_t tnn_rq_clamp2(int32_t a, int32_t b, const tnn_rq_range *r)
{
    int32_t p = (int32_t)tnn_pack16(__ssat(a + r->output_offset, 16),
                                    __ssat(b + r->output_offset, 16));
    (void)__ssub16(p, r->min2); /* GE per half: p >= min */
    p = (int32_t)__sel((uint32_t)p, (uint32_t)r->min2);
    (void)__ssub16(p, r->max2); /* GE per half: p >= max */
    return __sel((uint32_t)r->max2, (uint32_t)p);
}

/* Four int8 from two clamped pairs (y0, y2) and (y1, y3), in memory order y0..y3. */
TNN_INLINE uint32_t tnn_rq_bytes4(uint32_t p02, uint32_t p13)
{
    return __uxtb16(p02) | __uxtb16(p13) << 8;
}

/* out[i * out_step] = tnn_requantize_s8(s[i], q[i * q_step]...), i < 4: the
 * requantization of the channels and calls tnn_rq_fast does not cover (rare;
 * a call, to keep the inlined fast paths small). */
TNN_OUTLINE void tnn_rq_slow4(const int32_t *s, const tnn_rq_channel *q, int32_t q_step,
                              const tnn_rq_range *r, int8_t *out, int32_t out_step)
{
    int32_t i;
    for (i = 0; i < 4; i++) {
        const tnn_rq_channel *c = q + (intptr_t)i * q_step;
        out[(intptr_t)i * out_step] = tnn_requantize_s8(s[i], c->mult, c->shift,
                                                        r->output_offset, r->act_min,
                                                        r->act_max);
    }
}

/* Requantizes the sums s0..s3 of 4 consecutive channels (q[0..3]: theirs;
 * fast: all 4 fast and r->ok) and stores the 4 int8 at out (one word). */
TNN_INLINE void tnn_rq_store4(int32_t s0, int32_t s1, int32_t s2, int32_t s3,
                              const tnn_rq_channel *q, int fast, const tnn_rq_range *r,
                              int8_t *out)
{
    if (fast) {
        const uint32_t p02 = tnn_rq_clamp2(tnn_rq_fast(s0, &q[0]), tnn_rq_fast(s2, &q[2]), r);
        const uint32_t p13 = tnn_rq_clamp2(tnn_rq_fast(s1, &q[1]), tnn_rq_fast(s3, &q[3]), r);
        tnn_store_x4(out, tnn_rq_bytes4(p02, p13));
    } else {
        const int32_t s[4] = {s0, s1, s2, s3};
        tnn_rq_slow4(s, q, 1, r, out, 1);
    }
}

#endif /* DSP extension */

#endif /* TNN_DSP_H */
