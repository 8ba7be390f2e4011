/*
 * tnn_avgpool_s8.c - int8 AVERAGE_POOL_2D (TFLM reference integer_ops/pooling.h).
 *
 * Sum of the taps inside the image, divided by their count with rounding half
 * away from zero (truncating C division), clamped to the activation range.
 * The per-channel sums live in the scratch buffer.
 */
#include "tnn_support.h"

int32_t tnn_avgpool_s8_get_buffer_size(const tnn_dims *output_dims)
{
    return output_dims->c * (int32_t)sizeof(int32_t);
}

int32_t tnn_avgpool_s8(const tnn_context *ctx,
                       const tnn_pool_params *params, const tnn_dims *input_dims,
                       const int8_t *input, const tnn_tile *filter,
                       const tnn_dims *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, ch = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w;
    int32_t *sum = (int32_t *)ctx->buf;
    int32_t b, oy, ox, c;

    if (!tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) ||
        output_dims->c != ch || !tnn_ctx_ok(ctx, tnn_avgpool_s8_get_buffer_size(output_dims))) {
        return TNN_ARG_ERROR;
    }
    for (b = 0; b < input_dims->n; b++) {
        const int8_t *image = input + (intptr_t)b * in_h * in_w * ch;
        for (oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            const int32_t ky0 = TNN_MAX(0, -y0);
            const int32_t ky1 = TNN_MIN(filter->h, in_h - y0);
            for (ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                const int32_t kx0 = TNN_MAX(0, -x0);
                const int32_t kx1 = TNN_MIN(filter->w, in_w - x0);
                const int32_t count = (ky1 - ky0) * (kx1 - kx0);
                int8_t *out = output + (((intptr_t)b * out_h + oy) * out_w + ox) * ch;
                int32_t ky, kx;
                if (ky1 <= ky0 || kx1 <= kx0) {
                    return TNN_ARG_ERROR;  /* a window entirely in the padding */
                }
                for (c = 0; c < ch; c++) {
                    sum[c] = 0;
                }
                for (ky = ky0; ky < ky1; ky++) {
                    for (kx = kx0; kx < kx1; kx++) {
                        const int8_t *src = image + ((intptr_t)(y0 + ky) * in_w + (x0 + kx)) * ch;
                        for (c = 0; c < ch; c++) {
                            sum[c] += src[c];
                        }
                    }
                }
                for (c = 0; c < ch; c++) {
                    const int32_t s = sum[c];
                    int32_t avg = s > 0 ? (s + count / 2) / count : (s - count / 2) / count;
                    avg = TNN_MAX(avg, params->activation.min);
                    avg = TNN_MIN(avg, params->activation.max);
                    out[c] = (int8_t)avg;
                }
            }
        }
    }
    return TNN_OK;
}
