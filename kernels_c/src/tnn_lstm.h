/*
 * tnn_lstm.h - the int16 arithmetic of TFLM's integer LSTM after the gate
 * products (tnn_lstm_cell_params): the int16 sigmoid and tanh (TFLM's table
 * interpolation, reference/integer_ops/logistic.h and tanh.h), the
 * inter-gate multiplications and the state update of one batch row.
 */
#ifndef TNN_LSTM_H
#define TNN_LSTM_H

#include <stdint.h>

#include "tinyml_nn.h"
#include "tnn_support.h"

/* The gates' order in the working memory: one row of n_state int16 each. */
#define TNN_LSTM_GATE_I 0
#define TNN_LSTM_GATE_F 1
#define TNN_LSTM_GATE_G 2
#define TNN_LSTM_GATE_O 3
#define TNN_LSTM_GATES 4

#define TNN_LUT_SATURATION 255 /* |v| >> fraction bits at or beyond this saturates */

TNN_INLINE int32_t tnn_clamp_s16(int32_t v)
{
    v = v > -32768 ? v : -32768;
    return v < 32767 ? v : 32767;
}

TNN_INLINE int tnn_quant_ok(tnn_per_tensor_quant_params q)
{
    return q.multiplier >= 0 && q.shift >= -31 && q.shift <= 30;
}

/* (table[i] << bits) + frac * (table[i + 1] - table[i]) with i = a >> bits, frac the
 * low `bits` bits of a: below 2^25, as the table is increasing. i < 255. */
TNN_INLINE int32_t tnn_lut_interpolate(const uint16_t *table, uint32_t a, int32_t bits)
{
    const uint32_t i = a >> bits;
    const int32_t lo = table[i], hi = table[i + 1];
    const int32_t frac = (int32_t)(a & ((1u << bits) - 1u));
    return lo * ((int32_t)1 << bits) + frac * (hi - lo);
}

TNN_INLINE uint32_t tnn_abs_u32(int32_t v)
{
    return v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
}

/* The int16 LOGISTIC of v (its input stage applied: 1/24 per 512 units), Q0.15. */
TNN_INLINE int32_t tnn_sigmoid_s16(int32_t v, const uint16_t *table)
{
    const uint32_t a = tnn_abs_u32(v);
    const int32_t r = (a >> 9) >= TNN_LUT_SATURATION ? (int32_t)0x7FFF << 10
                                                     : tnn_lut_interpolate(table, a, 9);
    /* negative inputs: 1 - sigmoid(|v|), rounded the other way */
    return (v >= 0 ? r + (1 << 9) : ((int32_t)1 << 25) - r + (1 << 9) - 1) >> 10;
}

/* The int16 TANH of v (its input stage applied: tanh(x) = 2 sigmoid(2x) - 1 on the
 * same table, 256 units per entry), Q0.15. The negative branch's right shift of a
 * negative int32 is arithmetic, as in the reference code. */
TNN_INLINE int32_t tnn_tanh_s16(int32_t v, const uint16_t *table)
{
    const uint32_t a = tnn_abs_u32(v);
    const int32_t r = (a >> 8) >= TNN_LUT_SATURATION ? (int32_t)0xFFFF << 8
                                                     : tnn_lut_interpolate(table, a, 8);
    return v >= 0 ? (r - (1 << 23) + (1 << 7)) >> 8 : (-r + (1 << 23) + (1 << 7) - 1) >> 8;
}

/* The int16 kernels' input stage: (x * multiplier + 2^(shift - 1)) >> shift, int32
 * wrap-around, shift in [0, 31]. */
TNN_INLINE int32_t tnn_lut_input(int32_t x, int32_t multiplier, int32_t shift)
{
    const uint32_t round = shift > 0 ? (uint32_t)1 << (shift - 1) : 0u;
    return (int32_t)((uint32_t)x * (uint32_t)multiplier + round) >> shift;
}

/* The sizes and layout of tnn_lstm_s8_params / tnn_lstm_s16_params. */
TNN_INLINE int tnn_lstm_dims_ok(int32_t batches, int32_t steps, int32_t n_input,
                                int32_t n_state, int32_t time_major)
{
    return batches >= 1 && steps >= 1 && n_input >= 1 && n_input <= 65536 && n_state >= 1 &&
           n_state <= 65536 && (time_major == 0 || time_major == 1);
}

/* The input and output row of step t of batch row b (both layouts). */
TNN_INLINE intptr_t tnn_lstm_row(int32_t time_major, int32_t batches, int32_t steps, int32_t b,
                                 int32_t t)
{
    return time_major ? (intptr_t)t * batches + b : (intptr_t)b * steps + t;
}

/* What the cell parameters must satisfy besides the hidden range, which depends on
 * the hidden state's type. */
TNN_INLINE int tnn_lstm_cell_params_ok(const tnn_lstm_cell_params *p)
{
    return tnn_quant_ok(p->forget_quant) && tnn_quant_ok(p->input_quant) &&
           tnn_quant_ok(p->hidden_quant) && p->hidden_offset >= -32768 &&
           p->hidden_offset <= 32767 && p->hidden_activation.min <= p->hidden_activation.max &&
           p->cell_clip >= -1 && p->cell_clip <= 32767 && p->cell_tanh_shift >= 0 &&
           p->cell_tanh_shift <= 31 && p->sigmoid_table != NULL;
}

/* One batch row's state update from its gates (TNN_LSTM_GATES rows of n int16, Q3.12):
 * the cell state row is updated in place, and the new hidden state (clamped to the
 * hidden range, so it fits the hidden type) replaces the input gate's row. */
TNN_INLINE void tnn_lstm_update_row(const tnn_lstm_cell_params *p, int32_t n, int16_t *gates,
                                    int16_t *cell)
{
    int16_t *gi = gates + (intptr_t)TNN_LSTM_GATE_I * n;
    const int16_t *gf = gates + (intptr_t)TNN_LSTM_GATE_F * n;
    const int16_t *gg = gates + (intptr_t)TNN_LSTM_GATE_G * n;
    const int16_t *go = gates + (intptr_t)TNN_LSTM_GATE_O * n;
    const uint16_t *table = p->sigmoid_table;
    /* clamp(y + offset, min, max) as clamp(y, min - offset, max - offset) + offset: no
     * int32 overflow for any requantized y */
    const int32_t h_lo = p->hidden_activation.min - p->hidden_offset;
    const int32_t h_hi = p->hidden_activation.max - p->hidden_offset;
    int32_t k;
    for (k = 0; k < n; k++) {
        /* the Q3.12 gates times 3: the table's units (lstm_internal::Sigmoid / Tanh) */
        const int32_t i = tnn_sigmoid_s16(gi[k] * 3, table);
        const int32_t f = tnn_sigmoid_s16(gf[k] * 3, table);
        const int32_t g = tnn_tanh_s16(gg[k] * 3, table);
        const int32_t o = tnn_sigmoid_s16(go[k] * 3, table);
        const int32_t fc = tnn_clamp_s16(
            tnn_requantize(f * cell[k], p->forget_quant.multiplier, p->forget_quant.shift));
        const int32_t ig = tnn_clamp_s16(
            tnn_requantize(i * g, p->input_quant.multiplier, p->input_quant.shift));
        int32_t c = tnn_clamp_s16(fc + ig);
        int32_t t, h;
        if (p->cell_clip >= 0) {
            c = TNN_MAX(TNN_MIN(c, p->cell_clip), -p->cell_clip);
        }
        cell[k] = (int16_t)c;
        t = tnn_tanh_s16(tnn_lut_input(c, p->cell_tanh_multiplier, p->cell_tanh_shift), table);
        h = tnn_requantize(t * o, p->hidden_quant.multiplier, p->hidden_quant.shift);
        h = TNN_MAX(h, h_lo);
        h = TNN_MIN(h, h_hi);
        gi[k] = (int16_t)(h + p->hidden_offset);
    }
}

#endif /* TNN_LSTM_H */
