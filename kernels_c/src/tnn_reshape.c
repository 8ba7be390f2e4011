/*
 * tnn_reshape.c - RESHAPE, SQUEEZE, EXPAND_DIMS: the output holds the input's
 * bytes (TFLM's reshape.cc copies them unless both are the same buffer).
 */
#include <string.h>

#include "tnn_support.h"

int32_t tnn_reshape(const void *input, void *output, int32_t size)
{
    if (size < 0 || (size > 0 && (input == NULL || output == NULL))) {
        return TNN_ARG_ERROR;
    }
    if (input != output && size > 0) {
        memcpy(output, input, (size_t)size);
    }
    return TNN_OK;
}
