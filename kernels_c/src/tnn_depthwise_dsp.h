/*
 * tnn_depthwise_dsp.h - the DSP-extension bodies of the depthwise kernels
 * (tnn_depthwise_conv_mult1_s8.c, tnn_depthwise_conv_s8.c), private to them.
 *
 * Inline functions, so that each kernel compiles them with its own constant
 * depth multiplier. Empty unless TNN_DSP (tnn_dsp.h).
 */
#ifndef TNN_DEPTHWISE_DSP_H
#define TNN_DEPTHWISE_DSP_H

#include "tnn_dsp.h"

#if defined(TNN_DSP)

/* ---- depthwise convolution, multiplier 1 or 2 ------------------------------
 * tnn_dw_groups runs output channels in groups of 4, group by group: the
 * group's weights for every tap are widened once into a stack table
 * (tnn_widen4: one LDRD per tap afterwards) and its requantization constants
 * prepared once (tnn_rq_setup); then every output pixel sums its valid taps
 * in 4 registers. Per tap: one input read (a word of 4 channels with
 * multiplier 1, a halfword of 2 channels with multiplier 2), SXTAB16 twice
 * (widening and adding the input offset), and 4 SMLABB/SMLABT/SMLATT, one per
 * sum: a tap's 4 MACs go to 4 different sums, so there is no pair to SMLAD.
 * The products are exact int16 x int16 ones and the int32 sums wrap, like the
 * portable code's (the input offset is taken mod 2^16 by SXTAB16, so it must
 * fit int16 with the input: |x + offset| <= 32767; the kernels check). */

#define TNN_DW_MAX_TAPS 49 /* window taps of the stack weight table (7 x 7: 392 bytes) */

/* What tnn_dw_row needs about the call and the group of 4 output channels. */
typedef struct {
    const int8_t *image;   /* the batch's input, at input channel g / mult */
    const uint64_t *wt;    /* the group's widened weights, k_h * k_w taps */
    const tnn_rq_channel *q; /* the group's requantization, 4 channels */
    int32_t bias[4];
    int32_t in_h, in_w, in_c, k_h, k_w, out_w, out_c;
    int32_t stride_w, pad_w, dil_h, dil_w;
    int32_t ox_lo, ox_hi;  /* output columns whose window is inside the image across */
    int32_t is3x3;         /* 3x3 window, dilation 1: inner pixels unrolled */
    int32_t off2, fast;  /* fast: tnn_rq_store4's */
    tnn_rq_range range;
} tnn_dw_group;

/* s0..s3 += (x + offset) * w for one tap: xv the tap's input (a word: 4
 * channels, multiplier 1; a halfword: 2 channels, multiplier 2), wq the 4
 * weights widened (tnn_widen4). */
#define TNN_DW_TAP(mult, xv, wq, off2, s0, s1, s2, s3)                 \
    do {                                                               \
        if ((mult) == 1) {                                             \
            const int32_t x02_ = tnn_s8_even_add(xv, off2);            \
            const int32_t x13_ = tnn_s8_odd_add(xv, off2);             \
            s0 = __smlabb(x02_, tnn_lo(wq), s0);                       \
            s1 = __smlabb(x13_, tnn_hi(wq), s1);                       \
            s2 = __smlatt(x02_, tnn_lo(wq), s2);                       \
            s3 = __smlatt(x13_, tnn_hi(wq), s3);                       \
        } else { /* channels g..g+3 read inputs g/2, g/2, g/2+1, g/2+1 */ \
            const int32_t xa_ = tnn_s8_even_add(xv, off2);             \
            const int32_t xb_ = tnn_s8_odd_add(xv, off2);              \
            s0 = __smlabb(xa_, tnn_lo(wq), s0);                        \
            s1 = __smlabb(xa_, tnn_hi(wq), s1);                        \
            s2 = __smlabt(xb_, tnn_lo(wq), s2);                        \
            s3 = __smlabt(xb_, tnn_hi(wq), s3);                        \
        }                                                              \
    } while (0)

TNN_INLINE uint32_t tnn_dw_load(const int8_t *p, int32_t mult)
{
    return mult == 1 ? tnn_load_x4(p) : tnn_load_x2(p);
}

/* TNN_DW_3X3_ROW: the 3 taps of one window row (input at r, weights at w),
 * each tap's loads kept after the previous tap's multiplies (TNN_AFTER: else
 * GCC loads and widens all 9 taps first and spills them). */
#define TNN_DW_3X3_ROW(mult, r, w, in_c, off2, s0, s1, s2, s3)                       \
    do {                                                                         \
        uint32_t xv_;                                                            \
        TNN_AFTER(r, s3);                                                        \
        xv_ = tnn_dw_load(r, mult);                                              \
        TNN_DW_TAP(mult, xv_, tnn_load_u64(w), off2, s0, s1, s2, s3);            \
        TNN_AFTER(r, s3);                                                        \
        xv_ = tnn_dw_load(r + in_c, mult);                                       \
        TNN_DW_TAP(mult, xv_, tnn_load_u64(w + 1), off2, s0, s1, s2, s3);        \
        TNN_AFTER(r, s3);                                                        \
        xv_ = tnn_dw_load(r + 2 * in_c, mult);                                   \
        TNN_DW_TAP(mult, xv_, tnn_load_u64(w + 2), off2, s0, s1, s2, s3);        \
    } while (0)

/* One output row (window top at input row y0, valid window rows [ky0, ky1))
 * of a group of 4 output channels; out: the row's first pixel at channel g.
 * mult: 1 or 2 (a constant in each caller). */
TNN_INLINE void tnn_dw_row_body(const tnn_dw_group *d, int32_t y0, int32_t ky0, int32_t ky1,
                                int8_t *out, int32_t mult)
{
    const int32_t in_c = d->in_c, k_w = d->k_w, dil_w = d->dil_w;
    const int32_t x_col = dil_w * in_c;
    const int32_t x_row = d->dil_h * d->in_w * in_c;
    const int32_t off2 = d->off2;
    const int8_t *const row = d->image + ((intptr_t)y0 + (intptr_t)ky0 * d->dil_h) * d->in_w * in_c;
    int32_t ox = 0;
    while (ox < d->out_w) {
        int32_t x0 = ox * d->stride_w - d->pad_w;
        int32_t kx0 = 0, kx1 = k_w, ny;
        int32_t s0 = d->bias[0], s1 = d->bias[1], s2 = d->bias[2], s3 = d->bias[3];
        const int8_t *xr;
        const uint64_t *wr;
        if (ox >= d->ox_lo && ox < d->ox_hi) {
            if (d->is3x3 && ky0 == 0 && ky1 == 3) {
                /* the inner pixels of a 3x3 window: 9 taps unrolled, the
                 * weights at fixed offsets */
                const int8_t *r = row + (intptr_t)x0 * in_c;
                const int32_t step = d->stride_w * in_c;
                for (; ox < d->ox_hi; ox++, r += step, out += d->out_c) {
                    const int8_t *r1 = r + x_row;
                    const int8_t *r2 = r1 + x_row;
                    s0 = d->bias[0];
                    s1 = d->bias[1];
                    s2 = d->bias[2];
                    s3 = d->bias[3];
                    TNN_DW_3X3_ROW(mult, r, d->wt, in_c, off2, s0, s1, s2, s3);
                    TNN_DW_3X3_ROW(mult, r1, d->wt + 3, in_c, off2, s0, s1, s2, s3);
                    TNN_DW_3X3_ROW(mult, r2, d->wt + 6, in_c, off2, s0, s1, s2, s3);
                    tnn_rq_store4(s0, s1, s2, s3, d->q, d->fast, &d->range, out);
                }
                continue;
            }
        } else {
            tnn_valid_taps(x0, dil_w, k_w, d->in_w, &kx0, &kx1);
        }
        xr = row + ((intptr_t)x0 + (intptr_t)kx0 * dil_w) * in_c;
        wr = d->wt + ky0 * k_w + kx0;
        for (ny = ky1 - ky0; ny > 0; ny--, xr += x_row, wr += k_w) {
            const int8_t *xp = xr;
            const uint64_t *wp = wr;
            int32_t nx;
            for (nx = kx1 - kx0; nx > 0; nx--, xp += x_col) {
                const uint64_t wq = tnn_load_u64_next(&wp);
                const uint32_t xv = tnn_dw_load(xp, mult);
                TNN_DW_TAP(mult, xv, wq, off2, s0, s1, s2, s3);
            }
        }
        tnn_rq_store4(s0, s1, s2, s3, d->q, d->fast, &d->range, out);
        ox++;
        out += d->out_c;
    }
}

TNN_OUTLINE void tnn_dw_row_m1(const tnn_dw_group *d, int32_t y0, int32_t ky0, int32_t ky1,
                               int8_t *out)
{
    tnn_dw_row_body(d, y0, ky0, ky1, out, 1);
}

TNN_OUTLINE void tnn_dw_row_m2(const tnn_dw_group *d, int32_t y0, int32_t ky0, int32_t ky1,
                               int8_t *out)
{
    tnn_dw_row_body(d, y0, ky0, ky1, out, 2);
}

/* Output channels [0, out_c & ~3) of a depthwise convolution with multiplier
 * `mult` (1 or 2), k_h * k_w <= TNN_DW_MAX_TAPS, input offset in int16. The
 * caller does the other channels. */
TNN_INLINE void tnn_dw_groups(const tnn_dw_conv_params *params,
                              const tnn_per_channel_quant_params *quant,
                              const tnn_dims *input_dims, const int8_t *input,
                              const tnn_dims *filter_dims, const int8_t *filter,
                              const int32_t *bias, const tnn_dims *output_dims, int8_t *output,
                              int32_t mult)
{
    const int32_t in_h = input_dims->h, out_h = output_dims->h, out_w = output_dims->w;
    const int32_t out_c = output_dims->c;
    const int32_t taps = filter_dims->h * filter_dims->w;
    uint64_t wt[TNN_DW_MAX_TAPS];
    tnn_rq_channel q[4];
    tnn_dw_group d;
    int32_t b, g, oy, t, i;
    d.wt = wt;
    d.q = q;
    d.in_h = in_h;
    d.in_w = input_dims->w;
    d.in_c = input_dims->c;
    d.k_h = filter_dims->h;
    d.k_w = filter_dims->w;
    d.out_w = out_w;
    d.out_c = out_c;
    d.stride_w = params->stride.w;
    d.pad_w = params->padding.w;
    d.dil_h = params->dilation.h;
    d.dil_w = params->dilation.w;
    /* inner columns: x0 >= 0 and x0 + (k_w - 1) * dil_w < in_w */
    d.ox_lo = (params->padding.w + d.stride_w - 1) / d.stride_w;
    d.ox_hi = d.in_w - 1 - (d.k_w - 1) * d.dil_w + params->padding.w >= 0
                  ? (d.in_w - 1 - (d.k_w - 1) * d.dil_w + params->padding.w) / d.stride_w + 1
                  : 0;
    d.ox_hi = TNN_MIN(d.ox_hi, out_w);
    d.is3x3 = d.k_h == 3 && d.k_w == 3 && d.dil_h == 1 && d.dil_w == 1;
    d.off2 = tnn_s16_pair(params->input_offset);
    d.range = tnn_rq_range_of(params->output_offset, params->activation.min,
                              params->activation.max);
    for (g = 0; g + 4 <= out_c; g += 4) {
        for (t = 0; t < taps; t++) {
            wt[t] = tnn_widen4(tnn_load_x4(filter + (intptr_t)t * out_c + g));
        }
        d.fast = d.range.ok;
        for (i = 0; i < 4; i++) {
            q[i] = tnn_rq_setup(quant->multiplier[g + i], quant->shift[g + i]);
            d.fast &= q[i].fast;
            d.bias[i] = bias ? bias[g + i] : 0;
        }
        for (b = 0; b < input_dims->n; b++) {
            int8_t *out = output + (intptr_t)b * out_h * out_w * out_c + g;
            d.image = input + (intptr_t)b * in_h * d.in_w * d.in_c + g / mult;
            for (oy = 0; oy < out_h; oy++, out += (intptr_t)out_w * out_c) {
                const int32_t y0 = oy * params->stride.h - params->padding.h;
                int32_t ky0, ky1;
                tnn_valid_taps(y0, d.dil_h, d.k_h, in_h, &ky0, &ky1);
                if (mult == 1) {
                    tnn_dw_row_m1(&d, y0, ky0, ky1, out);
                } else {
                    tnn_dw_row_m2(&d, y0, ky0, ky1, out);
                }
            }
        }
    }
}

/* Output channel c of a depthwise convolution with multiplier `mult`, one
 * pixel at a time, as the portable kernels compute it: int16_products != 0
 * for the multiplier-1 kernel's (int16)(x + offset) * (int16)w, 0 for the
 * general kernel's int32 (x + offset) * w. For the channels tnn_dw_groups
 * leaves (and every channel where it does not apply). */
TNN_INLINE void tnn_dw_channel(const tnn_dw_conv_params *params,
                               const tnn_per_channel_quant_params *quant,
                               const tnn_dims *input_dims, const int8_t *input,
                               const tnn_dims *filter_dims, const int8_t *filter,
                               const int32_t *bias, const tnn_dims *output_dims, int8_t *output,
                               int32_t c, int32_t mult, int int16_products)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t in_off = params->input_offset;
    int32_t b, oy, ox;
    for (b = 0; b < input_dims->n; b++) {
        const int8_t *image = input + (intptr_t)b * in_h * in_w * in_c + c / mult;
        for (oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            int32_t ky0, ky1;
            tnn_valid_taps(y0, params->dilation.h, k_h, in_h, &ky0, &ky1);
            for (ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                int32_t kx0, kx1, ky, kx, sum = 0;
                tnn_valid_taps(x0, params->dilation.w, k_w, in_w, &kx0, &kx1);
                for (ky = ky0; ky < ky1; ky++) {
                    const int32_t y = y0 + ky * params->dilation.h;
                    for (kx = kx0; kx < kx1; kx++) {
                        const int32_t x = x0 + kx * params->dilation.w;
                        const int32_t v = image[((intptr_t)y * in_w + x) * in_c] + in_off;
                        const int32_t w = filter[((intptr_t)ky * k_w + kx) * out_c + c];
                        sum += int16_products ? (int16_t)v * (int16_t)w : v * w;
                    }
                }
                output[(((intptr_t)b * out_h + oy) * out_w + ox) * out_c + c] = tnn_requantize_s8(
                    tnn_wrap_add(sum, bias ? bias[c] : 0), quant->multiplier[c], quant->shift[c],
                    params->output_offset, params->activation.min, params->activation.max);
            }
        }
    }
}

#endif /* TNN_DSP */

#endif /* TNN_DEPTHWISE_DSP_H */
