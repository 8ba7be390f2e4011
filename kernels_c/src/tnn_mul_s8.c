/*
 * tnn_mul_s8.c - int8 MUL of two same-shape tensors (TFLM reference
 * integer_ops/mul.h): y = clamp(MBQM((x1 + o1) * (x2 + o2)) + output_offset),
 * MBQM's result an int32 (TFLM's single-rounding cast truncates one that
 * leaves int32) and the offset added in int32, wrapping.
 */
#include "tnn_support.h"

TNN_MULTIVERSION
int32_t tnn_mul_s8(const tnn_mul_params *params, const int8_t *input1, const int8_t *input2,
                   int8_t *output, int32_t size)
{
    int32_t i;
    if (!tnn_act_ok(params->activation, INT8_MIN, INT8_MAX)) {
        return TNN_ARG_ERROR;
    }
    for (i = 0; i < size; i++) {
        const int32_t p = (input1[i] + params->input1_offset) * (input2[i] + params->input2_offset);
        int32_t y = tnn_wrap_add(tnn_requantize(p, params->output_quant.multiplier,
                                                params->output_quant.shift),
                                 params->output_offset);
        y = TNN_MAX(y, params->activation.min);
        y = TNN_MIN(y, params->activation.max);
        output[i] = (int8_t)y;
    }
    return TNN_OK;
}
