/*
 * tnn_float.h - what the float32 kernels share: the bits of a float, and the
 * float operations with the NaN results the golden model reproduces (TFLM's
 * as it runs on x86), so that a kernel gives the same bytes on every core.
 *
 * Finite and infinite results are IEEE 754's on any conforming FPU or soft-float
 * library (C99 Annex F arithmetic: round to nearest, no flush to zero). NaN
 * results are not: which NaN an operation returns differs between x86 (the
 * first NaN operand, quieted; a NaN the operation creates is 0xFFC00000) and
 * Arm (a signaling operand first; created: 0x7FC00000), and the operand order
 * is the compiler's choice. The kernels therefore compute with plain float
 * operations and redo the rare NaN results with tnn_x86_add / tnn_x86_mul,
 * which decide from the operands' bits.
 */
#ifndef TNN_FLOAT_H
#define TNN_FLOAT_H

#include <stdint.h>
#include <string.h>

#include "tnn_requantize.h"

/* Excess precision (float evaluated as double or long double, e.g. x87) would round
 * the sums differently. (GCC says 16 in gnu modes on cores with _Float16: float is
 * still evaluated as float.) */
#if defined(__FLT_EVAL_METHOD__) && (__FLT_EVAL_METHOD__ == 1 || __FLT_EVAL_METHOD__ == 2)
#error "tinyml float kernels need float arithmetic in float (FLT_EVAL_METHOD 0)"
#endif

/* A multiply-add must not be fused into one rounding. -std=c99 keeps GCC from
 * contracting (gnu99 would, across statements); this attribute keeps it so under
 * any -std. Clang contracts only within one expression, and the kernels keep
 * each product a statement of its own. */
#if defined(__GNUC__) && !defined(__clang__)
#define TNN_NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#else
#define TNN_NO_CONTRACT
#endif

#define TNN_F32_X86_DEFAULT_NAN 0xFFC00000u
#define TNN_F32_QUIET_BIT 0x00400000u

TNN_INLINE uint32_t tnn_f32_bits(float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

TNN_INLINE float tnn_f32_of_bits(uint32_t u)
{
    float v;
    memcpy(&v, &u, sizeof v);
    return v;
}

TNN_INLINE int tnn_f32_is_nan(float v)
{
    return (tnn_f32_bits(v) & 0x7FFFFFFFu) > 0x7F800000u;
}

/* The NaN an x86 operation returns for a NaN operand: the operand, quieted. */
TNN_INLINE float tnn_f32_quiet(float nan)
{
    return tnn_f32_of_bits(tnn_f32_bits(nan) | TNN_F32_QUIET_BIT);
}

/* A result of non-NaN operands: a NaN here was created (inf - inf, inf * 0). */
TNN_INLINE float tnn_f32_x86_created(float r)
{
    return tnn_f32_is_nan(r) ? tnn_f32_of_bits(TNN_F32_X86_DEFAULT_NAN) : r;
}

/* a + b as SSE's addss computes it, a the first operand. */
TNN_INLINE float tnn_x86_add(float a, float b)
{
    if (tnn_f32_is_nan(a)) {
        return tnn_f32_quiet(a);
    }
    if (tnn_f32_is_nan(b)) {
        return tnn_f32_quiet(b);
    }
    return tnn_f32_x86_created(a + b);
}

/* a * b as SSE's mulss computes it, a the first operand. */
TNN_INLINE float tnn_x86_mul(float a, float b)
{
    if (tnn_f32_is_nan(a)) {
        return tnn_f32_quiet(a);
    }
    if (tnn_f32_is_nan(b)) {
        return tnn_f32_quiet(b);
    }
    return tnn_f32_x86_created(a * b);
}

#endif /* TNN_FLOAT_H */
