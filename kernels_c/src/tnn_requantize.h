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

/* TNN_MULTIVERSION: on a host build for x86-64 (build_cffi.py defines
 * TNN_HOST_MULTIVERSION there, and only there), the hot kernels are compiled
 * twice, for AVX2 and for the baseline, and the loader picks one (GCC/clang
 * target_clones). Without the macro (every firmware build) it is empty and
 * the code is plain C99. */
#if defined(TNN_HOST_MULTIVERSION) && defined(__GNUC__) && defined(__x86_64__) && \
    defined(__ELF__)
#define TNN_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define TNN_MULTIVERSION
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
    /* (ab + nudge) / 2^31 with C division equals (ab + 2^30) >> 31 (floor); the
     * one overflow (INT32_MIN squared) is a select, not a branch, so loops of
     * this vectorize. */
    /* Bits 31..62 of the sum: a logical 64-bit shift, then truncation, gives the
     * same int32 as the arithmetic shift and avoids the 64-bit arithmetic shift
     * that AVX2/NEON lack as a vector instruction. */
    const uint64_t sum = (uint64_t)((int64_t)a * b) + ((uint64_t)1 << 30);
    const int32_t r = (int32_t)(uint32_t)(sum >> 31);
    const int saturate = (a == INT32_MIN) & (b == INT32_MIN);
    return saturate ? INT32_MAX : r;
}

/* RoundingDivideByPOT: halves away from zero; 0 <= exponent <= 31. */
TNN_INLINE int32_t tnn_divide_by_power_of_two(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(((uint32_t)1 << exponent) - 1u);
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

/* The 16-bit multiplier the int64 MultiplyByQuantizedMultiplier (the 16x8 kernels')
 * really multiplies by: (M + 2^15) >> 16, saturated to 0x7FFF from M >= 0x7FFF0000 on.
 * For 0 <= multiplier. */
TNN_INLINE int32_t tnn_reduce_multiplier_s64(int32_t multiplier)
{
    return multiplier < 0x7FFF0000 ? (int32_t)(((int64_t)multiplier + (1 << 15)) >> 16) : 0x7FFF;
}

/* MultiplyByQuantizedMultiplier(int64_t x, M, shift) with the reduced multiplier
 * rm = tnn_reduce_multiplier_s64(M): one rounding in 64 bits,
 * (x * rm + 2^(14 - shift)) >> (15 - shift), truncated to int32; shift in [-31, 14].
 * Both rounding builds define it so. The product and sum wrap as two's-complement
 * hardware does (TFLM assumes |x| < 2^47, where nothing wraps). */
TNN_INLINE int32_t tnn_requantize_s64(int64_t x, int32_t reduced_multiplier, int32_t shift)
{
    const int32_t total_shift = 15 - shift;
    const uint64_t y = (uint64_t)x * (uint64_t)(int64_t)reduced_multiplier +
                       ((uint64_t)1 << (total_shift - 1));
    return (int32_t)(uint32_t)(uint64_t)((int64_t)y >> total_shift);
}

/* The 16x8 output step: clamp(int32(MBQM64(acc)) + output_offset), the offset added
 * with int32 wrap-around (the convolutions pass 0). */
TNN_INLINE int16_t tnn_requantize_s16(int64_t acc, int32_t multiplier, int32_t shift,
                                      int32_t output_offset, int32_t act_min, int32_t act_max)
{
    int32_t y = tnn_wrap_add(
        tnn_requantize_s64(acc, tnn_reduce_multiplier_s64(multiplier), shift), output_offset);
    y = TNN_MAX(y, act_min);
    y = TNN_MIN(y, act_max);
    return (int16_t)y;
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

/* out[i] = tnn_requantize_s8(acc[i], multiplier[i], shift[i], ...) for i < n: the
 * requantization of one output pixel's channel row, written without
 * data-dependent branches so that it vectorizes where the ISA has per-lane
 * shifts and 32x32->64 multiplies (AVX2, SVE; scalar elsewhere). It runs in
 * place in `acc` (int32 lanes, so the vector width is set by int32, not by the
 * int8 output: short rows of 8-16 channels still vectorize), then narrows. */
TNN_INLINE void tnn_requantize_row_s8(int32_t *restrict acc,
                                      const int32_t *restrict multiplier,
                                      const int32_t *restrict shift, int32_t n,
                                      int32_t output_offset, int32_t act_min, int32_t act_max,
                                      int8_t *restrict out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        int32_t y = tnn_wrap_add(tnn_requantize(acc[i], multiplier[i], shift[i]), output_offset);
        y = y > act_min ? y : act_min;
        acc[i] = y < act_max ? y : act_max;
    }
    for (i = 0; i < n; i++) {
        out[i] = (int8_t)acc[i];
    }
}

#endif /* TNN_REQUANTIZE_H */
