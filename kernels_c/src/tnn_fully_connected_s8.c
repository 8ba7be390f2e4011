/*
 * tnn_fully_connected_s8.c - int8 FULLY_CONNECTED (TFLM reference
 * fully_connected.h arithmetic), per-tensor or per-channel weights.
 *
 * sum_k (x + io) * (w + wo) = sum_k x*w + io*sum_k(w + wo) + wo*sum_k x:
 * the middle term (with the bias) is the precomputed kernel_sum, the last one
 * is computed per input row only when the filter offset is not 0 (per-tensor
 * weights with a zero point), and the product itself is tnn_nn_mat_mult_s8.
 */
#include "tnn_support.h"

int32_t tnn_fully_connected_s8_get_buffer_size(const tnn_fc_params *params,
                                               const tnn_dims *filter_dims)
{
    /* a row of biases, only for weights with a zero point */
    return params->filter_offset != 0 ? filter_dims->n * (int32_t)sizeof(int32_t) : 0;
}

void tnn_fully_connected_s8_kernel_sum(const tnn_fc_params *params, const int8_t *filter,
                                       const int32_t *bias, int32_t units, int32_t depth,
                                       int32_t *kernel_sum)
{
    int32_t o;
    tnn_convolve_s8_kernel_sum(filter, bias, units, depth, params->input_offset, kernel_sum);
    for (o = 0; o < units; o++) {
        kernel_sum[o] = tnn_wrap_add(kernel_sum[o],
                                     tnn_wrap_mul(tnn_wrap_mul(depth, params->filter_offset),
                                                  params->input_offset));
    }
}

int32_t tnn_fully_connected_s8(const tnn_context *ctx,
                               const tnn_fc_params *params,
                               const tnn_per_channel_quant_params *quant,
                               const tnn_dims *input_dims, const int8_t *input,
                               const tnn_dims *filter_dims, const int8_t *filter,
                               const int32_t *kernel_sum,
                               int8_t *output)
{
    const int32_t batches = input_dims->n, depth = input_dims->c;
    const int32_t units = filter_dims->n;
    int32_t b;

    if (!tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) ||
        filter_dims->c != depth || kernel_sum == NULL ||
        !tnn_ctx_ok(ctx, tnn_fully_connected_s8_get_buffer_size(params, filter_dims))) {
        return TNN_ARG_ERROR;
    }
    if (params->filter_offset == 0) {
        tnn_nn_mat_mult_s8(input, batches, depth, filter, units, depth, kernel_sum, quant,
                           params->output_offset, params->activation, output, units);
        return TNN_OK;
    }
    for (b = 0; b < batches; b++) {
        const int8_t *row = input + (intptr_t)b * depth;
        int32_t *row_bias = (int32_t *)ctx->buf;
        int32_t sum = 0, k, o;
        for (k = 0; k < depth; k++) {
            sum += row[k];
        }
        sum = tnn_wrap_mul(sum, params->filter_offset);
        for (o = 0; o < units; o++) {
            row_bias[o] = tnn_wrap_add(kernel_sum[o], sum);
        }
        tnn_nn_mat_mult_s8(row, 1, depth, filter, units, depth, row_bias, quant,
                           params->output_offset, params->activation,
                           output + (intptr_t)b * units, units);
    }
    return TNN_OK;
}
