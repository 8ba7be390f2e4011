/*
 * tnn_convolve_1x1_s8.c - CONV_2D with a 1x1 filter and no padding.
 *
 * Every output pixel reads one input pixel, so the input rows are the
 * im2col matrix as they are: one tnn_nn_mat_mult_s8 per output row (a whole
 * image at once when the stride is 1). No scratch.
 */
#include "tnn_support.h"

int32_t tnn_convolve_1x1_s8_get_buffer_size(void)
{
    return 0;
}

int32_t tnn_convolve_1x1_s8(const tnn_conv_params *params,
                            const tnn_per_channel_quant_params *quant,
                            const tnn_dims *input_dims, const int8_t *input,
                            const tnn_dims *filter_dims, const int8_t *filter,
                            const int32_t *kernel_sum,
                            const tnn_dims *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    int32_t b, oy;

    if (!tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) ||
        filter_dims->h != 1 || filter_dims->w != 1 || filter_dims->c != in_c ||
        filter_dims->n != out_c || params->padding.h != 0 || params->padding.w != 0) {
        return TNN_ARG_ERROR;
    }
    for (b = 0; b < input_dims->n; b++) {
        const int8_t *image = input + (intptr_t)b * in_h * in_w * in_c;
        int8_t *out_image = output + (intptr_t)b * out_h * out_w * out_c;
        if (params->stride.h == 1 && params->stride.w == 1 && out_h == in_h && out_w == in_w) {
            tnn_nn_mat_mult_s8(image, out_h * out_w, in_c, filter, out_c, in_c, kernel_sum, quant,
                               params->output_offset, params->activation, out_image, out_c);
            continue;
        }
        for (oy = 0; oy < out_h; oy++) {
            tnn_nn_mat_mult_s8(image + (intptr_t)oy * params->stride.h * in_w * in_c, out_w,
                               params->stride.w * in_c, filter, out_c, in_c, kernel_sum, quant,
                               params->output_offset, params->activation,
                               out_image + (intptr_t)oy * out_w * out_c, out_c);
        }
    }
    return TNN_OK;
}
