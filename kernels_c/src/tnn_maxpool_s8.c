/*
 * tnn_maxpool_s8.c - int8 MAX_POOL_2D (TFLM reference integer_ops/pooling.h).
 *
 * Maximum over the taps inside the image, starting from -128, clamped to the
 * activation range. The running maxima are kept in the output row itself.
 */
#include "tnn_support.h"

int32_t tnn_maxpool_s8(const tnn_pool_params *params, const tnn_dims *input_dims,
                       const int8_t *input, const tnn_tile *filter,
                       const tnn_dims *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, ch = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w;
    const int8_t lo = (int8_t)TNN_MAX(params->activation.min, INT8_MIN);
    const int8_t hi = (int8_t)TNN_MIN(params->activation.max, INT8_MAX);
    int32_t b, oy, ox, c;

    if (!tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) ||
        output_dims->c != ch) {
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
                int8_t *out = output + (((intptr_t)b * out_h + oy) * out_w + ox) * ch;
                int32_t ky, kx;
                for (c = 0; c < ch; c++) {
                    out[c] = INT8_MIN;
                }
                for (ky = ky0; ky < ky1; ky++) {
                    for (kx = kx0; kx < kx1; kx++) {
                        const int8_t *src = image + ((intptr_t)(y0 + ky) * in_w + (x0 + kx)) * ch;
                        for (c = 0; c < ch; c++) {
                            out[c] = src[c] > out[c] ? src[c] : out[c];
                        }
                    }
                }
                for (c = 0; c < ch; c++) {
                    int8_t v = out[c] < lo ? lo : out[c];
                    out[c] = v > hi ? hi : v;
                }
            }
        }
    }
    return TNN_OK;
}
