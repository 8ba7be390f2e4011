/* harness.h - what the generated test vectors (cases.c) and the runner share. */
#ifndef TNN_HARNESS_H
#define TNN_HARNESS_H

#include <stdint.h>

typedef struct {
    const char *name;        /* "<op>/<kernel function>" */
    int32_t (*run)(void);    /* returns the number of mismatching bytes (+1 for a wrong status) */
} tnn_case;

extern const tnn_case tnn_cases[];
extern const int32_t tnn_case_count;

/* Working memory shared by all cases: outputs and scratch buffers. */
extern uint8_t tnn_work[];

/* Number of bytes of got[] that differ from want[]; reports the first one. */
int32_t tnn_compare(const char *what, const void *got, const void *want, int32_t n);
/* 0 when got == want, else 1 (and a report). */
int32_t tnn_check_status(int32_t got, int32_t want);

/* Empty, never inlined: the instruction counter brackets each kernel call with them. */
void tnn_mark_begin(void);
void tnn_mark_end(void);

#endif
