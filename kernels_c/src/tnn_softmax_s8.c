/*
 * tnn_softmax_s8.c - int8 SOFTMAX over the last dimension, int8 output with
 * scale 1/256 and zero point -128 (TFLM reference softmax.h, gemmlowp fixed
 * point).
 *
 * Differences to the row maximum are scaled into Q5.26; those below diff_min
 * are dropped; exp() of the rest in Q0.31 (gemmlowp exp_on_negative_values)
 * is summed in Q12.19, the sum inverted with Newton-Raphson (GetReciprocal),
 * and each output is RDBPOT(exp * 1/sum, num_bits_over_unit + 23) - 128.
 */
#include "tnn_support.h"

#define TNN_SCALED_DIFF_INTEGER_BITS 5
#define TNN_ACCUMULATION_INTEGER_BITS 12

/* gemmlowp SaturatingRoundingMultiplyByPOT */
static int32_t tnn_mul_by_pot(int32_t x, int32_t exponent)
{
    int32_t threshold;
    if (exponent == 0) {
        return x;
    }
    if (exponent < 0) {
        return tnn_divide_by_power_of_two(x, -exponent);
    }
    threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

static int32_t tnn_rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + b;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

static int32_t tnn_exp_on_interval(int32_t a)
{
    const int32_t constant_term = 1895147668;
    const int32_t constant_1_over_3 = 715827883;
    const int32_t x = tnn_wrap_add(a, 1 << 28);
    const int32_t x2 = tnn_doubling_high_mult(x, x);
    const int32_t x3 = tnn_doubling_high_mult(x2, x);
    const int32_t x4 = tnn_doubling_high_mult(x2, x2);
    const int32_t x4_over_4 = tnn_divide_by_power_of_two(x4, 2);
    const int32_t poly = tnn_divide_by_power_of_two(
        tnn_wrap_add(tnn_doubling_high_mult(tnn_wrap_add(x4_over_4, x3), constant_1_over_3), x2),
        1);
    return tnn_wrap_add(constant_term,
                        tnn_doubling_high_mult(constant_term, tnn_wrap_add(x, poly)));
}

/* exp(a) for a <= 0 in Q5.26, result in Q0.31 */
static int32_t tnn_exp_on_negative_values(int32_t a)
{
    static const int32_t barrel[7] = {1672461947, 1302514674, 790015084, 290630308,
                                      39332535, 720401, 242};
    const int32_t fractional_bits = 31 - TNN_SCALED_DIFF_INTEGER_BITS;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t a_mod = tnn_wrap_add(a & (one_quarter - 1), -one_quarter);
    const int32_t remainder = (int32_t)((uint32_t)a_mod - (uint32_t)a);
    int32_t result = tnn_exp_on_interval(tnn_mul_by_pot(a_mod, TNN_SCALED_DIFF_INTEGER_BITS));
    int32_t k;
    for (k = -2; k <= 4; k++) {
        if (remainder & (int32_t)((uint32_t)1 << (fractional_bits + k))) {
            result = tnn_doubling_high_mult(result, barrel[k + 2]);
        }
    }
    return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + a) for a in [0, 1), Q0.31 */
static int32_t tnn_one_over_one_plus_x(int32_t a)
{
    const int32_t half_denominator = tnn_rounding_half_sum(a, INT32_MAX);
    int32_t x = tnn_wrap_add(1515870810, tnn_doubling_high_mult(half_denominator, -1010580540));
    int32_t i;
    for (i = 0; i < 3; i++) {
        const int32_t t = (int32_t)((uint32_t)((int32_t)1 << 29) -
                                    (uint32_t)tnn_doubling_high_mult(half_denominator, x));
        x = tnn_wrap_add(x, tnn_mul_by_pot(tnn_doubling_high_mult(x, t), 2));
    }
    return tnn_mul_by_pot(x, 1);
}

static int32_t tnn_clz_u32(uint32_t x)
{
    int32_t n = 0;
    if (x == 0) {
        return 32;
    }
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

int32_t tnn_softmax_s8(const tnn_softmax_params *params, const int8_t *input,
                       int32_t rows, int32_t depth, int8_t *output)
{
    int32_t r, i;
    for (r = 0; r < rows; r++) {
        const int8_t *x = input + (intptr_t)r * depth;
        int8_t *y = output + (intptr_t)r * depth;
        int32_t max = INT8_MIN, sum = 0, headroom, exponent, reciprocal;
        for (i = 0; i < depth; i++) {
            max = TNN_MAX(max, x[i]);
        }
        for (i = 0; i < depth; i++) {
            const int32_t diff = x[i] - max;
            if (diff >= params->diff_min) {
                const int32_t scaled = tnn_requantize(diff, params->input_multiplier,
                                                      params->input_left_shift);
                sum = tnn_wrap_add(sum, tnn_divide_by_power_of_two(
                                            tnn_exp_on_negative_values(scaled),
                                            TNN_ACCUMULATION_INTEGER_BITS));
            }
        }
        headroom = tnn_clz_u32((uint32_t)sum);
        exponent = TNN_ACCUMULATION_INTEGER_BITS - headroom + 31 - 8;
        if (headroom >= 32 || exponent > 31 || exponent < 0) {
            return TNN_ARG_ERROR;  /* the row sums to 512 or more: TFLM aborts */
        }
        reciprocal = tnn_one_over_one_plus_x(
            (int32_t)(((uint32_t)sum << headroom) - 0x80000000u));
        for (i = 0; i < depth; i++) {
            const int32_t diff = x[i] - max;
            int32_t out = INT8_MIN;
            if (diff >= params->diff_min) {
                const int32_t scaled = tnn_requantize(diff, params->input_multiplier,
                                                      params->input_left_shift);
                const int32_t e = tnn_exp_on_negative_values(scaled);
                out = tnn_divide_by_power_of_two(tnn_doubling_high_mult(reciprocal, e), exponent)
                      + INT8_MIN;
                out = TNN_MAX(out, INT8_MIN);
                out = TNN_MIN(out, INT8_MAX);
            }
            y[i] = (int8_t)out;
        }
    }
    return TNN_OK;
}
