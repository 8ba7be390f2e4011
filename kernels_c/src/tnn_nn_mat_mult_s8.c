/*
 * tnn_nn_mat_mult_s8.c - int8 x int8 matrix product with per-column requantization.
 *
 * The shared core of the convolution and fully connected kernels. The input
 * offset is folded into `bias` by the caller (tnn_fold_bias_s8), so the inner
 * loop is a plain int8 x int8 dot product. Blocks of 4 rows x 2 weight rows
 * keep 8 accumulators live: each weight byte loaded serves 4 rows and each
 * row byte serves 2 weight rows. The k loops are simple reductions that an
 * optimizing compiler turns into SIMD multiply-adds (pmaddwd, SMLAD, ...).
 */
#include "tinyml_nn.h"
#include "tnn_requantize.h"

#define TNN_STORE(row_ptr, o, acc)                                                      \
    (row_ptr)[o] = tnn_requantize_s8((acc), quant->multiplier[o], quant->shift[o],      \
                                     output_offset, act.min, act.max)

void tnn_nn_mat_mult_s8(const int8_t *lhs, int32_t lhs_rows, int32_t lhs_stride,
                        const int8_t *rhs, int32_t rhs_rows, int32_t depth,
                        const int32_t *bias, const tnn_per_channel_quant_params *quant,
                        int32_t output_offset, tnn_activation act,
                        int8_t *out, int32_t out_stride)
{
    int32_t r = 0;
    for (; r + 4 <= lhs_rows; r += 4) {
        const int8_t *l0 = lhs + (intptr_t)r * lhs_stride;
        const int8_t *l1 = l0 + lhs_stride;
        const int8_t *l2 = l1 + lhs_stride;
        const int8_t *l3 = l2 + lhs_stride;
        int8_t *o0 = out + (intptr_t)r * out_stride;
        int8_t *o1 = o0 + out_stride;
        int8_t *o2 = o1 + out_stride;
        int8_t *o3 = o2 + out_stride;
        int32_t o = 0;
        for (; o + 2 <= rhs_rows; o += 2) {
            const int8_t *w0 = rhs + (intptr_t)o * depth;
            const int8_t *w1 = w0 + depth;
            int32_t s00 = 0, s01 = 0, s10 = 0, s11 = 0;
            int32_t s20 = 0, s21 = 0, s30 = 0, s31 = 0;
            int32_t k;
            for (k = 0; k < depth; k++) {
                const int32_t a = w0[k];
                const int32_t b = w1[k];
                s00 += l0[k] * a;
                s01 += l0[k] * b;
                s10 += l1[k] * a;
                s11 += l1[k] * b;
                s20 += l2[k] * a;
                s21 += l2[k] * b;
                s30 += l3[k] * a;
                s31 += l3[k] * b;
            }
            {
                const int32_t b0 = bias ? bias[o] : 0;
                const int32_t b1 = bias ? bias[o + 1] : 0;
                TNN_STORE(o0, o, tnn_wrap_add(s00, b0));
                TNN_STORE(o0, o + 1, tnn_wrap_add(s01, b1));
                TNN_STORE(o1, o, tnn_wrap_add(s10, b0));
                TNN_STORE(o1, o + 1, tnn_wrap_add(s11, b1));
                TNN_STORE(o2, o, tnn_wrap_add(s20, b0));
                TNN_STORE(o2, o + 1, tnn_wrap_add(s21, b1));
                TNN_STORE(o3, o, tnn_wrap_add(s30, b0));
                TNN_STORE(o3, o + 1, tnn_wrap_add(s31, b1));
            }
        }
        for (; o < rhs_rows; o++) {
            const int8_t *w0 = rhs + (intptr_t)o * depth;
            int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int32_t k;
            const int32_t b0 = bias ? bias[o] : 0;
            for (k = 0; k < depth; k++) {
                const int32_t a = w0[k];
                s0 += l0[k] * a;
                s1 += l1[k] * a;
                s2 += l2[k] * a;
                s3 += l3[k] * a;
            }
            TNN_STORE(o0, o, tnn_wrap_add(s0, b0));
            TNN_STORE(o1, o, tnn_wrap_add(s1, b0));
            TNN_STORE(o2, o, tnn_wrap_add(s2, b0));
            TNN_STORE(o3, o, tnn_wrap_add(s3, b0));
        }
    }
    for (; r < lhs_rows; r++) {
        const int8_t *l0 = lhs + (intptr_t)r * lhs_stride;
        int8_t *o0 = out + (intptr_t)r * out_stride;
        int32_t o = 0;
        for (; o + 4 <= rhs_rows; o += 4) {
            const int8_t *w0 = rhs + (intptr_t)o * depth;
            const int8_t *w1 = w0 + depth;
            const int8_t *w2 = w1 + depth;
            const int8_t *w3 = w2 + depth;
            int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int32_t k;
            for (k = 0; k < depth; k++) {
                const int32_t a = l0[k];
                s0 += w0[k] * a;
                s1 += w1[k] * a;
                s2 += w2[k] * a;
                s3 += w3[k] * a;
            }
            TNN_STORE(o0, o, tnn_wrap_add(s0, bias ? bias[o] : 0));
            TNN_STORE(o0, o + 1, tnn_wrap_add(s1, bias ? bias[o + 1] : 0));
            TNN_STORE(o0, o + 2, tnn_wrap_add(s2, bias ? bias[o + 2] : 0));
            TNN_STORE(o0, o + 3, tnn_wrap_add(s3, bias ? bias[o + 3] : 0));
        }
        for (; o < rhs_rows; o++) {
            const int8_t *w0 = rhs + (intptr_t)o * depth;
            int32_t s0 = 0;
            int32_t k;
            for (k = 0; k < depth; k++) {
                s0 += w0[k] * l0[k];
            }
            TNN_STORE(o0, o, tnn_wrap_add(s0, bias ? bias[o] : 0));
        }
    }
}

void tnn_fold_bias_s8(const int8_t *filter, const int32_t *bias, int32_t out_ch,
                      int32_t depth, int32_t input_offset, int32_t *out)
{
    int32_t o;
    for (o = 0; o < out_ch; o++) {
        const int8_t *w = filter + (intptr_t)o * depth;
        int32_t sum = 0;
        int32_t k;
        for (k = 0; k < depth; k++) {
            sum += w[k];
        }
        out[o] = tnn_wrap_add(bias ? bias[o] : 0, tnn_wrap_mul(sum, input_offset));
    }
}
