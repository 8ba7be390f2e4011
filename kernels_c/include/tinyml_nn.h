/*
 * tinyml_nn.h - the public interface of the tinyml kernels.
 *
 * Portable C99 kernels that reproduce the TensorFlow Lite Micro reference
 * kernels bit for bit. They are written as firmware code: no allocation, no
 * state kept between calls, no libc beyond <string.h>/<stdint.h>.
 *
 * Conventions (those of CMSIS-NN):
 * - Layouts are NHWC (activations), OHWI (convolution filters), 1HWO
 *   (depthwise filters) and [units, depth] (fully connected weights).
 * - Offsets: input_offset = -input zero point, in [-127, 128] for int8;
 *   output_offset = +output zero point, in [-128, 127].
 * - Requantization constants come from QuantizeMultiplier: a multiplier in
 *   [2^30, 2^31) (or 0) and a shift in [-31, 30], the real scale being
 *   multiplier * 2^(shift - 31). Build with TNN_SINGLE_ROUNDING defined for
 *   TFLITE_SINGLE_ROUNDING arithmetic; the default is TFLM's double rounding.
 * - A kernel that needs working memory takes a context (tnn_context) as its
 *   first argument, whose buffer holds at least what the kernel's
 *   *_get_buffer_size function returns; the kernel checks the size. Buffers
 *   may be uninitialized; the kernels never read what they did not write.
 * - Every kernel returns TNN_OK, or TNN_ARG_ERROR for arguments outside the
 *   ranges documented here (then its output is unspecified).
 * - `bias` always means the model's bias (NULL: none). Kernels that run a plain
 *   integer product on raw inputs (convolution, fully connected, LSTM gates)
 *   take instead a `kernel_sum`: the bias plus the input offset times the
 *   weights' sums, computed once at preparation (tnn_convolve_s8_kernel_sum,
 *   tnn_fully_connected_s8_kernel_sum; the LSTM's by its caller, as documented
 *   there).
 * - Activation ranges are clamp bounds in output integers, min <= max, both
 *   within the output type.
 * - float32 kernels need IEEE 754 binary32 arithmetic as C99's Annex F
 *   describes it (any Arm FPU, soft-float, SSE; round to nearest, no flush to
 *   zero, FLT_EVAL_METHOD 0). Their outputs equal the golden model's bit for
 *   bit, NaN payloads included, on every such core.
 */
#ifndef TINYML_NN_H
#define TINYML_NN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TNN_OK 0
#define TNN_ARG_ERROR (-1)

/* The specialized kernels the wrappers choose from (*_select). */
#define TNN_CONV_1X1 0
#define TNN_CONV_1XN 1
#define TNN_CONV_GENERAL 2
#define TNN_DW_CONV_3X3 0
#define TNN_DW_CONV_MULT1 1
#define TNN_DW_CONV_GENERAL 2

/* The most dimensions a tnn_box walks (TFLM's RuntimeShape holds 6 inline). */
#define TNN_MAX_RANK 6

/* Working memory handed to a kernel: `size` bytes at `buf` (buf may be NULL when
 * the kernel's *_get_buffer_size is 0). Any alignment of 4 bytes or more. */
typedef struct {
    void *buf;
    int32_t size;
} tnn_context;

/* Tensor dimensions, NHWC; every dimension >= 1. Unused dimensions are 1. */
typedef struct {
    int32_t n;
    int32_t h;
    int32_t w;
    int32_t c;
} tnn_dims;

/* A (height, width) pair: strides (>= 1), paddings (>= 0), dilations (>= 1),
 * window sizes (>= 1). */
typedef struct {
    int32_t h;
    int32_t w;
} tnn_tile;

/* Clamp range of the fused activation, in output integers: within the output
 * type's range and not empty (type min <= min <= max <= type max); kernels
 * return TNN_ARG_ERROR otherwise. */
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
    tnn_tile padding;       /* rows above / columns left of the image (TFLM's padding values) */
    tnn_tile dilation;
    tnn_activation activation;
} tnn_conv_params;

typedef struct {
    int32_t input_offset;
    int32_t output_offset;
    int32_t ch_mult;        /* depth multiplier, >= 1: output channel c reads input channel
                               c / ch_mult */
    tnn_tile stride;
    tnn_tile padding;
    tnn_tile dilation;
    tnn_activation activation;
} tnn_dw_conv_params;

typedef struct {
    int32_t input_offset;
    int32_t filter_offset;  /* -filter zero point (per-tensor weights), 0 for per-channel */
    int32_t output_offset;
    tnn_activation activation;
} tnn_fc_params;

typedef struct {
    tnn_tile stride;
    tnn_tile padding;
    tnn_activation activation;
} tnn_pool_params;

/* ADD and SUB (TFLM add.h, sub.h): each input, offset and shifted left by
 * left_shift (20 for int8), is scaled by its own multiplier (real scale < 1),
 * the two are summed (or input 2's subtracted), and the result scaled to the
 * output. */
typedef struct {
    int32_t input1_offset;
    int32_t input2_offset;
    int32_t output_offset;
    int32_t left_shift;     /* 0..22 */
    int32_t subtract;       /* 0: ADD, 1: SUB (input1 - input2) */
    tnn_per_tensor_quant_params input1_quant;
    tnn_per_tensor_quant_params input2_quant;
    tnn_per_tensor_quant_params output_quant;
    tnn_activation activation;
} tnn_add_params;

/* MUL (TFLM mul.h): clamp(MBQM((x1 + off1) * (x2 + off2), output_quant) + off_out). */
typedef struct {
    int32_t input1_offset;
    int32_t input2_offset;
    int32_t output_offset;
    tnn_per_tensor_quant_params output_quant;
    tnn_activation activation;
} tnn_mul_params;

/* SOFTMAX (TFLM reference softmax.h): int8 in, int8 out with scale 1/256, zero
 * point -128. input_multiplier / input_left_shift scale differences to the row
 * maximum into Q5.26 (PreprocessSoftmaxScaling); differences below diff_min
 * (<= 0) contribute nothing. */
typedef struct {
    int32_t input_multiplier;
    int32_t input_left_shift;
    int32_t diff_min;
} tnn_softmax_params;

/* Clamp range of a float32 kernel's fused activation: min <= max (float32's
 * lowest and max where unbounded). */
typedef struct {
    float min;
    float max;
} tnn_float_activation;

/* float32 FULLY_CONNECTED. Where total and bias are both NaN, the result is the
 * bias's NaN if bias_nan_first (TFLM), else the total's (LiteRT). */
typedef struct {
    tnn_float_activation activation;
    int32_t bias_nan_first;     /* 0 or 1 */
} tnn_fc_f32_params;

/* float32 -> int8 QUANTIZE: clamp(round(x / scale) + output_offset). */
typedef struct {
    float scale;                /* the output scale: finite, non-zero */
    int32_t output_offset;      /* +output zero point */
} tnn_quantize_params;


/* A box of elements of a buffer, walked in row-major order: position
 * (i_0, ..., i_{rank-1}), 0 <= i_k < count[k], is element
 * offset + i_0 * stride[0] + ... + i_{rank-1} * stride[rank-1].
 * rank in [1, TNN_MAX_RANK]; counts >= 0; strides in elements, any sign.
 * The data-movement kernels check that every position lies in their buffer. */
typedef struct {
    int32_t rank;
    const int32_t *count;
    const int32_t *stride;
    int32_t offset;
} tnn_box;

/* SLICE, STRIDED_SLICE, TRANSPOSE: the output is input_box's elements, in order. */
typedef struct {
    int32_t element_size;   /* bytes per element: 1, 2, 4 or 8 */
    int32_t input_size;     /* elements in the input buffer */
    tnn_box input_box;
} tnn_strided_copy_params;

/* PAD, PADV2: the input's elements, in order, go to output_box's positions of the
 * output; every other output element becomes the pad value. output_box's strides
 * are positive, the innermost is 1 and each other one at least count * stride of
 * the axis inside it (so the positions ascend). */
typedef struct {
    int32_t element_size;   /* 1, 2, 4 or 8 */
    int32_t output_size;    /* elements in the output buffer */
    tnn_box output_box;
} tnn_pad_params;

/* CONCATENATION: `outer` slices, each made of input 0's next row_bytes[0] bytes,
 * then input 1's next row_bytes[1] bytes, ... */
typedef struct {
    int32_t input_count;        /* >= 1 */
    int32_t outer;              /* >= 0 */
    const int32_t *row_bytes;   /* input_count values >= 0 */
} tnn_concatenation_params;

/* RESIZE_NEAREST_NEIGHBOR: output pixel (y, x) is input pixel (rows[y], cols[x]). */
typedef struct {
    int32_t element_size;   /* 1, 2, 4 or 8 */
    const int32_t *rows;    /* output height values in [0, input height) */
    const int32_t *cols;    /* output width values in [0, input width) */
} tnn_resize_nearest_params;

/* MEAN and SUM (TFLM reference QuantizedMeanOrSum): output element j is
 * clamp(requant(sum - N * input_zero_point) + output_offset), where sum is the
 * int32 (wrapping) sum of the N elements of the `reduced` box placed at the j-th
 * position of the `outputs` box, and requant uses `quant` (MEAN: 1/N folded into
 * the multiplier, which may then be below 2^30). */
typedef struct {
    int32_t input_offset;   /* -input zero point */
    int32_t output_offset;  /* +output zero point */
    tnn_per_tensor_quant_params quant;  /* multiplier >= 0, shift in [-31, 30] */
    tnn_activation activation;
    int32_t input_size;     /* elements in the input buffer */
    tnn_box outputs;        /* where each output's reduction starts, in output order */
    tnn_box reduced;        /* the elements it sums, relative to that start (offset 0) */
} tnn_mean_params;

/* One gate of an int8 LSTM: its two fully connected products (TFLM's
 * CreateGateParams), over the input row x (n_input values) and over the hidden
 * state row h (n_state values), each to int16 in Q3.12:
 *   FC(v) = clamp16(MBQM(sum_k v[k] * w[o][k] + weights_offset * sum_k v[k]
 *                        + kernel_sum[o], quant))          for o < n_state
 * which is TFLM's sum_k (v[k] - zp_v) (w[o][k] - zp_w) + bias with the constant
 * part folded into kernel_sum = bias + (-zp_v) * sum_k (w[o][k] - zp_w) (int32
 * wrap-around; no bias for the recurrent product). The gate's value is
 * sat16(FC(x) + FC(h)). */
typedef struct {
    const int8_t *input_weights;            /* n_state x n_input */
    const int32_t *input_kernel_sum;        /* n_state */
    int32_t input_weights_offset;           /* -zero point of input_weights, [-127, 128] */
    tnn_per_tensor_quant_params input_quant;
    const int8_t *recurrent_weights;        /* n_state x n_state */
    const int32_t *recurrent_kernel_sum;    /* n_state */
    int32_t recurrent_weights_offset;       /* -zero point of recurrent_weights, [-127, 128] */
    tnn_per_tensor_quant_params recurrent_quant;
} tnn_lstm_gate_s8;

/* One gate of an int16 LSTM (16x8: int16 activations, int8 weights): as
 * tnn_lstm_gate_s8 with int64 sums (the products' sum never wraps for the documented
 * sizes; kernel sums holding an int64 bias may, as TFLM's int64 sum does) and the
 * 16x8 kernels' int64 requantization: the multiplier reduced to 16 bits, one
 * rounding (TFLM's MultiplyByQuantizedMultiplier of an int64; shifts in [-31, 14]). */
typedef struct {
    const int8_t *input_weights;            /* n_state x n_input */
    const int64_t *input_kernel_sum;        /* n_state */
    int32_t input_weights_offset;           /* [-127, 128] */
    tnn_per_tensor_quant_params input_quant;
    const int8_t *recurrent_weights;        /* n_state x n_state */
    const int64_t *recurrent_kernel_sum;    /* n_state */
    int32_t recurrent_weights_offset;       /* [-127, 128] */
    tnn_per_tensor_quant_params recurrent_quant;
} tnn_lstm_gate_s16;

/* What an integer LSTM does with its four gates (Q3.12, int16), per state element:
 *   i, f, o = sigmoid(gate) and g = tanh(gate), in Q0.15 (TFLM's int16 LOGISTIC and
 *     TANH: the gate times 3, interpolated in sigmoid_table)
 *   c = sat16(clamp16(MBQM(f * c, forget_quant)) + clamp16(MBQM(i * g, input_quant)))
 *   c = min(max(c, -cell_clip), cell_clip)         if cell_clip >= 0
 *   h = clamp(MBQM(tanh_c * o, hidden_quant) + hidden_offset, hidden_activation)
 * where tanh_c is the int16 TANH of (c * cell_tanh_multiplier + r) >> cell_tanh_shift
 * in int32 with wrap-around, r = 2^(cell_tanh_shift - 1) (0 for shift 0). */
typedef struct {
    tnn_per_tensor_quant_params forget_quant;   /* f * c -> cell scale */
    tnn_per_tensor_quant_params input_quant;    /* i * g -> cell scale */
    tnn_per_tensor_quant_params hidden_quant;   /* tanh(c) * o -> hidden scale */
    int32_t hidden_offset;                      /* +hidden zero point, within the hidden type */
    tnn_activation hidden_activation;           /* the hidden type's range */
    int32_t cell_clip;                          /* [0, 32767], or -1: no clipping */
    int32_t cell_tanh_multiplier;
    int32_t cell_tanh_shift;                    /* [0, 31] */
    const uint16_t *sigmoid_table;              /* 256 entries: sigmoid(k / 24) in unsigned
                                                   Q0.16 (TFLM's int16 LOGISTIC table) */
} tnn_lstm_cell_params;

/* UNIDIRECTIONAL_SEQUENCE_LSTM with int8 activations, int8 weights, int16 cell state. */
typedef struct {
    int32_t batches;        /* >= 1 */
    int32_t steps;          /* >= 1 */
    int32_t n_input;        /* [1, 65536] */
    int32_t n_state;        /* [1, 65536] */
    int32_t time_major;     /* 1: input and output are steps x batches x features;
                               0: batches x steps x features */
    tnn_lstm_gate_s8 input_gate;
    tnn_lstm_gate_s8 forget_gate;
    tnn_lstm_gate_s8 cell_gate;
    tnn_lstm_gate_s8 output_gate;
    tnn_lstm_cell_params cell;
} tnn_lstm_s8_params;

/* UNIDIRECTIONAL_SEQUENCE_LSTM with int16 activations, int8 weights, int16 cell state;
 * the fields as in tnn_lstm_s8_params. */
typedef struct {
    int32_t batches;
    int32_t steps;
    int32_t n_input;
    int32_t n_state;
    int32_t time_major;
    tnn_lstm_gate_s16 input_gate;
    tnn_lstm_gate_s16 forget_gate;
    tnn_lstm_gate_s16 cell_gate;
    tnn_lstm_gate_s16 output_gate;
    tnn_lstm_cell_params cell;
} tnn_lstm_s16_params;

/* ---- preparation (run once, e.g. at code generation time) ----------------- */

/* kernel_sum[o] = bias[o] + input_offset * sum_k filter[o * depth + k] for o < out_ch
 * (bias may be NULL: 0), wrapping like int32 arithmetic. The convolution kernels
 * take it in place of the bias: they run a plain int8 x int8 product, filling
 * padding taps with the input zero point so that padding adds nothing. */
void tnn_convolve_s8_kernel_sum(const int8_t *filter, const int32_t *bias, int32_t out_ch,
                                int32_t depth, int32_t input_offset, int32_t *kernel_sum);

/* kernel_sum[o] = bias[o] + input_offset * sum_k (w[o][k] + filter_offset), int32
 * wrap-around; bias may be NULL. tnn_fully_connected_s8 takes it in place of the
 * bias and adds filter_offset * sum(x) per input row itself. */
void tnn_fully_connected_s8_kernel_sum(const tnn_fc_params *params, const int8_t *filter,
                                       const int32_t *bias, int32_t units, int32_t depth,
                                       int32_t *kernel_sum);

/* ---- convolution (CONV_2D, int8, per-channel requantization) --------------
 * input_dims: N x H x W x C_in; filter_dims: C_out x KH x KW x C_in (no groups);
 * output_dims: N x OH x OW x C_out as TFLM computes it for the padding;
 * quant: C_out pairs; kernel_sum: from tnn_convolve_s8_kernel_sum, C_out values,
 * never NULL. */

/* The entry point: runs the kernel tnn_convolve_wrapper_s8_select names. */
int32_t tnn_convolve_wrapper_s8(const tnn_context *ctx, const tnn_conv_params *params,
                                const tnn_per_channel_quant_params *quant,
                                const tnn_dims *input_dims, const int8_t *input,
                                const tnn_dims *filter_dims, const int8_t *filter,
                                const int32_t *kernel_sum,
                                const tnn_dims *output_dims, int8_t *output);
int32_t tnn_convolve_wrapper_s8_get_buffer_size(const tnn_conv_params *params,
                                                const tnn_dims *input_dims,
                                                const tnn_dims *filter_dims,
                                                const tnn_dims *output_dims);
/* TNN_CONV_1X1 (1x1 filter, no padding), TNN_CONV_1XN (1xN filter on a one-row
 * input, output height 1, dilation 1 along the row) or TNN_CONV_GENERAL. */
int32_t tnn_convolve_wrapper_s8_select(const tnn_conv_params *params,
                                       const tnn_dims *input_dims, const tnn_dims *filter_dims,
                                       const tnn_dims *output_dims);

/* Any stride, padding and dilation: im2col of blocks of output pixels. */
int32_t tnn_convolve_s8(const tnn_context *ctx,
                        const tnn_conv_params *params,
                        const tnn_per_channel_quant_params *quant,
                        const tnn_dims *input_dims, const int8_t *input,
                        const tnn_dims *filter_dims, const int8_t *filter,
                        const int32_t *kernel_sum,
                        const tnn_dims *output_dims, int8_t *output);
int32_t tnn_convolve_s8_get_buffer_size(const tnn_dims *input_dims, const tnn_dims *filter_dims);

/* 1x1 filter, no padding, any stride: no im2col, no working memory. */
int32_t tnn_convolve_1x1_s8(const tnn_conv_params *params,
                            const tnn_per_channel_quant_params *quant,
                            const tnn_dims *input_dims, const int8_t *input,
                            const tnn_dims *filter_dims, const int8_t *filter,
                            const int32_t *kernel_sum,
                            const tnn_dims *output_dims, int8_t *output);
int32_t tnn_convolve_1x1_s8_get_buffer_size(void);

/* 1xN filter on a height-1 input (audio, time series): the im2col of a block of
 * output pixels is one strided run of the row. */
int32_t tnn_convolve_1xn_s8(const tnn_context *ctx,
                            const tnn_conv_params *params,
                            const tnn_per_channel_quant_params *quant,
                            const tnn_dims *input_dims, const int8_t *input,
                            const tnn_dims *filter_dims, const int8_t *filter,
                            const int32_t *kernel_sum,
                            const tnn_dims *output_dims, int8_t *output);
int32_t tnn_convolve_1xn_s8_get_buffer_size(const tnn_dims *input_dims,
                                            const tnn_dims *filter_dims);

/* ---- depthwise convolution (DEPTHWISE_CONV_2D, int8) ---------------------
 * input_dims: N x H x W x C_in; filter_dims: 1 x KH x KW x C_out with
 * C_out = C_in * ch_mult; quant: C_out pairs; bias: the model's int32 bias,
 * C_out values, or NULL. */

/* The entry point: runs the kernel tnn_depthwise_conv_wrapper_s8_select names. */
int32_t tnn_depthwise_conv_wrapper_s8(const tnn_context *ctx, const tnn_dw_conv_params *params,
                                      const tnn_per_channel_quant_params *quant,
                                      const tnn_dims *input_dims, const int8_t *input,
                                      const tnn_dims *filter_dims, const int8_t *filter,
                                      const int32_t *bias,
                                      const tnn_dims *output_dims, int8_t *output);
int32_t tnn_depthwise_conv_wrapper_s8_get_buffer_size(const tnn_dw_conv_params *params,
                                                      const tnn_dims *input_dims,
                                                      const tnn_dims *filter_dims,
                                                      const tnn_dims *output_dims);
/* TNN_DW_CONV_3X3 (multiplier 1, 3x3 window, dilation 1, padding <= 1),
 * TNN_DW_CONV_MULT1 (multiplier 1) or TNN_DW_CONV_GENERAL (any multiplier, and any
 * input offset outside [-127, 128], which the others refuse). */
int32_t tnn_depthwise_conv_wrapper_s8_select(const tnn_dw_conv_params *params,
                                             const tnn_dims *input_dims,
                                             const tnn_dims *filter_dims,
                                             const tnn_dims *output_dims);

/* Any depth multiplier, window, stride, padding and dilation. */
int32_t tnn_depthwise_conv_s8(const tnn_context *ctx,
                              const tnn_dw_conv_params *params,
                              const tnn_per_channel_quant_params *quant,
                              const tnn_dims *input_dims, const int8_t *input,
                              const tnn_dims *filter_dims, const int8_t *filter,
                              const int32_t *bias,
                              const tnn_dims *output_dims, int8_t *output);
int32_t tnn_depthwise_conv_s8_get_buffer_size(const tnn_dims *output_dims);

/* Depth multiplier 1, any window, stride, padding, dilation. */
int32_t tnn_depthwise_conv_mult1_s8(const tnn_context *ctx,
                                    const tnn_dw_conv_params *params,
                                    const tnn_per_channel_quant_params *quant,
                                    const tnn_dims *input_dims, const int8_t *input,
                                    const tnn_dims *filter_dims, const int8_t *filter,
                                    const int32_t *bias,
                                    const tnn_dims *output_dims, int8_t *output);
int32_t tnn_depthwise_conv_mult1_s8_get_buffer_size(const tnn_dims *output_dims);

/* Depth multiplier 1, 3x3 window, dilation 1, padding <= 1. */
int32_t tnn_depthwise_conv_3x3_s8(const tnn_context *ctx,
                                  const tnn_dw_conv_params *params,
                                  const tnn_per_channel_quant_params *quant,
                                  const tnn_dims *input_dims, const int8_t *input,
                                  const tnn_dims *filter_dims, const int8_t *filter,
                                  const int32_t *bias,
                                  const tnn_dims *output_dims, int8_t *output);
int32_t tnn_depthwise_conv_3x3_s8_get_buffer_size(const tnn_dims *output_dims);

/* ---- transpose convolution (TRANSPOSE_CONV) -------------------------------
 * input_dims: N x H x W x C_in; filter_dims: C_out x KH x KW x C_in (OHWI);
 * output_dims: N x OH x OW x C_out; params: stride, padding (TFLM's, computed for
 * the output size), dilation 1, offsets, activation; quant: C_out pairs. The
 * working memory holds one output's sums (as TFLM's scratch). */

/* int8: int32 sums, bias: the model's int32 bias (C_out values) or NULL. */
int32_t tnn_transpose_conv_s8(const tnn_context *ctx, const tnn_conv_params *params,
                              const tnn_per_channel_quant_params *quant,
                              const tnn_dims *input_dims, const int8_t *input,
                              const tnn_dims *filter_dims, const int8_t *filter,
                              const int32_t *bias,
                              const tnn_dims *output_dims, int8_t *output);
int32_t tnn_transpose_conv_s8_get_buffer_size(const tnn_dims *output_dims);

/* 16x8: int64 sums, bias: int64 (an int16 bias widened) or NULL; offsets 0. */
int32_t tnn_transpose_conv_s16(const tnn_context *ctx, const tnn_conv_params *params,
                               const tnn_per_channel_quant_params *quant,
                               const tnn_dims *input_dims, const int16_t *input,
                               const tnn_dims *filter_dims, const int8_t *filter,
                               const int64_t *bias,
                               const tnn_dims *output_dims, int16_t *output);
int32_t tnn_transpose_conv_s16_get_buffer_size(const tnn_dims *output_dims);

/* ---- 16x8 kernels (int16 activations, int8 weights, int64 accumulators) ----
 * TFLM's int16 overloads with an int64 bias (or none): requantization with the
 * int64 MultiplyByQuantizedMultiplier (shift <= 14). The convolutions read no
 * zero points (params offsets must be 0); FULLY_CONNECTED reads the input and
 * output zero points and, for per-tensor weights, the filter zero point.
 * tnn_convolve_s16 also runs grouped convolutions: filter_dims->c may be a
 * divisor of the input depth (output channels split evenly among the groups). */

int32_t tnn_convolve_s16(const tnn_conv_params *params,
                         const tnn_per_channel_quant_params *quant,
                         const tnn_dims *input_dims, const int16_t *input,
                         const tnn_dims *filter_dims, const int8_t *filter,
                         const int64_t *bias,
                         const tnn_dims *output_dims, int16_t *output);

int32_t tnn_depthwise_conv_s16(const tnn_dw_conv_params *params,
                               const tnn_per_channel_quant_params *quant,
                               const tnn_dims *input_dims, const int16_t *input,
                               const tnn_dims *filter_dims, const int8_t *filter,
                               const int64_t *bias,
                               const tnn_dims *output_dims, int16_t *output);

/* input_offset in [-32768, 32768], filter_offset in [-127, 128]. */
int32_t tnn_fully_connected_s16(const tnn_fc_params *params,
                                const tnn_per_channel_quant_params *quant,
                                const tnn_dims *input_dims, const int16_t *input,
                                const tnn_dims *filter_dims, const int8_t *filter,
                                const int64_t *bias, int16_t *output);

/* ---- fully connected (FULLY_CONNECTED, int8 and float32) -------------------
 * input_dims: n = batches, c = depth; filter_dims: n = units, c = depth;
 * kernel_sum: from tnn_fully_connected_s8_kernel_sum; quant: `units` pairs
 * (per-tensor weights repeat theirs); output: batches x units. */
int32_t tnn_fully_connected_s8(const tnn_context *ctx,
                               const tnn_fc_params *params,
                               const tnn_per_channel_quant_params *quant,
                               const tnn_dims *input_dims, const int8_t *input,
                               const tnn_dims *filter_dims, const int8_t *filter,
                               const int32_t *kernel_sum,
                               int8_t *output);
/* A row of `units` int32 when filter_offset != 0, else 0. */
int32_t tnn_fully_connected_s8_get_buffer_size(const tnn_fc_params *params,
                                               const tnn_dims *filter_dims);

/* float32: total = sum_k input[b][k] * filter[u][k] in k order, one rounding per
 * product and per sum; output[b][u] = clamp(total + bias[u]) (bias may be NULL:
 * none). input_dims: n = batches, c = depth; filter_dims: n = units, c = depth. */
int32_t tnn_fully_connected_f32(const tnn_fc_f32_params *params,
                                const tnn_dims *input_dims, const float *input,
                                const tnn_dims *filter_dims, const float *filter,
                                const float *bias, float *output);

/* ---- pooling (int8; input and output share their quantization) ---------- */

/* The average of the taps inside the image, rounded half away from zero. */
int32_t tnn_avgpool_s8(const tnn_context *ctx,
                       const tnn_pool_params *params, const tnn_dims *input_dims,
                       const int8_t *input, const tnn_tile *filter,
                       const tnn_dims *output_dims, int8_t *output);
int32_t tnn_avgpool_s8_get_buffer_size(const tnn_dims *output_dims);

int32_t tnn_maxpool_s8(const tnn_pool_params *params, const tnn_dims *input_dims,
                       const int8_t *input, const tnn_tile *filter,
                       const tnn_dims *output_dims, int8_t *output);

/* ---- elementwise (same-shape inputs of `size` values) ---------------------- */

/* ADD, or SUB when params->subtract is 1. */
int32_t tnn_add_s8(const tnn_add_params *params, const int8_t *input1, const int8_t *input2,
                   int8_t *output, int32_t size);

int32_t tnn_mul_s8(const tnn_mul_params *params, const int8_t *input1, const int8_t *input2,
                   int8_t *output, int32_t size);

/* ---- quantization ---------------------------------------------------------- */

/* float32 -> int8, `size` values. The quotient is rounded half away from zero; NaN
 * and quotients outside int32 count as INT32_MIN (x86's conversion), to which the
 * offset is added with int32 wrap-around before the clamp. (int8 -> int8 and
 * int8 -> float32 are tables: tnn_lut_s8, tnn_lut_s8_f32.) */
int32_t tnn_quantize_f32_s8(const tnn_quantize_params *params, const float *input,
                            int8_t *output, int32_t size);

/* ---- lookup tables (element-wise functions of one int8 value) -------------- */

/* output[i] = table[input[i] + 128] for i < size: any int8 -> int8 function of one
 * value (table: 256 entries, the output for inputs -128..127). */
int32_t tnn_lut_s8(const int8_t *table, const int8_t *input, int8_t *output, int32_t size);

/* output[i] = table[input[i] + 128] for i < size, float32 outputs copied as bits
 * (table: 256 entries). */
int32_t tnn_lut_s8_f32(const float *table, const int8_t *input, float *output, int32_t size);

/* ---- shape ---------------------------------------------------------------- */

/* RESHAPE, SQUEEZE, EXPAND_DIMS: copies `size` bytes (any element type) unless
 * input and output are the same buffer; the buffers must not otherwise overlap. */
int32_t tnn_reshape(const void *input, void *output, int32_t size);

/* ---- data movement (any element type, as bytes) ------------------------------
 * Input and output buffers must not overlap. */

/* SLICE, STRIDED_SLICE, TRANSPOSE. The output holds the product of the box's
 * counts elements. */
int32_t tnn_strided_copy(const tnn_strided_copy_params *params, const void *input,
                         void *output);

/* PAD, PADV2: the input holds the product of the box's counts elements;
 * pad_value points to one element. */
int32_t tnn_pad(const tnn_pad_params *params, const void *input, const void *pad_value,
                void *output);

/* CONCATENATION: inputs holds input_count pointers (NULL allowed where row_bytes
 * is 0); input i holds outer * row_bytes[i] bytes, the output their sum. */
int32_t tnn_concatenation(const tnn_concatenation_params *params,
                          const void *const *inputs, void *output);

/* RESIZE_NEAREST_NEIGHBOR, NHWC: input_dims and output_dims share n and c. */
int32_t tnn_resize_nearest_neighbor(const tnn_resize_nearest_params *params,
                                    const tnn_dims *input_dims, const void *input,
                                    const tnn_dims *output_dims, void *output);

/* ---- reduction (int8) ----------------------------------------------------- */

/* MEAN, SUM: one output per position of params->outputs, in order. */
int32_t tnn_mean_s8(const tnn_mean_params *params, const int8_t *input, int8_t *output);

/* ---- softmax -------------------------------------------------------------- */

/* `rows` rows of `depth` values. Returns TNN_ARG_ERROR (and leaves the row
 * unfinished) where TFLM aborts: a row whose exponentials sum to 512 or more. */
int32_t tnn_softmax_s8(const tnn_softmax_params *params, const int8_t *input,
                       int32_t rows, int32_t depth, int8_t *output);

/* ---- LSTM (UNIDIRECTIONAL_SEQUENCE_LSTM, TFLM's integer LSTM) ---------------
 * Runs every time step of every batch row: the gates of step t from the input row
 * and the hidden state, then the cell and hidden state (tnn_lstm_cell_params),
 * and the new hidden state is also the output row of step t. hidden_state and
 * cell_state (batches x n_state) are read at the start and hold the last step's
 * state at the end: TFLM's variable tensors, carried over between calls. */
int32_t tnn_lstm_s8(const tnn_context *ctx, const tnn_lstm_s8_params *params,
                    const int8_t *input, int8_t *hidden_state, int16_t *cell_state,
                    int8_t *output);
/* The four gates of one batch row: 4 x n_state int16. */
int32_t tnn_lstm_s8_get_buffer_size(const tnn_lstm_s8_params *params);

int32_t tnn_lstm_s16(const tnn_context *ctx, const tnn_lstm_s16_params *params,
                     const int16_t *input, int16_t *hidden_state, int16_t *cell_state,
                     int16_t *output);
int32_t tnn_lstm_s16_get_buffer_size(const tnn_lstm_s16_params *params);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_NN_H */
