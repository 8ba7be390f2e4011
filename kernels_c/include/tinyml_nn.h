/*
 * tinyml_nn.h - the public interface of the tinyml int8 kernels.
 *
 * Portable C99 kernels that reproduce the TensorFlow Lite Micro reference
 * kernels bit for bit. They are written as firmware code: no allocation, no
 * state kept between calls, no libc beyond <string.h>/<stdint.h>; every kernel
 * that needs working memory takes it from the caller and says how much it
 * needs through its *_get_buffer_size function.
 *
 * Layouts are NHWC (activations), OHWI (conv filters), 1HWO (depthwise
 * filters) and [units, depth] (fully connected weights). Offsets follow the
 * TFLite convention: input_offset = -input_zero_point, output_offset =
 * +output_zero_point.
 */
#ifndef TINYML_NN_H
#define TINYML_NN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TNN_OK 0
#define TNN_ARG_ERROR (-1)

/* Tensor dimensions, NHWC. Unused dimensions are 1. */
typedef struct {
    int32_t n;
    int32_t h;
    int32_t w;
    int32_t c;
} tnn_dims;

/* A (height, width) pair: strides, paddings, dilations, window sizes. */
typedef struct {
    int32_t h;
    int32_t w;
} tnn_tile;

/* Clamp range of the fused activation, in output integers. */
typedef struct {
    int32_t min;
    int32_t max;
} tnn_activation;

/* Requantization constants, one (multiplier, shift) pair per output channel. */
typedef struct {
    const int32_t *multiplier;
    const int32_t *shift;
} tnn_per_channel_quant_params;

/* One (multiplier, shift) pair for the whole tensor. */
typedef struct {
    int32_t multiplier;
    int32_t shift;
} tnn_per_tensor_quant_params;

typedef struct {
    int32_t input_offset;   /* -input zero point */
    int32_t output_offset;  /* +output zero point */
    tnn_tile stride;
    tnn_tile padding;       /* rows above / columns left of the image */
    tnn_tile dilation;
    tnn_activation activation;
} tnn_conv_params;

typedef struct {
    int32_t input_offset;
    int32_t output_offset;
    int32_t ch_mult;        /* depth multiplier */
    tnn_tile stride;
    tnn_tile padding;
    tnn_tile dilation;
    tnn_activation activation;
} tnn_dw_conv_params;

typedef struct {
    int32_t input_offset;
    int32_t filter_offset;  /* -filter zero point (per-tensor weights only) */
    int32_t output_offset;
    tnn_activation activation;
} tnn_fc_params;

typedef struct {
    tnn_tile stride;
    tnn_tile padding;
    tnn_activation activation;
} tnn_pool_params;

/* ADD / SUB (TFLM add.h): each input is shifted left by left_shift, scaled by
 * its own multiplier, summed, and the sum scaled to the output. */
typedef struct {
    int32_t input1_offset;
    int32_t input2_offset;
    int32_t output_offset;
    int32_t left_shift;
    tnn_per_tensor_quant_params input1_quant;
    tnn_per_tensor_quant_params input2_quant;
    tnn_per_tensor_quant_params output_quant;
    tnn_activation activation;
} tnn_add_params;

typedef struct {
    int32_t input1_offset;
    int32_t input2_offset;
    int32_t output_offset;
    tnn_per_tensor_quant_params output_quant;
    tnn_activation activation;
} tnn_mul_params;

/* SOFTMAX (TFLM reference softmax.h): int8 in, int8 out with scale 1/256, zp -128. */
typedef struct {
    int32_t input_multiplier;
    int32_t input_left_shift;
    int32_t diff_min;
} tnn_softmax_params;

/* ---- support ---------------------------------------------------------- */

/* out[o] = bias[o] + input_offset * sum_k filter[o][k] (bias may be NULL), wrapping
 * like int32 arithmetic. The convolution and fully connected kernels take this
 * "folded" bias: they then run a plain int8 x int8 dot product, and fill padding
 * taps with the input zero point so that the padding adds nothing. */
void tnn_fold_bias_s8(const int8_t *filter, const int32_t *bias, int32_t out_ch,
                      int32_t depth, int32_t input_offset, int32_t *out);

/* Matrix product of int8 rows with int8 weight rows, requantized per column:
 * out[r * out_stride + o] = requant(bias[o] + sum_k lhs[r*lhs_stride + k] * rhs[o*depth + k]). */
void tnn_nn_mat_mult_s8(const int8_t *lhs, int32_t lhs_rows, int32_t lhs_stride,
                        const int8_t *rhs, int32_t rhs_rows, int32_t depth,
                        const int32_t *bias, const tnn_per_channel_quant_params *quant,
                        int32_t output_offset, tnn_activation act,
                        int8_t *out, int32_t out_stride);

/* ---- convolution -------------------------------------------------------- */

/* General CONV_2D: any stride, padding, dilation. `bias` is the folded bias. */
int32_t tnn_convolve_s8(const tnn_conv_params *params,
                        const tnn_per_channel_quant_params *quant,
                        const tnn_dims *input_dims, const int8_t *input,
                        const tnn_dims *filter_dims, const int8_t *filter,
                        const int32_t *bias,
                        const tnn_dims *output_dims, int8_t *output, void *scratch);
int32_t tnn_convolve_s8_get_buffer_size(const tnn_dims *input_dims, const tnn_dims *filter_dims);

/* 1x1 filter, no padding, dilation 1, any stride: no im2col. */
int32_t tnn_convolve_1x1_s8(const tnn_conv_params *params,
                            const tnn_per_channel_quant_params *quant,
                            const tnn_dims *input_dims, const int8_t *input,
                            const tnn_dims *filter_dims, const int8_t *filter,
                            const int32_t *bias,
                            const tnn_dims *output_dims, int8_t *output);
int32_t tnn_convolve_1x1_s8_get_buffer_size(void);

/* 1xN filter on a height-1 input (audio, time series): the im2col of a block of
 * output pixels is one strided run of the row. */
int32_t tnn_convolve_1xn_s8(const tnn_conv_params *params,
                            const tnn_per_channel_quant_params *quant,
                            const tnn_dims *input_dims, const int8_t *input,
                            const tnn_dims *filter_dims, const int8_t *filter,
                            const int32_t *bias,
                            const tnn_dims *output_dims, int8_t *output, void *scratch);
int32_t tnn_convolve_1xn_s8_get_buffer_size(const tnn_dims *input_dims, const tnn_dims *filter_dims);

/* ---- depthwise convolution (raw bias, may be NULL) ---------------------- */

int32_t tnn_depthwise_conv_s8(const tnn_dw_conv_params *params,
                              const tnn_per_channel_quant_params *quant,
                              const tnn_dims *input_dims, const int8_t *input,
                              const tnn_dims *filter_dims, const int8_t *filter,
                              const int32_t *bias,
                              const tnn_dims *output_dims, int8_t *output, void *scratch);
int32_t tnn_depthwise_conv_s8_get_buffer_size(const tnn_dims *output_dims);

/* Depth multiplier 1, any window, stride, padding, dilation. */
int32_t tnn_depthwise_conv_mult1_s8(const tnn_dw_conv_params *params,
                                    const tnn_per_channel_quant_params *quant,
                                    const tnn_dims *input_dims, const int8_t *input,
                                    const tnn_dims *filter_dims, const int8_t *filter,
                                    const int32_t *bias,
                                    const tnn_dims *output_dims, int8_t *output, void *scratch);
int32_t tnn_depthwise_conv_mult1_s8_get_buffer_size(const tnn_dims *output_dims);

/* Depth multiplier 1, 3x3 window, dilation 1, padding <= 1. */
int32_t tnn_depthwise_conv_3x3_s8(const tnn_dw_conv_params *params,
                                  const tnn_per_channel_quant_params *quant,
                                  const tnn_dims *input_dims, const int8_t *input,
                                  const tnn_dims *filter_dims, const int8_t *filter,
                                  const int32_t *bias,
                                  const tnn_dims *output_dims, int8_t *output, void *scratch);
int32_t tnn_depthwise_conv_3x3_s8_get_buffer_size(const tnn_dims *output_dims);

/* ---- fully connected ---------------------------------------------------- */

/* input_dims: n = batches, c = depth; filter_dims: n = units, c = depth.
 * `kernel_sum` from tnn_fully_connected_s8_kernel_sum. Per-tensor weights pass
 * `units` copies of their (multiplier, shift) and their filter offset;
 * per-channel weights pass filter_offset 0. */
int32_t tnn_fully_connected_s8(const tnn_fc_params *params,
                               const tnn_per_channel_quant_params *quant,
                               const tnn_dims *input_dims, const int8_t *input,
                               const tnn_dims *filter_dims, const int8_t *filter,
                               const int32_t *kernel_sum,
                               int8_t *output, void *scratch);
int32_t tnn_fully_connected_s8_get_buffer_size(const tnn_dims *filter_dims);
/* kernel_sum[o] = bias[o] + sum_k (input_offset * (w[o][k] + filter_offset))
 *                 (int32 wrap-around), then the kernel adds filter_offset * sum(x). */
void tnn_fully_connected_s8_kernel_sum(const tnn_fc_params *params, const int8_t *filter,
                                       const int32_t *bias, int32_t units, int32_t depth,
                                       int32_t *kernel_sum);

/* ---- pooling ------------------------------------------------------------ */

int32_t tnn_avgpool_s8(const tnn_pool_params *params, const tnn_dims *input_dims,
                       const int8_t *input, const tnn_tile *filter,
                       const tnn_dims *output_dims, int8_t *output, void *scratch);
int32_t tnn_avgpool_s8_get_buffer_size(const tnn_dims *output_dims);

int32_t tnn_maxpool_s8(const tnn_pool_params *params, const tnn_dims *input_dims,
                       const int8_t *input, const tnn_tile *filter,
                       const tnn_dims *output_dims, int8_t *output);

/* ---- elementwise (same-shape inputs; broadcasting is the caller's) ------- */

int32_t tnn_add_s8(const tnn_add_params *params, const int8_t *input1, const int8_t *input2,
                   int8_t *output, int32_t size);

int32_t tnn_mul_s8(const tnn_mul_params *params, const int8_t *input1, const int8_t *input2,
                   int8_t *output, int32_t size);

/* ---- softmax ------------------------------------------------------------ */

/* Returns TNN_ARG_ERROR (and leaves the row unfinished) where TFLM aborts: a row
 * whose exponentials sum to 512 or more. */
int32_t tnn_softmax_s8(const tnn_softmax_params *params, const int8_t *input,
                       int32_t rows, int32_t depth, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_NN_H */
