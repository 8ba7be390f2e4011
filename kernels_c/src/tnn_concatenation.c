/*
 * tnn_concatenation.c - CONCATENATION: the output is `outer` slices, each the
 * inputs' next rows one after another (TFLM's reference concatenation copies
 * the same runs of bytes in the same order; it never requantizes, so any
 * element type is bytes).
 */
#include <string.h>

#include "tnn_support.h"

int32_t tnn_concatenation(const tnn_concatenation_params *params,
                          const void *const *inputs, void *output)
{
    const int32_t count = params->input_count, outer = params->outer;
    const int32_t *row_bytes = params->row_bytes;
    uint8_t *out = (uint8_t *)output;
    int64_t slice = 0;
    int32_t i, o;
    if (count < 1 || outer < 0 || row_bytes == NULL || inputs == NULL) {
        return TNN_ARG_ERROR;
    }
    for (i = 0; i < count; i++) {
        if (row_bytes[i] < 0 || (row_bytes[i] > 0 && outer > 0 && inputs[i] == NULL)) {
            return TNN_ARG_ERROR;
        }
        slice += row_bytes[i];
    }
    if (slice * outer > INT32_MAX || (slice * outer > 0 && output == NULL)) {
        return TNN_ARG_ERROR;
    }
    for (o = 0; o < outer; o++) {
        for (i = 0; i < count; i++) {
            const size_t n = (size_t)row_bytes[i];
            if (n > 0) {
                memcpy(out, (const uint8_t *)inputs[i] + (size_t)o * n, n);
                out += n;
            }
        }
    }
    return TNN_OK;
}
