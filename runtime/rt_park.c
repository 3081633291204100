/*
 * rt_park.c -- the switch (a commit or a rollback) is one step from the
 * program's point of view, even if the injector dies during it.
 *
 * While the injector lives, every other thread is held in a ptrace stop
 * during the switch.  If it dies, the kernel lets them all go at once, in
 * the middle of the switch: old code could write changed data during the
 * initial copy (a write the new copy misses), and threads would run while
 * some jumps are written and others not.  So before the injector runs the
 * switch it points every other thread at polus_rt_park(gen), under a
 * signal frame that puts the thread back exactly as it was (the same
 * frame as a borrowed thread's, remote.py), with every signal but the
 * synchronous ones blocked.  While the injector lives the parked threads
 * never run: it puts their registers back after the switch.  If it dies,
 * they wait here until the switch is over, then return into their own code.
 *
 * The switch itself starts with rt_switch_alone(): with a tracer the other
 * threads are held by it (the injector parks them all before it lets the
 * switching thread run); without one, the injector died and the switch
 * waits for every parked thread to arrive here.  If one does not (the
 * injector died while it was parking them: that thread runs free), the
 * switch does nothing and says so (-1): the patch is then left registered
 * (the next command aborts it) or, for a rollback, still applied.
 *
 * The injector writes polus_rt_park_gate before it parks anyone: gen (its
 * own pid in the low 32 bits, fresh random bits above), how many threads it
 * parks, and, for the
 * fault-injection suite only, a hold in milliseconds that makes the switch
 * wait for the injector to be gone and then dawdle at each of its steps
 * (POLUS_KILL_AT=in-commit / in-rollback: apply.py, rollback.py).
 */
#include "rt_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

POLUS_EXPORT struct polus_rt_park_gate polus_rt_park_gate;

static _Atomic int arrived;

static void nap(long ns)
{
    struct timespec ts = { ns / 1000000000L, ns % 1000000000L };
    nanosleep(&ts, NULL);
}

static uint64_t gate_gen(void)
{
    return __atomic_load_n(&polus_rt_park_gate.gen, __ATOMIC_ACQUIRE);
}

POLUS_EXPORT long polus_rt_park(uint64_t gen)
{
    int saved = errno;
    if (gen && gate_gen() == gen) {
        atomic_fetch_add(&arrived, 1);
        while (gate_gen() == gen)
            nap(50000);
        atomic_fetch_sub(&arrived, 1);
    }
    errno = saved;
    return 0;
}

/* Is this thread traced by the injector that parked the others?  Its pid
 * is the low half of the gate's gen.  Another tracer -- the next command,
 * attached after that injector died -- holds no thread for this switch.
 * /proc/thread-self/status; if it cannot be read, trust the injector. */
static int traced(void)
{
    char buf[2048];
    int fd = open("/proc/thread-self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 1;
    buf[n] = 0;
    const char *t = strstr(buf, "TracerPid:");
    if (!t)
        return 1;
    long tracer = atol(t + 10);
    return tracer != 0 && (uint32_t)tracer == (uint32_t)gate_gen();
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int rt_switch_alone(void)
{
    uint64_t gen = gate_gen();
    if (!gen)
        return 1;       /* nobody was parked (a single-threaded target, or an older injector) */
    if (polus_rt_park_gate.hold_ms) {
        /* the fault-injection suite: wait a moment for the injector to be
         * gone (it is not, if it was sent SIGTERM: the others are stopped
         * meanwhile, so not long) */
        for (long end = now_ms() + 500; traced() && now_ms() < end;)
            nap(1000000);
    }
    if (traced())
        return 1;
    /* the injector died: every thread it parked must be here first */
    for (long end = now_ms() + 1000; atomic_load(&arrived) < polus_rt_park_gate.nthreads && now_ms() < end;)
        nap(50000);
    if (atomic_load(&arrived) >= polus_rt_park_gate.nthreads) {
        atomic_fetch_add(&rt_counters.switches_alone, 1);
        atomic_fetch_add(&rt_counters.threads_parked, (unsigned long)atomic_load(&arrived));
        return 1;
    }
    rt_logf("the injector died while it stopped the threads for a switch: %d of %d threads parked, "
            "nothing switched", atomic_load(&arrived), polus_rt_park_gate.nthreads);
    return 0;
}

void rt_switch_hold(void)
{
    if (polus_rt_park_gate.hold_ms && gate_gen())
        nap((long)polus_rt_park_gate.hold_ms * 1000000L);
}

void rt_switch_over(void)
{
    polus_rt_park_gate.hold_ms = 0;
    __atomic_store_n(&polus_rt_park_gate.gen, 0, __ATOMIC_RELEASE);
}
