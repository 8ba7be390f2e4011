/*
 * tnn_depthwise_conv_mult1_s8.c - int8 DEPTHWISE_CONV_2D with depth multiplier 1.
 *
 * Output channel c reads input channel c only, so each valid tap is one
 * contiguous multiply-add over the channel row; the window's valid range is
 * computed once per output pixel instead of testing each tap.
 *
 * With the DSP extension (TNN_DSP) the channels run 4 at a time with their
 * sums in registers (tnn_dw_groups in tnn_depthwise_dsp.h: per tap one input word
 * widened with SXTAB16, one LDRD of pre-widened weights, 4 SMLABB/SMLATT),
 * the last ch % 4 one at a time.
 */
#include "tnn_support.h"
#include "tnn_depthwise_dsp.h" /* empty unless the target has the DSP extension */

int32_t tnn_depthwise_conv_mult1_s8_get_buffer_size(const tnn_dims *output_dims)
{
    return output_dims->c * (int32_t)sizeof(int32_t);
}

int32_t tnn_depthwise_conv_mult1_s8(const tnn_context *ctx,
                                    const tnn_dw_conv_params *params,
                                    const tnn_per_channel_quant_params *quant,
                                    const tnn_dims *input_dims, const int8_t *input,
                                    const tnn_dims *filter_dims, const int8_t *filter,
                                    const int32_t *bias,
                                    const tnn_dims *output_dims, int8_t *output)
{
    const int32_t ch = input_dims->c;
    if (!tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) ||
        params->input_offset < -32639 || params->input_offset > 32639 || /* x + offset: int16 */
        params->ch_mult != 1 || output_dims->c != ch || filter_dims->c != ch ||
        !tnn_ctx_ok(ctx, tnn_depthwise_conv_mult1_s8_get_buffer_size(output_dims))) {
        return TNN_ARG_ERROR;
    }
#if defined(TNN_DSP)
    {
        int32_t c = 0;
        if (filter_dims->h * filter_dims->w <= TNN_DW_MAX_TAPS) {
            tnn_dw_groups(params, quant, input_dims, input, filter_dims, filter, bias,
                          output_dims, output, 1);
            c = ch & ~3;
        }
        /* the last ch % 4 channels (all of them for windows over TNN_DW_MAX_TAPS) */
        for (; c < ch; c++) {
            tnn_dw_channel(params, quant, input_dims, input, filter_dims, filter, bias,
                           output_dims, output, c, 1, 1);
        }
    }
#else
    {
        const int32_t in_h = input_dims->h, in_w = input_dims->w;
        const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
        const int32_t out_h = output_dims->h, out_w = output_dims->w;
        const int16_t in_off = (int16_t)params->input_offset;
        int32_t *acc = (int32_t *)ctx->buf;
        int32_t b, oy, ox, c;

        for (b = 0; b < input_dims->n; b++) {
            const int8_t *image = input + (intptr_t)b * in_h * in_w * ch;
            for (oy = 0; oy < out_h; oy++) {
                const int32_t y0 = oy * params->stride.h - params->padding.h;
                int32_t ky0, ky1;
                tnn_valid_taps(y0, params->dilation.h, k_h, in_h, &ky0, &ky1);
                for (ox = 0; ox < out_w; ox++) {
                    const int32_t x0 = ox * params->stride.w - params->padding.w;
                    int8_t *out = output + (((intptr_t)b * out_h + oy) * out_w + ox) * ch;
                    int32_t kx0, kx1, ky, kx;
                    tnn_valid_taps(x0, params->dilation.w, k_w, in_w, &kx0, &kx1);
                    for (c = 0; c < ch; c++) {
                        acc[c] = 0;
                    }
                    for (ky = ky0; ky < ky1; ky++) {
                        const int32_t y = y0 + ky * params->dilation.h;
                        for (kx = kx0; kx < kx1; kx++) {
                            const int32_t x = x0 + kx * params->dilation.w;
                            const int8_t *src = image + ((intptr_t)y * in_w + x) * ch;
                            const int8_t *w = filter + ((intptr_t)ky * k_w + kx) * ch;
                            for (c = 0; c < ch; c++) {
                                acc[c] += (int16_t)(src[c] + in_off) * (int16_t)w[c];
                            }
                        }
                    }
                    for (c = 0; c < ch; c++) {
                        out[c] = tnn_requantize_s8(tnn_wrap_add(acc[c], bias ? bias[c] : 0),
                                                   quant->multiplier[c], quant->shift[c],
                                                   params->output_offset,
                                                   params->activation.min,
                                                   params->activation.max);
                    }
                }
            }
        }
    }
#endif /* TNN_DSP */
    return TNN_OK;
}
