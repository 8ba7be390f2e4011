/*
 * tnn_transpose_conv_s8.c - int8 TRANSPOSE_CONV (TFLM reference
 * integer_ops/transpose_conv.h as micro/kernels/transpose_conv.cc runs it).
 *
 * Each input pixel scatters (x + input_offset) * w into the output pixels its
 * filter taps reach: output (iy * stride - pad + fy, ix * stride - pad + fx),
 * when inside the output. The int32 sums live in the working memory (one
 * output's worth, as TFLM's scratch), wrapping like the reference's int32;
 * then bias, per-channel requantization, output offset and clamp. The filter
 * is OHWI [out_c, kh, kw, in_c]; the filter zero point is never read.
 */
#include <string.h>

#include "tnn_support.h"

int32_t tnn_transpose_conv_s8_get_buffer_size(const tnn_dims *output_dims)
{
    return output_dims->n * output_dims->h * output_dims->w * output_dims->c *
           (int32_t)sizeof(int32_t);
}

int32_t tnn_transpose_conv_s8(const tnn_context *ctx, const tnn_conv_params *params,
                              const tnn_per_channel_quant_params *quant,
                              const tnn_dims *input_dims, const int8_t *input,
                              const tnn_dims *filter_dims, const int8_t *filter,
                              const int32_t *bias,
                              const tnn_dims *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t pixels = out_h * out_w;
    int32_t *acc = (int32_t *)ctx->buf;
    int32_t b, iy, ix, ky, kx, oc, ic, p;

    if (!tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) ||
        filter_dims->c != in_c || filter_dims->n != out_c || input_dims->n != output_dims->n ||
        params->dilation.h != 1 || params->dilation.w != 1 ||
        !tnn_ctx_ok(ctx, tnn_transpose_conv_s8_get_buffer_size(output_dims))) {
        return TNN_ARG_ERROR;
    }
    for (b = 0; b < input_dims->n; b++) {
        const int8_t *image = input + (intptr_t)b * in_h * in_w * in_c;
        int8_t *out_image = output + (intptr_t)b * pixels * out_c;
        memset(acc, 0, (size_t)pixels * (size_t)out_c * sizeof(int32_t));
        for (iy = 0; iy < in_h; iy++) {
            for (ix = 0; ix < in_w; ix++) {
                const int8_t *src = image + ((intptr_t)iy * in_w + ix) * in_c;
                for (ky = 0; ky < k_h; ky++) {
                    const int32_t oy = iy * params->stride.h - params->padding.h + ky;
                    if (oy < 0 || oy >= out_h) {
                        continue;
                    }
                    for (kx = 0; kx < k_w; kx++) {
                        const int32_t ox = ix * params->stride.w - params->padding.w + kx;
                        int32_t *dst = acc + ((intptr_t)oy * out_w + ox) * out_c;
                        if (ox < 0 || ox >= out_w) {
                            continue;
                        }
                        for (oc = 0; oc < out_c; oc++) {
                            const int8_t *w = filter + (((intptr_t)oc * k_h + ky) * k_w + kx) * in_c;
                            int32_t sum = 0;
                            for (ic = 0; ic < in_c; ic++) {
                                sum = tnn_wrap_add(sum, (src[ic] + params->input_offset) * w[ic]);
                            }
                            dst[oc] = tnn_wrap_add(dst[oc], sum);
                        }
                    }
                }
            }
        }
        for (p = 0; p < pixels; p++) {
            for (oc = 0; oc < out_c; oc++) {
                const int32_t a = tnn_wrap_add(acc[p * out_c + oc], bias != NULL ? bias[oc] : 0);
                out_image[p * out_c + oc] =
                    tnn_requantize_s8(a, quant->multiplier[oc], quant->shift[oc],
                                      params->output_offset, params->activation.min,
                                      params->activation.max);
            }
        }
    }
    return TNN_OK;
}
