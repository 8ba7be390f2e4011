/*
 * tnn_lstm_s16.c - 16x8 UNIDIRECTIONAL_SEQUENCE_LSTM (TFLM's integer LSTM with
 * int16 activations, int8 weights, int64 biases and accumulators, int16 gates
 * and cell state).
 *
 * tnn_lstm_s8.c with int64 sums: the zero-point terms are folded into int64 kernel
 * sums at preparation, the gate products requantize with the 16x8 kernels' int64
 * MultiplyByQuantizedMultiplier, and what follows the gates is the same
 * (tnn_lstm.h).
 */
#include "tnn_lstm.h"

int32_t tnn_lstm_s16_get_buffer_size(const tnn_lstm_s16_params *params)
{
    /* 0 for a state size the kernel refuses anyway (no int32 overflow) */
    const int32_t n = params->n_state;
    return n >= 1 && n <= 65536 ? TNN_LSTM_GATES * n * (int32_t)sizeof(int16_t) : 0;
}

TNN_INLINE int64_t tnn_sum_s16(const int16_t *v, int32_t n)
{
    int64_t s = 0;
    int32_t k;
    for (k = 0; k < n; k++) {
        s += v[k];
    }
    return s;
}

/* out[o] = clamp16(MBQM64(sum_k v[k] w[o][k] + w_offset * v_sum + kernel_sum[o])) for
 * o < n, or with `accumulate` sat16(out[o] + that). The folded terms wrap as int64
 * (as the unfolded int64 sum with any int64 bias does). */
TNN_INLINE void tnn_lstm_fc_s16(const int16_t *restrict v, int32_t depth, int64_t v_sum,
                                const int8_t *restrict w, const int64_t *restrict kernel_sum,
                                int32_t w_offset, tnn_per_tensor_quant_params quant, int32_t n,
                                int16_t *restrict out, int accumulate)
{
    const uint64_t row_term = (uint64_t)(w_offset * v_sum);
    const int32_t reduced = tnn_reduce_multiplier_s64(quant.multiplier);
    int32_t o, k;
    for (o = 0; o < n; o++) {
        const int8_t *restrict wo = w + (intptr_t)o * depth;
        int64_t dot = 0;
        int32_t y;
        for (k = 0; k < depth; k++) {
            dot += v[k] * wo[k];
        }
        y = tnn_clamp_s16(tnn_requantize_s64(
            (int64_t)((uint64_t)dot + (uint64_t)kernel_sum[o] + row_term), reduced, quant.shift));
        out[o] = (int16_t)(accumulate ? tnn_clamp_s16(out[o] + y) : y);
    }
}

static int tnn_quant_s64_ok(tnn_per_tensor_quant_params q)
{
    return q.multiplier >= 0 && q.shift >= -31 && q.shift <= 14;
}

static int tnn_lstm_gate_s16_ok(const tnn_lstm_gate_s16 *g)
{
    return g->input_weights != NULL && g->input_kernel_sum != NULL &&
           g->recurrent_weights != NULL && g->recurrent_kernel_sum != NULL &&
           tnn_quant_s64_ok(g->input_quant) && tnn_quant_s64_ok(g->recurrent_quant) &&
           g->input_weights_offset >= -127 && g->input_weights_offset <= 128 &&
           g->recurrent_weights_offset >= -127 && g->recurrent_weights_offset <= 128;
}

TNN_MULTIVERSION
int32_t tnn_lstm_s16(const tnn_context *ctx, const tnn_lstm_s16_params *params,
                     const int16_t *input, int16_t *hidden_state, int16_t *cell_state,
                     int16_t *output)
{
    const int32_t batches = params->batches, steps = params->steps;
    const int32_t n_input = params->n_input, n_state = params->n_state;
    const tnn_lstm_gate_s16 *gates[TNN_LSTM_GATES];
    int16_t *buf;
    int32_t b, t, g, k;

    gates[TNN_LSTM_GATE_I] = &params->input_gate;
    gates[TNN_LSTM_GATE_F] = &params->forget_gate;
    gates[TNN_LSTM_GATE_G] = &params->cell_gate;
    gates[TNN_LSTM_GATE_O] = &params->output_gate;
    if (!tnn_lstm_dims_ok(batches, steps, n_input, n_state, params->time_major) ||
        input == NULL || hidden_state == NULL || cell_state == NULL || output == NULL ||
        !tnn_lstm_cell_params_ok(&params->cell) ||
        params->cell.hidden_activation.min < -32768 ||
        params->cell.hidden_activation.max > 32767 ||
        !tnn_ctx_ok(ctx, tnn_lstm_s16_get_buffer_size(params))) {
        return TNN_ARG_ERROR;
    }
    for (g = 0; g < TNN_LSTM_GATES; g++) {
        if (!tnn_lstm_gate_s16_ok(gates[g])) {
            return TNN_ARG_ERROR;
        }
    }
    buf = (int16_t *)ctx->buf;
    for (b = 0; b < batches; b++) {
        int16_t *h = hidden_state + (intptr_t)b * n_state;
        int16_t *c = cell_state + (intptr_t)b * n_state;
        for (t = 0; t < steps; t++) {
            const intptr_t row = tnn_lstm_row(params->time_major, batches, steps, b, t);
            const int16_t *x = input + row * n_input;
            int16_t *out = output + row * n_state;
            const int64_t x_sum = tnn_sum_s16(x, n_input);
            const int64_t h_sum = tnn_sum_s16(h, n_state);
            for (g = 0; g < TNN_LSTM_GATES; g++) {
                const tnn_lstm_gate_s16 *gate = gates[g];
                int16_t *gate_row = buf + (intptr_t)g * n_state;
                tnn_lstm_fc_s16(x, n_input, x_sum, gate->input_weights, gate->input_kernel_sum,
                                gate->input_weights_offset, gate->input_quant, n_state,
                                gate_row, 0);
                tnn_lstm_fc_s16(h, n_state, h_sum, gate->recurrent_weights,
                                gate->recurrent_kernel_sum, gate->recurrent_weights_offset,
                                gate->recurrent_quant, n_state, gate_row, 1);
            }
            tnn_lstm_update_row(&params->cell, n_state, buf, c);
            for (k = 0; k < n_state; k++) {
                h[k] = buf[(intptr_t)TNN_LSTM_GATE_I * n_state + k];
                out[k] = h[k];
            }
        }
    }
    return TNN_OK;
}
