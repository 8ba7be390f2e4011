/*
 * tnn_lut_s8.c - an int8 element-wise op whose output is a function of the
 * input value alone (LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, ELU, ABS, RELU,
 * RELU6, int8 -> int8 QUANTIZE): y = table[x + 128]. The table is computed
 * once, off the device, by the op's own arithmetic (TFLM's fixed-point
 * pipeline or float table), so each element costs one load.
 */
#include <string.h>

#include "tnn_support.h"

int32_t tnn_lut_s8(const int8_t *table, const int8_t *input, int8_t *output, int32_t size)
{
    int32_t i = 0;
    if (table == NULL || size < 0 || (size > 0 && (input == NULL || output == NULL))) {
        return TNN_ARG_ERROR;
    }
    /* four elements per word: byte k of the loaded word goes to byte k of the stored
     * one, whatever the byte order; an int8 x indexes entry x + 128 = byte ^ 0x80 */
    for (; i + 4 <= size; i += 4) {
        uint32_t in, out = 0;
        int32_t k;
        memcpy(&in, input + i, sizeof in);
        for (k = 0; k < 32; k += 8) {
            out |= (uint32_t)(uint8_t)table[((in >> k) & 0xFFu) ^ 0x80u] << k;
        }
        memcpy(output + i, &out, sizeof out);
    }
    for (; i < size; i++) {
        output[i] = table[(int32_t)input[i] + 128];
    }
    return TNN_OK;
}
