/*
 * tnn_depthwise_conv_s16.c - 16x8 DEPTHWISE_CONV_2D (int16 activations, int8
 * weights; TFLM reference integer_ops/depthwise_conv.h, int16 overload).
 *
 * Output channel c = ic * ch_mult + m reads input channel ic; an int64
 * accumulator per output channel, an int64 bias or none, no zero points, the
 * int64 MultiplyByQuantizedMultiplier and the activation clamp. Taps outside the
 * image are skipped.
 */
#include "tnn_support.h"

int32_t tnn_depthwise_conv_s16(const tnn_dw_conv_params *params,
                               const tnn_per_channel_quant_params *quant,
                               const tnn_dims *input_dims, const int16_t *input,
                               const tnn_dims *filter_dims, const int8_t *filter,
                               const int64_t *bias,
                               const tnn_dims *output_dims, int16_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t mult = params->ch_mult;
    int32_t b, oy, ox, c, ky, kx;

    if (!tnn_act_ok(params->activation, INT16_MIN, INT16_MAX) ||
        mult < 1 || out_c != in_c * mult || filter_dims->c != out_c ||
        input_dims->n != output_dims->n || params->input_offset != 0 ||
        params->output_offset != 0) {
        return TNN_ARG_ERROR;
    }
    for (b = 0; b < input_dims->n; b++) {
        const int16_t *image = input + (intptr_t)b * in_h * in_w * in_c;
        for (oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            for (ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                int16_t *out = output + (((intptr_t)b * out_h + oy) * out_w + ox) * out_c;
                for (c = 0; c < out_c; c++) {
                    int64_t acc = bias != NULL ? bias[c] : 0;
                    for (ky = 0; ky < k_h; ky++) {
                        const int32_t y = y0 + ky * params->dilation.h;
                        if (y < 0 || y >= in_h) {
                            continue;
                        }
                        for (kx = 0; kx < k_w; kx++) {
                            const int32_t x = x0 + kx * params->dilation.w;
                            if (x < 0 || x >= in_w) {
                                continue;
                            }
                            acc += (int32_t)image[((intptr_t)y * in_w + x) * in_c + c / mult] *
                                   filter[((intptr_t)ky * k_w + kx) * out_c + c];
                        }
                    }
                    out[c] = tnn_requantize_s16(acc, quant->multiplier[c], quant->shift[c], 0,
                                                params->activation.min, params->activation.max);
                }
            }
        }
    }
    return TNN_OK;
}
