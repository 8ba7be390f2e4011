/*
 * tnn_host_avx512.h - what the AVX-512 host kernels share: the target, the
 * vector requantization, VPDPBUSD in place, the u8 conversion. Included only
 * by the tnn_host_avx512*.c files (host builds).
 */
#ifndef TNN_HOST_AVX512_H
#define TNN_HOST_AVX512_H

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni"))), apply_to = function)
#else
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")
#endif

#include <immintrin.h>
#include <string.h>

#include "tnn_host_internal.h"

#define TNNH_INLINE static inline __attribute__((always_inline))

typedef struct {
    __m512i out_off, lo, hi;
} tnnh_out;

/* tnn_requantize(acc, multiplier, shift) of 16 channels (record q). */
TNNH_INLINE __m512i tnnh_mbqm16(__m512i acc, const tnnh_rq *q)
{
    const __m512i mult = _mm512_loadu_si512(q->mult);
    const __m512i mult_odd = _mm512_loadu_si512(q->mult_odd);
    __m512i y;
#if defined(TNN_SINGLE_ROUNDING)
    /* (x * m + 2^(total - 1)) >> total in 64-bit lanes, even and odd channels apart */
    const __m512i pe = _mm512_mul_epi32(acc, mult);
    const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), mult_odd);
    const __m512i re = _mm512_srav_epi64(_mm512_add_epi64(pe, _mm512_loadu_si512(q->round_even)),
                                         _mm512_loadu_si512(q->shift_even));
    const __m512i ro = _mm512_srav_epi64(_mm512_add_epi64(po, _mm512_loadu_si512(q->round_odd)),
                                         _mm512_loadu_si512(q->shift_odd));
    y = _mm512_mask_blend_epi32(0xAAAA, re, _mm512_slli_epi64(ro, 32));
#else
    /* SaturatingRoundingDoublingHighMul: bits 31..62 of x * m + 2^30 (the saturating
     * case, both INT32_MIN, cannot occur: tnnh_pack refuses INT32_MIN multipliers) */
    const __m512i nudge = _mm512_set1_epi64((int64_t)1 << 30);
    const __m512i a = _mm512_sllv_epi32(acc, _mm512_loadu_si512(q->left));
    const __m512i pe = _mm512_mul_epi32(a, mult);
    const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(a, 32), mult_odd);
    const __m512i he = _mm512_srli_epi64(_mm512_add_epi64(pe, nudge), 31);
    const __m512i ho = _mm512_slli_epi64(_mm512_add_epi64(po, nudge), 1);
    const __m512i h = _mm512_mask_blend_epi32(0xAAAA, he, ho);
    /* RoundingDivideByPOT: (h >> r) + (remainder > (mask >> 1) + (h < 0)) */
    const __m512i rem = _mm512_and_si512(h, _mm512_loadu_si512(q->mask));
    const __m512i thr = _mm512_sub_epi32(_mm512_loadu_si512(q->half), _mm512_srai_epi32(h, 31));
    y = _mm512_srav_epi32(h, _mm512_loadu_si512(q->right));
    y = _mm512_mask_sub_epi32(y, _mm512_cmpgt_epi32_mask(rem, thr), y, _mm512_set1_epi32(-1));
#endif
    return y;
}

/* clamp(requantize(acc) + output offset), 16 channels (record q), as tnn_requantize_s8. */
TNNH_INLINE __m512i tnnh_requant16(__m512i acc, const tnnh_rq *q, const tnnh_out *o)
{
    const __m512i y = _mm512_add_epi32(tnnh_mbqm16(acc, q), o->out_off);
    return _mm512_min_epi32(_mm512_max_epi32(y, o->lo), o->hi);
}

/* acc + the 4-product sums of u8 x and s8 w per int32 lane (VPDPBUSD, wrapping). As
 * inline assembly so that gcc accumulates in place (its intrinsic costs a register
 * copy per product in these loops). */
TNNH_INLINE __m512i tnnh_dpbusd(__m512i acc, __m512i x, __m512i w)
{
    __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
    return acc;
}

TNNH_INLINE int32_t tnnh_load32(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/* dst[k] = src[k] ^ 0x80 (int8 made unsigned, x + 128), k < n. */
TNNH_INLINE void tnnh_to_u8(const int8_t *src, uint8_t *dst, int32_t n)
{
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    int32_t k = 0;
    for (; k + 64 <= n; k += 64) {
        _mm512_storeu_si512(dst + k, _mm512_xor_si512(_mm512_loadu_si512(src + k), flip));
    }
    if (k < n) {
        const __mmask64 m = ((__mmask64)1 << (n - k)) - 1;
        _mm512_mask_storeu_epi8(dst + k, m,
                                _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, src + k), flip));
    }
}

TNNH_INLINE uint8_t *tnnh_align64(void *p)
{
    return (uint8_t *)p + ((64 - ((uintptr_t)p & 63)) & 63);
}

TNNH_INLINE tnnh_out tnnh_out_of(int32_t offset, tnn_activation act)
{
    tnnh_out o;
    o.out_off = _mm512_set1_epi32(offset);
    o.lo = _mm512_set1_epi32(act.min);
    o.hi = _mm512_set1_epi32(act.max);
    return o;
}

/* The canvas of a window operation: the image n made unsigned inside its border
 * of `pad` bytes (geometry g, rows of g.w * C bytes). */
TNNH_INLINE void tnnh_fill_canvas(const tnnh_conv_geometry *g, const int8_t *image, int32_t in_h,
                                  int32_t in_w, uint8_t pad, uint8_t *canvas)
{
    const int32_t c = g->channels;
    const intptr_t row_bytes = (intptr_t)g->w * c;
    int32_t y;
    if (g->h == in_h && g->w == in_w) {
        tnnh_to_u8(image, canvas, in_h * in_w * c);
        return;
    }
    memset(canvas, pad, (size_t)g->top * row_bytes);
    for (y = 0; y < in_h; y++) {
        uint8_t *dst = canvas + (intptr_t)(g->top + y) * row_bytes;
        memset(dst, pad, (size_t)g->left * c);
        tnnh_to_u8(image + (intptr_t)y * in_w * c, dst + (intptr_t)g->left * c, in_w * c);
        memset(dst + (intptr_t)(g->left + in_w) * c, pad, (size_t)(g->w - g->left - in_w) * c);
    }
    memset(canvas + (intptr_t)(g->top + in_h) * row_bytes, pad,
           (size_t)(g->h - g->top - in_h) * row_bytes);
}

#endif /* TNN_HOST_AVX512_H */
