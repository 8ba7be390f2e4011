/*
 * tnn_depthwise_conv_3x3_s8.c - int8 DEPTHWISE_CONV_2D, 3x3 window, depth
 * multiplier 1, dilation 1, padding at most 1 (the MobileNet block).
 *
 * Pixels whose window lies inside the image sum their 9 taps in one pass
 * over the channels (three row pointers, no bounds tests); border pixels go
 * through the per-tap loop, skipping taps outside the image.
 */
#include "tinyml_nn.h"
#include "tnn_requantize.h"

int32_t tnn_depthwise_conv_3x3_s8_get_buffer_size(const tnn_dims *output_dims)
{
    return output_dims->c * (int32_t)sizeof(int32_t);
}

int32_t tnn_depthwise_conv_3x3_s8(const tnn_dw_conv_params *params,
                                  const tnn_per_channel_quant_params *quant,
                                  const tnn_dims *input_dims, const int8_t *input,
                                  const tnn_dims *filter_dims, const int8_t *filter,
                                  const int32_t *bias,
                                  const tnn_dims *output_dims, int8_t *output, void *scratch)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, ch = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w;
    const int16_t in_off = (int16_t)params->input_offset;
    const int32_t row = in_w * ch;
    int32_t *acc = (int32_t *)scratch;
    int32_t b, oy, ox, c;

    if (params->ch_mult != 1 || output_dims->c != ch || filter_dims->c != ch ||
        filter_dims->h != 3 || filter_dims->w != 3 || params->dilation.h != 1 ||
        params->dilation.w != 1 || params->padding.h > 1 || params->padding.w > 1 ||
        scratch == NULL) {
        return TNN_ARG_ERROR;
    }
    for (b = 0; b < input_dims->n; b++) {
        const int8_t *image = input + (intptr_t)b * in_h * row;
        for (oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            for (ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                int8_t *out = output + (((intptr_t)b * out_h + oy) * out_w + ox) * ch;
                if (y0 >= 0 && y0 + 3 <= in_h && x0 >= 0 && x0 + 3 <= in_w) {
                    /* restrict: acc never overlaps the image or the filter, which lets
                     * the compiler vectorize this loop over channels */
                    const int8_t *restrict r0 = image + (intptr_t)y0 * row + (intptr_t)x0 * ch;
                    const int8_t *restrict r1 = r0 + row;
                    const int8_t *restrict r2 = r1 + row;
                    const int8_t *restrict w = filter;
                    int32_t *restrict a = acc;
                    for (c = 0; c < ch; c++) {
                        int32_t s;
                        s = (int16_t)(r0[c] + in_off) * (int16_t)w[c];
                        s += (int16_t)(r0[c + ch] + in_off) * (int16_t)w[c + ch];
                        s += (int16_t)(r0[c + 2 * ch] + in_off) * (int16_t)w[c + 2 * ch];
                        s += (int16_t)(r1[c] + in_off) * (int16_t)w[c + 3 * ch];
                        s += (int16_t)(r1[c + ch] + in_off) * (int16_t)w[c + 4 * ch];
                        s += (int16_t)(r1[c + 2 * ch] + in_off) * (int16_t)w[c + 5 * ch];
                        s += (int16_t)(r2[c] + in_off) * (int16_t)w[c + 6 * ch];
                        s += (int16_t)(r2[c + ch] + in_off) * (int16_t)w[c + 7 * ch];
                        s += (int16_t)(r2[c + 2 * ch] + in_off) * (int16_t)w[c + 8 * ch];
                        a[c] = s;
                    }
                } else {
                    int32_t ky, kx;
                    for (c = 0; c < ch; c++) {
                        acc[c] = 0;
                    }
                    for (ky = 0; ky < 3; ky++) {
                        const int32_t y = y0 + ky;
                        if (y < 0 || y >= in_h) {
                            continue;
                        }
                        for (kx = 0; kx < 3; kx++) {
                            const int32_t x = x0 + kx;
                            const int8_t *src;
                            const int8_t *w;
                            if (x < 0 || x >= in_w) {
                                continue;
                            }
                            src = image + (intptr_t)y * row + (intptr_t)x * ch;
                            w = filter + (ky * 3 + kx) * ch;
                            for (c = 0; c < ch; c++) {
                                acc[c] += (int16_t)(src[c] + in_off) * (int16_t)w[c];
                            }
                        }
                    }
                }
                for (c = 0; c < ch; c++) {
                    out[c] = tnn_requantize_s8(tnn_wrap_add(acc[c], bias ? bias[c] : 0),
                                               quant->multiplier[c], quant->shift[c],
                                               params->output_offset, params->activation.min,
                                               params->activation.max);
                }
            }
        }
    }
    return TNN_OK;
}
