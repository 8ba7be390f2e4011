/*
 * tnn_quantize_f32_s8.c - float32 -> int8 QUANTIZE (TFLM reference
 * quantize.h, AffineQuantize): y = clamp((int32_t)std::round(x / scale) +
 * zero_point), the quotient in float32, rounded half away from zero, and
 * converted as the runtime does on x86: NaN and values outside int32 give
 * INT32_MIN, to which the zero point is added with int32 wrap-around.
 */
#include "tnn_float.h"
#include "tnn_support.h"

/* (int32_t)std::round(v), with x86's INT32_MIN where C leaves the conversion undefined. */
TNN_INLINE int32_t tnn_round_to_int32(float v)
{
    int32_t whole;
    float fraction;
    if (!(v >= -2147483648.0f && v < 2147483648.0f)) {
        return INT32_MIN;
    }
    whole = (int32_t)v;                   /* truncates; in range */
    fraction = v - (float)whole;          /* exact: v's bits below the binary point */
    /* a fraction of +-0.5 or more means |v| < 2^23: whole +- 1 cannot overflow */
    return whole + (fraction >= 0.5f ? 1 : 0) - (fraction <= -0.5f ? 1 : 0);
}

TNN_MULTIVERSION
int32_t tnn_quantize_f32_s8(const tnn_quantize_params *params, const float *input,
                            int8_t *output, int32_t size)
{
    const float scale = params->scale;
    const int32_t offset = params->output_offset;
    int32_t i;
    /* finite and non-zero: x / scale stays a defined operation in C */
    if ((tnn_f32_bits(scale) & 0x7F800000u) == 0x7F800000u || scale == 0.0f || size < 0 ||
        (size > 0 && (input == NULL || output == NULL))) {
        return TNN_ARG_ERROR;
    }
    for (i = 0; i < size; i++) {
        int32_t y = tnn_wrap_add(tnn_round_to_int32(input[i] / scale), offset);
        y = y > -128 ? y : -128;
        y = y < 127 ? y : 127;
        output[i] = (int8_t)y;
    }
    return TNN_OK;
}
