/*
 * tnn_add_s8.c - int8 ADD of two same-shape tensors (TFLM reference
 * integer_ops/add.h): both inputs shifted left, scaled to a common scale,
 * summed and rescaled to the output.
 */
#include "tinyml_nn.h"
#include "tnn_requantize.h"

int32_t tnn_add_s8(const tnn_add_params *params, const int8_t *input1, const int8_t *input2,
                   int8_t *output, int32_t size)
{
    int32_t i;
    if (params->left_shift < 0 || params->left_shift > 22) {
        return TNN_ARG_ERROR;
    }
    for (i = 0; i < size; i++) {
        const int32_t a = (input1[i] + params->input1_offset) * (1 << params->left_shift);
        const int32_t b = (input2[i] + params->input2_offset) * (1 << params->left_shift);
        const int32_t sa = tnn_requantize(a, params->input1_quant.multiplier,
                                          params->input1_quant.shift);
        const int32_t sb = tnn_requantize(b, params->input2_quant.multiplier,
                                          params->input2_quant.shift);
        int32_t y = tnn_requantize(sa + sb, params->output_quant.multiplier,
                                   params->output_quant.shift) + params->output_offset;
        y = TNN_MAX(y, params->activation.min);
        y = TNN_MIN(y, params->activation.max);
        output[i] = (int8_t)y;
    }
    return TNN_OK;
}
