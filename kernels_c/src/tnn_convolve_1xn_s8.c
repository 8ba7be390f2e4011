/*
 * tnn_convolve_1xn_s8.c - CONV_2D of a height-1 input with a 1xN filter.
 *
 * Output pixels whose window lies inside the row (dilation 1) read a
 * contiguous run of k_w * in_c input bytes: those are used in place with a
 * row stride of stride_w * in_c, one tnn_nn_mat_mult_s8 for the whole
 * interior. Only the border pixels are copied (padded with the zero point)
 * into the scratch buffer.
 */
#include <string.h>

#include "tnn_support.h"

int32_t tnn_convolve_1xn_s8_get_buffer_size(const tnn_dims *input_dims, const tnn_dims *filter_dims)
{
    return filter_dims->w * input_dims->c;
}

int32_t tnn_convolve_1xn_s8(const tnn_context *ctx,
                            const tnn_conv_params *params,
                            const tnn_per_channel_quant_params *quant,
                            const tnn_dims *input_dims, const int8_t *input,
                            const tnn_dims *filter_dims, const int8_t *filter,
                            const int32_t *kernel_sum,
                            const tnn_dims *output_dims, int8_t *output)
{
    const int32_t in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_w = filter_dims->w;
    const int32_t out_w = output_dims->w, out_c = output_dims->c;
    const int32_t depth = k_w * in_c;
    const int32_t stride = params->stride.w;
    const int8_t pad_value = (int8_t)(-params->input_offset);
    int8_t *col = (int8_t *)ctx->buf;
    int32_t b;

    if (!tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) ||
        !tnn_input_offset_s8_ok(params->input_offset) ||
        input_dims->h != 1 || output_dims->h != 1 || filter_dims->h != 1 ||
        params->dilation.w != 1 || filter_dims->c != in_c || filter_dims->n != out_c ||
        !tnn_ctx_ok(ctx, tnn_convolve_1xn_s8_get_buffer_size(input_dims, filter_dims))) {
        return TNN_ARG_ERROR;
    }
    for (b = 0; b < input_dims->n; b++) {
        const int8_t *row = input + (intptr_t)b * in_w * in_c;
        int8_t *out_row = output + (intptr_t)b * out_w * out_c;
        /* interior: first ox with x0 >= 0, last with x0 + k_w <= in_w */
        int32_t first = (params->padding.w + stride - 1) / stride;
        int32_t last = (in_w - k_w + params->padding.w) >= 0
                           ? (in_w - k_w + params->padding.w) / stride : -1;
        int32_t ox;
        if (last > out_w - 1) {
            last = out_w - 1;
        }
        if (first > last) {
            first = out_w;
            last = out_w - 1;
        }
        for (ox = 0; ox < out_w; ox++) {
            int32_t kx;
            if (ox == first) {
                const int32_t x0 = first * stride - params->padding.w;
                tnn_nn_mat_mult_s8(row + (intptr_t)x0 * in_c, last - first + 1, stride * in_c,
                                   filter, out_c, depth, kernel_sum, quant, params->output_offset,
                                   params->activation, out_row + (intptr_t)first * out_c, out_c);
                ox = last;
                continue;
            }
            for (kx = 0; kx < k_w; kx++) {
                const int32_t x = ox * stride - params->padding.w + kx;
                if (x < 0 || x >= in_w) {
                    memset(col + kx * in_c, pad_value, (size_t)in_c);
                } else {
                    memcpy(col + kx * in_c, row + (intptr_t)x * in_c, (size_t)in_c);
                }
            }
            tnn_nn_mat_mult_s8(col, 1, depth, filter, out_c, depth, kernel_sum, quant,
                               params->output_offset, params->activation,
                               out_row + (intptr_t)ox * out_c, out_c);
        }
    }
    return TNN_OK;
}
