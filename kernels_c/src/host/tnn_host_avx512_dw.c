/*
 * tnn_host_avx512_dw.c - int8 DEPTHWISE_CONV_2D (depth multiplier 1) with
 * AVX-512 VNNI (host builds only; entered through tnn_host.c).
 *
 * The input is copied, made unsigned, into a padded canvas (padding = the
 * input zero point, which adds (zp + input_offset) * w = 0, as the reference
 * skipping the tap), so that every window lies inside it. An output vector is
 * 64 lanes: 64 channels of one pixel, or, when C divides 64 (and stride 1, or
 * 2 with C >= 4), 64 / C consecutive pixels. Four taps' input vectors are
 * interleaved by two rounds of byte and word unpacks so that each int32 lane
 * holds one channel's 4 tap inputs, and one VPDPBUSD per quarter adds their
 * products with the packed weights (zeros past the last tap). The packed
 * biases hold bias + (input_offset - 128) * sum(w), so the sums are the
 * reference's int32 sums. The four quarters are requantized, and two rounds of
 * saturating packs (exact: the values are already clamped to int8) restore
 * the lanes' order.
 */
#include "tnn_host_avx512.h"

#define TNNH_DW_MAXG 4 /* groups kept in registers (up to 16 taps) */

/* The 64 lanes of tap input at p: stride 1 (or per-pixel chunks), one load;
 * flat stride 2, the even C-byte pixels of 128 bytes. */
TNNH_INLINE __m512i tnnh_dw_load(const uint8_t *p, int s2, __m512i idx)
{
    if (!s2) {
        return _mm512_loadu_si512(p);
    }
    return _mm512_permutex2var_epi32(_mm512_loadu_si512(p), idx, _mm512_loadu_si512(p + 64));
}

/* One output vector: lanes read p + offs[t] for tap t (groups of 4, weights w: 4
 * vectors per group; records rq), `valid` bytes stored at out. */
TNNH_INLINE void tnnh_dw_vector(const int G, const uint8_t *p, const intptr_t *offs,
                                int32_t taps, int32_t groups, const __m512i *wreg,
                                const int8_t *w, const tnnh_rq *rq, int s2, __m512i idx,
                                int8_t *out, int32_t valid, const tnnh_out *o)
{
    __m512i acc0 = _mm512_loadu_si512(rq[0].bias);
    __m512i acc1 = _mm512_loadu_si512(rq[1].bias);
    __m512i acc2 = _mm512_loadu_si512(rq[2].bias);
    __m512i acc3 = _mm512_loadu_si512(rq[3].bias);
    const int32_t ng = G ? G : groups;
    int32_t g;
#pragma GCC unroll 4
    for (g = 0; g < ng; g++) {
        const int32_t t = 4 * g;
        const __m512i zero = _mm512_setzero_si512();
        const __m512i x0 = tnnh_dw_load(p + offs[t], s2, idx);
        const __m512i x1 = t + 1 < taps ? tnnh_dw_load(p + offs[t + 1], s2, idx) : zero;
        const __m512i x2 = t + 2 < taps ? tnnh_dw_load(p + offs[t + 2], s2, idx) : zero;
        const __m512i x3 = t + 3 < taps ? tnnh_dw_load(p + offs[t + 3], s2, idx) : zero;
        const __m512i l01 = _mm512_unpacklo_epi8(x0, x1), h01 = _mm512_unpackhi_epi8(x0, x1);
        const __m512i l23 = _mm512_unpacklo_epi8(x2, x3), h23 = _mm512_unpackhi_epi8(x2, x3);
        __m512i w0, w1, w2, w3;
        if (G) {
            w0 = wreg[4 * g];
            w1 = wreg[4 * g + 1];
            w2 = wreg[4 * g + 2];
            w3 = wreg[4 * g + 3];
        } else {
            w0 = _mm512_loadu_si512(w + 256 * g);
            w1 = _mm512_loadu_si512(w + 256 * g + 64);
            w2 = _mm512_loadu_si512(w + 256 * g + 128);
            w3 = _mm512_loadu_si512(w + 256 * g + 192);
        }
        acc0 = tnnh_dpbusd(acc0, _mm512_unpacklo_epi16(l01, l23), w0);
        acc1 = tnnh_dpbusd(acc1, _mm512_unpackhi_epi16(l01, l23), w1);
        acc2 = tnnh_dpbusd(acc2, _mm512_unpacklo_epi16(h01, h23), w2);
        acc3 = tnnh_dpbusd(acc3, _mm512_unpackhi_epi16(h01, h23), w3);
    }
    {
        __m512i y[4];
        if (o->left) {
            acc0 = tnnh_left16(acc0, rq);
            acc1 = tnnh_left16(acc1, rq + 1);
            acc2 = tnnh_left16(acc2, rq + 2);
            acc3 = tnnh_left16(acc3, rq + 3);
        }
        y[0] = tnnh_mbqm16(acc0, rq);
        y[1] = tnnh_mbqm16(acc1, rq + 1);
        y[2] = tnnh_mbqm16(acc2, rq + 2);
        y[3] = tnnh_mbqm16(acc3, rq + 3);
        tnnh_finish(y, 4, o);
        {
            const __m512i r = _mm512_packs_epi16(_mm512_packs_epi32(y[0], y[1]),
                                                 _mm512_packs_epi32(y[2], y[3]));
            const __mmask64 m = valid >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << valid) - 1;
            _mm512_mask_storeu_epi8(out, m, r);
        }
    }
}

/* Every output row of one image; G: groups held in registers (0: loaded per vector). */
TNNH_INLINE void tnnh_dw_image(const int G, const tnnh_dw_header *h,
                               const tnn_dw_conv_params *params, const tnnh_conv_geometry *g,
                               const uint8_t *canvas, const intptr_t *offs,
                               const tnn_dims *output_dims, int8_t *out_image,
                               const tnnh_out *o)
{
    const int8_t *w = (const int8_t *)h + sizeof(tnnh_dw_header);
    const tnnh_rq *rq = (const tnnh_rq *)(w + (intptr_t)h->chunks * h->groups * 256);
    const int32_t c = h->channels, out_h = output_dims->h, out_w = output_dims->w;
    const intptr_t row_bytes = (intptr_t)g->w * c;
    const int s2 = h->flat && params->stride.w == 2;
    /* stride 2, flat: the even C-byte pixels of two vectors (dword indices) */
    const int32_t step = c / 4; /* dwords per pixel */
    __m512i wreg[4 * TNNH_DW_MAXG];
    __m512i idx;
    int32_t oy, ox, j, k;
    {
        int32_t lanes[16];
        for (k = 0; k < 16; k++) {
            lanes[k] = s2 ? (k / step) * 2 * step + k % step : k;
        }
        idx = _mm512_loadu_si512(lanes);
    }
    for (k = 0; k < 4 * G; k++) {
        wreg[k] = _mm512_loadu_si512(w + 64 * k);
    }
    for (oy = 0; oy < out_h; oy++) {
        const uint8_t *row = canvas + (intptr_t)oy * params->stride.h * row_bytes;
        int8_t *out_row = out_image + (intptr_t)oy * out_w * c;
        if (h->flat) {
            const int32_t per = h->flat;
            for (ox = 0; ox < out_w; ox += per) {
                const int32_t n = out_w - ox < per ? out_w - ox : per;
                tnnh_dw_vector(G, row + (intptr_t)ox * params->stride.w * c, offs, h->taps,
                               h->groups, wreg, w, rq, s2, idx, out_row + (intptr_t)ox * c,
                               n * c, o);
            }
            continue;
        }
        for (ox = 0; ox < out_w; ox++) {
            const uint8_t *p = row + (intptr_t)ox * params->stride.w * c;
            for (j = 0; j < h->chunks; j++) {
                tnnh_dw_vector(0, p + 64 * j, offs, h->taps, h->groups, wreg,
                               w + (intptr_t)j * h->groups * 256, rq + 4 * j, 0, idx,
                               out_row + (intptr_t)ox * c + 64 * j, c - 64 * j, o);
            }
        }
    }
}

int32_t tnnh_depthwise_conv_s8_avx512(const tnn_context *ctx, const tnn_dw_conv_params *params,
                                      const tnn_dims *input_dims, const int8_t *input,
                                      const tnn_dims *filter_dims, const void *packed,
                                      const tnn_dims *output_dims, int8_t *output)
{
    const tnnh_dw_header *h = (const tnnh_dw_header *)packed;
    const tnnh_conv_geometry g = tnnh_geometry(params->stride, params->padding, params->dilation,
                                               input_dims, filter_dims, output_dims);
    const int32_t in_h = input_dims->h, in_w = input_dims->w, c = input_dims->c;
    const uint8_t pad = (uint8_t)(-params->input_offset + 128);
    const tnnh_out o =
        tnnh_out_of(params->output_offset, params->activation, h->folded, h->any_left);
    uint8_t *canvas = tnnh_align64(ctx->buf);
    intptr_t offs[TNNH_MAX_TAPS];
    int32_t n, ky, kx;

    for (ky = 0; ky < filter_dims->h; ky++) {
        for (kx = 0; kx < filter_dims->w; kx++) {
            offs[ky * filter_dims->w + kx] =
                ((intptr_t)ky * params->dilation.h * g.w + (intptr_t)kx * params->dilation.w) * c;
        }
    }
    /* the slack past the canvas, read by the last vectors and discarded */
    memset(canvas + g.canvas_bytes, 0, TNNH_DW_SLACK);
    for (n = 0; n < input_dims->n; n++) {
        int8_t *out_image = output + (intptr_t)n * output_dims->h * output_dims->w * c;
        tnnh_fill_canvas(&g, input + (intptr_t)n * in_h * in_w * c, in_h, in_w, pad, canvas);
        if (h->flat && h->groups == 3) {
            tnnh_dw_image(3, h, params, &g, canvas, offs, output_dims, out_image, &o);
        } else if (h->flat && h->groups == 1) {
            tnnh_dw_image(1, h, params, &g, canvas, offs, output_dims, out_image, &o);
        } else if (h->flat && h->groups == 2) {
            tnnh_dw_image(2, h, params, &g, canvas, offs, output_dims, out_image, &o);
        } else if (h->flat && h->groups == 4) {
            tnnh_dw_image(4, h, params, &g, canvas, offs, output_dims, out_image, &o);
        } else {
            tnnh_dw_image(0, h, params, &g, canvas, offs, output_dims, out_image, &o);
        }
    }
    return TNN_OK;
}

#if defined(__clang__)
#pragma clang attribute pop /* tnn_host_avx512.h */
#endif
