/*
 * tnn_pad.c - PAD and PADV2: the input's rows are copied to their places in the
 * output, and the gaps between them (and before the first, after the last)
 * are filled with the pad value, so every output byte is written once. The
 * box's positions ascend (checked), which is what makes the gaps exactly the
 * padding. TFLM's reference pad visits every output element and tests whether
 * it is padding; the bytes are the same.
 */
#include <string.h>

#include "tnn_box.h"

/* count elements of `size` bytes, each a copy of *value: the first one, then
 * doubling copies of what is already written. */
static void tnn_fill(uint8_t *out, int32_t count, const uint8_t *value, int32_t size)
{
    const size_t total = (size_t)count * (size_t)size;
    size_t done;
    if (count <= 0) {
        return;
    }
    if (size == 1) {
        memset(out, value[0], (size_t)count);
        return;
    }
    memcpy(out, value, (size_t)size);
    for (done = (size_t)size; done < total;) {
        const size_t n = done < total - done ? done : total - done;
        memcpy(out + done, out, n);
        done += n;
    }
}

/* Whether consecutive positions of every axis are farther apart than the axes inside
 * span, so that rows ascend without overlapping, and the innermost axis is contiguous. */
static int tnn_pad_box_ascends(const tnn_box *box)
{
    int64_t extent = 1;   /* elements the axes inside the current one span */
    int32_t k;
    for (k = box->rank - 1; k >= 0; k--) {
        const int32_t c = box->count[k];
        if (c > 1) {
            if (box->stride[k] < extent || (k == box->rank - 1 && box->stride[k] != 1)) {
                return 0;
            }
            extent += (int64_t)(c - 1) * box->stride[k];
        }
    }
    return 1;
}

int32_t tnn_pad(const tnn_pad_params *params, const void *input, const void *pad_value,
                void *output)
{
    const tnn_box *box = &params->output_box;
    const int32_t size = params->element_size;
    const uint8_t *in = (const uint8_t *)input;
    const uint8_t *value = (const uint8_t *)pad_value;
    uint8_t *out = (uint8_t *)output;
    tnn_box_cursor cursor;
    int32_t elements, rows, n, r, filled = 0;
    if (!tnn_element_size_ok(size) || !tnn_box_inside(box, params->output_size, &elements) ||
        !tnn_pad_box_ascends(box)) {
        return TNN_ARG_ERROR;
    }
    if ((params->output_size > 0 && output == NULL) || (elements > 0 && input == NULL) ||
        (params->output_size > elements && pad_value == NULL)) {
        return TNN_ARG_ERROR;
    }
    rows = tnn_box_rows(box, elements);
    n = box->count[box->rank - 1];
    tnn_box_start(&cursor, box->offset);
    for (r = 0; r < rows; r++) {
        const int32_t at = cursor.position;
        tnn_fill(out + (size_t)filled * (size_t)size, at - filled, value, size);
        memcpy(out + (size_t)at * (size_t)size, in, (size_t)n * (size_t)size);
        in += (size_t)n * (size_t)size;
        filled = at + n;
        tnn_box_next_row(box, &cursor);
    }
    tnn_fill(out + (size_t)filled * (size_t)size, params->output_size - filled, value, size);
    return TNN_OK;
}
