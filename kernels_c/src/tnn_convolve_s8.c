/*
 * tnn_convolve_s8.c - general int8 CONV_2D (TFLM reference conv.h arithmetic).
 *
 * im2col of a block of output pixels into the scratch buffer, then one
 * tnn_nn_mat_mult_s8 per block. Taps outside the image are filled with the
 * input zero point: with the input offset folded into the kernel sums, such a tap adds
 * (zp - zp) * w = 0, exactly as the reference kernel skipping it.
 */
#include <string.h>

#include "tnn_support.h"

/* Output pixels per im2col block: at least 8, more for short windows (up to 64,
 * a multiple of 4, within about TNN_CONV_IM2COL_BYTES), so that a first layer
 * with a 27-value window does not pay the matrix product's per-call cost every
 * 8 pixels. */
#define TNN_CONV_IM2COL_BYTES 1024

static int32_t tnn_conv_block(int32_t depth)
{
    const int32_t rows = depth > 0 ? TNN_CONV_IM2COL_BYTES / depth / 4 * 4 : 8;
    return TNN_MAX(8, TNN_MIN(64, rows));
}

int32_t tnn_convolve_s8_get_buffer_size(const tnn_dims *input_dims, const tnn_dims *filter_dims)
{
    const int32_t depth = filter_dims->h * filter_dims->w * input_dims->c;
    return tnn_conv_block(depth) * depth;
}

int32_t tnn_convolve_s8(const tnn_context *ctx,
                        const tnn_conv_params *params,
                        const tnn_per_channel_quant_params *quant,
                        const tnn_dims *input_dims, const int8_t *input,
                        const tnn_dims *filter_dims, const int8_t *filter,
                        const int32_t *kernel_sum,
                        const tnn_dims *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t depth = k_h * k_w * in_c;
    const int32_t block = tnn_conv_block(depth);
    const int8_t pad_value = (int8_t)(-params->input_offset);
    int8_t *cols = (int8_t *)ctx->buf;
    int32_t b;

    if (!tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) ||
        !tnn_input_offset_s8_ok(params->input_offset) ||
        filter_dims->c != in_c || filter_dims->n != out_c ||
        !tnn_ctx_ok(ctx, tnn_convolve_s8_get_buffer_size(input_dims, filter_dims))) {
        return TNN_ARG_ERROR;
    }
    for (b = 0; b < input_dims->n; b++) {
        const int8_t *image = input + (intptr_t)b * in_h * in_w * in_c;
        int8_t *out_image = output + (intptr_t)b * out_h * out_w * out_c;
        const int32_t pixels = out_h * out_w;
        int32_t p0;
        for (p0 = 0; p0 < pixels; p0 += block) {
            const int32_t rows = TNN_MIN(block, pixels - p0);
            int32_t r;
            for (r = 0; r < rows; r++) {
                const int32_t oy = (p0 + r) / out_w, ox = (p0 + r) % out_w;
                const int32_t y0 = oy * params->stride.h - params->padding.h;
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                int8_t *dst = cols + (intptr_t)r * depth;
                int32_t ky, kx;
                for (ky = 0; ky < k_h; ky++) {
                    const int32_t y = y0 + ky * params->dilation.h;
                    if (y < 0 || y >= in_h) {
                        memset(dst, pad_value, (size_t)(k_w * in_c));
                        dst += k_w * in_c;
                        continue;
                    }
                    if (params->dilation.w == 1 && x0 >= 0 && x0 + k_w <= in_w) {
                        memcpy(dst, image + ((intptr_t)y * in_w + x0) * in_c, (size_t)(k_w * in_c));
                        dst += k_w * in_c;
                        continue;
                    }
                    for (kx = 0; kx < k_w; kx++) {
                        const int32_t x = x0 + kx * params->dilation.w;
                        if (x < 0 || x >= in_w) {
                            memset(dst, pad_value, (size_t)in_c);
                        } else {
                            memcpy(dst, image + ((intptr_t)y * in_w + x) * in_c, (size_t)in_c);
                        }
                        dst += in_c;
                    }
                }
            }
            tnn_nn_mat_mult_s8(cols, rows, depth, filter, out_c, depth, kernel_sum, quant,
                               params->output_offset, params->activation,
                               out_image + (intptr_t)p0 * out_c, out_c);
        }
    }
    return TNN_OK;
}
