/*
 * startup.c - vector table and reset handler of the bare-metal images (kernel
 * test vectors, firmware verification).
 *
 * The reset handler copies .data from its load address in flash to RAM,
 * zeroes .bss, turns on the FPU / MVE coprocessors (CP10, CP11) on cores that
 * have them, opens newlib's semihosting handles (rdimon) and runs main(); its
 * return value becomes the exit status (semihosting SYS_EXIT).
 */
#include <stdint.h>
#include <stdlib.h>

extern uint32_t __data_load__, __data_start__, __data_end__;
extern uint32_t __bss_start__, __bss_end__;
extern uint32_t __stack_top__;

extern int main(void);
extern void initialise_monitor_handles(void);

void tnn_reset_handler(void);
void tnn_fault_handler(void);
/* An image that uses SysTick defines its own handler; otherwise it is a fault. */
void tnn_systick_handler(void) __attribute__((weak, alias("tnn_fault_handler")));

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)

typedef void (*tnn_vector)(void);

__attribute__((section(".vectors"), used))
const tnn_vector tnn_vector_table[16] = {
    (tnn_vector)(uintptr_t)&__stack_top__, /* initial stack pointer */
    tnn_reset_handler,                     /* reset */
    tnn_fault_handler,                     /* NMI */
    tnn_fault_handler,                     /* HardFault */
    tnn_fault_handler,                     /* MemManage */
    tnn_fault_handler,                     /* BusFault */
    tnn_fault_handler,                     /* UsageFault */
    tnn_fault_handler,                     /* SecureFault (v8-M) */
    0, 0, 0,
    tnn_fault_handler,                     /* SVCall */
    tnn_fault_handler,                     /* DebugMonitor */
    0,
    tnn_fault_handler,                     /* PendSV */
    tnn_systick_handler,                   /* SysTick */
};

void tnn_reset_handler(void)
{
    uint32_t *src = &__data_load__;
    uint32_t *dst = &__data_start__;
    while (dst < &__data_end__) {
        *dst++ = *src++;
    }
    for (dst = &__bss_start__; dst < &__bss_end__; ++dst) {
        *dst = 0;
    }
    SCB_VTOR = (uint32_t)(uintptr_t)tnn_vector_table;
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
    SCB_CPACR |= (0xFu << 20); /* CP10 and CP11 full access */
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
    initialise_monitor_handles();
    exit(main());
}

/* Any fault ends the run with a distinct status instead of hanging QEMU. */
void tnn_fault_handler(void)
{
    static const char msg[] = "TNN-FAULT\n";
    /* SYS_WRITE0 (0x04) then SYS_EXIT (0x18) with a non-zero reason */
    register uint32_t r0 __asm("r0") = 0x04;
    register const char *r1 __asm("r1") = msg;
    __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    r0 = 0x18;
    r1 = (const char *)(uintptr_t)0x20023u; /* ADP_Stopped_RunTimeErrorUnknown */
    __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    for (;;) {
    }
}
