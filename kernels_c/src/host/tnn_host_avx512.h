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

/* The output stage of a call: offset (unless the records fold it), clamp bounds, and
 * which of these steps (and the left shift) it needs. */
typedef struct {
    __m512i out_off, lo, hi;
    int left, add_off, clamp_lo, clamp_hi;
} tnnh_out;

/* tnn_requantize(acc, multiplier, shift) of 16 channels (record q; plus the output
 * offset when the record folds it), in 64-bit lanes as tnnh_rq describes, for a
 * record without left shifts (tnnh_left16 applies them first). */
TNNH_INLINE __m512i tnnh_mbqm16(__m512i a, const tnnh_rq *q)
{
    const __m512i pe = _mm512_mul_epi32(a, _mm512_loadu_si512(q->mult));
    const __m512i po =
        _mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_loadu_si512(q->mult_odd));
    __m512i ve = _mm512_add_epi64(pe, _mm512_loadu_si512(q->k_even));
    __m512i vo = _mm512_add_epi64(po, _mm512_loadu_si512(q->k_odd));
#if !defined(TNN_SINGLE_ROUNDING)
    const __m512i two31 = _mm512_set1_epi64((int64_t)1 << 31);
    ve = _mm512_mask_sub_epi64(ve, _mm512_cmplt_epi64_mask(pe, _mm512_loadu_si512(q->t_even)),
                               ve, two31);
    vo = _mm512_mask_sub_epi64(vo, _mm512_cmplt_epi64_mask(po, _mm512_loadu_si512(q->t_odd)),
                               vo, two31);
#endif
    ve = _mm512_srav_epi64(ve, _mm512_loadu_si512(q->s_even));
    vo = _mm512_srav_epi64(vo, _mm512_loadu_si512(q->s_odd));
    return _mm512_mask_blend_epi32(0xAAAA, ve, _mm512_slli_epi64(vo, 32));
}

/* acc << left of record q's channels (double rounding's multipliers above one). */
TNNH_INLINE __m512i tnnh_left16(__m512i acc, const tnnh_rq *q)
{
    return _mm512_sllv_epi32(acc, _mm512_loadu_si512(q->left));
}

/* The output stage after tnnh_mbqm16 (offset unless folded, clamps other than at -128
 * and 127, which the saturating narrowing that follows every use makes: VPMOVSDB,
 * VPACKSS*), on n vectors in place. The flags are tested once for all of them. */
TNNH_INLINE void tnnh_finish(__m512i *y, int n, const tnnh_out *o)
{
    int i;
    if (o->add_off) {
        for (i = 0; i < n; i++) {
            y[i] = _mm512_add_epi32(y[i], o->out_off);
        }
    }
    if (o->clamp_lo) {
        for (i = 0; i < n; i++) {
            y[i] = _mm512_max_epi32(y[i], o->lo);
        }
    }
    if (o->clamp_hi) {
        for (i = 0; i < n; i++) {
            y[i] = _mm512_min_epi32(y[i], o->hi);
        }
    }
}

/* clamp(requantize(acc) + output offset) of one vector (as tnn_requantize_s8, but for
 * the clamps at -128 and 127: see tnnh_finish). */
TNNH_INLINE __m512i tnnh_requant16(__m512i acc, const tnnh_rq *q, const tnnh_out *o)
{
    __m512i y = tnnh_mbqm16(o->left ? tnnh_left16(acc, q) : acc, q);
    tnnh_finish(&y, 1, o);
    return y;
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

/* The output stage: `offset` added unless `folded` into the records; any_left: some
 * channel shifts left. */
TNNH_INLINE tnnh_out tnnh_out_of(int32_t offset, tnn_activation act, int folded, int any_left)
{
    tnnh_out o;
    o.out_off = _mm512_set1_epi32(offset);
    o.lo = _mm512_set1_epi32(act.min);
    o.hi = _mm512_set1_epi32(act.max);
    o.left = any_left;
    o.add_off = !folded;
    o.clamp_lo = act.min > -128;
    o.clamp_hi = act.max < 127;
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
