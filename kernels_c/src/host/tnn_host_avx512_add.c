/*
 * tnn_host_avx512_add.c - int8 ADD and SUB of same-shape tensors with
 * AVX-512 (host builds only; entered through tnn_host.c): tnn_add_s8's
 * arithmetic. Each input's scaled value, MBQM((x + offset) << left_shift), is
 * a function of its int8 value: both are tabulated once per call (256 int32
 * each, computed by the vector code below) and looked up 64 elements at a
 * time, byte plane by byte plane, with VPERMT2B (AVX-512 VBMI; without it,
 * computed per element). Their sum is requantized to the output in 64-bit
 * lanes (tnnh_requant16).
 */
#include "tnn_host_avx512.h"

/* A record whose 16 lanes all requantize by (m, s), folding `fold` (see tnnh_rq). */
static void tnnh_rq_fill(tnnh_rq *r, tnn_per_tensor_quant_params q, int32_t fold)
{
    int32_t j;
    memset(r, 0, sizeof(*r));
    for (j = 0; j < 16; j++) {
        tnnh_rq_set(r, j, 0, q.multiplier, q.shift, fold);
    }
}

/* The 4 byte planes of a 256-entry int32 table, entry i (the int8 value (int8_t)i) at
 * byte i of each plane. */
typedef struct {
    uint8_t plane[4][256];
} tnnh_lut32;

/* t[i] = MBQM((int8_t)i + offset) << ls, q), i < 256. */
static void tnnh_lut_build(tnnh_lut32 *t, __m512i offset, __m128i ls, const tnnh_rq *q, int left)
{
    int32_t i, p;
    for (i = 0; i < 256; i += 16) {
        const __m512i x = _mm512_add_epi32(_mm512_set_epi32(
            (int8_t)(i + 15), (int8_t)(i + 14), (int8_t)(i + 13), (int8_t)(i + 12),
            (int8_t)(i + 11), (int8_t)(i + 10), (int8_t)(i + 9), (int8_t)(i + 8),
            (int8_t)(i + 7), (int8_t)(i + 6), (int8_t)(i + 5), (int8_t)(i + 4),
            (int8_t)(i + 3), (int8_t)(i + 2), (int8_t)(i + 1), (int8_t)i), offset);
        const __m512i a = _mm512_sll_epi32(x, ls);
        const __m512i v = tnnh_mbqm16(left ? tnnh_left16(a, q) : a, q);
        for (p = 0; p < 4; p++) {
            _mm_storeu_si128((__m128i *)(t->plane[p] + i),
                             _mm512_cvtepi32_epi8(_mm512_srli_epi32(v, 8 * p)));
        }
    }
}

__attribute__((target("avx512vbmi"))) static inline __m512i tnnh_lut_plane(const uint8_t *plane,
                                                                         __m512i x, __mmask64 hi)
{
    const __m512i lo = _mm512_permutex2var_epi8(_mm512_loadu_si512(plane), x,
                                                _mm512_loadu_si512(plane + 64));
    const __m512i up = _mm512_permutex2var_epi8(_mm512_loadu_si512(plane + 128), x,
                                                _mm512_loadu_si512(plane + 192));
    return _mm512_mask_blend_epi8(hi, lo, up);
}

/* t[x] of 64 int8 values as four int32 vectors, lane d of vector v holding element
 * 16 (d / 4) + 4 v + d % 4 (the unpacks' order, which _mm512_packs_* undo). */
__attribute__((target("avx512vbmi"))) static inline void tnnh_lut_lookup(const tnnh_lut32 *t,
                                                                        __m512i x, __m512i *y)
{
    const __mmask64 hi = _mm512_movepi8_mask(x);
    const __m512i p0 = tnnh_lut_plane(t->plane[0], x, hi);
    const __m512i p1 = tnnh_lut_plane(t->plane[1], x, hi);
    const __m512i p2 = tnnh_lut_plane(t->plane[2], x, hi);
    const __m512i p3 = tnnh_lut_plane(t->plane[3], x, hi);
    const __m512i l01 = _mm512_unpacklo_epi8(p0, p1), h01 = _mm512_unpackhi_epi8(p0, p1);
    const __m512i l23 = _mm512_unpacklo_epi8(p2, p3), h23 = _mm512_unpackhi_epi8(p2, p3);
    y[0] = _mm512_unpacklo_epi16(l01, l23);
    y[1] = _mm512_unpackhi_epi16(l01, l23);
    y[2] = _mm512_unpacklo_epi16(h01, h23);
    y[3] = _mm512_unpackhi_epi16(h01, h23);
}

/* The table-driven loop over whole vectors of 64; returns how many elements it did. */
__attribute__((target("avx512vbmi"))) static int32_t tnnh_add_lut(
    const tnnh_lut32 *t1, const tnnh_lut32 *t2, const tnnh_rq *qo, const tnnh_out *o, int sub,
    const int8_t *input1, const int8_t *input2, int8_t *output, int32_t size)
{
    int32_t i, k;
    for (i = 0; i + 64 <= size; i += 64) {
        __m512i a[4], b[4], y[4];
        tnnh_lut_lookup(t1, _mm512_loadu_si512(input1 + i), a);
        tnnh_lut_lookup(t2, _mm512_loadu_si512(input2 + i), b);
        for (k = 0; k < 4; k++) {
            y[k] = tnnh_requant16(sub ? _mm512_sub_epi32(a[k], b[k]) : _mm512_add_epi32(a[k], b[k]),
                                  qo, o);
        }
        _mm512_storeu_si512(output + i, _mm512_packs_epi16(_mm512_packs_epi32(y[0], y[1]),
                                                           _mm512_packs_epi32(y[2], y[3])));
    }
    return i;
}

/* What tnnh_add_pack computes once: the records of the three requantizations and the
 * two input tables. */
typedef struct {
    int32_t magic;
    int32_t rounding;
    int32_t tables;       /* 1: t1 and t2 hold the input tables (VBMI) */
    int32_t folded;       /* the output offset is folded into qo */
    tnn_add_params params;
    tnnh_rq q1, q2, qo;
    tnnh_lut32 t1, t2;
} tnnh_add_state;

static int tnnh_add_left(tnn_per_tensor_quant_params q)
{
    return q.shift > 0 && TNNH_ROUNDING == 0;
}

int32_t tnnh_add_state_size(void)
{
    return (int32_t)sizeof(tnnh_add_state);
}

void tnnh_add_prepare(const tnn_add_params *params, void *state)
{
    tnnh_add_state *st = (tnnh_add_state *)state;
    memset(st, 0, sizeof(*st));
    st->magic = TNNH_MAGIC;
    st->rounding = TNNH_ROUNDING;
    st->params = *params;
    st->folded = tnnh_can_fold(&params->output_quant.shift, 1);
    tnnh_rq_fill(&st->q1, params->input1_quant, 0);
    tnnh_rq_fill(&st->q2, params->input2_quant, 0);
    tnnh_rq_fill(&st->qo, params->output_quant, st->folded ? params->output_offset : 0);
    st->tables = __builtin_cpu_supports("avx512vbmi");
    if (st->tables) {
        const __m128i ls = _mm_cvtsi32_si128(params->left_shift);
        tnnh_lut_build(&st->t1, _mm512_set1_epi32(params->input1_offset), ls, &st->q1,
                       tnnh_add_left(params->input1_quant));
        tnnh_lut_build(&st->t2, _mm512_set1_epi32(params->input2_offset), ls, &st->q2,
                       tnnh_add_left(params->input2_quant));
    }
}

int tnnh_add_state_ok(const void *state, const tnn_add_params *params)
{
    const tnnh_add_state *st = (const tnnh_add_state *)state;
    return st->magic == TNNH_MAGIC && st->rounding == TNNH_ROUNDING &&
           memcmp(&st->params, params, sizeof(*params)) == 0;
}

int32_t tnnh_add_s8_avx512(const tnn_add_params *params, const void *state,
                           const int8_t *input1, const int8_t *input2, int8_t *output,
                           int32_t size)
{
    const tnnh_add_state *st = (const tnnh_add_state *)state;
    const __m512i off1 = _mm512_set1_epi32(params->input1_offset);
    const __m512i off2 = _mm512_set1_epi32(params->input2_offset);
    const __m128i ls = _mm_cvtsi32_si128(params->left_shift);
    const tnnh_out o = tnnh_out_of(params->output_offset, params->activation, st->folded,
                                   tnnh_add_left(params->output_quant));
    const int left1 = tnnh_add_left(params->input1_quant);
    const int left2 = tnnh_add_left(params->input2_quant);
    const int sub = params->subtract;
    int32_t i = 0;
    if (size >= 64 && st->tables) {
        i = tnnh_add_lut(&st->t1, &st->t2, &st->qo, &o, sub, input1, input2, output, size);
    }
    for (; i < size; i += 16) {
        const int32_t n = size - i < 16 ? size - i : 16;
        const __mmask16 m = n == 16 ? 0xFFFF : (__mmask16)((1u << n) - 1u);
        const __m512i x1 = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, input1 + i));
        const __m512i x2 = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, input2 + i));
        const __m512i a = _mm512_sll_epi32(_mm512_add_epi32(x1, off1), ls);
        const __m512i b = _mm512_sll_epi32(_mm512_add_epi32(x2, off2), ls);
        const __m512i sa = tnnh_mbqm16(left1 ? tnnh_left16(a, &st->q1) : a, &st->q1);
        const __m512i sb = tnnh_mbqm16(left2 ? tnnh_left16(b, &st->q2) : b, &st->q2);
        const __m512i s = sub ? _mm512_sub_epi32(sa, sb) : _mm512_add_epi32(sa, sb);
        _mm512_mask_cvtsepi32_storeu_epi8(output + i, m, tnnh_requant16(s, &st->qo, &o));
    }
    return TNN_OK;
}

#if defined(__clang__)
#pragma clang attribute pop /* tnn_host_avx512.h */
#endif
