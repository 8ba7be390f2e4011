/*
 * tnn_requantize.h - TFLM's fixed-point requantization, as inline functions.
 *
 * Default: TFLM's "double rounding" MultiplyByQuantizedMultiplier (a rounding
 * doubling high multiply, then a rounding right shift). Define
 * TNN_SINGLE_ROUNDING for the TFLITE_SINGLE_ROUNDING build (one rounding in
 * 64 bits). Sums that can leave int32 are formed in uint32_t so that they wrap
 * as the reference kernels' int32 arithmetic does in practice, without
 * undefined behaviour.
 */
#ifndef TNN_REQUANTIZE_H
#define TNN_REQUANTIZE_H

#include <stddef.h> /* NULL (freestanding header) */
#include <stdint.h>

#if defined(__GNUC__)
#define TNN_INLINE static inline __attribute__((always_inline))
#else
#define TNN_INLINE static inline
#endif

#define TNN_MAX(a, b) ((a) > (b) ? (a) : (b))
#define TNN_MIN(a, b) ((a) < (b) ? (a) : (b))

/* a + b with int32 wrap-around. */
TNN_INLINE int32_t tnn_wrap_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

/* a * b with int32 wrap-around. */
TNN_INLINE int32_t tnn_wrap_mul(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a * (uint32_t)b);
}

/* SaturatingRoundingDoublingHighMul. */
TNN_INLINE int32_t tnn_doubling_high_mult(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    /* (ab + nudge) / 2^31 with C division equals (ab + 2^30) >> 31 (floor). */
    return (int32_t)(((int64_t)a * b + ((int64_t)1 << 30)) >> 31);
}

/* RoundingDivideByPOT: halves away from zero; 0 <= exponent <= 31. */
TNN_INLINE int32_t tnn_divide_by_power_of_two(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* MultiplyByQuantizedMultiplier(x, multiplier, shift). */
TNN_INLINE int32_t tnn_requantize(int32_t x, int32_t multiplier, int32_t shift)
{
#if defined(TNN_SINGLE_ROUNDING)
    const int32_t total_shift = 31 - shift;
    const int64_t r = (int64_t)x * multiplier + ((int64_t)1 << (total_shift - 1));
    return (int32_t)(r >> total_shift);
#else
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    const int32_t shifted = (int32_t)((uint32_t)x << left);
    return tnn_divide_by_power_of_two(tnn_doubling_high_mult(shifted, multiplier), right);
#endif
}

/* The conv-family output step: clamp(MBQM(acc) + output_offset). */
TNN_INLINE int8_t tnn_requantize_s8(int32_t acc, int32_t multiplier, int32_t shift,
                                    int32_t output_offset, int32_t act_min, int32_t act_max)
{
    int32_t y = tnn_wrap_add(tnn_requantize(acc, multiplier, shift), output_offset);
    y = TNN_MAX(y, act_min);
    y = TNN_MIN(y, act_max);
    return (int8_t)y;
}

#endif /* TNN_REQUANTIZE_H */
