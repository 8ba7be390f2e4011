/*
 * tnn_depthwise_conv_s8.c - int8 DEPTHWISE_CONV_2D, any depth multiplier
 * (TFLM reference depthwise_conv.h arithmetic).
 *
 * Per output pixel, the valid taps are accumulated into an int32 row of
 * accumulators (one per output channel, in the scratch buffer); taps outside
 * the image are skipped as in the reference kernel. Output channel
 * oc = ic * ch_mult + m reads input channel ic.
 *
 * With the DSP extension (TNN_DSP), multiplier 2 runs 4 output channels at a
 * time with their sums in registers (tnn_dw_groups in tnn_depthwise_dsp.h: a tap's 4
 * output channels read 2 input channels, one halfword widened with SXTAB16)
 * and multiplier 1 is tnn_depthwise_conv_mult1_s8; the remaining channels
 * (and every channel of other multipliers, of windows over TNN_DW_MAX_TAPS
 * taps or of input offsets outside int16) run one at a time; the scratch
 * buffer is not used.
 */
#include "tnn_support.h"
#include "tnn_depthwise_dsp.h" /* empty unless the target has the DSP extension */

int32_t tnn_depthwise_conv_s8_get_buffer_size(const tnn_dims *output_dims)
{
    return output_dims->c * (int32_t)sizeof(int32_t);
}

/* acc[ic * mult + m] += (src[ic] + in_off) * w[ic * mult + m] (restrict parameters:
 * no run-time overlap checks in the vectorized loop). */
TNN_INLINE void tnn_dw_tap_mult(const int8_t *restrict src, const int8_t *restrict w,
                                int32_t *restrict acc, int32_t in_c, int32_t mult,
                                int32_t in_off)
{
    int32_t ic, m;
    if (mult == 1) {
        for (ic = 0; ic < in_c; ic++) {
            acc[ic] += (src[ic] + in_off) * w[ic];
        }
        return;
    }
    for (ic = 0; ic < in_c; ic++) {
        const int32_t v = src[ic] + in_off;
        for (m = 0; m < mult; m++) {
            acc[ic * mult + m] += v * w[ic * mult + m];
        }
    }
}

TNN_MULTIVERSION
int32_t tnn_depthwise_conv_s8(const tnn_context *ctx,
                              const tnn_dw_conv_params *params,
                              const tnn_per_channel_quant_params *quant,
                              const tnn_dims *input_dims, const int8_t *input,
                              const tnn_dims *filter_dims, const int8_t *filter,
                              const int32_t *bias,
                              const tnn_dims *output_dims, int8_t *output)
{
    const int32_t out_c = output_dims->c;
    const int32_t mult = params->ch_mult;
    const int32_t in_off = params->input_offset;
    int32_t c = 0;
    if (!tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) ||
        mult < 1 || out_c != input_dims->c * mult || filter_dims->c != out_c ||
        !tnn_ctx_ok(ctx, tnn_depthwise_conv_s8_get_buffer_size(output_dims))) {
        return TNN_ARG_ERROR;
    }
#if defined(TNN_DSP)
    if (in_off >= -32639 && in_off <= 32639) { /* |x + offset| fits int16 */
        if (mult == 1) {
            /* the same sums as the multiplier-1 kernel's int16 ones here */
            return tnn_depthwise_conv_mult1_s8(ctx, params, quant, input_dims, input, filter_dims,
                                               filter, bias, output_dims, output);
        }
        if (mult == 2 && filter_dims->h * filter_dims->w <= TNN_DW_MAX_TAPS) {
            tnn_dw_groups(params, quant, input_dims, input, filter_dims, filter, bias,
                          output_dims, output, 2);
            c = out_c & ~3;
        }
    }
    /* the other channels one at a time, with the arithmetic of the portable loop */
    for (; c < out_c; c++) {
        tnn_dw_channel(params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                       output, c, mult, 0);
    }
#else
    {
        const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
        const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
        const int32_t out_h = output_dims->h, out_w = output_dims->w;
        int32_t *acc = (int32_t *)ctx->buf;
        int32_t b, oy, ox;
        for (b = 0; b < input_dims->n; b++) {
            const int8_t *image = input + (intptr_t)b * in_h * in_w * in_c;
            for (oy = 0; oy < out_h; oy++) {
                for (ox = 0; ox < out_w; ox++) {
                    int8_t *out = output + (((intptr_t)b * out_h + oy) * out_w + ox) * out_c;
                    int32_t ky, kx;
                    for (c = 0; c < out_c; c++) {
                        acc[c] = 0;
                    }
                    for (ky = 0; ky < k_h; ky++) {
                        const int32_t y = oy * params->stride.h - params->padding.h +
                                          ky * params->dilation.h;
                        if (y < 0 || y >= in_h) {
                            continue;
                        }
                        for (kx = 0; kx < k_w; kx++) {
                            const int32_t x = ox * params->stride.w - params->padding.w +
                                              kx * params->dilation.w;
                            if (x < 0 || x >= in_w) {
                                continue;
                            }
                            tnn_dw_tap_mult(image + ((intptr_t)y * in_w + x) * in_c,
                                            filter + ((intptr_t)ky * k_w + kx) * out_c, acc, in_c,
                                            mult, in_off);
                        }
                    }
                    if (bias) {
                        for (c = 0; c < out_c; c++) {
                            acc[c] = tnn_wrap_add(acc[c], bias[c]);
                        }
                    }
                    tnn_requantize_row_s8(acc, quant->multiplier, quant->shift, out_c,
                                          params->output_offset, params->activation.min,
                                          params->activation.max, out);
                }
            }
        }
    }
#endif /* TNN_DSP */
    return TNN_OK;
}
