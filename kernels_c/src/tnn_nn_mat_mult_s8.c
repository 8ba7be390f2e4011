/*
 * tnn_nn_mat_mult_s8.c - int8 x int8 matrix product with per-column requantization.
 *
 * The shared core of the convolution and fully connected kernels. The input
 * offset is folded into `bias` by the caller (tnn_fold_bias_s8), so the inner
 * loop is a plain int8 x int8 dot product. Blocks of 4 rows x 2 weight rows
 * keep 8 accumulators live: each weight byte loaded serves 4 rows and each
 * row byte serves 2 weight rows. The k loops are simple reductions that an
 * optimizing compiler turns into SIMD multiply-adds (pmaddwd, SMLAD, ...).
 * The sums of a block of TNN_MM_CHUNK output channels are collected in a small
 * stack buffer and requantized a channel row at a time (tnn_requantize_row_s8,
 * which vectorizes where the ISA allows).
 */
#include "tinyml_nn.h"
#include "tnn_requantize.h"

#define TNN_MM_CHUNK 16 /* output channels per requantization pass (4 x 64 bytes of stack) */
#define TNN_MM_KC 128   /* depth per int16 activation block (4 x 256 bytes of stack) */
#define TNN_MM_KPAD 16  /* short depths are padded to a multiple of this (divides TNN_MM_KC) */

TNN_INLINE int32_t tnn_dot_s8(const int8_t *restrict a, const int8_t *restrict b, int32_t depth)
{
    int32_t s = 0, k;
    for (k = 0; k < depth; k++) {
        s += a[k] * b[k];
    }
    return s;
}

/* The 4 x 2 block: sums over k < depth of 4 int16 rows times 2 int8 weight rows,
 * added to acc[i][j], acc[i][j + 1]. With one operand int16 in memory the
 * compiler emits pmaddwd / SMLAD-style multiply-adds. */
TNN_INLINE void tnn_block_4x2(const int16_t *restrict x, int32_t x_stride,
                              const int8_t *restrict w0, const int8_t *restrict w1,
                              int32_t depth, int32_t (*acc)[TNN_MM_CHUNK], int32_t j)
{
    const int16_t *restrict x0 = x;
    const int16_t *restrict x1 = x0 + x_stride;
    const int16_t *restrict x2 = x1 + x_stride;
    const int16_t *restrict x3 = x2 + x_stride;
    int32_t s00 = 0, s01 = 0, s10 = 0, s11 = 0;
    int32_t s20 = 0, s21 = 0, s30 = 0, s31 = 0;
    int32_t k;
    for (k = 0; k < depth; k++) {
        const int16_t a = w0[k];
        const int16_t b = w1[k];
        s00 += x0[k] * a;
        s01 += x0[k] * b;
        s10 += x1[k] * a;
        s11 += x1[k] * b;
        s20 += x2[k] * a;
        s21 += x2[k] * b;
        s30 += x3[k] * a;
        s31 += x3[k] * b;
    }
    acc[0][j] += s00;
    acc[0][j + 1] += s01;
    acc[1][j] += s10;
    acc[1][j + 1] += s11;
    acc[2][j] += s20;
    acc[2][j + 1] += s21;
    acc[3][j] += s30;
    acc[3][j + 1] += s31;
}

/* The 4 x 1 block (odd last weight row). */
TNN_INLINE void tnn_block_4x1(const int16_t *restrict x, int32_t x_stride,
                              const int8_t *restrict w0, int32_t depth,
                              int32_t (*acc)[TNN_MM_CHUNK], int32_t j)
{
    const int16_t *restrict x0 = x;
    const int16_t *restrict x1 = x0 + x_stride;
    const int16_t *restrict x2 = x1 + x_stride;
    const int16_t *restrict x3 = x2 + x_stride;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int32_t k;
    for (k = 0; k < depth; k++) {
        const int16_t a = w0[k];
        s0 += x0[k] * a;
        s1 += x1[k] * a;
        s2 += x2[k] * a;
        s3 += x3[k] * a;
    }
    acc[0][j] += s0;
    acc[1][j] += s1;
    acc[2][j] += s2;
    acc[3][j] += s3;
}

/* dst[i][k] = src[i * stride + k], 4 rows of n int8 widened to int16. */
TNN_INLINE void tnn_widen_4(const int8_t *restrict src, int32_t stride, int32_t n,
                            int16_t (*restrict dst)[TNN_MM_KC])
{
    int32_t i, k;
    for (i = 0; i < 4; i++) {
        for (k = 0; k < n; k++) {
            dst[i][k] = src[(intptr_t)i * stride + k];
        }
    }
}

TNN_MULTIVERSION
void tnn_nn_mat_mult_s8(const int8_t *lhs, int32_t lhs_rows, int32_t lhs_stride,
                        const int8_t *rhs, int32_t rhs_rows, int32_t depth,
                        const int32_t *bias, const tnn_per_channel_quant_params *quant,
                        int32_t output_offset, tnn_activation act,
                        int8_t *out, int32_t out_stride)
{
    int32_t acc[4][TNN_MM_CHUNK];
    int16_t xw[4][TNN_MM_KC];
    /* Short depths (8, 27, ...) would leave the k loops in their scalar
     * epilogue: when the whole depth fits one block, the int16 rows are padded
     * with zeros to a multiple of TNN_MM_KPAD, and the weight rows are read that
     * far (into the next row, whose values meet the zeros), except where that
     * would read past the end of rhs. */
    const int32_t kpad = depth <= TNN_MM_KC ? (depth + TNN_MM_KPAD - 1) / TNN_MM_KPAD * TNN_MM_KPAD
                                            : 0;
    const int32_t total = rhs_rows * depth;
    int32_t r = 0;
    for (; r + 4 <= lhs_rows; r += 4) {
        const int8_t *l0 = lhs + (intptr_t)r * lhs_stride;
        int8_t *out_row = out + (intptr_t)r * out_stride;
        int32_t c0;
        if (depth <= TNN_MM_KC) {
            int32_t i, k;
            tnn_widen_4(l0, lhs_stride, depth, xw);
            for (i = 0; i < 4; i++) {
                for (k = depth; k < kpad; k++) {
                    xw[i][k] = 0;
                }
            }
        }
        for (c0 = 0; c0 < rhs_rows; c0 += TNN_MM_CHUNK) {
            const int32_t n = TNN_MIN(TNN_MM_CHUNK, rhs_rows - c0);
            int32_t i, j, k0;
            for (i = 0; i < 4; i++) {
                for (j = 0; j < TNN_MM_CHUNK; j++) {
                    acc[i][j] = 0;
                }
            }
            for (k0 = 0; k0 < depth; k0 += TNN_MM_KC) {
                const int32_t kn = TNN_MIN(TNN_MM_KC, depth - k0);
                if (depth > TNN_MM_KC) {
                    tnn_widen_4(l0 + k0, lhs_stride, kn, xw);
                }
                for (j = 0; j + 2 <= n; j += 2) {
                    const int8_t *w0 = rhs + (intptr_t)(c0 + j) * depth + k0;
                    /* the padded length where the over-read stays inside rhs */
                    const int32_t len =
                        kpad > 0 && (c0 + j + 1) * depth + kpad <= total ? kpad : kn;
                    tnn_block_4x2(xw[0], TNN_MM_KC, w0, w0 + depth, len, acc, j);
                }
                if (j < n) {
                    const int32_t len = kpad > 0 && (c0 + j) * depth + kpad <= total ? kpad : kn;
                    tnn_block_4x1(xw[0], TNN_MM_KC, rhs + (intptr_t)(c0 + j) * depth + k0, len,
                                  acc, j);
                }
            }
            for (i = 0; i < 4; i++) {
                if (bias) {
                    for (j = 0; j < n; j++) {
                        acc[i][j] = tnn_wrap_add(acc[i][j], bias[c0 + j]);
                    }
                }
                tnn_requantize_row_s8(acc[i], quant->multiplier + c0, quant->shift + c0, n,
                                      output_offset, act.min, act.max,
                                      out_row + (intptr_t)i * out_stride + c0);
            }
        }
    }
    for (; r < lhs_rows; r++) {
        const int8_t *l0 = lhs + (intptr_t)r * lhs_stride;
        int8_t *o0 = out + (intptr_t)r * out_stride;
        int32_t c0;
        for (c0 = 0; c0 < rhs_rows; c0 += TNN_MM_CHUNK) {
            const int32_t n = TNN_MIN(TNN_MM_CHUNK, rhs_rows - c0);
            int32_t j = 0;
            for (; j + 4 <= n; j += 4) {
                const int8_t *w0 = rhs + (intptr_t)(c0 + j) * depth;
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
                acc[0][j] = s0;
                acc[0][j + 1] = s1;
                acc[0][j + 2] = s2;
                acc[0][j + 3] = s3;
            }
            for (; j < n; j++) {
                acc[0][j] = tnn_dot_s8(rhs + (intptr_t)(c0 + j) * depth, l0, depth);
            }
            if (bias) {
                for (j = 0; j < n; j++) {
                    acc[0][j] = tnn_wrap_add(acc[0][j], bias[c0 + j]);
                }
            }
            tnn_requantize_row_s8(acc[0], quant->multiplier + c0, quant->shift + c0, n,
                                  output_offset, act.min, act.max, o0 + c0);
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
