/*
 * tnn_convolve_wrapper_s8.c - the int8 CONV_2D entry point: picks the
 * specialized kernel for the geometry (1x1, 1xN on a one-row input, or the
 * general im2col kernel), so that the host binding and generated firmware take
 * the same path. The choice depends only on the shapes and parameters, never
 * on the data.
 */
#include "tnn_support.h"

int32_t tnn_convolve_wrapper_s8_select(const tnn_conv_params *params,
                                       const tnn_dims *input_dims, const tnn_dims *filter_dims,
                                       const tnn_dims *output_dims)
{
    if (filter_dims->h == 1 && filter_dims->w == 1 && params->padding.h == 0 &&
        params->padding.w == 0) {
        return TNN_CONV_1X1;
    }
    if (input_dims->h == 1 && filter_dims->h == 1 && output_dims->h == 1 &&
        params->dilation.w == 1) {
        return TNN_CONV_1XN;
    }
    return TNN_CONV_GENERAL;
}

int32_t tnn_convolve_wrapper_s8_get_buffer_size(const tnn_conv_params *params,
                                                const tnn_dims *input_dims,
                                                const tnn_dims *filter_dims,
                                                const tnn_dims *output_dims)
{
    switch (tnn_convolve_wrapper_s8_select(params, input_dims, filter_dims, output_dims)) {
    case TNN_CONV_1X1:
        return tnn_convolve_1x1_s8_get_buffer_size();
    case TNN_CONV_1XN:
        return tnn_convolve_1xn_s8_get_buffer_size(input_dims, filter_dims);
    default:
        return tnn_convolve_s8_get_buffer_size(input_dims, filter_dims);
    }
}

int32_t tnn_convolve_wrapper_s8(const tnn_context *ctx, const tnn_conv_params *params,
                                const tnn_per_channel_quant_params *quant,
                                const tnn_dims *input_dims, const int8_t *input,
                                const tnn_dims *filter_dims, const int8_t *filter,
                                const int32_t *kernel_sum,
                                const tnn_dims *output_dims, int8_t *output)
{
    switch (tnn_convolve_wrapper_s8_select(params, input_dims, filter_dims, output_dims)) {
    case TNN_CONV_1X1:
        return tnn_convolve_1x1_s8(params, quant, input_dims, input, filter_dims, filter, kernel_sum,
                                   output_dims, output);
    case TNN_CONV_1XN:
        return tnn_convolve_1xn_s8(ctx, params, quant, input_dims, input, filter_dims, filter,
                                   kernel_sum, output_dims, output);
    default:
        return tnn_convolve_s8(ctx, params, quant, input_dims, input, filter_dims, filter, kernel_sum,
                               output_dims, output);
    }
}
