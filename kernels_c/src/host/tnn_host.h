/*
 * tnn_host.h - host-only SIMD kernels of the interpreter's C backend.
 *
 * Compiled by kernels_c/build_cffi.py only, for x86-64 hosts (never part of a
 * firmware tree: interpreter/deploy reads the .c files of kernels_c/src, not this
 * directory). The portable kernels of tinyml_nn.h stay the reference; these
 * compute the same bytes faster on CPUs with AVX-512 (F, BW, VL, DQ) and VNNI,
 * chosen at run time (tnnh_level). Their weights are packed once, at
 * preparation, by tnnh_pack.
 *
 * The int8 products use VPDPBUSD (u8 x s8, four products summed into an int32
 * lane, wrapping): activations are made unsigned (x ^ 0x80 = x + 128) when
 * they are copied into the kernel's working memory, and the packed bias
 * subtracts 128 * sum(w) per output channel, so every int32 sum is the
 * portable kernel's sum modulo 2^32, i.e. the same int32. Requantization runs
 * 16 channels at a time in 64-bit lanes with the build's rounding
 * (TNN_SINGLE_ROUNDING or TFLM's double rounding), exactly as tnn_requantize.
 */
#ifndef TNN_HOST_H
#define TNN_HOST_H

#include <stdint.h>

#include "tinyml_nn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The host SIMD level this CPU runs: 1 with AVX-512 F/BW/VL/DQ/VNNI (and the OS
 * saving its registers), else 0 (the host kernels then refuse every call with
 * TNN_ARG_ERROR and callers use the portable kernels). */
int32_t tnnh_level(void);

/* Bytes of the packed form of `cols` rows of `depth` int8 weights. */
int32_t tnnh_pack_size(int32_t cols, int32_t depth);

/* Packs weights [cols][depth] (OHWI filters flattened per output channel, or
 * fully connected weights) with their kernel sums (tnn_convolve_s8_kernel_sum;
 * NULL: zeros), requantization constants (cols pairs; the shifts within what
 * this build's rounding accepts: [-31, 31] double, [-31, 30] single;
 * multipliers other than INT32_MIN) and the output offset the calls will pass,
 * into `packed` (tnnh_pack_size bytes, any alignment, 64 bytes fastest).
 * Returns TNN_OK, or TNN_ARG_ERROR (nothing usable written) for arguments
 * outside those ranges. */
int32_t tnnh_pack(const int8_t *filter, int32_t cols, int32_t depth, const int32_t *kernel_sum,
                  const tnn_per_channel_quant_params *quant, int32_t output_offset, void *packed);

/* CONV_2D as tnn_convolve_wrapper_s8 computes it, any geometry, with the
 * filter packed by tnnh_pack (cols = output channels, depth = kh * kw * C_in). */
int32_t tnnh_convolve_s8_get_buffer_size(const tnn_conv_params *params,
                                         const tnn_dims *input_dims,
                                         const tnn_dims *filter_dims,
                                         const tnn_dims *output_dims);
int32_t tnnh_convolve_s8(const tnn_context *ctx, const tnn_conv_params *params,
                         const tnn_dims *input_dims, const int8_t *input,
                         const tnn_dims *filter_dims, const void *packed,
                         const tnn_dims *output_dims, int8_t *output);

/* FULLY_CONNECTED as tnn_fully_connected_s8 computes it for weights without a
 * zero point (params->filter_offset == 0), with the weights packed by tnnh_pack
 * (cols = units) and the kernel sum of tnn_fully_connected_s8_kernel_sum. */
int32_t tnnh_fully_connected_s8_get_buffer_size(const tnn_dims *input_dims);
int32_t tnnh_fully_connected_s8(const tnn_context *ctx, const tnn_fc_params *params,
                                const tnn_dims *input_dims, const int8_t *input,
                                const void *packed, int8_t *output);

/* DEPTHWISE_CONV_2D with depth multiplier 1 as tnn_depthwise_conv_wrapper_s8
 * computes it, any window (up to 256 taps), stride, dilation and padding, with
 * the filter [1, kh, kw, C] and bias (NULL: none) packed by tnnh_dw_pack for
 * these params and shapes (the input offset is folded into the packed biases). */
int32_t tnnh_dw_pack_size(const tnn_dw_conv_params *params, const tnn_dims *input_dims,
                          const tnn_dims *filter_dims);
int32_t tnnh_dw_pack(const tnn_dw_conv_params *params, const tnn_dims *input_dims,
                     const tnn_dims *filter_dims, const int8_t *filter, const int32_t *bias,
                     const tnn_per_channel_quant_params *quant, void *packed);
int32_t tnnh_depthwise_conv_s8_get_buffer_size(const tnn_dw_conv_params *params,
                                               const tnn_dims *input_dims,
                                               const tnn_dims *filter_dims,
                                               const tnn_dims *output_dims);
int32_t tnnh_depthwise_conv_s8(const tnn_context *ctx, const tnn_dw_conv_params *params,
                               const tnn_dims *input_dims, const int8_t *input,
                               const tnn_dims *filter_dims, const void *packed,
                               const tnn_dims *output_dims, int8_t *output);

/* ADD / SUB as tnn_add_s8 computes them, with what depends on the params alone
 * (requantization records, the inputs' scaled values tabulated) prepared by
 * tnnh_add_pack into `packed` (tnnh_add_pack_size bytes). tnnh_add_s8_packed
 * hands what its vector code does not take (or params other than the packed
 * ones) to tnn_add_s8. */
int32_t tnnh_add_pack_size(void);
int32_t tnnh_add_pack(const tnn_add_params *params, void *packed);
int32_t tnnh_add_s8_packed(const tnn_add_params *params, const void *packed,
                           const int8_t *input1, const int8_t *input2, int8_t *output,
                           int32_t size);

#ifdef __cplusplus
}
#endif

#endif /* TNN_HOST_H */
