/*
 * tnn_add_s8.c - int8 ADD and SUB of two same-shape tensors (TFLM reference
 * integer_ops/add.h, sub.h): both inputs shifted left, scaled to a common
 * scale, summed (or subtracted: the sign applies to input 2 after its
 * scaling, where SUB's rounding puts it) and rescaled to the output.
 */
#include "tnn_support.h"

/* The element loop over restrict pointers, with every parameter in a local, so
 * that stores to the int8 output cannot alias them and the loop vectorizes. */
TNN_INLINE void tnn_add_row(const int8_t *restrict in1, const int8_t *restrict in2,
                            int8_t *restrict out, int32_t size, int32_t off1, int32_t off2,
                            int32_t left_shift, int32_t m1, int32_t s1, int32_t m2, int32_t s2,
                            int32_t mo, int32_t so, int32_t out_off, int32_t act_min,
                            int32_t act_max, int32_t sign)
{
    const int32_t scale = (int32_t)1 << left_shift;
    int32_t i;
    for (i = 0; i < size; i++) {
        const int32_t a = (in1[i] + off1) * scale;
        const int32_t b = (in2[i] + off2) * scale;
        const int32_t sa = tnn_requantize(a, m1, s1);
        const int32_t sb = tnn_requantize(b, m2, s2);
        /* multipliers below one keep |sb| <= |b| < 2^31: negating it cannot overflow */
        int32_t y = tnn_requantize(sa + sign * sb, mo, so) + out_off;
        y = y > act_min ? y : act_min;
        y = y < act_max ? y : act_max;
        out[i] = (int8_t)y;
    }
}

TNN_MULTIVERSION
int32_t tnn_add_s8(const tnn_add_params *params, const int8_t *input1, const int8_t *input2,
                   int8_t *output, int32_t size)
{
    if (!tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) || params->left_shift < 0 ||
        params->left_shift > 22 || (params->subtract != 0 && params->subtract != 1)) {
        return TNN_ARG_ERROR;
    }
    tnn_add_row(input1, input2, output, size, params->input1_offset, params->input2_offset,
                params->left_shift, params->input1_quant.multiplier, params->input1_quant.shift,
                params->input2_quant.multiplier, params->input2_quant.shift,
                params->output_quant.multiplier, params->output_quant.shift,
                params->output_offset, params->activation.min, params->activation.max,
                1 - 2 * params->subtract);
    return TNN_OK;
}
