/*
 * tnn_depthwise_conv_wrapper_s8.c - the int8 DEPTHWISE_CONV_2D entry point:
 * picks the 3x3 kernel (multiplier 1, dilation 1, padding at most 1), the
 * multiplier-1 kernel, or the general one, from the shapes and parameters
 * alone, so that the host binding and generated firmware take the same path.
 */
#include "tnn_support.h"

int32_t tnn_depthwise_conv_wrapper_s8_select(const tnn_dw_conv_params *params,
                                             const tnn_dims *input_dims,
                                             const tnn_dims *filter_dims,
                                             const tnn_dims *output_dims)
{
    (void)input_dims;
    (void)output_dims;
    if (params->ch_mult != 1 || !tnn_input_offset_s8_ok(params->input_offset)) {
        return TNN_DW_CONV_GENERAL;   /* the others assume an int8 input zero point */
    }
    if (filter_dims->h == 3 && filter_dims->w == 3 && params->dilation.h == 1 &&
        params->dilation.w == 1 && params->padding.h <= 1 && params->padding.w <= 1) {
        return TNN_DW_CONV_3X3;
    }
    return TNN_DW_CONV_MULT1;
}

int32_t tnn_depthwise_conv_wrapper_s8_get_buffer_size(const tnn_dw_conv_params *params,
                                                      const tnn_dims *input_dims,
                                                      const tnn_dims *filter_dims,
                                                      const tnn_dims *output_dims)
{
    switch (tnn_depthwise_conv_wrapper_s8_select(params, input_dims, filter_dims, output_dims)) {
    case TNN_DW_CONV_3X3:
        return tnn_depthwise_conv_3x3_s8_get_buffer_size(output_dims);
    case TNN_DW_CONV_MULT1:
        return tnn_depthwise_conv_mult1_s8_get_buffer_size(output_dims);
    default:
        return tnn_depthwise_conv_s8_get_buffer_size(output_dims);
    }
}

int32_t tnn_depthwise_conv_wrapper_s8(const tnn_context *ctx, const tnn_dw_conv_params *params,
                                      const tnn_per_channel_quant_params *quant,
                                      const tnn_dims *input_dims, const int8_t *input,
                                      const tnn_dims *filter_dims, const int8_t *filter,
                                      const int32_t *bias,
                                      const tnn_dims *output_dims, int8_t *output)
{
    switch (tnn_depthwise_conv_wrapper_s8_select(params, input_dims, filter_dims, output_dims)) {
    case TNN_DW_CONV_3X3:
        return tnn_depthwise_conv_3x3_s8(ctx, params, quant, input_dims, input, filter_dims,
                                         filter, bias, output_dims, output);
    case TNN_DW_CONV_MULT1:
        return tnn_depthwise_conv_mult1_s8(ctx, params, quant, input_dims, input, filter_dims,
                                           filter, bias, output_dims, output);
    default:
        return tnn_depthwise_conv_s8(ctx, params, quant, input_dims, input, filter_dims, filter,
                                     bias, output_dims, output);
    }
}
