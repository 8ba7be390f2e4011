/*
 * tnn_host_avx512_add.c - int8 ADD and SUB of same-shape tensors with
 * AVX-512 (host builds only; entered through tnn_host.c): tnn_add_s8's
 * arithmetic, 16 elements per vector, the three MultiplyByQuantizedMultiplier
 * steps in 64-bit lanes (tnnh_mbqm16).
 */
#include "tnn_host_avx512.h"

/* A record whose 16 lanes all requantize by (m, s). */
static void tnnh_rq_fill(tnnh_rq *r, tnn_per_tensor_quant_params q)
{
    int32_t j;
    memset(r, 0, sizeof(*r));
    for (j = 0; j < 16; j++) {
        tnnh_rq_set(r, j, 0, q.multiplier, q.shift);
    }
}

int32_t tnnh_add_s8_avx512(const tnn_add_params *params, const int8_t *input1,
                           const int8_t *input2, int8_t *output, int32_t size)
{
    tnnh_rq q1, q2, qo;
    const __m512i off1 = _mm512_set1_epi32(params->input1_offset);
    const __m512i off2 = _mm512_set1_epi32(params->input2_offset);
    const __m128i ls = _mm_cvtsi32_si128(params->left_shift);
    const tnn_activation act = params->activation;
    const tnnh_out o = tnnh_out_of(params->output_offset, act);
    const int sub = params->subtract;
    int32_t i;
    tnnh_rq_fill(&q1, params->input1_quant);
    tnnh_rq_fill(&q2, params->input2_quant);
    tnnh_rq_fill(&qo, params->output_quant);
    for (i = 0; i < size; i += 16) {
        const int32_t n = size - i < 16 ? size - i : 16;
        const __mmask16 m = n == 16 ? 0xFFFF : (__mmask16)((1u << n) - 1u);
        const __m512i x1 = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, input1 + i));
        const __m512i x2 = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, input2 + i));
        const __m512i a = _mm512_sll_epi32(_mm512_add_epi32(x1, off1), ls);
        const __m512i b = _mm512_sll_epi32(_mm512_add_epi32(x2, off2), ls);
        const __m512i sa = tnnh_mbqm16(a, &q1);
        const __m512i sb = tnnh_mbqm16(b, &q2);
        const __m512i s = sub ? _mm512_sub_epi32(sa, sb) : _mm512_add_epi32(sa, sb);
        _mm512_mask_cvtepi32_storeu_epi8(output + i, m, tnnh_requant16(s, &qo, &o));
    }
    return TNN_OK;
}

#if defined(__clang__)
#pragma clang attribute pop /* tnn_host_avx512.h */
#endif
