/*
 * tnn_fully_connected_s16.c - 16x8 FULLY_CONNECTED (int16 activations, int8
 * weights; TFLM reference integer_ops/fully_connected.h, int16 overloads with an
 * int64 bias or none).
 *
 * Unlike the 16x8 convolutions, the zero points are read: acc = bias + sum_k
 * (x + input_offset) * (w + filter_offset) in int64, then the int64
 * MultiplyByQuantizedMultiplier, the output offset added in int32, the clamp.
 */
#include "tnn_support.h"

int32_t tnn_fully_connected_s16(const tnn_fc_params *params,
                                const tnn_per_channel_quant_params *quant,
                                const tnn_dims *input_dims, const int16_t *input,
                                const tnn_dims *filter_dims, const int8_t *filter,
                                const int64_t *bias, int16_t *output)
{
    const int32_t batches = input_dims->n, depth = input_dims->c, units = filter_dims->n;
    const int32_t in_off = params->input_offset, w_off = params->filter_offset;
    int32_t b, o, k;

    if (!tnn_act_ok(params->activation, INT16_MIN, INT16_MAX) ||
        filter_dims->c != depth || in_off < -32768 || in_off > 32768 || w_off < -127 ||
        w_off > 128) {
        return TNN_ARG_ERROR;
    }
    for (b = 0; b < batches; b++) {
        const int16_t *row = input + (intptr_t)b * depth;
        for (o = 0; o < units; o++) {
            const int8_t *w = filter + (intptr_t)o * depth;
            int64_t acc = bias != NULL ? bias[o] : 0;
            for (k = 0; k < depth; k++) {
                /* |x + in_off| <= 65535, |w + w_off| <= 255: the product fits int32 */
                acc += (int32_t)(row[k] + in_off) * (w[k] + w_off);
            }
            output[(intptr_t)b * units + o] =
                tnn_requantize_s16(acc, quant->multiplier[o], quant->shift[o],
                                   params->output_offset, params->activation.min,
                                   params->activation.max);
        }
    }
    return TNN_OK;
}
