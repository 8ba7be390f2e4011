/*
 * tnn_strided_copy.c - SLICE, STRIDED_SLICE and TRANSPOSE: the output is the
 * input's elements at the positions of a box, in row-major order (TFLM's
 * reference slice, strided_slice and transpose kernels compute the same
 * element order). The box comes from the op's prepared form, with axes of one
 * element dropped and contiguous axes merged, so the innermost row is as long
 * as the layout allows; a row with stride 1 is one memcpy.
 */
#include <string.h>

#include "tnn_box.h"

/* out[i] = element (start + i * stride) of `in`, for i < n, elements of `size` bytes.
 * The element copies have constant sizes, which compilers turn into plain loads and
 * stores (unaligned-safe: the buffers are only byte-aligned for all this code knows). */
static void tnn_gather_row(uint8_t *out, const uint8_t *in, int32_t start, int32_t stride,
                           int32_t n, int32_t size)
{
    int32_t i;
    if (stride == 1) {
        memcpy(out, in + (size_t)start * (size_t)size, (size_t)n * (size_t)size);
        return;
    }
    switch (size) {
    case 1:
        for (i = 0; i < n; i++) {
            out[i] = in[start + i * stride];
        }
        break;
    case 2:
        for (i = 0; i < n; i++) {
            memcpy(out + (size_t)i * 2u, in + (size_t)(start + i * stride) * 2u, 2);
        }
        break;
    case 4:
        for (i = 0; i < n; i++) {
            memcpy(out + (size_t)i * 4u, in + (size_t)(start + i * stride) * 4u, 4);
        }
        break;
    default:
        for (i = 0; i < n; i++) {
            memcpy(out + (size_t)i * 8u, in + (size_t)(start + i * stride) * 8u, 8);
        }
        break;
    }
}

int32_t tnn_strided_copy(const tnn_strided_copy_params *params, const void *input,
                         void *output)
{
    const tnn_box *box = &params->input_box;
    const int32_t size = params->element_size;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    tnn_box_cursor cursor;
    int32_t elements, rows, n, stride, r;
    if (!tnn_element_size_ok(size) || !tnn_box_inside(box, params->input_size, &elements)) {
        return TNN_ARG_ERROR;
    }
    if (elements == 0) {
        return TNN_OK;
    }
    if (input == NULL || output == NULL) {
        return TNN_ARG_ERROR;
    }
    rows = tnn_box_rows(box, elements);
    n = box->count[box->rank - 1];
    stride = box->stride[box->rank - 1];
    tnn_box_start(&cursor, box->offset);
    for (r = 0; r < rows; r++) {
        tnn_gather_row(out, in, cursor.position, stride, n, size);
        out += (size_t)n * (size_t)size;
        tnn_box_next_row(box, &cursor);
    }
    return TNN_OK;
}
