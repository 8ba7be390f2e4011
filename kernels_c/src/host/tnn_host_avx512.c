/*
 * tnn_host_avx512.c - int8 convolution and fully connected layers with
 * AVX-512 VNNI (host builds only; entered through tnn_host.c when
 * tnnh_level() >= 1).
 *
 * The matrix product runs tiles of up to 8 rows (output pixels) x 16, 32 or
 * 64 channels with the sums in registers over the whole depth: per group of 4
 * depth values, one broadcast of 4 activation bytes per row and one VPDPBUSD
 * per row and block of 16 channels against the packed weights. Rows are
 * pointers into a canvas: the input, made unsigned (x ^ 0x80), inside a border
 * of padding pixels (the input zero point, made unsigned), so that every
 * window lies inside it; a tap is a fixed offset from the row's pointer (an
 * "indirect" GEMM, no im2col copy). Inputs whose channel count is not a
 * multiple of 4 (3-channel images, 1-channel spectrograms) have their windows
 * gathered into rows of a multiple of 4 bytes instead.
 */
#include "tnn_host_avx512.h"

#define TNNH_MR 8 /* rows per tile */

/* One tile: MR rows x NB blocks of 16 channels. Row i reads base[i] + offs[t]
 * + 4g for tap t < taps and group g < gpt; w: the first group of the first
 * block (blocks block_bytes apart); rq: the first block's record; the outputs
 * of row i go to out + i * out_stride, `last` channels of the last block. */
TNNH_INLINE void tnnh_tile(const int MR, const int NB, const uint8_t *const *base,
                           const intptr_t *offs, int32_t taps, int32_t gpt, const int8_t *w,
                           intptr_t block_bytes, const tnnh_rq *rq, int8_t *out,
                           intptr_t out_stride, int32_t last, const tnnh_out *o)
{
    __m512i acc[TNNH_MR][4];
    int32_t i, n, t, g;
#pragma GCC unroll 4
    for (n = 0; n < NB; n++) {
        const __m512i b = _mm512_loadu_si512(rq[n].bias);
#pragma GCC unroll 8
        for (i = 0; i < MR; i++) {
            acc[i][n] = b;
        }
    }
    for (t = 0; t < taps; t++) {
        const uint8_t *a[TNNH_MR];
        const intptr_t off = offs[t];
#pragma GCC unroll 8
        for (i = 0; i < MR; i++) {
            a[i] = base[i] + off;
        }
#pragma GCC unroll 2
        for (g = 0; g < gpt; g++) {
            __m512i wv[4];
#pragma GCC unroll 4
            for (n = 0; n < NB; n++) {
                wv[n] = _mm512_loadu_si512(w + n * block_bytes);
            }
            w += 64;
#pragma GCC unroll 8
            for (i = 0; i < MR; i++) {
                const __m512i x = _mm512_set1_epi32(tnnh_load32(a[i] + 4 * g));
#pragma GCC unroll 4
                for (n = 0; n < NB; n++) {
                    acc[i][n] = tnnh_dpbusd(acc[i][n], x, wv[n]);
                }
            }
        }
    }
    {
        /* the output stage, block by block, its flags tested once per block */
        const tnnh_out oo = *o;
#pragma GCC unroll 4
        for (n = 0; n < NB; n++) {
            const __mmask16 m =
                n < NB - 1 || last >= 16 ? 0xFFFF : (__mmask16)((1u << last) - 1u);
            __m512i y[TNNH_MR];
#pragma GCC unroll 8
            for (i = 0; i < MR; i++) {
                y[i] = tnnh_mbqm16(oo.left ? tnnh_left16(acc[i][n], rq + n) : acc[i][n], rq + n);
            }
            tnnh_finish(y, MR, &oo);
#pragma GCC unroll 8
            for (i = 0; i < MR; i++) {
                _mm512_mask_cvtsepi32_storeu_epi8(out + i * out_stride + 16 * n, m, y[i]);
            }
        }
    }
}

/* One im2col row: the k_h x k_w taps of C bytes at src (rows dy, taps dx apart). */
static void tnnh_gather(uint8_t *dst, const uint8_t *src, int32_t k_h, int32_t k_w, int32_t c,
                        intptr_t dy, intptr_t dx)
{
    const int32_t run = k_w * c;
    int32_t ky, kx;
    if (dx == c && run <= 64) {
        /* dilation 1: each window row is one run of at most 64 bytes, copied as 64
         * (what lands past the run is overwritten by the next run, or is the row's
         * tail, which meets zero weights; the buffers have 64 bytes of slack) */
        for (ky = 0; ky < k_h; ky++) {
            _mm512_storeu_si512(dst, _mm512_loadu_si512(src));
            dst += run;
            src += dy;
        }
        return;
    }
    for (ky = 0; ky < k_h; ky++) {
        if (dx == c) {
            memcpy(dst, src, (size_t)run);
            dst += run;
        } else {
            for (kx = 0; kx < k_w; kx++) {
                memcpy(dst, src + kx * dx, (size_t)c);
                dst += c;
            }
        }
        src += dy;
    }
}

typedef void (*tnnh_tile_fn)(const uint8_t *const *, const intptr_t *, int32_t, int32_t,
                             const int8_t *, intptr_t, const tnnh_rq *, int8_t *, intptr_t,
                             int32_t, const tnnh_out *);

#define TNNH_TILE(MR, NB)                                                                        \
    static void tnnh_tile_##MR##_##NB(const uint8_t *const *base, const intptr_t *offs,          \
                                      int32_t taps, int32_t gpt, const int8_t *w,                \
                                      intptr_t block_bytes, const tnnh_rq *rq, int8_t *out,      \
                                      intptr_t out_stride, int32_t last, const tnnh_out *o)      \
    {                                                                                            \
        tnnh_tile(MR, NB, base, offs, taps, gpt, w, block_bytes, rq, out, out_stride, last, o); \
    }
#define TNNH_TILES(MR) TNNH_TILE(MR, 1) TNNH_TILE(MR, 2) TNNH_TILE(MR, 4)
TNNH_TILES(1)
TNNH_TILES(2)
TNNH_TILES(3)
TNNH_TILES(4)
TNNH_TILE(5, 1)
TNNH_TILE(5, 2)
TNNH_TILE(6, 1)
TNNH_TILE(6, 2)
TNNH_TILE(7, 1)
TNNH_TILE(7, 2)
TNNH_TILE(8, 1)
TNNH_TILE(8, 2)

/* [MR - 1][0: NB 1, 1: NB 2, 2: NB 4 (MR <= 4)] */
static const tnnh_tile_fn tnnh_tiles[TNNH_MR][3] = {
    {tnnh_tile_1_1, tnnh_tile_1_2, tnnh_tile_1_4}, {tnnh_tile_2_1, tnnh_tile_2_2, tnnh_tile_2_4},
    {tnnh_tile_3_1, tnnh_tile_3_2, tnnh_tile_3_4}, {tnnh_tile_4_1, tnnh_tile_4_2, tnnh_tile_4_4},
    {tnnh_tile_5_1, tnnh_tile_5_2, 0},             {tnnh_tile_6_1, tnnh_tile_6_2, 0},
    {tnnh_tile_7_1, tnnh_tile_7_2, 0},             {tnnh_tile_8_1, tnnh_tile_8_2, 0},
};

/* out[r * out_stride + c] for rows r < rows (row r's activations at base[r] + offs[t]
 * + k, tap t < taps, k < 4 * gpt) and every channel c of the packed weights h. */
static void tnnh_gemm(int32_t rows, const uint8_t *const *base, const intptr_t *offs,
                      int32_t taps, int32_t gpt, const tnnh_header *h, int8_t *out,
                      intptr_t out_stride, const tnnh_out *o)
{
    const int8_t *w = tnnh_weights(h);
    const tnnh_rq *rq = tnnh_records(h);
    const intptr_t block_bytes = (intptr_t)h->groups * 64;
    int32_t r0;
    for (r0 = 0; r0 < rows; r0 += TNNH_MR) {
        const int32_t mr = rows - r0 < TNNH_MR ? rows - r0 : TNNH_MR;
        const int wide = mr <= 4 ? 2 : 1; /* NB 4 for short tiles, else 2 */
        int32_t b = 0;
        while (b < h->blocks) {
            const int32_t left = h->blocks - b;
            const int k = left >= (wide == 2 ? 4 : 2) ? wide : left >= 2 ? 1 : 0;
            const int32_t nb = k == 2 ? 4 : k == 1 ? 2 : 1;
            const int32_t last = h->cols - 16 * (b + nb - 1);
            tnnh_tiles[mr - 1][k](base + r0, offs, taps, gpt, w + b * block_bytes, block_bytes,
                                  rq + b, out + r0 * out_stride + 16 * b, out_stride, last, o);
            b += nb;
        }
    }
}




int32_t tnnh_convolve_s8_avx512(const tnn_context *ctx, const tnn_conv_params *params,
                                const tnn_dims *input_dims, const int8_t *input,
                                const tnn_dims *filter_dims, const void *packed,
                                const tnn_dims *output_dims, int8_t *output)
{
    const tnnh_header *h = (const tnnh_header *)packed;
    const tnnh_conv_geometry g =
        tnnh_conv_geometry_of(params, input_dims, filter_dims, output_dims);
    const int32_t in_h = input_dims->h, in_w = input_dims->w, c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t pixels = out_h * out_w;
    const intptr_t row_bytes = (intptr_t)g.w * c;
    const uint8_t pad = (uint8_t)(-params->input_offset + 128);
    const tnnh_out o =
        tnnh_out_of(params->output_offset, params->activation, h->folded, h->any_left);
    uint8_t *canvas = tnnh_align64(ctx->buf);
    uint8_t *cols = canvas + g.canvas_bytes + 64;
    const uint8_t *base[TNNH_IM2COL_ROWS];
    intptr_t offs[TNNH_MAX_TAPS];
    const intptr_t step_row = (intptr_t)params->stride.h * row_bytes;
    const intptr_t step_col = (intptr_t)params->stride.w * c;
    const intptr_t dil_row = (intptr_t)params->dilation.h * row_bytes;
    const intptr_t dil_col = (intptr_t)params->dilation.w * c;
    const uint8_t *row, *window;
    int32_t n, p0, r, ky, kx, oy, ox;

    for (ky = 0; ky < k_h && !g.im2col; ky++) {
        for (kx = 0; kx < k_w; kx++) {
            offs[ky * k_w + kx] = ((intptr_t)ky * params->dilation.h * g.w +
                                   (intptr_t)kx * params->dilation.w) * c;
        }
    }
    if (g.im2col) {
        /* defined bytes everywhere the gathers read or write past their runs */
        memset(canvas + g.canvas_bytes, 0, 64 + (size_t)g.im2col_rows * g.depth4 + 64);
    }
    for (n = 0; n < input_dims->n; n++) {
        const int8_t *image = input + (intptr_t)n * in_h * in_w * c;
        int8_t *out_image = output + (intptr_t)n * pixels * out_c;
        tnnh_fill_canvas(&g, image, in_h, in_w, pad, canvas);
        oy = ox = 0;
        row = canvas;
        window = canvas;
        for (p0 = 0; p0 < pixels; p0 += TNNH_IM2COL_ROWS) {
            const int32_t rows = pixels - p0 < TNNH_IM2COL_ROWS ? pixels - p0 : TNNH_IM2COL_ROWS;
            for (r = 0; r < rows; r++) {
                if (!g.im2col) {
                    base[r] = window;
                } else {
                    uint8_t *dst = cols + (intptr_t)r * g.depth4;
                    tnnh_gather(dst, window, k_h, k_w, c, dil_row, dil_col);
                    base[r] = dst;
                }
                window += step_col;
                if (++ox == out_w) {
                    ox = 0;
                    oy++;
                    row += step_row;
                    window = row;
                }
            }
            if (!g.im2col) {
                tnnh_gemm(rows, base, offs, g.taps, c / 4, h, out_image + (intptr_t)p0 * out_c,
                          out_c, &o);
            } else {
                const intptr_t zero = 0;
                tnnh_gemm(rows, base, &zero, 1, g.depth4 / 4, h, out_image + (intptr_t)p0 * out_c,
                          out_c, &o);
            }
        }
    }
    return TNN_OK;
}

int32_t tnnh_fully_connected_s8_avx512(const tnn_context *ctx, const tnn_fc_params *params,
                                       const tnn_dims *input_dims, const int8_t *input,
                                       const void *packed, int8_t *output)
{
    const tnnh_header *h = (const tnnh_header *)packed;
    const int32_t depth = input_dims->c, depth4 = (depth + 3) & ~3, units = h->cols;
    const tnnh_out o =
        tnnh_out_of(params->output_offset, params->activation, h->folded, h->any_left);
    uint8_t *rows_u8 = tnnh_align64(ctx->buf);
    const uint8_t *base[TNNH_IM2COL_ROWS];
    const intptr_t zero = 0;
    int32_t r0, r, k;
    for (r0 = 0; r0 < input_dims->n; r0 += TNNH_IM2COL_ROWS) {
        const int32_t rows =
            input_dims->n - r0 < TNNH_IM2COL_ROWS ? input_dims->n - r0 : TNNH_IM2COL_ROWS;
        for (r = 0; r < rows; r++) {
            uint8_t *dst = rows_u8 + (intptr_t)r * depth4;
            tnnh_to_u8(input + (intptr_t)(r0 + r) * depth, dst, depth);
            for (k = depth; k < depth4; k++) {
                dst[k] = 0;
            }
            base[r] = dst;
        }
        tnnh_gemm(rows, base, &zero, 1, depth4 / 4, h, output + (intptr_t)r0 * units, units, &o);
    }
    return TNN_OK;
}

#if defined(__clang__)
#pragma clang attribute pop /* tnn_host_avx512.h */
#endif
