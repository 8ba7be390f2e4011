/*
 * verify_main.c - runs a generated model on a bare-metal board and reports, over
 * Arm semihosting, what `tinyml verify --against firmware` and `tinyml profile
 * --board` read:
 *
 *   TINYML-CALIBRATE ticks=<t> instructions=<n>   SysTick ticks of a known loop
 *   TINYML-HOOK ticks=<t>                          ticks the per-op probe adds
 *   TINYML-STACK bytes=<b> limit=<l>               peak stack of one invoke
 *   TINYML-OP <k> ticks=<t>                        per operator, one invoke
 *   TINYML-DONE status=<s> sets=<n>
 *
 * and writes every operator's outputs, operator by operator and input set by
 * input set, to the host file tinyml_dump.bin.
 *
 * Under QEMU with -icount, virtual time advances by a fixed amount per executed
 * instruction, so SysTick ticks count instructions (QEMU does not model cycles).
 * The 24-bit counter's wraps are counted by its interrupt.
 *
 * The generated model is compiled with TINYML_AFTER_OP(k) calling
 * tinyml_after_op(k) (tinyml_hooks.h); tinyml_run_data.h, generated per run,
 * holds the inputs and the table of operator outputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tinyml_hooks.h"
#include "tinyml_run_data.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define SYST_MAX 0xFFFFFFu
#define PAINT 0xA5A5A5A5u

extern uint32_t __heap_limit__; /* the linker script's lower end of the stack */

static volatile uint32_t wraps;

void tnn_systick_handler(void)
{
    wraps++;
}

/* Ticks since the counter started: wraps x 2^24 + the down-counter's progress. A
 * wrap whose interrupt is still pending is counted when the value read is past it. */
static uint64_t now(void)
{
    uint32_t w1, w2, v, pending;
    do {
        w1 = wraps;
        v = SYST_CVR;
        pending = (SCB_ICSR >> 26) & 1u; /* PENDSTSET */
        w2 = wraps;
    } while (w1 != w2);
    if (pending && v > SYST_MAX / 2) {
        w1++;
    }
    return (uint64_t)w1 * (SYST_MAX + 1u) + (SYST_MAX - v);
}

static void spin(uint32_t n)
{
    __asm volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

enum { MODE_QUIET, MODE_TIME, MODE_DUMP };
static int32_t mode;
static uint64_t stamps[TINYML_NUM_OPS + 1];
static FILE *dump;

void tinyml_after_op(int32_t k)
{
    if (mode == MODE_TIME) {
        stamps[k + 1] = now();
    } else if (mode == MODE_DUMP) {
        uint32_t i;
        for (i = tinyml_op_first_output[k]; i < tinyml_op_first_output[k + 1]; i++) {
            fwrite(TINYML_ARENA + tinyml_op_outputs[i].offset, 1, tinyml_op_outputs[i].bytes,
                   dump);
        }
    }
}

static void load_inputs(int32_t set)
{
    int32_t i;
    for (i = 0; i < TINYML_NUM_INPUTS; i++) {
        const tinyml_input *in = &tinyml_inputs[set * TINYML_NUM_INPUTS + i];
        memcpy(TINYML_ARENA + in->offset, in->data, in->bytes);
    }
    TINYML_RESET();
}

static uint32_t stack_pointer(void)
{
    uint32_t sp;
    __asm volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Peak stack of one invoke: paint the free stack, run, find the deepest word
 * written. Painting stops 64 bytes below this frame. */
static int32_t measure_stack(uint32_t *limit)
{
    uint32_t *bottom = &__heap_limit__;
    uint32_t *top = (uint32_t *)((stack_pointer() - 64u) & ~3u);
    uint32_t *p;
    int32_t status;
    for (p = bottom; p < top; p++) {
        *p = PAINT;
    }
    status = TINYML_INVOKE();
    for (p = bottom; p < top && *p == PAINT; p++) {
    }
    *limit = (uint32_t)((uintptr_t)top - (uintptr_t)bottom);
    printf("TINYML-STACK bytes=%lu limit=%lu\n",
           (unsigned long)((uintptr_t)top - (uintptr_t)p + 64u), (unsigned long)*limit);
    return status;
}

int main(void)
{
    int32_t k, set, status;
    uint32_t limit;
    uint64_t t0;

    SYST_RVR = SYST_MAX;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* enable, interrupt on wrap, processor clock */

    t0 = now();
    spin(1000000u);
    printf("TINYML-CALIBRATE ticks=%lu instructions=%lu\n", (unsigned long)(now() - t0),
           2000000ul);
    mode = MODE_TIME;
    stamps[0] = now();
    tinyml_after_op(0);
    printf("TINYML-HOOK ticks=%lu\n", (unsigned long)(stamps[1] - stamps[0]));

    load_inputs(0);
    mode = MODE_QUIET;
    status = measure_stack(&limit);
    if (status == 0) {
        load_inputs(0);
        mode = MODE_TIME;
        stamps[0] = now();
        status = TINYML_INVOKE();
        for (k = 0; k < TINYML_NUM_OPS && status == 0; k++) {
            printf("TINYML-OP %ld ticks=%lu\n", (long)k,
                   (unsigned long)(stamps[k + 1] - stamps[k]));
        }
    }
    dump = fopen("tinyml_dump.bin", "wb");
    if (dump == NULL) {
        printf("TINYML-DONE status=-1 sets=0\n");
        return 2;
    }
    mode = MODE_DUMP;
    for (set = 0; set < TINYML_NUM_SETS && status == 0; set++) {
        load_inputs(set);
        status = TINYML_INVOKE();
    }
    fclose(dump);
    printf("TINYML-DONE status=%ld sets=%ld\n", (long)status, (long)set);
    return status != 0;
}
