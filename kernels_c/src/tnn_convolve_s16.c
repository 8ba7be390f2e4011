/*
 * tnn_convolve_s16.c - 16x8 CONV_2D (int16 activations, int8 weights; TFLM
 * reference integer_ops/conv.h, its int16 overload with an int64 accumulator).
 *
 * No zero points (TFLM reads neither the input's nor the output's), an int64
 * bias or none, the int64 MultiplyByQuantizedMultiplier, the activation clamp.
 * Grouped convolution as the reference runs it: the filter depth divides the
 * input depth, and output channel oc reads the input channels of its group.
 * Taps outside the image are skipped. |x * w| < 2^22, so an int64 sum of any
 * realistic window is exact.
 */
#include "tnn_support.h"

int32_t tnn_convolve_s16(const tnn_conv_params *params,
                         const tnn_per_channel_quant_params *quant,
                         const tnn_dims *input_dims, const int16_t *input,
                         const tnn_dims *filter_dims, const int8_t *filter,
                         const int64_t *bias,
                         const tnn_dims *output_dims, int16_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t f_c = filter_dims->c;
    const int32_t groups = f_c > 0 ? in_c / f_c : 0;
    int32_t b, oy, ox, oc, ky, kx, ic;

    if (!tnn_act_ok(params->activation, INT16_MIN, INT16_MAX) ||
        f_c < 1 || groups * f_c != in_c || out_c % groups != 0 || filter_dims->n != out_c ||
        input_dims->n != output_dims->n || params->input_offset != 0 ||
        params->output_offset != 0) {
        return TNN_ARG_ERROR;
    }
    for (b = 0; b < input_dims->n; b++) {
        const int16_t *image = input + (intptr_t)b * in_h * in_w * in_c;
        for (oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            for (ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                int16_t *out = output + (((intptr_t)b * out_h + oy) * out_w + ox) * out_c;
                for (oc = 0; oc < out_c; oc++) {
                    const int8_t *w = filter + (intptr_t)oc * k_h * k_w * f_c;
                    const int32_t first_c = oc / (out_c / groups) * f_c; /* its group's */
                    int64_t acc = bias != NULL ? bias[oc] : 0;
                    for (ky = 0; ky < k_h; ky++) {
                        const int32_t y = y0 + ky * params->dilation.h;
                        if (y < 0 || y >= in_h) {
                            continue;
                        }
                        for (kx = 0; kx < k_w; kx++) {
                            const int32_t x = x0 + kx * params->dilation.w;
                            const int16_t *src =
                                image + ((intptr_t)y * in_w + x) * in_c + first_c;
                            const int8_t *wt = w + ((intptr_t)ky * k_w + kx) * f_c;
                            if (x < 0 || x >= in_w) {
                                continue;
                            }
                            for (ic = 0; ic < f_c; ic++) {
                                acc += (int32_t)src[ic] * wt[ic]; /* SMLAL on Cortex-M */
                            }
                        }
                    }
                    out[oc] = tnn_requantize_s16(acc, quant->multiplier[oc], quant->shift[oc], 0,
                                                 params->activation.min, params->activation.max);
                }
            }
        }
    }
    return TNN_OK;
}
