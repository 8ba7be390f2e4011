/*
 * tnn_resize_nearest_neighbor.c - RESIZE_NEAREST_NEIGHBOR: every output pixel
 * copies the channels of one input pixel, chosen by the row and column maps
 * computed at preparation (TFLM's GetNearestNeighbor, with its float32
 * arithmetic and the align_corners / half_pixel_centers options, evaluated
 * once per output row and column). An output row that maps to the same input
 * row as the one before is a copy of it.
 */
#include <string.h>

#include "tnn_box.h"

int32_t tnn_resize_nearest_neighbor(const tnn_resize_nearest_params *params,
                                    const tnn_dims *input_dims, const void *input,
                                    const tnn_dims *output_dims, void *output)
{
    const int32_t *rows = params->rows, *cols = params->cols;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    size_t pixel, in_row, out_row;
    int32_t b, y, x;
    if (!tnn_element_size_ok(params->element_size) || rows == NULL || cols == NULL ||
        input == NULL || output == NULL || input_dims->n < 1 || input_dims->h < 1 ||
        input_dims->w < 1 || input_dims->c < 1 || output_dims->h < 1 || output_dims->w < 1 ||
        output_dims->n != input_dims->n || output_dims->c != input_dims->c) {
        return TNN_ARG_ERROR;
    }
    for (y = 0; y < output_dims->h; y++) {
        if (rows[y] < 0 || rows[y] >= input_dims->h) {
            return TNN_ARG_ERROR;
        }
    }
    for (x = 0; x < output_dims->w; x++) {
        if (cols[x] < 0 || cols[x] >= input_dims->w) {
            return TNN_ARG_ERROR;
        }
    }
    pixel = (size_t)input_dims->c * (size_t)params->element_size;
    in_row = (size_t)input_dims->w * pixel;
    out_row = (size_t)output_dims->w * pixel;
    for (b = 0; b < input_dims->n; b++) {
        const uint8_t *image = in + (size_t)b * (size_t)input_dims->h * in_row;
        for (y = 0; y < output_dims->h; y++) {
            if (y > 0 && rows[y] == rows[y - 1]) {
                memcpy(out, out - out_row, out_row);
            } else {
                const uint8_t *src = image + (size_t)rows[y] * in_row;
                for (x = 0; x < output_dims->w; x++) {
                    memcpy(out + (size_t)x * pixel, src + (size_t)cols[x] * pixel, pixel);
                }
            }
            out += out_row;
        }
    }
    return TNN_OK;
}
