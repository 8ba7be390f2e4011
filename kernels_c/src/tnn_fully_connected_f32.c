/*
 * tnn_fully_connected_f32.c - float32 FULLY_CONNECTED (TFLM reference
 * fully_connected.h): per output, total = sum of input * weight in depth
 * order, one float32 rounding per product and per sum, then
 * clamp(total + bias) with std::max/std::min (a NaN passes through).
 *
 * The bytes are those of the golden model, NaNs included (tnn_float.h): a NaN
 * total is recomputed with x86's NaN rules (a product of two NaNs is the
 * input's; the first NaN of the sum stays), and where total and bias are both
 * NaN, params->bias_nan_first says whose wins (TFLM's compiled add: the bias's).
 */
#include "tnn_float.h"
#include "tnn_support.h"

/* The dot product as x86 computes it, for a row whose plain sum came out NaN. From
 * the first NaN on, the total keeps it. */
TNN_NO_CONTRACT static float tnn_dot_with_nan(const float *x, const float *w, int32_t depth)
{
    float total = 0.0f;
    int32_t k;
    for (k = 0; k < depth && !tnn_f32_is_nan(total); k++) {
        total = tnn_x86_add(total, tnn_x86_mul(x[k], w[k]));
    }
    return total;
}

TNN_NO_CONTRACT
int32_t tnn_fully_connected_f32(const tnn_fc_f32_params *params,
                                const tnn_dims *input_dims, const float *input,
                                const tnn_dims *filter_dims, const float *filter,
                                const float *bias, float *output)
{
    const int32_t batches = input_dims->n, depth = input_dims->c, units = filter_dims->n;
    const float lo = params->activation.min, hi = params->activation.max;
    int32_t b, u, k;
    if (batches < 1 || depth < 1 || units < 1 || filter_dims->c != depth ||
        (params->bias_nan_first != 0 && params->bias_nan_first != 1) || !(lo <= hi)) {
        return TNN_ARG_ERROR;
    }
    for (b = 0; b < batches; b++) {
        const float *x = input + b * depth;
        for (u = 0; u < units; u++) {
            const float *w = filter + u * depth;
            float total = 0.0f;
            for (k = 0; k < depth; k++) {
                const float product = x[k] * w[k];
                total += product;
            }
            if (tnn_f32_is_nan(total)) {
                total = tnn_dot_with_nan(x, w, depth);
            }
            if (bias != NULL) {
                total = params->bias_nan_first ? tnn_x86_add(bias[u], total)
                                               : tnn_x86_add(total, bias[u]);
            }
            total = total < lo ? lo : total;
            output[b * units + u] = hi < total ? hi : total;
        }
    }
    return TNN_OK;
}
