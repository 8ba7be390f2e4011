/*
 * tnn_lut_s8_f32.c - an int8 -> float32 element-wise op whose output is a
 * function of the input value alone (DEQUANTIZE): y = table[x + 128], the
 * table computed once, off the device, as TFLM computes each value
 * ((float)((double)scale * (x - zero_point))). The entries are copied as bits.
 */
#include <string.h>

#include "tnn_support.h"

int32_t tnn_lut_s8_f32(const float *table, const int8_t *input, float *output, int32_t size)
{
    int32_t i;
    if (table == NULL || size < 0 || (size > 0 && (input == NULL || output == NULL))) {
        return TNN_ARG_ERROR;
    }
    for (i = 0; i < size; i++) {
        memcpy(output + i, table + ((int32_t)input[i] + 128), sizeof(float));
    }
    return TNN_OK;
}
