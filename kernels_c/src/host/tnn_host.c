/*
 * tnn_host.c - the host SIMD kernels' entry points (baseline ISA): CPU
 * detection, weight packing, buffer sizes and argument checks; the work is in
 * tnn_host_avx512.c, entered only when tnnh_level() says the CPU runs it.
 */
#include <string.h>

#include "tnn_host_internal.h"
#include "../tnn_support.h" /* tnn_act_ok */

int32_t tnnh_level(void)
{
    static int32_t level = -1;
    if (level < 0) {
        __builtin_cpu_init();
        level = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                __builtin_cpu_supports("avx512vnni");
    }
    return level;
}

int32_t tnnh_pack_size(int32_t cols, int32_t depth)
{
    const int64_t blocks = ((int64_t)cols + TNNH_NR - 1) / TNNH_NR;
    const int64_t groups = ((int64_t)depth + 3) / 4;
    const int64_t size = (int64_t)sizeof(tnnh_header) + blocks * groups * 64 +
                         blocks * (int64_t)sizeof(tnnh_rq);
    if (cols <= 0 || depth <= 0 || size > INT32_MAX) {
        return -1;
    }
    return (int32_t)size;
}

int32_t tnnh_pack(const int8_t *filter, int32_t cols, int32_t depth, const int32_t *kernel_sum,
                  const tnn_per_channel_quant_params *quant, int32_t output_offset, void *packed)
{
    tnnh_header h;
    int8_t *w;
    tnnh_rq *rq;
    int32_t b, g, j, q;
    if (tnnh_pack_size(cols, depth) < 0 || packed == NULL) {
        return TNN_ARG_ERROR;
    }
    if (!tnnh_quants_ok(quant, cols)) {
        return TNN_ARG_ERROR;
    }
    memset(&h, 0, sizeof(h));
    h.magic = TNNH_MAGIC;
    h.rounding = TNNH_ROUNDING;
    h.cols = cols;
    h.depth = depth;
    h.groups = (depth + 3) / 4;
    h.blocks = (cols + TNNH_NR - 1) / TNNH_NR;
    h.output_offset = output_offset;
    h.folded = tnnh_can_fold(quant->shift, cols);
    h.any_left = tnnh_any_left(quant->shift, cols);
    memcpy(packed, &h, sizeof(h));
    w = (int8_t *)packed + sizeof(tnnh_header);
    for (b = 0; b < h.blocks; b++) {
        for (g = 0; g < h.groups; g++) {
            int8_t *dst = w + ((intptr_t)b * h.groups + g) * 64;
            for (j = 0; j < TNNH_NR; j++) {
                const int32_t c = b * TNNH_NR + j;
                for (q = 0; q < 4; q++) {
                    const int32_t k = 4 * g + q;
                    dst[4 * j + q] = c < cols && k < depth ? filter[(intptr_t)c * depth + k] : 0;
                }
            }
        }
    }
    rq = (tnnh_rq *)(w + (intptr_t)h.blocks * h.groups * 64);
    for (b = 0; b < h.blocks; b++) {
        tnnh_rq r;
        memset(&r, 0, sizeof(r));
        for (j = 0; j < TNNH_NR; j++) {
            const int32_t c = b * TNNH_NR + j;
            if (c < cols) {
                uint32_t sum = 0;
                int32_t k;
                for (k = 0; k < depth; k++) {
                    sum += (uint32_t)(int32_t)filter[(intptr_t)c * depth + k];
                }
                tnnh_rq_set(&r, j, (int32_t)((uint32_t)(kernel_sum ? kernel_sum[c] : 0) - 128u * sum),
                            quant->multiplier[c], quant->shift[c], h.folded ? output_offset : 0);
            } else {
                tnnh_rq_set(&r, j, 0, 0, 0, 0);
            }
        }
        memcpy(rq + b, &r, sizeof(r));
    }
    return TNN_OK;
}

int32_t tnnh_convolve_s8_get_buffer_size(const tnn_conv_params *params,
                                         const tnn_dims *input_dims,
                                         const tnn_dims *filter_dims,
                                         const tnn_dims *output_dims)
{
    const tnnh_conv_geometry g =
        tnnh_conv_geometry_of(params, input_dims, filter_dims, output_dims);
    /* the canvas, the im2col rows, 64 bytes of slack past each (tnnh_gather), alignment */
    const int64_t size = (int64_t)g.h * g.w * g.channels + 64 +
                         (g.im2col ? (int64_t)g.im2col_rows * g.depth4 + 128 : 0);
    return size > INT32_MAX ? -1 : (int32_t)size;
}

int32_t tnnh_convolve_s8(const tnn_context *ctx, const tnn_conv_params *params,
                         const tnn_dims *input_dims, const int8_t *input,
                         const tnn_dims *filter_dims, const void *packed,
                         const tnn_dims *output_dims, int8_t *output)
{
    const int32_t size =
        tnnh_convolve_s8_get_buffer_size(params, input_dims, filter_dims, output_dims);
    if (tnnh_level() < 1 || size < 0 || !tnnh_ctx_ok(ctx, size) ||
        !tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) ||
        filter_dims->c != input_dims->c || output_dims->n != input_dims->n ||
        params->stride.h < 1 || params->stride.w < 1 || params->dilation.h < 1 ||
        params->dilation.w < 1 || params->padding.h < 0 || params->padding.w < 0 ||
        !tnn_input_offset_s8_ok(params->input_offset) ||
        !tnnh_packed_ok(packed, output_dims->c, filter_dims->h * filter_dims->w * input_dims->c,
                        params->output_offset)) {
        return TNN_ARG_ERROR;
    }
    return tnnh_convolve_s8_avx512(ctx, params, input_dims, input, filter_dims, packed,
                                   output_dims, output);
}

int32_t tnnh_fully_connected_s8_get_buffer_size(const tnn_dims *input_dims)
{
    const int64_t rows = input_dims->n < TNNH_IM2COL_ROWS ? input_dims->n : TNNH_IM2COL_ROWS;
    const int64_t size = rows * ((input_dims->c + 3) & ~3) + 64;
    return size > INT32_MAX ? -1 : (int32_t)size;
}

int32_t tnnh_fully_connected_s8(const tnn_context *ctx, const tnn_fc_params *params,
                                const tnn_dims *input_dims, const int8_t *input,
                                const void *packed, int8_t *output)
{
    const int32_t size = tnnh_fully_connected_s8_get_buffer_size(input_dims);
    const tnnh_header *h = (const tnnh_header *)packed;
    if (tnnh_level() < 1 || size < 0 || !tnnh_ctx_ok(ctx, size) ||
        !tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) || params->filter_offset != 0 ||
        h == NULL ||
        !tnnh_packed_ok(packed, h->cols, input_dims->c, params->output_offset)) {
        return TNN_ARG_ERROR;
    }
    return tnnh_fully_connected_s8_avx512(ctx, params, input_dims, input, packed, output);
}

/* The depthwise layout for these params: pixels per flat chunk, or 0 (one pixel's
 * channels per chunk). */
static int32_t tnnh_dw_flat(const tnn_dw_conv_params *params, int32_t c)
{
    if (c > 32 || 64 % c != 0) {
        return 0;
    }
    if (params->stride.w == 1 || (params->stride.w == 2 && c >= 4)) {
        return 64 / c;
    }
    return 0;
}

static int tnnh_dw_ok(const tnn_dw_conv_params *params, const tnn_dims *input_dims,
                      const tnn_dims *filter_dims)
{
    return params->ch_mult == 1 && filter_dims->c == input_dims->c && input_dims->c > 0 &&
           filter_dims->h > 0 && filter_dims->w > 0 &&
           filter_dims->h * filter_dims->w <= TNNH_MAX_TAPS && params->stride.h >= 1 &&
           params->stride.w >= 1 && params->dilation.h >= 1 && params->dilation.w >= 1 &&
           params->padding.h >= 0 && params->padding.w >= 0 &&
           tnn_input_offset_s8_ok(params->input_offset);
}

int32_t tnnh_dw_pack_size(const tnn_dw_conv_params *params, const tnn_dims *input_dims,
                          const tnn_dims *filter_dims)
{
    const int64_t c = input_dims->c;
    const int64_t chunks = tnnh_dw_flat(params, input_dims->c) ? 1 : (c + 63) / 64;
    const int64_t groups = ((int64_t)filter_dims->h * filter_dims->w + 3) / 4;
    const int64_t size = (int64_t)sizeof(tnnh_dw_header) + chunks * groups * 256 +
                         chunks * 4 * (int64_t)sizeof(tnnh_rq);
    if (!tnnh_dw_ok(params, input_dims, filter_dims) || size > INT32_MAX) {
        return -1;
    }
    return (int32_t)size;
}

int32_t tnnh_dw_pack(const tnn_dw_conv_params *params, const tnn_dims *input_dims,
                     const tnn_dims *filter_dims, const int8_t *filter, const int32_t *bias,
                     const tnn_per_channel_quant_params *quant, void *packed)
{
    tnnh_dw_header h;
    int8_t *w;
    tnnh_rq *rq;
    const int32_t c_n = input_dims->c;
    int32_t j, g, v, d, q;
    if (tnnh_dw_pack_size(params, input_dims, filter_dims) < 0 || packed == NULL) {
        return TNN_ARG_ERROR;
    }
    if (!tnnh_quants_ok(quant, c_n)) {
        return TNN_ARG_ERROR;
    }
    memset(&h, 0, sizeof(h));
    h.magic = TNNH_MAGIC;
    h.rounding = TNNH_ROUNDING;
    h.channels = c_n;
    h.kh = filter_dims->h;
    h.kw = filter_dims->w;
    h.taps = h.kh * h.kw;
    h.groups = (h.taps + 3) / 4;
    h.flat = tnnh_dw_flat(params, c_n);
    h.chunks = h.flat ? 1 : (c_n + 63) / 64;
    h.input_offset = params->input_offset;
    h.stride_w = params->stride.w;
    h.output_offset = params->output_offset;
    h.folded = tnnh_can_fold(quant->shift, c_n);
    h.any_left = tnnh_any_left(quant->shift, c_n);
    memcpy(packed, &h, sizeof(h));
    w = (int8_t *)packed + sizeof(h);
    rq = (tnnh_rq *)(w + (intptr_t)h.chunks * h.groups * 256);
    for (j = 0; j < h.chunks; j++) {
        for (v = 0; v < 4; v++) {
            tnnh_rq r;
            memset(&r, 0, sizeof(r));
            for (d = 0; d < 16; d++) {
                const int32_t f = 16 * (d / 4) + 4 * v + d % 4;
                const int32_t ch = h.flat ? f % c_n : 64 * j + f;
                for (g = 0; g < h.groups; g++) {
                    for (q = 0; q < 4; q++) {
                        const int32_t t = 4 * g + q;
                        w[(((intptr_t)j * h.groups + g) * 4 + v) * 64 + 4 * d + q] =
                            ch < c_n && t < h.taps ? filter[(intptr_t)t * c_n + ch] : 0;
                    }
                }
                if (ch < c_n) {
                    uint32_t sum = 0;
                    int32_t t;
                    for (t = 0; t < h.taps; t++) {
                        sum += (uint32_t)(int32_t)filter[(intptr_t)t * c_n + ch];
                    }
                    tnnh_rq_set(&r, d,
                                (int32_t)((uint32_t)(bias ? bias[ch] : 0) +
                                          (uint32_t)(params->input_offset - 128) * sum),
                                quant->multiplier[ch], quant->shift[ch],
                                h.folded ? params->output_offset : 0);
                } else {
                    tnnh_rq_set(&r, d, 0, 0, 0, 0);
                }
            }
            memcpy(rq + (intptr_t)j * 4 + v, &r, sizeof(r));
        }
    }
    return TNN_OK;
}

int32_t tnnh_depthwise_conv_s8_get_buffer_size(const tnn_dw_conv_params *params,
                                               const tnn_dims *input_dims,
                                               const tnn_dims *filter_dims,
                                               const tnn_dims *output_dims)
{
    const tnnh_conv_geometry g = tnnh_geometry(params->stride, params->padding, params->dilation,
                                               input_dims, filter_dims, output_dims);
    const int64_t size = (int64_t)g.h * g.w * g.channels + TNNH_DW_SLACK + 64;
    return size > INT32_MAX ? -1 : (int32_t)size;
}

int32_t tnnh_depthwise_conv_s8(const tnn_context *ctx, const tnn_dw_conv_params *params,
                               const tnn_dims *input_dims, const int8_t *input,
                               const tnn_dims *filter_dims, const void *packed,
                               const tnn_dims *output_dims, int8_t *output)
{
    const tnnh_dw_header *h = (const tnnh_dw_header *)packed;
    const int32_t size = tnnh_depthwise_conv_s8_get_buffer_size(params, input_dims, filter_dims,
                                                               output_dims);
    if (tnnh_level() < 1 || size < 0 || !tnnh_ctx_ok(ctx, size) ||
        !tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) ||
        !tnnh_dw_ok(params, input_dims, filter_dims) || h == NULL || h->magic != TNNH_MAGIC ||
        h->rounding != TNNH_ROUNDING || h->channels != input_dims->c ||
        output_dims->c != input_dims->c || output_dims->n != input_dims->n ||
        h->kh != filter_dims->h || h->kw != filter_dims->w ||
        h->input_offset != params->input_offset || h->stride_w != params->stride.w ||
        h->output_offset != params->output_offset ||
        h->flat != tnnh_dw_flat(params, input_dims->c)) {
        return TNN_ARG_ERROR;
    }
    return tnnh_depthwise_conv_s8_avx512(ctx, params, input_dims, input, filter_dims, packed,
                                         output_dims, output);
}

/* What the vector ADD takes (else the portable kernel runs). */
static int tnnh_add_ok(const tnn_add_params *params, int32_t size)
{
    return tnnh_level() >= 1 && tnn_act_ok(params->activation, INT8_MIN, INT8_MAX) &&
           params->left_shift >= 0 && params->left_shift <= 22 &&
           (params->subtract == 0 || params->subtract == 1) && size >= 0 &&
           tnnh_quant_ok(params->input1_quant.multiplier, params->input1_quant.shift) &&
           tnnh_quant_ok(params->input2_quant.multiplier, params->input2_quant.shift) &&
           tnnh_quant_ok(params->output_quant.multiplier, params->output_quant.shift);
}

int32_t tnnh_add_pack_size(void)
{
    return tnnh_add_state_size() + 64;
}

int32_t tnnh_add_pack(const tnn_add_params *params, void *packed)
{
    if (!tnnh_add_ok(params, 0) || packed == NULL) {
        return TNN_ARG_ERROR;
    }
    tnnh_add_prepare(params, (uint8_t *)packed + ((64 - ((uintptr_t)packed & 63)) & 63));
    return TNN_OK;
}

int32_t tnnh_add_s8_packed(const tnn_add_params *params, const void *packed,
                           const int8_t *input1, const int8_t *input2, int8_t *output,
                           int32_t size)
{
    const void *state =
        packed ? (const uint8_t *)packed + ((64 - ((uintptr_t)packed & 63)) & 63) : NULL;
    /* what the vector code does not take, the portable kernel computes (or refuses) */
    if (!tnnh_add_ok(params, size) || state == NULL || !tnnh_add_state_ok(state, params)) {
        return tnn_add_s8(params, input1, input2, output, size);
    }
    return tnnh_add_s8_avx512(params, state, input1, input2, output, size);
}
