/*
 * tnn_host_internal.h - the packed weight layout shared by tnnh_pack and the
 * AVX-512 kernels (host builds only).
 *
 * packed = header (64 bytes)
 *        + weights: blocks x groups x 64 bytes, block b, group g holding
 *          w[16b + j][4g + q] at byte 4j + q (j < 16 channels, q < 4 depth
 *          positions), int8, zeros past `cols` or `depth`
 *        + one tnnh_rq record (512 bytes) per block of 16 channels.
 * A group is one VPDPBUSD operand: 16 channels x 4 consecutive depth values.
 */
#ifndef TNN_HOST_INTERNAL_H
#define TNN_HOST_INTERNAL_H

#include <stdint.h>

#include "tinyml_nn.h"
#include "tnn_host.h"

#define TNNH_NR 16                    /* channels per block (one zmm of int32) */
#define TNNH_MAGIC 0x746e6e68         /* "tnnh" */
#if defined(TNN_SINGLE_ROUNDING)
#define TNNH_ROUNDING 1
#else
#define TNNH_ROUNDING 0
#endif

typedef struct {
    int32_t magic;
    int32_t rounding;    /* TNNH_ROUNDING of the build that packed it */
    int32_t cols;
    int32_t depth;
    int32_t groups;      /* ceil(depth / 4) */
    int32_t blocks;      /* ceil(cols / 16) */
    int32_t output_offset;  /* folded into the records' k (folded = 1) */
    int32_t folded;
    int32_t any_left;    /* some channel shifts left (double rounding) */
    int32_t reserved[7];
} tnnh_header;

/* Requantization constants of 16 channels, as the vector code reads them.
 *
 * MultiplyByQuantizedMultiplier(x, m, shift) is computed in 64-bit lanes, even
 * and odd channels apart, as one arithmetic shift of p = (x << left) * m:
 *   y = (p + k - (p < t ? 2^31 : 0)) >> s
 * Single rounding: k = 2^(30 - shift), s = 31 - shift, no t (INT64_MIN).
 * TFLM's double rounding, SaturatingRoundingDoublingHighMul h = floor((p +
 * 2^30) / 2^31) then RoundingDivideByPOT by e = max(-shift, 0), which rounds
 * h / 2^e half away from zero, i.e. floor((h + 2^(e-1) - [h < 0]) / 2^e) for
 * e >= 1: since floor((floor(z) + c) / 2^e) = floor((z + c) / 2^e) for an
 * integer c, and h < 0 exactly when p < -2^30, that is one shift by s = 31 +
 * e of p + k with k = 2^30 + 2^(30+e), less 2^31 when p < t = -2^30 (e = 0: k =
 * 2^30, s = 31, no t). |p| <= 2^62, so nothing leaves int64. (The saturating
 * case, x = m = INT32_MIN, is excluded: the packers refuse that multiplier.)
 * When every s <= 53, the output offset is folded into k as offset * 2^s
 * (exact: a multiple of 2^s passes through the shift; |k| stays below 2^61).
 */
typedef struct {
    int32_t bias[16];       /* kernel sum - 128 * sum(w) (int32, wrapping), or as documented */
    int32_t mult[16];       /* multiplier */
    int64_t mult_odd[8];    /* multiplier of channel 2i + 1 (low half of lane i) */
    int32_t left[16];       /* max(shift, 0) (double rounding), else 0 */
    int64_t k_even[8];      /* k of channel 2i */
    int64_t k_odd[8];       /* k of channel 2i + 1 */
    int64_t t_even[8];
    int64_t t_odd[8];
    int64_t s_even[8];
    int64_t s_odd[8];
    int32_t unused[16 * 6];
} tnnh_rq;

typedef char tnnh_rq_is_1024_bytes[sizeof(tnnh_rq) == 1024 ? 1 : -1];
typedef char tnnh_header_is_64_bytes[sizeof(tnnh_header) == 64 ? 1 : -1];

/* Whether this build's vector requantization takes (multiplier, shift). */
static inline int tnnh_quant_ok(int32_t m, int32_t s)
{
#if defined(TNN_SINGLE_ROUNDING)
    return s >= -31 && s <= 30 && m != INT32_MIN;
#else
    return s >= -31 && s <= 31 && m != INT32_MIN;
#endif
}

/* Whether every one of n per-channel (multiplier, shift) pairs is one the host
 * kernels take (tnnh_quant_ok). */
static inline int tnnh_quants_ok(const tnn_per_channel_quant_params *quant, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        if (!tnnh_quant_ok(quant->multiplier[i], quant->shift[i])) {
            return 0;
        }
    }
    return 1;
}

/* Whether some of n channels shift left, which only the double rounding does as a
 * separate step (the packed headers' any_left). */
static inline int tnnh_any_left(const int32_t *shift, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        if (shift[i] > 0 && TNNH_ROUNDING == 0) {
            return 1;
        }
    }
    return 0;
}

/* The total right shift s of (multiplier, shift), as above. */
static inline int32_t tnnh_rq_shift(int32_t s)
{
#if defined(TNN_SINGLE_ROUNDING)
    return 31 - s;
#else
    return s > 0 ? 31 : 31 - s;
#endif
}

/* Whether an output offset can be folded into k for every shift of `shift` (n values). */
static inline int tnnh_can_fold(const int32_t *shift, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        if (tnnh_rq_shift(shift[i]) > 53) {
            return 0;
        }
    }
    return 1;
}

/* Lane j of record r: bias, multiplier, shift, and the output offset folded into k
 * (0: none). */
static inline void tnnh_rq_set(tnnh_rq *r, int32_t j, int32_t bias, int32_t m, int32_t s,
                               int32_t fold)
{
    const int32_t total = tnnh_rq_shift(s);
    int64_t k, t = INT64_MIN;
#if defined(TNN_SINGLE_ROUNDING)
    k = (int64_t)1 << (total - 1);
    r->left[j] = 0;
#else
    const int32_t e = s > 0 ? 0 : -s;
    k = ((int64_t)1 << 30) + (e >= 1 ? (int64_t)1 << (30 + e) : 0);
    if (e >= 1) {
        t = -((int64_t)1 << 30);
    }
    r->left[j] = s > 0 ? s : 0;
#endif
    k += (int64_t)fold * ((int64_t)1 << total);
    r->bias[j] = bias;
    r->mult[j] = m;
    if (j & 1) {
        r->mult_odd[j / 2] = m;
        r->k_odd[j / 2] = k;
        r->t_odd[j / 2] = t;
        r->s_odd[j / 2] = total;
    } else {
        r->k_even[j / 2] = k;
        r->t_even[j / 2] = t;
        r->s_even[j / 2] = total;
    }
}

static inline const int8_t *tnnh_weights(const tnnh_header *h)
{
    return (const int8_t *)h + sizeof(tnnh_header);
}

static inline const tnnh_rq *tnnh_records(const tnnh_header *h)
{
    return (const tnnh_rq *)(tnnh_weights(h) + (intptr_t)h->blocks * h->groups * 64);
}

/* Whether `packed` was made by this build's tnnh_pack for cols x depth and this output
 * offset. */
static inline int tnnh_packed_ok(const void *packed, int32_t cols, int32_t depth,
                                 int32_t output_offset)
{
    const tnnh_header *h = (const tnnh_header *)packed;
    return h != 0 && h->magic == TNNH_MAGIC && h->rounding == TNNH_ROUNDING && h->cols == cols &&
           h->depth == depth && h->output_offset == output_offset;
}

/* Whether ctx provides `needed` bytes (as tnn_ctx_ok). */
static inline int tnnh_ctx_ok(const tnn_context *ctx, int32_t needed)
{
    return needed <= 0 || (ctx != 0 && ctx->buf != 0 && ctx->size >= needed);
}

/* The AVX-512 implementations (tnn_host_avx512.c), called only when tnnh_level() >= 1. */
int32_t tnnh_convolve_s8_avx512(const tnn_context *ctx, const tnn_conv_params *params,
                                const tnn_dims *input_dims, const int8_t *input,
                                const tnn_dims *filter_dims, const void *packed,
                                const tnn_dims *output_dims, int8_t *output);
int32_t tnnh_fully_connected_s8_avx512(const tnn_context *ctx, const tnn_fc_params *params,
                                       const tnn_dims *input_dims, const int8_t *input,
                                       const void *packed, int8_t *output);

/* The geometry of a convolution's input canvas: the input, made unsigned,
 * inside a border of padding pixels wide enough for every window. */
typedef struct {
    int32_t h, w;        /* canvas size in pixels */
    int32_t top, left;   /* where the image starts */
    int32_t channels;    /* C_in */
    int32_t depth4;      /* kh * kw * C_in rounded up to 4 (the im2col row) */
    int32_t taps;        /* kh * kw */
    int32_t im2col;      /* 1: windows gathered into rows (C_in % 4 != 0, or many taps) */
    int32_t canvas_bytes;
    int32_t im2col_rows;
} tnnh_conv_geometry;

#define TNNH_IM2COL_ROWS 64  /* output pixels gathered per block (im2col path) */
#define TNNH_MAX_TAPS 256    /* windows of more taps take the im2col path */

/* The canvas of a window of f->h x f->w taps (stride, padding, dilation) over `in`
 * giving `out`. */
static inline tnnh_conv_geometry tnnh_geometry(tnn_tile stride, tnn_tile padding,
                                               tnn_tile dilation, const tnn_dims *in,
                                               const tnn_dims *f, const tnn_dims *out)
{
    tnnh_conv_geometry g;
    const int32_t need_h = (out->h - 1) * stride.h + (f->h - 1) * dilation.h + 1;
    const int32_t need_w = (out->w - 1) * stride.w + (f->w - 1) * dilation.w + 1;
    g.top = padding.h;
    g.left = padding.w;
    g.h = need_h > g.top + in->h ? need_h : g.top + in->h;
    g.w = need_w > g.left + in->w ? need_w : g.left + in->w;
    g.channels = in->c;
    g.depth4 = (f->h * f->w * in->c + 3) & ~3;
    g.taps = f->h * f->w;
    g.im2col = (in->c & 3) != 0 || g.taps > TNNH_MAX_TAPS;
    g.canvas_bytes = g.h * g.w * in->c;
    g.im2col_rows = g.im2col ? TNNH_IM2COL_ROWS : 0;
    return g;
}

static inline tnnh_conv_geometry tnnh_conv_geometry_of(const tnn_conv_params *p,
                                                       const tnn_dims *in, const tnn_dims *f,
                                                       const tnn_dims *out)
{
    return tnnh_geometry(p->stride, p->padding, p->dilation, in, f, out);
}

/* ---- depthwise (multiplier 1) ----
 * packed = tnnh_dw_header (64 bytes)
 *        + weights: chunks x groups x 4 vectors of 64 bytes
 *        + chunks x 4 tnnh_rq records.
 * A chunk is 64 lanes: 64 channels of one pixel, or (flat layout, C dividing
 * 64) 64 / C whole pixels. Vector v of group g holds, in its int32 lane d, the
 * int8 weights of taps 4g..4g+3 for the channel of lane f = 16 (d / 4) + 4v + d % 4
 * (the order in which unpacking 4 taps' inputs interleaves them); record v
 * holds that lane's bias (bias + (input_offset - 128) * sum(w)) and
 * requantization. */
typedef struct {
    int32_t magic;
    int32_t rounding;
    int32_t channels;
    int32_t kh, kw, taps;
    int32_t groups;        /* ceil(taps / 4) */
    int32_t chunks;
    int32_t flat;          /* pixels per chunk in the flat layout, else 0 */
    int32_t input_offset;  /* folded into the biases */
    int32_t stride_w;
    int32_t output_offset; /* folded into the records' k (folded = 1) */
    int32_t folded;
    int32_t any_left;
    int32_t reserved[2];
} tnnh_dw_header;

typedef char tnnh_dw_header_is_64_bytes[sizeof(tnnh_dw_header) == 64 ? 1 : -1];

#define TNNH_DW_SLACK 256 /* canvas bytes read past the last pixel (flat layout) */

int32_t tnnh_depthwise_conv_s8_avx512(const tnn_context *ctx, const tnn_dw_conv_params *params,
                                      const tnn_dims *input_dims, const int8_t *input,
                                      const tnn_dims *filter_dims, const void *packed,
                                      const tnn_dims *output_dims, int8_t *output);
/* ADD / SUB: the prepared state (records, input tables) and the kernel. */
int32_t tnnh_add_state_size(void);
void tnnh_add_prepare(const tnn_add_params *params, void *state);
int tnnh_add_state_ok(const void *state, const tnn_add_params *params);
int32_t tnnh_add_s8_avx512(const tnn_add_params *params, const void *state,
                           const int8_t *input1, const int8_t *input2, int8_t *output,
                           int32_t size);

#endif /* TNN_HOST_INTERNAL_H */
