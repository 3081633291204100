/* Threads parked where a jump is dangerous to write:
 *  - looper runs a loop made of the first bytes of `entry_loop` (its PC is
 *    inside the 5 bytes the jump overwrites most of the time);
 *  - caller_thread is blocked in a callee called by the 2-byte `call *%rdi`
 *    at the very start of `calls_first` (a return address 2 bytes in);
 *  - `tiny` is a 1-byte function (just `ret`).
 * With the argument "handler", the looper is sent SIGUSR1 and stays in
 * its handler (the pc it returns to, in the loop, is in the kernel's
 * signal frame) until the stdin line "release"; answers then say
 * "handler=<1 while it is in the handler>" too.
 * Each stdin line is answered with the counters and tiny's result. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

volatile long loops, tiny_calls;
long entry_loop(void);
long calls_first(long (*fn)(void));
void tiny(void);

__asm__(".text\n"
        ".fill 8, 1, 0xcc\n"       /* no call can end in its first bytes */
        ".globl entry_loop\n.type entry_loop, @function\n"
        "entry_loop:\n"
        "1: pause\n nop\n nop\n"
        "   lock incq loops(%rip)\n"
        "   jmp 1b\n"
        ".size entry_loop, .-entry_loop\n"
        ".globl calls_first\n.type calls_first, @function\n"
        "calls_first:\n"
        "   call *%rdi\n"
        "   ret\n"
        "   nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n"
        ".size calls_first, .-calls_first\n"
        ".globl tiny\n.type tiny, @function\n"
        "tiny: ret\n"
        ".size tiny, .-tiny\n");

static long park(void) { for (;;) pause(); return 0; }
static volatile int in_handler, released;
static void on_usr1(int sig) { (void)sig; in_handler = 1; while (!released) ; in_handler = 0; }
static void *looper(void *arg) { (void)arg; entry_loop(); return NULL; }
static void *caller_thread(void *arg) { (void)arg; calls_first(park); return NULL; }

int main(int argc, char **argv)
{
    pthread_t a, b;
    char line[64];
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2 || argv[1][0] != 'n')
        pthread_create(&a, NULL, looper, NULL);
    pthread_create(&b, NULL, caller_thread, NULL);
    usleep(20000);
    if (argc >= 2 && strcmp(argv[1], "handler") == 0) {
        signal(SIGUSR1, on_usr1);
        pthread_kill(a, SIGUSR1);
        while (!in_handler)
            usleep(100);
    }
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        if (strcmp(line, "release\n") == 0)
            released = 1;
        tiny();
        if (argc >= 2 && strcmp(argv[1], "handler") == 0)
            printf("loops=%ld handler=%d\n", loops, in_handler);
        else
            printf("loops=%ld\n", loops);
    }
    return 0;
}
