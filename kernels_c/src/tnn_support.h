/*
 * tnn_support.h - what the kernel sources share and callers never see: the
 * requantization arithmetic (tnn_requantize.h), the matrix product the
 * convolution and fully connected kernels end in, and the context check.
 */
#ifndef TNN_SUPPORT_H
#define TNN_SUPPORT_H

#include <stdint.h>

#include "tinyml_nn.h"
#include "tnn_requantize.h"

/* Whether ctx provides at least `needed` bytes of working memory. A kernel that
 * needs none accepts any ctx, NULL included. */
TNN_INLINE int tnn_ctx_ok(const tnn_context *ctx, int32_t needed)
{
    return needed <= 0 || (ctx != NULL && ctx->buf != NULL && ctx->size >= needed);
}

/* Whether a fused activation's clamp range is a non-empty part of [lo, hi], the
 * output type's range: an empty one (min > max, which a negative output scale
 * gives) would make the clamp order decide the output, and the SIMD paths'
 * saturating packs decide otherwise than the reference's casts. */
TNN_INLINE int tnn_act_ok(tnn_activation act, int32_t lo, int32_t hi)
{
    return lo <= act.min && act.min <= act.max && act.max <= hi;
}

/* Whether input_offset is the negation of an int8 zero point, [-127, 128], as the int8
 * window kernels need: their padding holds the zero point as an int8 value, and their
 * products (x + offset) * w fit int16. */
TNN_INLINE int tnn_input_offset_s8_ok(int32_t input_offset)
{
    return input_offset >= -127 && input_offset <= 128;
}

/* The window taps that fall inside the image along one axis: the first tap index
 * k in [0, k_n) with 0 <= base + k * dil < size, and one past the last (dil >= 1),
 * so that a window loop runs its valid taps without testing each one. */
TNN_INLINE void tnn_valid_taps(int32_t base, int32_t dil, int32_t k_n, int32_t size,
                               int32_t *first, int32_t *end)
{
    int32_t lo = 0, hi = k_n;
    while (lo < hi && base + lo * dil < 0) {
        lo++;
    }
    while (hi > lo && base + (hi - 1) * dil >= size) {
        hi--;
    }
    *first = lo;
    *end = hi;
}

/* Matrix product of int8 rows with int8 weight rows, requantized per column:
 * out[r * out_stride + o] = requant(bias[o] + sum_k lhs[r*lhs_stride + k] * rhs[o*depth + k]).
 * `bias` is a kernel sum (the model's bias plus the input offset times the
 * weights' sums: tnn_convolve_s8_kernel_sum), never NULL. */
void tnn_nn_mat_mult_s8(const int8_t *lhs, int32_t lhs_rows, int32_t lhs_stride,
                        const int8_t *rhs, int32_t rhs_rows, int32_t depth,
                        const int32_t *bias, const tnn_per_channel_quant_params *quant,
                        int32_t output_offset, tnn_activation act,
                        int8_t *out, int32_t out_stride);

#endif /* TNN_SUPPORT_H */
