/*
 * tnn_depthwise_conv_3x3_s8.c - int8 DEPTHWISE_CONV_2D, 3x3 window, depth
 * multiplier 1, dilation 1, padding at most 1 (the MobileNet block).
 *
 * The scratch buffer holds, for a "tile" of T = ch * m values (m whole pixels,
 * T >= TNN_DW_TILE), an int32 accumulator row, the bias (or zeros), the
 * per-channel multipliers and shifts, and the filter widened to int16, each
 * repeated m times; it is filled once per call. Pixels whose window lies inside
 * the image go m at a time: with stride 1 the m pixels' channel rows are one
 * contiguous run of the input rows and of the output, so the 9 taps are summed
 * in one flat pass of T lanes, which vectorizes even for 8 or 16 channels.
 * Since |x + input_offset| <= 255 and |w| <= 128, every tap product fits
 * int16 (pmullw, SMULBB). Border pixels go through a per-tap loop that skips
 * taps outside the image. Each run is requantized in one pass
 * (tnn_requantize_row_s8).
 *
 * With the DSP extension (TNN_DSP) this kernel is tnn_depthwise_conv_mult1_s8,
 * whose DSP path (tnn_dw_groups in tnn_depthwise_dsp.h) runs the channels 4 at a time
 * with their sums in registers and the 9 taps of inner pixels unrolled; the
 * scratch buffer is not used.
 */
#include <string.h>

#include "tnn_support.h"
#include "tnn_dsp.h" /* empty unless the target has the DSP extension */

#define TNN_DW_TILE 64 /* minimum values per tile */

static int32_t tnn_dw_3x3_tile(int32_t ch)
{
    return ch >= TNN_DW_TILE ? ch : ch * ((TNN_DW_TILE + ch - 1) / ch);
}

int32_t tnn_depthwise_conv_3x3_s8_get_buffer_size(const tnn_dims *output_dims)
{
    if (output_dims->c <= 0) {
        return 0;
    }
    /* acc, bias, multiplier, shift: int32[T]; filter: int16[9][T] */
    return tnn_dw_3x3_tile(output_dims->c) *
           (int32_t)(4 * sizeof(int32_t) + 9 * sizeof(int16_t));
}

/* The int16 product of one tap: exact because |x + off| <= 255 and |w| <= 128. */
#define TNN_TAP(src, w) ((int32_t)(int16_t)((int16_t)((src) + off) * (w)))

/* acc[t] = bias[t] + the 9 taps of lane t, t < n; r0..r2 are the window's three
 * input rows, w the int16 filter with rows `tile` apart. (Restrict-qualified
 * parameters: the compiler then vectorizes without run-time overlap checks,
 * which fail when the scratch sits next to the input in one arena.) */
TNN_INLINE void tnn_dw3x3_taps(const int8_t *restrict r0, const int8_t *restrict r1,
                               const int8_t *restrict r2, const int16_t *restrict w,
                               const int32_t *restrict bias, int32_t *restrict acc,
                               int32_t n, int32_t ch, int32_t tile, int16_t off)
{
    const int16_t *restrict k0 = w;
    const int16_t *restrict k1 = w + 3 * tile;
    const int16_t *restrict k2 = w + 6 * tile;
    int32_t t;
    for (t = 0; t < n; t++) {
        int32_t s = TNN_TAP(r0[t], k0[t]);
        s += TNN_TAP(r0[t + ch], k0[t + tile]);
        s += TNN_TAP(r0[t + 2 * ch], k0[t + 2 * tile]);
        s += TNN_TAP(r1[t], k1[t]);
        s += TNN_TAP(r1[t + ch], k1[t + tile]);
        s += TNN_TAP(r1[t + 2 * ch], k1[t + 2 * tile]);
        s += TNN_TAP(r2[t], k2[t]);
        s += TNN_TAP(r2[t + ch], k2[t + tile]);
        s += TNN_TAP(r2[t + 2 * ch], k2[t + 2 * tile]);
        acc[t] = tnn_wrap_add(s, bias[t]);
    }
}

/* acc[c] += one tap, c < ch. */
TNN_INLINE void tnn_dw_tap(const int8_t *restrict src, const int16_t *restrict w,
                           int32_t *restrict acc, int32_t ch, int16_t off)
{
    int32_t c;
    for (c = 0; c < ch; c++) {
        acc[c] = tnn_wrap_add(acc[c], TNN_TAP(src[c], w[c]));
    }
}

TNN_MULTIVERSION
int32_t tnn_depthwise_conv_3x3_s8(const tnn_context *ctx,
                                  const tnn_dw_conv_params *params,
                                  const tnn_per_channel_quant_params *quant,
                                  const tnn_dims *input_dims, const int8_t *input,
                                  const tnn_dims *filter_dims, const int8_t *filter,
                                  const int32_t *bias,
                                  const tnn_dims *output_dims, int8_t *output)
{
    const int32_t ch = input_dims->c;
    if (!tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) ||
        params->ch_mult != 1 || output_dims->c != ch || filter_dims->c != ch || ch <= 0 ||
        filter_dims->h != 3 || filter_dims->w != 3 || params->dilation.h != 1 ||
        params->dilation.w != 1 || params->padding.h < 0 || params->padding.h > 1 ||
        params->padding.w < 0 || params->padding.w > 1 || params->stride.h < 1 ||
        params->stride.w < 1 || !tnn_input_offset_s8_ok(params->input_offset) ||
        !tnn_ctx_ok(ctx, tnn_depthwise_conv_3x3_s8_get_buffer_size(output_dims))) {
        return TNN_ARG_ERROR;
    }
#if defined(TNN_DSP)
    /* the multiplier-1 kernel's DSP path: its int16 products are this kernel's
     * exact ones for the input offsets accepted here, [-127, 128] */
    return tnn_depthwise_conv_mult1_s8(ctx, params, quant, input_dims, input, filter_dims, filter,
                                       bias, output_dims, output);
#else
    {
        const int32_t in_h = input_dims->h, in_w = input_dims->w;
        const int32_t out_h = output_dims->h, out_w = output_dims->w;
        const int32_t stride_h = params->stride.h, stride_w = params->stride.w;
        const int32_t pad_h = params->padding.h, pad_w = params->padding.w;
        const int32_t out_off = params->output_offset;
        const int32_t act_min = params->activation.min, act_max = params->activation.max;
        const int16_t off = (int16_t)params->input_offset;
        const int32_t row = in_w * ch;
        int32_t tile, m, ox_lo, ox_hi;
        int32_t *restrict acc;
        int32_t *restrict bias_t;
        int32_t *restrict mult_t;
        int32_t *restrict shift_t;
        int16_t *restrict w16;
        int32_t b, oy, ox, c, t;

        tile = tnn_dw_3x3_tile(ch);
        m = tile / ch;
        acc = (int32_t *)ctx->buf;
        bias_t = acc + tile;
        mult_t = bias_t + tile;
        shift_t = mult_t + tile;
        w16 = (int16_t *)(shift_t + tile);
        for (t = 0; t < tile; t += ch) {
            for (c = 0; c < ch; c++) {
                int32_t k;
                bias_t[t + c] = bias ? bias[c] : 0;
                mult_t[t + c] = quant->multiplier[c];
                shift_t[t + c] = quant->shift[c];
                for (k = 0; k < 9; k++) {
                    w16[k * tile + t + c] = filter[k * ch + c];
                }
            }
        }
        /* output columns whose window lies inside the image horizontally */
        ox_lo = (pad_w + stride_w - 1) / stride_w;
        ox_hi = in_w - 3 + pad_w >= 0 ? (in_w - 3 + pad_w) / stride_w + 1 : 0;
        ox_hi = TNN_MIN(ox_hi, out_w);
        ox_lo = TNN_MIN(ox_lo, out_w);
        ox_hi = TNN_MAX(ox_hi, ox_lo);

        for (b = 0; b < input_dims->n; b++) {
            const int8_t *image = input + (intptr_t)b * in_h * row;
            for (oy = 0; oy < out_h; oy++) {
                const int32_t y0 = oy * stride_h - pad_h;
                const int row_inside = y0 >= 0 && y0 + 3 <= in_h;
                int8_t *out_row = output + ((intptr_t)b * out_h + oy) * out_w * ch;
                for (ox = 0; ox < out_w;) {
                    const int32_t x0 = ox * stride_w - pad_w;
                    if (row_inside && ox >= ox_lo && ox < ox_hi) {
                        const int32_t k = TNN_MIN(m, ox_hi - ox);
                        const int32_t n = k * ch;
                        const int32_t step = stride_w * ch;
                        const int8_t *r0 = image + (intptr_t)y0 * row + (intptr_t)x0 * ch;
                        int32_t j;
                        if (stride_w == 1) {
                            tnn_dw3x3_taps(r0, r0 + row, r0 + 2 * row, w16, bias_t, acc, n, ch,
                                           tile, off);
                        } else {
                            for (j = 0; j < k; j++) {
                                const int8_t *rj = r0 + (intptr_t)j * step;
                                tnn_dw3x3_taps(rj, rj + row, rj + 2 * row, w16, bias_t,
                                               acc + j * ch, ch, ch, tile, off);
                            }
                        }
                        tnn_requantize_row_s8(acc, mult_t, shift_t, n, out_off, act_min, act_max,
                                              out_row + (intptr_t)ox * ch);
                        ox += k;
                    } else {
                        int32_t ky, kx;
                        memcpy(acc, bias_t, (size_t)ch * sizeof(int32_t));
                        for (ky = 0; ky < 3; ky++) {
                            const int32_t y = y0 + ky;
                            if (y < 0 || y >= in_h) {
                                continue;
                            }
                            for (kx = 0; kx < 3; kx++) {
                                const int32_t x = x0 + kx;
                                if (x < 0 || x >= in_w) {
                                    continue;
                                }
                                tnn_dw_tap(image + (intptr_t)y * row + (intptr_t)x * ch,
                                           w16 + (ky * 3 + kx) * tile, acc, ch, off);
                            }
                        }
                        tnn_requantize_row_s8(acc, mult_t, shift_t, ch, out_off, act_min, act_max,
                                              out_row + (intptr_t)ox * ch);
                        ox++;
                    }
                }
            }
        }
    }
    return TNN_OK;
#endif /* TNN_DSP */
}
