/*
 * tnn_mul_s8.c - int8 MUL of two same-shape tensors (TFLM reference
 * integer_ops/mul.h): y = clamp(MBQM((x1 + o1) * (x2 + o2)) + output_offset).
 * The output offset (and, with single rounding, the whole product) is kept in
 * 64 bits so that a result beyond the int32 limits saturates in the clamp, as
 * the golden model's MUL does.
 */
#include "tnn_support.h"

TNN_MULTIVERSION
int32_t tnn_mul_s8(const tnn_mul_params *params, const int8_t *input1, const int8_t *input2,
                   int8_t *output, int32_t size)
{
    int32_t i;
    for (i = 0; i < size; i++) {
        const int32_t p = (input1[i] + params->input1_offset) * (input2[i] + params->input2_offset);
#if defined(TNN_SINGLE_ROUNDING)
        /* kept in 64 bits: a product that leaves int32 saturates in the clamp */
        const int32_t total_shift = 31 - params->output_quant.shift;
        int64_t y = (((int64_t)p * params->output_quant.multiplier +
                      ((int64_t)1 << (total_shift - 1))) >> total_shift) + params->output_offset;
#else
        int64_t y = (int64_t)tnn_requantize(p, params->output_quant.multiplier,
                                            params->output_quant.shift) + params->output_offset;
#endif
        y = TNN_MAX(y, params->activation.min);
        y = TNN_MIN(y, params->activation.max);
        output[i] = (int8_t)y;
    }
    return TNN_OK;
}
