/*
 * tnn_nn_mat_mult_s8.c - int8 x int8 matrix product with per-column requantization.
 *
 * The shared core of the convolution and fully connected kernels. The input
 * offset is folded into the kernel sums by the caller (tnn_convolve_s8_kernel_sum), so the inner
 * loop is a plain int8 x int8 dot product. Blocks of 4 rows x 2 weight rows
 * keep 8 accumulators live: each weight byte loaded serves 4 rows and each
 * row byte serves 2 weight rows. The k loops are simple reductions that an
 * optimizing compiler turns into SIMD multiply-adds (pmaddwd, SMLAD, ...).
 * The sums of a block of TNN_MM_CHUNK output channels are collected in a small
 * stack buffer and requantized a channel row at a time (tnn_requantize_row_s8,
 * which vectorizes where the ISA allows).
 */
#include "tnn_support.h"
#include "tnn_dsp.h" /* empty unless the target has the DSP extension */

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

#if !defined(TNN_DSP)
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

#else /* TNN_DSP: the DSP-extension path (Cortex-M4/M7/M33/M55) */

#define TNN_MM_KG (TNN_MM_KC / 4) /* groups of 4 k per widened row block */

/* Widens n int8 of each of `rows` rows (`stride` apart) into groups of 4 k
 * (tnn_widen4: the SXTB16 order, so that two SMLADs multiply matching k on
 * both sides; one LDRD reads a group); a last partial group is padded with
 * zeros. */
TNN_INLINE void tnn_mm_widen(const int8_t *src, int32_t stride, int32_t rows, int32_t n,
                             uint64_t (*dst)[TNN_MM_KG])
{
    int32_t i, k;
    for (i = 0; i < rows; i++) {
        const int8_t *s = src + (intptr_t)i * stride;
        uint64_t *d = dst[i];
        for (k = 0; k + 4 <= n; k += 4) {
            *d++ = tnn_widen4(tnn_load_x4(s + k));
        }
        if (k < n) {
            *d = tnn_widen4(tnn_load_x4_tail(s + k, n - k));
        }
    }
}

/* s += the 4 products of a widened group q and a weight word widened to (we, wo). */
TNN_INLINE int32_t tnn_mm_mac4(uint64_t q, int32_t we, int32_t wo, int32_t s)
{
    return __smlad(tnn_hi(q), wo, __smlad(tnn_lo(q), we, s));
}

/* One weight word (4 k) against the same group of 4 widened rows (TNN_MM_KG apart). */
#define TNN_MM_4X1_STEP(v)                                                      \
    do {                                                                        \
        const int32_t we_ = tnn_s8_even(v);                                     \
        const int32_t wo_ = tnn_s8_odd(v);                                      \
        s0 = tnn_mm_mac4(tnn_load_u64(p), we_, wo_, s0);                        \
        s1 = tnn_mm_mac4(tnn_load_u64(p + TNN_MM_KG), we_, wo_, s1);            \
        s2 = tnn_mm_mac4(tnn_load_u64(p + 2 * TNN_MM_KG), we_, wo_, s2);        \
        s3 = tnn_mm_mac4(tnn_load_u64(p + 3 * TNN_MM_KG), we_, wo_, s3);        \
        p++;                                                                    \
    } while (0)

/* s[i] += sum_k x[i][k] * w[k], k < n, for the 4 widened rows of x: each
 * weight word is read and widened once for the 4 rows, and each row's group
 * (one LDRD) feeds 2 SMLADs: 16 MACs per weight word in 15 instructions. Two
 * weight words per iteration. (SMLAD wraps the int32 sum, like the bias fold.) */
TNN_INLINE void tnn_mm_4x1(uint64_t (*x)[TNN_MM_KG], const int8_t *w, int32_t n, int32_t *a0,
                           int32_t *a1, int32_t *a2, int32_t *a3)
{
    const uint64_t *p = x[0];
    const uint64_t *const end2 = p + (n >> 3) * 2;
    int32_t s0 = *a0, s1 = *a1, s2 = *a2, s3 = *a3;
    while (p < end2) {
        const uint32_t v0 = tnn_load_x4(w);
        const uint32_t v1 = tnn_load_x4(w + 4);
        w += 8;
        TNN_MM_4X1_STEP(v0);
        TNN_MM_4X1_STEP(v1);
    }
    if (n & 4) {
        const uint32_t v = tnn_load_x4(w);
        w += 4;
        TNN_MM_4X1_STEP(v);
    }
    if (n & 3) {
        const uint32_t v = tnn_load_x4_tail(w, n & 3);
        TNN_MM_4X1_STEP(v);
    }
    *a0 = s0;
    *a1 = s1;
    *a2 = s2;
    *a3 = s3;
}

/* s[j] += sum_k x[k] * w_j[k], k < n, for one int8 row x and 4 weight rows
 * (`depth` apart): each x word is widened once for the 4 weight rows. Not
 * inlined, and its loads ordered (TNN_AFTER), so that its 14 live values stay
 * in registers. */
TNN_OUTLINE void tnn_mm_1x4(const int8_t *x, const int8_t *w0, int32_t depth, int32_t n, int32_t *s)
{
    const int8_t *w1 = w0 + depth;
    const int8_t *w2 = w1 + depth;
    const int8_t *w3 = w2 + depth;
    const int8_t *const end = x + (n & ~3);
    int32_t s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    uint32_t v;
    while (x < end) {
        const uint32_t xv = tnn_load_x4(x);
        const int32_t xe = tnn_s8_even(xv), xo = tnn_s8_odd(xv);
        x += 4;
        v = tnn_load_x4(w0);
        w0 += 4;
        s0 = __smlad(xo, tnn_s8_odd(v), __smlad(xe, tnn_s8_even(v), s0));
        TNN_AFTER(w1, s0);
        v = tnn_load_x4(w1);
        w1 += 4;
        s1 = __smlad(xo, tnn_s8_odd(v), __smlad(xe, tnn_s8_even(v), s1));
        TNN_AFTER(w2, s1);
        v = tnn_load_x4(w2);
        w2 += 4;
        s2 = __smlad(xo, tnn_s8_odd(v), __smlad(xe, tnn_s8_even(v), s2));
        TNN_AFTER(w3, s2);
        v = tnn_load_x4(w3);
        w3 += 4;
        s3 = __smlad(xo, tnn_s8_odd(v), __smlad(xe, tnn_s8_even(v), s3));
        TNN_AFTER(w0, s3);
    }
    for (n &= 3; n > 0; n--) {
        const int32_t xk = *x++;
        s0 = tnn_wrap_add(s0, xk * *w0++);
        s1 = tnn_wrap_add(s1, xk * *w1++);
        s2 = tnn_wrap_add(s2, xk * *w2++);
        s3 = tnn_wrap_add(s3, xk * *w3++);
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
}

/* s + sum_k x[k] * w[k], k < n, one int8 row against one weight row. */
TNN_INLINE int32_t tnn_mm_1x1(const int8_t *x, const int8_t *w, int32_t n, int32_t s)
{
    const int8_t *const end = x + (n & ~3);
    while (x < end) {
        const uint32_t xv = tnn_load_x4(x);
        const uint32_t v = tnn_load_x4(w);
        x += 4;
        w += 4;
        s = __smlad(tnn_s8_odd(xv), tnn_s8_odd(v), __smlad(tnn_s8_even(xv), tnn_s8_even(v), s));
    }
    for (n &= 3; n > 0; n--) {
        s = tnn_wrap_add(s, *x++ * *w++);
    }
    return s;
}

/* Where the finished sums go: bias, requantization and output of the product. */
typedef struct {
    const int32_t *bias;
    const int32_t *mult;
    const int32_t *shift;
    tnn_rq_range range; /* output offset and activation range */
    int8_t *out;
    int32_t out_stride;
} tnn_mm_dst;

/* 4 widened rows against weight rows c0..c0+n-1 (w: row c0 at this depth
 * block, rows `depth` apart) for the depth block of kn values that starts
 * the sums (first: from the bias) and/or ends them (last: requantized to
 * out[i][c], else parked in acc[i][c - c0]). Not inlined: the loop keeps its
 * state in registers. */
TNN_OUTLINE void tnn_mm_rows4(uint64_t (*xw)[TNN_MM_KG], const int8_t *w, int32_t depth, int32_t kn,
                         int32_t c0, int32_t n, int first, int last,
                         int32_t (*acc)[TNN_MM_CHUNK], const tnn_mm_dst *d)
{
    const int32_t stride = d->out_stride;
    const tnn_rq_range range = d->range;
    int32_t j;
    for (j = 0; j < n; j++, w += depth) {
        const int32_t c = c0 + j;
        int32_t s0, s1, s2, s3;
        if (first) {
            s0 = d->bias ? d->bias[c] : 0;
            s1 = s2 = s3 = s0;
        } else {
            s0 = acc[0][j];
            s1 = acc[1][j];
            s2 = acc[2][j];
            s3 = acc[3][j];
        }
        tnn_mm_4x1(xw, w, kn, &s0, &s1, &s2, &s3);
        if (last) {
            const tnn_rq_channel q = tnn_rq_setup(d->mult[c], d->shift[c]);
            int8_t *o = d->out + c;
            if (q.fast && range.ok) {
                const uint32_t p01 = tnn_rq_clamp2(tnn_rq_fast(s0, &q), tnn_rq_fast(s1, &q), &range);
                const uint32_t p23 = tnn_rq_clamp2(tnn_rq_fast(s2, &q), tnn_rq_fast(s3, &q), &range);
                o[0] = (int8_t)p01;
                o[stride] = (int8_t)(p01 >> 16);
                o += 2 * (intptr_t)stride;
                o[0] = (int8_t)p23;
                o[stride] = (int8_t)(p23 >> 16);
            } else {
                const int32_t sv[4] = {s0, s1, s2, s3};
                tnn_rq_slow4(sv, &q, 0, &range, o, stride);
            }
        } else {
            acc[0][j] = s0;
            acc[1][j] = s1;
            acc[2][j] = s2;
            acc[3][j] = s3;
        }
    }
}

/* One int8 row x against all weight rows, 4 at a time (tnn_mm_1x4) over the
 * whole depth, then one at a time; out: its output row. */
static void tnn_mm_row1(const int8_t *x, const int8_t *rhs, int32_t rows, int32_t depth,
                        const tnn_mm_dst *d, int8_t *out)
{
    int32_t j = 0, i;
    for (; j + 4 <= rows; j += 4) {
        int32_t s[4];
        for (i = 0; i < 4; i++) {
            s[i] = d->bias ? d->bias[j + i] : 0;
        }
        tnn_mm_1x4(x, rhs + (intptr_t)j * depth, depth, depth, s);
        for (i = 0; i < 4; i++) {
            out[j + i] = tnn_requantize_s8(s[i], d->mult[j + i], d->shift[j + i],
                                           d->range.output_offset, d->range.act_min,
                                           d->range.act_max);
        }
    }
    for (; j < rows; j++) {
        const int32_t s = tnn_mm_1x1(x, rhs + (intptr_t)j * depth, depth, d->bias ? d->bias[j] : 0);
        out[j] = tnn_requantize_s8(s, d->mult[j], d->shift[j], d->range.output_offset,
                                   d->range.act_min, d->range.act_max);
    }
}

/* Same contract and results as the portable version above. Blocks of 4 lhs
 * rows are widened once per depth block (TNN_MM_KC) into the SXTB16 order;
 * every weight row then runs against all 4 (tnn_mm_4x1), starting from the
 * bias, and is requantized from registers after its last depth block (when
 * depth > TNN_MM_KC, sums are parked in `acc` between blocks, TNN_MM_CHUNK
 * weight rows at a time). The last 1-3 rows run one at a time, in int8,
 * against 4 weight rows over the whole depth (tnn_mm_1x4), which is also the
 * whole of a batch-1 FULLY_CONNECTED. */
void tnn_nn_mat_mult_s8(const int8_t *lhs, int32_t lhs_rows, int32_t lhs_stride,
                        const int8_t *rhs, int32_t rhs_rows, int32_t depth,
                        const int32_t *bias, const tnn_per_channel_quant_params *quant,
                        int32_t output_offset, tnn_activation act,
                        int8_t *out, int32_t out_stride)
{
    int32_t acc[4][TNN_MM_CHUNK];
    uint64_t xw[4][TNN_MM_KG];
    tnn_mm_dst d;
    int32_t r;
    d.bias = bias;
    d.mult = quant->multiplier;
    d.shift = quant->shift;
    d.range = tnn_rq_range_of(output_offset, act.min, act.max);
    d.out_stride = out_stride;
    for (r = 0; r + 4 <= lhs_rows; r += 4) {
        const int8_t *l0 = lhs + (intptr_t)r * lhs_stride;
        int32_t c0;
        d.out = out + (intptr_t)r * out_stride;
        if (depth <= TNN_MM_KC) {
            /* one depth block: all weight rows in one pass, nothing parked */
            tnn_mm_widen(l0, lhs_stride, 4, depth, xw);
            tnn_mm_rows4(xw, rhs, depth, depth, 0, rhs_rows, 1, 1, acc, &d);
            continue;
        }
        for (c0 = 0; c0 < rhs_rows; c0 += TNN_MM_CHUNK) {
            const int32_t n = TNN_MIN(TNN_MM_CHUNK, rhs_rows - c0);
            int32_t k0;
            for (k0 = 0; k0 < depth; k0 += TNN_MM_KC) {
                const int32_t kn = TNN_MIN(TNN_MM_KC, depth - k0);
                tnn_mm_widen(l0 + k0, lhs_stride, 4, kn, xw);
                tnn_mm_rows4(xw, rhs + (intptr_t)c0 * depth + k0, depth, kn, c0, n, k0 == 0,
                             k0 + kn == depth, acc, &d);
            }
        }
    }
    for (; r < lhs_rows; r++) {
        tnn_mm_row1(lhs + (intptr_t)r * lhs_stride, rhs, rhs_rows, depth, &d,
                    out + (intptr_t)r * out_stride);
    }
}

#endif /* TNN_DSP */

void tnn_convolve_s8_kernel_sum(const int8_t *filter, const int32_t *bias, int32_t out_ch,
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
