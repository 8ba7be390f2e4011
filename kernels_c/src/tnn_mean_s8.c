/*
 * tnn_mean_s8.c - MEAN and SUM, int8 (TFLM reference QuantizedMeanOrSum): per
 * output, an int32 sum of its input elements that wraps as TFLM's does, the
 * input zero point removed as N * zero point, one requantization (1/N folded
 * into MEAN's multiplier at preparation), the output zero point, the clamp.
 *
 * TFLM accumulates every input element into a per-output sum in input order;
 * this kernel sums one output at a time along its reduction box instead, which
 * needs no working memory. Integer sums that wrap do not depend on the order.
 */
#include "tnn_box.h"

/* The wrapping sum of the reduced box's elements, from `start`. */
static int32_t tnn_box_sum_s8(const int8_t *in, int32_t start, const tnn_box *box,
                              int32_t rows)
{
    const int32_t n = box->count[box->rank - 1], stride = box->stride[box->rank - 1];
    tnn_box_cursor cursor;
    uint32_t sum = 0;
    int32_t r, i;
    tnn_box_start(&cursor, start);
    for (r = 0; r < rows; r++) {
        const int8_t *row = in + cursor.position;
        if (stride == 1) {
            for (i = 0; i < n; i++) {
                sum += (uint32_t)(int32_t)row[i];
            }
        } else {
            for (i = 0; i < n; i++) {
                sum += (uint32_t)(int32_t)row[i * stride];
            }
        }
        tnn_box_next_row(box, &cursor);
    }
    return (int32_t)sum;
}

int32_t tnn_mean_s8(const tnn_mean_params *params, const int8_t *input, int8_t *output)
{
    const tnn_box *outputs = &params->outputs, *reduced = &params->reduced;
    const int32_t multiplier = params->quant.multiplier, shift = params->quant.shift;
    const int32_t act_min = params->activation.min, act_max = params->activation.max;
    int64_t out_lo, out_hi, red_lo, red_hi;
    int32_t out_count, red_count, out_rows, red_rows, n, stride, correction, r, j;
    tnn_box_cursor cursor;
    if (params->input_size < 0 ||
        !tnn_box_measure(outputs, params->input_size, &out_lo, &out_hi, &out_count) ||
        !tnn_box_measure(reduced, params->input_size, &red_lo, &red_hi, &red_count) ||
        red_count < 1 || reduced->offset != 0 || multiplier < 0 || shift < -31 || shift > 30 ||
        !tnn_act_ok(params->activation, INT8_MIN, INT8_MAX)) {
        return TNN_ARG_ERROR;
    }
    if (out_count == 0) {
        return TNN_OK;
    }
    if (input == NULL || output == NULL || out_lo + red_lo < 0 ||
        out_hi + red_hi >= params->input_size) {
        return TNN_ARG_ERROR;
    }
    /* sum - N * zero point, as TFLM's int64 product truncated to int32 */
    correction = tnn_wrap_mul(params->input_offset, red_count);
    out_rows = tnn_box_rows(outputs, out_count);
    red_rows = tnn_box_rows(reduced, red_count);
    n = outputs->count[outputs->rank - 1];
    stride = outputs->stride[outputs->rank - 1];
    tnn_box_start(&cursor, outputs->offset);
    for (r = 0; r < out_rows; r++) {
        for (j = 0; j < n; j++) {
            const int32_t start = cursor.position + j * stride;
            const int32_t sum = tnn_box_sum_s8(input, start, reduced, red_rows);
            *output++ = tnn_requantize_s8(tnn_wrap_add(sum, correction), multiplier, shift,
                                          params->output_offset, act_min, act_max);
        }
        tnn_box_next_row(outputs, &cursor);
    }
    return TNN_OK;
}
