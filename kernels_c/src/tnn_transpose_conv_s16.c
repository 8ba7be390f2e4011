/*
 * tnn_transpose_conv_s16.c - 16x8 TRANSPOSE_CONV (int16 activations, int8
 * weights; TFLM reference integer_ops/transpose_conv.h, int16 overload).
 *
 * The scatter of tnn_transpose_conv_s8 with int64 sums (one output's worth of
 * working memory, as TFLM's scratch), no zero points, an int64 bias or none
 * (an int16 bias is widened by the caller, as TFLM widens it), the int64
 * MultiplyByQuantizedMultiplier and the clamp.
 */
#include <string.h>

#include "tnn_support.h"

int32_t tnn_transpose_conv_s16_get_buffer_size(const tnn_dims *output_dims)
{
    return output_dims->n * output_dims->h * output_dims->w * output_dims->c *
           (int32_t)sizeof(int64_t);
}

int32_t tnn_transpose_conv_s16(const tnn_context *ctx, const tnn_conv_params *params,
                               const tnn_per_channel_quant_params *quant,
                               const tnn_dims *input_dims, const int16_t *input,
                               const tnn_dims *filter_dims, const int8_t *filter,
                               const int64_t *bias,
                               const tnn_dims *output_dims, int16_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t pixels = out_h * out_w;
    int64_t *acc = (int64_t *)ctx->buf;
    int32_t b, iy, ix, ky, kx, oc, ic, p;

    if (!tnn_act_ok(params->activation, INT16_MIN, INT16_MAX) ||
        filter_dims->c != in_c || filter_dims->n != out_c || input_dims->n != output_dims->n ||
        params->dilation.h != 1 || params->dilation.w != 1 || params->input_offset != 0 ||
        params->output_offset != 0 ||
        !tnn_ctx_ok(ctx, tnn_transpose_conv_s16_get_buffer_size(output_dims))) {
        return TNN_ARG_ERROR;
    }
    for (b = 0; b < input_dims->n; b++) {
        const int16_t *image = input + (intptr_t)b * in_h * in_w * in_c;
        int16_t *out_image = output + (intptr_t)b * pixels * out_c;
        memset(acc, 0, (size_t)pixels * (size_t)out_c * sizeof(int64_t));
        for (iy = 0; iy < in_h; iy++) {
            for (ix = 0; ix < in_w; ix++) {
                const int16_t *src = image + ((intptr_t)iy * in_w + ix) * in_c;
                for (ky = 0; ky < k_h; ky++) {
                    const int32_t oy = iy * params->stride.h - params->padding.h + ky;
                    if (oy < 0 || oy >= out_h) {
                        continue;
                    }
                    for (kx = 0; kx < k_w; kx++) {
                        const int32_t ox = ix * params->stride.w - params->padding.w + kx;
                        int64_t *dst = acc + ((intptr_t)oy * out_w + ox) * out_c;
                        if (ox < 0 || ox >= out_w) {
                            continue;
                        }
                        for (oc = 0; oc < out_c; oc++) {
                            const int8_t *w = filter + (((intptr_t)oc * k_h + ky) * k_w + kx) * in_c;
                            for (ic = 0; ic < in_c; ic++) {
                                dst[oc] += (int32_t)src[ic] * w[ic];
                            }
                        }
                    }
                }
            }
        }
        for (p = 0; p < pixels; p++) {
            for (oc = 0; oc < out_c; oc++) {
                out_image[p * out_c + oc] = tnn_requantize_s16(
                    acc[p * out_c + oc] + (bias != NULL ? bias[oc] : 0), quant->multiplier[oc],
                    quant->shift[oc], 0, params->activation.min, params->activation.max);
            }
        }
    }
    return TNN_OK;
}
