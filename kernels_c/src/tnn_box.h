/*
 * tnn_box.h - walking a tnn_box (see tinyml_nn.h) row by row, and checking
 * that it stays inside its buffer: what the data-movement and reduction
 * kernels share.
 *
 * A row is the innermost axis: count[rank - 1] elements stride[rank - 1]
 * apart. The cursor steps from row to row in row-major order, keeping the
 * element position of the row's first element; it only ever moves between
 * positions of the box, so once the box is checked no step can overflow.
 */
#ifndef TNN_BOX_H
#define TNN_BOX_H

#include <stdint.h>

#include "tnn_support.h"

/* The box's element count and the lowest and highest positions it reaches
 * (offset included), or 0 for a malformed box: a rank outside [1, TNN_MAX_RANK],
 * a negative count, more than INT32_MAX elements, or an axis that alone spans more
 * than `limit` elements (so no box that fits a buffer of `limit` elements is
 * refused, and the sums below cannot overflow). An empty box gives lo = hi = offset. */
TNN_INLINE int tnn_box_measure(const tnn_box *box, int32_t limit, int64_t *lo, int64_t *hi,
                               int32_t *elements)
{
    int64_t n = 1;
    int32_t k;
    if (box->rank < 1 || box->rank > TNN_MAX_RANK || box->count == NULL ||
        box->stride == NULL) {
        return 0;
    }
    for (k = 0; k < box->rank; k++) {
        const int32_t c = box->count[k];
        if (c < 0 || (c > 0 && n > INT32_MAX / c)) {
            return 0;
        }
        n *= c;
    }
    *elements = (int32_t)n;
    *lo = *hi = box->offset;
    if (n == 0) {
        return 1;
    }
    for (k = 0; k < box->rank; k++) {
        const int64_t reach = (int64_t)(box->count[k] - 1) * box->stride[k];
        if (reach > limit || reach < -(int64_t)limit) {
            return 0;
        }
        if (reach < 0) {
            *lo += reach;
        } else {
            *hi += reach;
        }
    }
    return 1;
}

/* Whether the box is well formed and every position it reaches lies in [0, size);
 * sets its element count. */
TNN_INLINE int tnn_box_inside(const tnn_box *box, int32_t size, int32_t *elements)
{
    int64_t lo, hi;
    if (size < 0 || !tnn_box_measure(box, size, &lo, &hi, elements)) {
        return 0;
    }
    return *elements == 0 || (lo >= 0 && hi < size);
}

/* The number of rows of a box of `elements` elements (0 when it is empty). */
TNN_INLINE int32_t tnn_box_rows(const tnn_box *box, int32_t elements)
{
    return elements == 0 ? 0 : elements / box->count[box->rank - 1];
}

typedef struct {
    int32_t index[TNN_MAX_RANK];
    int32_t position;   /* of the current row's first element */
} tnn_box_cursor;

/* A cursor on the first row of `box`, whose first element is at `position`. */
TNN_INLINE void tnn_box_start(tnn_box_cursor *cursor, int32_t position)
{
    int32_t k;
    for (k = 0; k < TNN_MAX_RANK; k++) {
        cursor->index[k] = 0;
    }
    cursor->position = position;
}

/* Steps to the next row in row-major order (after the last row: back to the first). */
TNN_INLINE void tnn_box_next_row(const tnn_box *box, tnn_box_cursor *cursor)
{
    int32_t k;
    for (k = box->rank - 2; k >= 0; k--) {
        if (cursor->index[k] + 1 < box->count[k]) {
            cursor->index[k]++;
            cursor->position += box->stride[k];
            return;
        }
        cursor->position -= (box->count[k] - 1) * box->stride[k];
        cursor->index[k] = 0;
    }
}

/* Element sizes the data-movement kernels copy. */
TNN_INLINE int tnn_element_size_ok(int32_t size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

#endif /* TNN_BOX_H */
