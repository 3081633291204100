/* The only thread keeps all-ones in ymm1 (upper half included) and, with
 * AVX-512, in zmm17, and checks them in a loop that calls nothing: a thread
 * borrowed for remote calls must get its whole vector state back.  Prints
 * "ready avx2" or "ready avx512"; exits 7 if ymm1 changed, 8 if zmm17 did. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((target("avx2"), noreturn)) static void check_ymm(void)
{
    __asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1" ::: "xmm1");
    for (;;) {
        unsigned m;
        __asm__ volatile("vpmovmskb %%ymm1, %0" : "=r"(m));
        if (m != 0xffffffffu)
            exit(7);
    }
}

__attribute__((target("avx512f"), noreturn)) static void check_zmm(void)
{
    __asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1\n\t"
                     "vpternlogd $0xff, %%zmm17, %%zmm17, %%zmm17" ::: "xmm1", "xmm17");
    for (;;) {
        unsigned m;
        unsigned long k;
        __asm__ volatile("vpmovmskb %%ymm1, %0" : "=r"(m));
        if (m != 0xffffffffu)
            exit(7);
        __asm__ volatile("vpternlogd $0xff, %%zmm16, %%zmm16, %%zmm16\n\t"
                         "vpcmpeqd %%zmm16, %%zmm17, %%k1\n\t"
                         "kmovw %%k1, %k0" : "=r"(k) : : "xmm16", "k1");
        if ((k & 0xffff) != 0xffff)
            exit(8);
    }
}

int main(void)
{
    __builtin_cpu_init();
    int avx512 = __builtin_cpu_supports("avx512f");
    if (!avx512 && !__builtin_cpu_supports("avx2")) {
        printf("no avx2\n");
        return 0;
    }
    printf("ready %s\n", avx512 ? "avx512" : "avx2");
    fflush(stdout);
    if (avx512)
        check_zmm();
    check_ymm();
}
