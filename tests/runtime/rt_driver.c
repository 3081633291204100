/*
 * rt_driver.c -- a stand-in for a target process AND for the injector.
 *
 * It holds the old program's globals and functions (the paper's Fig. 2:
 * ab, calls, bar, report), dlopens libpolus_rt.so (RTLD_NOW|RTLD_GLOBAL) and
 * a patch (RTLD_NOW) as the injector does, fills polus_imports itself,
 * then calls the injector-facing entry points in the injector's order.
 * Each scenario prints facts ("FACT name value") and status lines
 * ("STATUS <json>") that tests/runtime/test_runtime.py asserts on.
 *
 *   rt_driver SCENARIO RUNTIME.so PATCH.so [PATCH2.so]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "polus.h"

/* ---------------------------------------------------------------- the old program */
struct A { int i; };
struct AB { struct A a; int b; };
struct A_v1 { int i; int j; };
struct AB_v1 { struct A_v1 a; int b; };

/* ab alone on its page with one unrelated neighbour (false sharing) */
struct page_block {
    struct AB ab;
    int neighbour;
    char scratch[2048];     /* more neighbours: buffers the kernel writes (sc_kernel_writes) */
} __attribute__((aligned(4096)));
struct page_block blk;
long calls[4];

__attribute__((noinline)) void bar(void)
{
    blk.ab.a.i++;
}

__attribute__((noinline)) void report(void)
{
    printf("v0 i=%d\n", blk.ab.a.i);
}

static volatile struct AB *vab = &blk.ab;

/* ---------------------------------------------------------------- the injector's view */
struct rt {
    void *lib, *patch, *patch2;
    int (*pre_update)(int);
    int (*activate)(int);
    int (*abort_)(int);
    int (*note_redirect)(int, void *, const unsigned char *, unsigned, void *);
    int (*note_redirects)(int, const struct polus_rt_redirect_note *, unsigned);
    int (*progress)(const uint64_t *, size_t);
    int (*rollback)(int);
    const char *(*status)(void);
    void *(*counterpart)(const void *);
};
static struct rt rt;

static void *must_sym(void *h, const char *name)
{
    void *p = dlsym(h, name);
    if (!p) {
        fprintf(stderr, "missing symbol %s: %s\n", name, dlerror());
        exit(2);
    }
    return p;
}

static void *must_open(const char *path, int flags)
{
    void *h = dlopen(path, flags);
    if (!h) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        exit(2);
    }
    return h;
}

static void load_runtime(const char *path)
{
    rt.lib = must_open(path, RTLD_NOW | RTLD_GLOBAL);
    rt.pre_update = must_sym(rt.lib, "polus_rt_pre_update");
    rt.activate = must_sym(rt.lib, "polus_rt_activate");
    rt.abort_ = must_sym(rt.lib, "polus_rt_abort");
    rt.note_redirect = must_sym(rt.lib, "polus_rt_note_redirect");
    rt.note_redirects = must_sym(rt.lib, "polus_rt_note_redirects");
    rt.progress = must_sym(rt.lib, "polus_rt_progress");
    rt.rollback = must_sym(rt.lib, "polus_rt_rollback");
    rt.status = must_sym(rt.lib, "polus_rt_status_json");
    rt.counterpart = must_sym(rt.lib, "polus_counterpart");
}

static void fact(const char *name, long value)
{
    printf("FACT %s %ld\n", name, value);
    fflush(stdout);
}

static void status(void)
{
    printf("STATUS %s\n", rt.status());
    fflush(stdout);
}

/* dlopen a patch, fill its imports, register it.  RT_DRIVER_GLOBAL_PATCHES
 * loads patches RTLD_GLOBAL, as the injector never does: a later patch's
 * polus_imports then binds to an earlier patch's, which the runtime refuses. */
static int load_patch(const char *path, void **handle, const struct polus_import *imports, int n)
{
    *handle = must_open(path, RTLD_NOW | (getenv("RT_DRIVER_GLOBAL_PATCHES") ? RTLD_GLOBAL : 0));
    struct polus_import *imp = must_sym(*handle, "polus_imports");
    memcpy(imp, imports, (size_t)n * sizeof *imp);
    int (*reg)(void) = must_sym(*handle, "register_patch");
    return reg();
}

/* The reference patch (docs/patch-example.polus.c): registered, pre-updated,
 * "redirected" (bookkeeping only: nothing is written here), activated. */
static int apply_fig2(const char *path)
{
    struct polus_import imports[4] = {
        {&blk.ab, sizeof blk.ab}, {calls, sizeof calls}, {(void *)bar, 64}, {(void *)report, 64},
    };
    int p = load_patch(path, &rt.patch, imports, 4);
    fact("patch_id", p);
    if (p < 0)
        exit(3);
    if (rt.pre_update(p) != 0)
        exit(4);
    struct polus_rt_redirect_note note = {(uintptr_t)bar, (uintptr_t)must_sym(rt.patch, "bar_v1"), 5, 0, {0}};
    memcpy(note.orig, (void *)bar, 5);
    if (rt.note_redirects(p, &note, 1) != 0)
        exit(6);
    if (rt.activate(p) != 0)
        exit(5);
    return p;
}

static struct AB_v1 *ab_v1(void)
{
    return must_sym(rt.patch, "ab_v1");
}

/* one thread's stack sample: tid, n, pcs */
static size_t sample(uint64_t *w, long tid, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    w[0] = (uint64_t)tid;
    w[1] = (uint64_t)n;
    for (int i = 0; i < n; i++)
        w[2 + i] = va_arg(ap, uint64_t);
    va_end(ap);
    return 2 + (size_t)n;
}

/* ---------------------------------------------------------------- scenarios */

static int sc_basic(void)
{
    apply_fig2(getenv("PATCH"));
    volatile struct AB_v1 *n = ab_v1();
    fact("initial_new_i", n->a.i);          /* initial copy old -> new */
    vab->a.i = 7;
    fact("new_i_after_old_write", n->a.i);
    vab->b = 11;
    fact("new_b_after_old_write", n->b);
    n->a.i = 21;
    n->a.j = 5;
    fact("old_i_after_new_write", vab->a.i);
    bar();                                  /* the old function writes the old copy */
    fact("new_i_after_bar", n->a.i);
    void (*bar_v1)(void) = must_sym(rt.patch, "bar_v1");
    bar_v1();                               /* the new function writes the new copy */
    fact("old_i_after_bar_v1", vab->a.i);
    fact("new_j_after_bar_v1", n->a.j);
    status();
    return 0;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int per_thread = 2000;

static void *old_worker(void *arg)
{
    (void)arg;
    for (int k = 0; k < per_thread; k++) {
        pthread_mutex_lock(&mu);
        vab->a.i++;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static void *new_worker(void *arg)
{
    volatile struct AB_v1 *n = arg;
    for (int k = 0; k < per_thread; k++) {
        pthread_mutex_lock(&mu);
        n->a.i++;
        n->a.j++;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

/* Unrelated data on ab's page, written by a thread of its own:
 *   NEIGHBOUR unset       under the program's mutex
 *   NEIGHBOUR=unlocked    without it, by plain stores
 *   NEIGHBOUR=atomic      without it, by lock-prefixed adds
 * Either way its writes fault and are done by the handler (emulated), so
 * the page is never opened under the mutex holders' feet; with
 * POLUS_NO_EMULATE=1 it is, the known limit of page-granular write-through. */
static const char *neighbour_mode = "";

static void *neighbour_worker(void *arg)
{
    (void)arg;
    volatile int *nb = &blk.neighbour;
    int locked = !*neighbour_mode, atomic = !strcmp(neighbour_mode, "atomic");
    for (int k = 0; k < per_thread; k++) {
        if (locked)
            pthread_mutex_lock(&mu);
        if (atomic)
            __atomic_fetch_add(&blk.neighbour, 1, __ATOMIC_RELAXED);
        else
            *nb = *nb + 1;
        if (locked)
            pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static int sc_threads(void)
{
    apply_fig2(getenv("PATCH"));
    if (getenv("PER_THREAD"))
        per_thread = atoi(getenv("PER_THREAD"));
    if (getenv("NEIGHBOUR"))
        neighbour_mode = getenv("NEIGHBOUR");
    struct AB_v1 *n = ab_v1();
    pthread_t th[9];
    for (int t = 0; t < 4; t++)
        pthread_create(&th[t], NULL, old_worker, NULL);
    for (int t = 4; t < 8; t++)
        pthread_create(&th[t], NULL, new_worker, n);
    /* a thread writing unrelated data on ab's page */
    pthread_create(&th[8], NULL, neighbour_worker, NULL);
    for (int t = 0; t < 9; t++)
        pthread_join(th[t], NULL);
    fact("expected", 8L * per_thread);
    fact("old_i", vab->a.i);
    fact("new_i", n->a.i);
    fact("new_j", n->a.j);
    fact("neighbour", blk.neighbour);
    fact("neighbour_expected", per_thread);
    status();
    return 0;
}

static int sc_false_sharing(void)
{
    apply_fig2(getenv("PATCH"));
    struct AB_v1 *n = ab_v1();
    int before = n->a.i;
    for (int k = 0; k < 10; k++)
        blk.neighbour += 3;
    fact("neighbour", blk.neighbour);
    fact("new_i_unchanged", n->a.i == before);
    status();
    return 0;
}

/* ---- signal chaining ---- */
static sigjmp_buf jb;
static volatile sig_atomic_t own_hits, late_hits;

static void own_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)si; (void)uc;
    own_hits++;
    siglongjmp(jb, 1);
}

static void late_handler(int sig)
{
    (void)sig;
    late_hits++;
    siglongjmp(jb, 1);
}

static int sc_chain(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = own_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);

    apply_fig2(getenv("PATCH"));
    struct AB_v1 *n = ab_v1();
    volatile int *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(jb, 1) == 0)
        *ro = 1;                              /* not ours: the program's handler */
    fact("own_hits", own_hits);
    vab->a.i = 99;                            /* ours: still carried across */
    fact("new_i", n->a.i);

    /* the program installs another handler after us; progress takes ours back */
    signal(SIGSEGV, late_handler);
    uint64_t w[8];
    size_t k = sample(w, 101, 1, (uint64_t)(uintptr_t)bar + 1);   /* bar still active */
    rt.progress(w, k);
    if (sigsetjmp(jb, 1) == 0)
        *ro = 2;
    fact("late_hits", late_hits);
    vab->a.i = 100;
    fact("new_i_after_reinstall", n->a.i);
    status();
    return 0;
}

static int sc_default_dies(void)
{
    apply_fig2(getenv("PATCH"));
    volatile int *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fact("about_to_fault", 1);
    *none = 1;                                /* SIG_DFL: the process must die of SIGSEGV */
    fact("survived", 1);
    return 0;
}

static int sc_raise_dies(void)
{
    apply_fig2(getenv("PATCH"));
    raise(SIGSEGV);                           /* a sent SIGSEGV is not a fault of ours */
    fact("survived", 1);
    return 0;
}

/* ---- fork ---- */
static volatile int stop_writer;

static void *busy_writer(void *arg)
{
    (void)arg;
    while (!stop_writer) {
        pthread_mutex_lock(&mu);
        vab->b++;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static int sc_fork(void)
{
    apply_fig2(getenv("PATCH"));
    volatile struct AB_v1 *n = ab_v1();
    pthread_t th;
    pthread_create(&th, NULL, busy_writer, NULL);
    int ok = 0, rounds = 20;
    for (int r = 0; r < rounds; r++) {
        pid_t pid = fork();
        if (pid == 0) {
            /* the child: its writes go through too, both ways */
            int bad = 0;
            for (int k = 0; k < 50 && !bad; k++) {
                vab->a.i = 1000 + k;
                bad = n->a.i != 1000 + k ? 1 : 0;
                n->a.i = 2000 + k;
                bad = bad ? bad : vab->a.i != 2000 + k ? 2 : 0;
                vab->b = k;
                bad = bad ? bad : n->b != k ? 3 : 0;
            }
            if (bad)
                fprintf(stderr, "child: check %d failed\n%s\n", bad, rt.status());
            _exit(bad);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    stop_writer = 1;
    pthread_join(th, NULL);
    fact("children_ok", ok);
    fact("children", rounds);
    fact("parent_b_synced", vab->b == n->b);
    fact("parent_i_untouched_by_children", vab->a.i == n->a.i);
    status();
    return 0;
}

/* ---- progress / rollback on the reference patch ---- */
static int sc_rollback(void)
{
    int p = apply_fig2(getenv("PATCH"));
    volatile struct AB_v1 *n = ab_v1();
    uint64_t w[64];
    void *bar_v1 = must_sym(rt.patch, "bar_v1");
    /* a thread inside old bar: still active, data synced */
    size_t k = sample(w, 101, 2, (uint64_t)(uintptr_t)bar + 4, (uint64_t)0x1234);
    fact("left_bar_active", rt.progress(w, k));
    status();
    /* nobody in old code any more: terminated, ab retired */
    k = sample(w, 101, 1, (uint64_t)0x1234);
    fact("left_after", rt.progress(w, k));
    vab->a.i = 500;
    fact("new_i_after_retired_old_write", n->a.i);   /* not carried any more */
    n->a.i = 600;
    n->b = 61;
    fact("old_i_before_rollback", vab->a.i);
    status();
    /* roll back: new -> old first, then write-through again */
    fact("rollback_rc", rt.rollback(p));
    fact("old_i_after_rollback", vab->a.i);
    fact("old_b_after_rollback", vab->b);
    n->a.i = 700;
    fact("old_i_after_new_write", vab->a.i);
    vab->a.i = 701;
    fact("new_i_after_old_write", n->a.i);
    /* a thread still in bar_v1: rolling back goes on */
    k = sample(w, 102, 2, (uint64_t)(uintptr_t)bar_v1 + 1, (uint64_t)0x99);
    fact("left_in_new", rt.progress(w, k));
    status();
    k = sample(w, 102, 1, (uint64_t)0x99);
    fact("left_done", rt.progress(w, k));
    vab->a.i = 800;
    fact("new_i_after_rolled_back", n->a.i);
    fact("second_rollback_rc", rt.rollback(p));
    status();
    return 0;
}

static int sc_abort(void)
{
    int p = apply_fig2(getenv("PATCH"));
    volatile struct AB_v1 *n = ab_v1();
    vab->a.i = 3;
    fact("new_i_while_active", n->a.i);
    fact("abort_rc", rt.abort_(p));
    vab->a.i = 4;
    vab->b = 5;
    fact("new_i_after_abort", n->a.i);
    n->a.i = 9;
    fact("old_i_after_abort", vab->a.i);
    /* nothing protected: mprotect can't tell, so ask the kernel through a write(2)
     * from a protected page would succeed anyway; read(2) INTO ab must work */
    int fds[2];
    int rc = pipe(fds);
    (void)rc;
    int v = 1234;
    ssize_t wr = write(fds[1], &v, sizeof v);
    ssize_t rd = read(fds[0], (void *)&blk.ab.b, sizeof v);
    fact("kernel_write_ok", wr == sizeof v && rd == sizeof v && vab->b == 1234);
    status();
    return 0;
}

/* The redirects of an apply noted in one call: all or nothing. */
static int sc_notes(void)
{
    int p = apply_fig2(getenv("PATCH"));          /* notes bar -> bar_v1 */
    struct polus_rt_redirect_note n[2] = {
        {(uintptr_t)report, (uintptr_t)must_sym(rt.patch, "report_v1"), 5, 0, {0}},
        {(uintptr_t)report + 64, (uintptr_t)must_sym(rt.patch, "report_v1"), 0, 0, {0}},   /* len 0 */
    };
    memcpy(n[0].orig, (void *)report, 5);
    fact("bad_batch_rc", rt.note_redirects(p, n, 2));
    n[1].len = 5;
    memcpy(n[1].orig, (char *)report + 64, 5);
    fact("good_batch_rc", rt.note_redirects(p, n, 2));
    fact("empty_batch_rc", rt.note_redirects(p, NULL, 0));
    status();
    return 0;
}

static int sc_efault(void)
{
    /* a kernel write into a protected copy: through the program's read()
     * (its GOT slot is hooked) it is bounced and carried across; a raw
     * system call still fails with EFAULT, the documented hazard */
    apply_fig2(getenv("PATCH"));
    volatile struct AB_v1 *n = ab_v1();
    int fds[2];
    int rc = pipe(fds);
    (void)rc;
    int v = 1234;
    ssize_t wr = write(fds[1], &v, sizeof v);
    errno = 0;
    ssize_t rd = read(fds[0], (void *)&blk.ab.b, sizeof v);
    fact("read_rc", (long)rd);
    fact("read_efault", rd < 0 && errno == EFAULT);
    fact("new_b_after_read", n->b);
    v = 4321;
    wr = write(fds[1], &v, sizeof v);
    errno = 0;
    rd = syscall(SYS_read, fds[0], (void *)&blk.ab.b, sizeof v);
    fact("raw_read_efault", rd < 0 && errno == EFAULT);
    (void)wr;
    status();
    return 0;
}

/* Every family of libc calls whose system call writes into the caller's
 * memory, each into buffers on ab's protected page (false sharing: the
 * neighbours of a live copy): each must do what it does unprotected.
 * FACT <call> 1 when it did, 0 when it failed (EFAULT without the hooks). */
static int sc_kernel_writes(void)
{
    apply_fig2(getenv("PATCH"));
    char *sc = blk.scratch;
    memset(sc, 0, sizeof blk.scratch);
    int p[2], sv[2], rc;
    rc = pipe(p);
    rc |= socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    if (rc != 0)
        return 1;

    /* recvmsg: the header, an iovec's buffer and the control data on the page; an fd passed */
    {
        struct msghdr *m = (void *)(sc + 0);          /* 56 bytes */
        char *data = sc + 64, *ctl = sc + 128;         /* 16 and 64 bytes */
        char ctl_out[CMSG_SPACE(sizeof(int))] = {0};
        struct iovec out = {"hello", 5}, in[2];
        char first[2];
        struct msghdr mo = {.msg_iov = &out, .msg_iovlen = 1, .msg_control = ctl_out,
                            .msg_controllen = sizeof ctl_out};
        struct cmsghdr *c = CMSG_FIRSTHDR(&mo);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &p[0], sizeof(int));
        ssize_t w = sendmsg(sv[1], &mo, 0);
        in[0] = (struct iovec){first, sizeof first};
        in[1] = (struct iovec){data, 16};
        struct msghdr mi = {.msg_iov = in, .msg_iovlen = 2, .msg_control = ctl, .msg_controllen = 64};
        memcpy(m, &mi, sizeof mi);
        ssize_t r = recvmsg(sv[0], m, 0);
        struct cmsghdr *rc0 = r == 5 ? CMSG_FIRSTHDR(m) : NULL;
        fact("recvmsg", w == 5 && r == 5 && !memcmp(first, "he", 2) && !memcmp(data, "llo", 3) &&
             rc0 && rc0->cmsg_type == SCM_RIGHTS && m->msg_controllen >= CMSG_LEN(sizeof(int)));
    }
    /* readv: an iovec on the page after one that is not */
    {
        char a[3];
        struct iovec v[2] = {{a, 3}, {sc + 256, 3}};
        ssize_t w = write(p[1], "abcdef", 6);
        fact("readv", w == 6 && readv(p[0], v, 2) == 6 && !memcmp(a, "abc", 3) && !memcmp(sc + 256, "def", 3));
    }
    /* recvfrom and recv: the buffer, the address and its length on the page */
    {
        socklen_t *len = (void *)(sc + 272);
        *len = sizeof(struct sockaddr_un);
        ssize_t w = send(sv[1], "xy", 2, 0);
        ssize_t r = recvfrom(sv[0], sc + 280, 8, 0, (void *)(sc + 300), len);
        w += send(sv[1], "zw", 2, 0);
        ssize_t r2 = recv(sv[0], sc + 290, 8, 0);
        fact("recvfrom", w == 4 && r == 2 && r2 == 2 && !memcmp(sc + 280, "xy", 2) && !memcmp(sc + 290, "zw", 2));
    }
    /* getsockname, getsockopt, accept: the address and its length on the page */
    {
        int l = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        struct sockaddr_in *got = (void *)(sc + 512);
        socklen_t *len = (void *)(sc + 544);
        *len = sizeof *got;
        int ok = l >= 0 && bind(l, (void *)&a, sizeof a) == 0 && listen(l, 1) == 0 &&
                 getsockname(l, (void *)got, len) == 0 && got->sin_port != 0 && *len == sizeof *got;
        fact("getsockname", ok);
        int *type = (int *)(sc + 548);
        *len = sizeof *type;
        fact("getsockopt", getsockopt(l, SOL_SOCKET, SO_TYPE, type, len) == 0 && *type == SOCK_STREAM);
        int c = socket(AF_INET, SOCK_STREAM, 0);
        ok = ok && c >= 0 && connect(c, (void *)got, sizeof *got) == 0;
        struct sockaddr_in *peer = (void *)(sc + 560);
        memset(peer, 0, sizeof *peer);
        *len = sizeof *peer;
        int s = ok ? accept(l, (void *)peer, len) : -1;
        fact("accept", s >= 0 && peer->sin_family == AF_INET && peer->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
        close(s);
        close(c);
        close(l);
    }
    /* select, poll, epoll_wait: what is ready, written on the page */
    {
        ssize_t w = write(p[1], "r", 1);
        fd_set *rs = (void *)(sc + 640);
        FD_ZERO(rs);
        FD_SET(p[0], rs);
        struct timeval *tv = (void *)(sc + 776);
        *tv = (struct timeval){1, 0};
        fact("select", w == 1 && select(p[0] + 1, rs, NULL, NULL, tv) == 1 && FD_ISSET(p[0], rs));
        struct pollfd *pf = (void *)(sc + 800);
        *pf = (struct pollfd){p[0], POLLIN, 0};
        fact("poll", poll(pf, 1, 1000) == 1 && (pf->revents & POLLIN));
        int ep = epoll_create1(0);
        struct epoll_event e = {.events = EPOLLIN, .data.u64 = 77};
        struct epoll_event *got = (void *)(sc + 816);
        got->data.u64 = 0;
        fact("epoll_wait", ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) == 0 &&
             epoll_wait(ep, got, 4, 1000) == 1 && got->data.u64 == 77);
        close(ep);
        char c;
        w = read(p[0], &c, 1);
    }
    /* the stat family */
    {
        struct stat *st = (void *)(sc + 896);      /* 144 bytes */
        st->st_mode = 0;
        fact("fstat", fstat(p[0], st) == 0 && S_ISFIFO(st->st_mode));
        st->st_mode = 0;
        fact("stat", stat("/", st) == 0 && S_ISDIR(st->st_mode));
        st->st_mode = 0;
        fact("lstat", lstat("/", st) == 0 && S_ISDIR(st->st_mode));
    }
    /* pipe, a child's exit status, a clock the vDSO leaves to the kernel */
    {
        int *fds = (int *)(sc + 1056);
        fds[0] = fds[1] = -1;
        fact("pipe", pipe(fds) == 0 && fds[0] >= 0 && fds[1] >= 0);
        close(fds[0]);
        close(fds[1]);
        int *st = (int *)(sc + 1064);
        pid_t child = fork();
        if (child == 0)
            _exit(3);
        fact("waitpid", child > 0 && waitpid(child, st, 0) == child && WIFEXITED(*st) && WEXITSTATUS(*st) == 3);
        struct timespec *ts = (void *)(sc + 1072);
        ts->tv_sec = -1;
        fact("clock_gettime", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, ts) == 0 && ts->tv_sec >= 0);
    }
    fact("ab_b_untouched", blk.ab.b == 0 || blk.ab.b == ab_v1()->b);
    status();
    return 0;
}

/* ---- progress and callbacks (tests/runtime/patch_callbacks.c) ---- */
int d1, d2, d3, d4 = 44;

__attribute__((noinline, aligned(64))) void f(void) { d1++; d3++; }
__attribute__((noinline, aligned(64))) void g(void) { d2++; }
__attribute__((noinline, aligned(64))) void loop(void) { d3 += 2; }

static void print_log(void *patch)
{
    char *log = must_sym(patch, "polus_test_log");
    printf("LOG %s\n", log);
    log[0] = 0;
    fflush(stdout);
}

#define PC(fn, off) ((uint64_t)(uintptr_t)(fn) + (off))
/* stores the compiler may not move past the volatile reads that check them */
#define SET(var, value) (*(volatile int *)&(var) = (value))

static int sc_progress(void)
{
    struct polus_import imports[7] = {
        {(void *)f, 32}, {(void *)g, 32}, {(void *)loop, 32},
        {&d1, sizeof d1}, {&d2, sizeof d2}, {&d3, sizeof d3}, {&d4, sizeof d4},
    };
    int p = load_patch(getenv("PATCH"), &rt.patch, imports, 7);
    fact("patch_id", p);
    int rc = rt.pre_update(p);
    fact("pre_update_rc", rc);
    print_log(rt.patch);
    if (rc != 0) {
        fact("activate_after_refusal", rt.activate(p));
        status();
        return 0;
    }
    SET(d1, 5);                                  /* before activation: not tracked yet */
    fact("activate_rc", rt.activate(p));
    volatile long *n1 = must_sym(rt.patch, "d1_v1"), *n2 = must_sym(rt.patch, "d2_v1"),
                  *n3 = must_sym(rt.patch, "d3_v1"), *n4 = must_sym(rt.patch, "d4_v1");
    fact("d1_v1_initial", *n1);
    fact("d4_v1_initial", *n4);
    status();

    uint64_t w[64];
    size_t k = 0;
    /* 101 is in f (called from loop), 102 in no old function, 103 in g */
    k += sample(w + k, 101, 2, PC(f, 4), PC(loop, 9));
    k += sample(w + k, 102, 1, (uint64_t)0x1000);
    k += sample(w + k, 103, 1, PC(g, 2));
    fact("left_1", rt.progress(w, k));
    print_log(rt.patch);

    /* 103 left g: g's function callback, d2 retired */
    k = 0;
    k += sample(w + k, 101, 2, PC(f, 4), PC(loop, 9));
    k += sample(w + k, 103, 1, (uint64_t)0x2000);
    fact("left_2", rt.progress(w, k));
    print_log(rt.patch);
    SET(d2, 70);
    fact("d2_v1_after_retired", *n2);
    SET(d1, 71);
    fact("d1_v1_still_synced", *n1);

    /* 101 only in loop (never left): f done, d1 retired, terminated; d3 stays */
    k = sample(w, 101, 2, PC(loop, 9), (uint64_t)0x3000);
    fact("left_3", rt.progress(w, k));
    print_log(rt.patch);
    SET(d3, 80);
    fact("d3_v1_never_left_synced", *n3);
    SET(d1, 81);
    fact("d1_v1_after_retired", *n1);
    unsigned long before = 0;
    status();

    /* read-only data: copied once, never protected */
    SET(d4, 45);
    fact("d4_v1_after_write", *n4);
    (void)before;

    /* loop's activation ended after all: d3 retired too */
    k = sample(w, 101, 1, (uint64_t)0x3000);
    fact("left_4", rt.progress(w, k));
    print_log(rt.patch);
    SET(d3, 90);
    fact("d3_v1_after_retired", *n3);
    status();
    /* rolled back: the rollback callback fires first */
    fact("rollback_rc", rt.rollback(p));
    print_log(rt.patch);
    return 0;
}

/* ---- a chain of patches: v0 -> v1 -> v2 ---- */
struct AB_v2 { struct { int i, j, k; } a; int b; };

static int sc_chain_patches(void)
{
    int p1 = apply_fig2(getenv("PATCH"));
    struct polus_import imports[3] = {
        {must_sym(rt.patch, "ab_v1"), sizeof(struct AB_v1)},
        {must_sym(rt.patch, "bar_v1"), 32}, {must_sym(rt.patch, "report_v1"), 32},
    };
    int p2 = load_patch(getenv("PATCH2"), &rt.patch2, imports, 3);
    fact("patch2_id", p2);
    if (p2 < 0) {
        status();
        return 0;
    }
    fact("pre2", rt.pre_update(p2));
    volatile struct AB_v1 *v1 = ab_v1();
    volatile struct AB_v2 *v2 = must_sym(rt.patch2, "ab_v2");
    vab->a.i = 3;
    fact("activate2", rt.activate(p2));
    fact("v2_i_initial", v2->a.i);
    vab->a.i = 5;                            /* v0 -> v1 -> v2 */
    fact("v1_i_after_v0_write", v1->a.i);
    fact("v2_i_after_v0_write", v2->a.i);
    v2->a.i = 6;                             /* v2 -> v1 -> v0 */
    fact("v1_i_after_v2_write", v1->a.i);
    fact("v0_i_after_v2_write", vab->a.i);
    v1->a.j = 7;                             /* the middle: both ways */
    v1->b = 8;
    fact("v1_j_after_v1_write", v1->a.j);
    fact("v2_j_after_v1_write", v2->a.j);
    fact("v2_b_after_v1_write", v2->b);
    fact("v0_b_after_v1_write", vab->b);
    fact("rollback_v1_under_v2", rt.rollback(p1));
    fact("left", rt.progress(NULL, 0));
    status();
    fact("rollback_v2", rt.rollback(p2));
    fact("rollback_v1_while_v2_rolls_back", rt.rollback(p1));
    fact("left_after_v2", rt.progress(NULL, 0));
    fact("rollback_v1", rt.rollback(p1));
    fact("left_after_v1", rt.progress(NULL, 0));
    status();
    return 0;
}

/* ---- heap pairs (tests/runtime/patch_heap.c) ---- */
struct node { int v; struct node *next; };
struct node_v1 { int v; int w; struct node_v1 *next; };
struct node *head;

static void push_old(int v)
{
    struct node *n = malloc(sizeof *n);
    n->v = v;
    n->next = head;
    head = n;                                /* a write to the tracked global */
    __asm__ volatile("" ::: "memory");       /* no read of the new copy moves above it */
}

static int sc_heap(void)
{
    for (int v = 1; v <= 3; v++)
        push_old(v);
    struct polus_import imports[1] = {{&head, sizeof head}};
    int p = load_patch(getenv("PATCH"), &rt.patch, imports, 1);
    fact("pre", rt.pre_update(p));
    fact("activate", rt.activate(p));
    struct node_v1 *volatile *hv = must_sym(rt.patch, "head_v1");
    struct node_v1 *nh = *hv;
    fact("counterpart_of_head", rt.counterpart(head) == nh);
    fact("counterpart_back", rt.counterpart(nh) == head);
    fact("counterpart_of_stranger", rt.counterpart(&p) == NULL);
    int same = 1, len = 0;
    struct node *o = head;
    struct node_v1 *n = nh;
    for (; o && n; o = o->next, n = n->next, len++)
        same &= o->v == n->v && rt.counterpart(o) == n;
    fact("lists_equal", same && !o && !n);
    fact("list_len", len);

    head->next->v = 20;                      /* write into an old heap object */
    fact("new_node_after_old_write", nh->next->v);
    ((volatile struct node_v1 *)nh)->v = 30; /* write into a new heap object */
    fact("old_node_after_new_write", head->v);

    push_old(4);                             /* a node the tracing never saw */
    struct node_v1 *nh2 = *hv;
    fact("new_head_v", nh2 ? nh2->v : -1);
    fact("new_head_next_is_old_head_pair", nh2 && nh2->next == nh);
    fact("new_head_is_counterpart", nh2 && rt.counterpart(head) == nh2);
    status();

    /* a chain: a later patch pairs the v1 node nh->next with a v2 object.
     * Without context the newest pair answers; patch 0's own sync must still
     * get the v0 node back for it, not the v2 object */
    {
        int (*reg_heap)(int, const char *, void *, size_t, void *, size_t, polus_sync_fn, polus_sync_fn) =
            must_sym(rt.lib, "polus_register_heap");
        void *fig2 = must_open(getenv("PATCH2"), RTLD_NOW);
        struct polus_import *imp = must_sym(fig2, "polus_imports");
        imp[0] = (struct polus_import){&blk.ab, sizeof blk.ab};
        imp[1] = (struct polus_import){calls, sizeof calls};
        imp[2] = (struct polus_import){(void *)bar, 64};
        imp[3] = (struct polus_import){(void *)report, 64};
        int p2 = ((int (*)(void))must_sym(fig2, "register_patch"))();
        static struct node_v1 v2_object;
        struct node_v1 *mid = nh2->next;           /* the v1 node of the old head */
        struct node *mid_old = head->next;
        fact("chain_heap_registered", reg_heap(p2, "struct node", mid, sizeof *mid, &v2_object,
                                               sizeof v2_object, NULL, NULL) >= 0);
        fact("newest_pair_answers", rt.counterpart(mid) == &v2_object);
        ((volatile struct node_v1 *)nh2)->v = 40;  /* patch 0 syncs nh2 -> head: translates mid */
        fact("own_patch_pair_answers", head->v == 40 && head->next == mid_old);
    }

    /* unlink a node and free it: the free() hook takes its pair out first, so
     * glibc's own writes into the freed block are not carried across */
    struct node *victim = head->next;
    struct node_v1 *victim_v1 = rt.counterpart(victim);
    volatile uintptr_t victim_addr = (uintptr_t)victim;   /* (not a use after free: a key) */
    head->next = victim->next;
    free(victim);
    fact("freed_counterpart_gone", victim_v1 && rt.counterpart((void *)victim_addr) == NULL);
    /* its v1 object lives on, still paired with the later patch's v2 object */
    fact("freed_pair_only", rt.counterpart(victim_v1) != NULL &&
                            rt.counterpart(victim_v1) != (void *)victim_addr);
    same = 1;
    len = 0;
    for (o = head, n = *hv; o && n; o = o->next, n = n->next, len++)
        same &= o->v == n->v;
    fact("lists_equal_after_free", same && !o && !n);
    fact("list_len_after_free", len);
    status();

    fact("left", rt.progress(NULL, 0));      /* no old function: head retires, pairs with it */
    head->v = 99;
    fact("new_after_retired", (*hv)->v);
    status();
    /* rolled back: retired pairs come back new -> old, the freed one does not
     * (syncing into freed memory would corrupt the allocator) */
    fact("rollback", rt.rollback(p));
    void *again = malloc(sizeof(struct node));   /* the allocator is intact */
    free(again);
    status();
    return 0;
}

/* ---- stores of every shape the emulator decodes ---- */
static long emulated(void)
{
    const char *st = rt.status();
    const char *p = strstr(st, "\"emulated_stores\": ");
    return p ? atol(p + strlen("\"emulated_stores\": ")) : -1;
}

static int sc_stores(void)
{
    apply_fig2(getenv("PATCH"));
    volatile struct AB_v1 *n = ab_v1();
    char *base = (char *)&blk.ab;
    long e0 = emulated();
    int ok = 1;
    /* mov r32 -> [reg] */
    __asm__ volatile("movl %1, (%0)" :: "r"(base), "r"(101) : "memory");
    ok &= n->a.i == 101;
    /* mov imm32 -> [reg+disp8] */
    __asm__ volatile("movl $102, 4(%0)" :: "r"(base) : "memory");
    ok &= n->b == 102;
    /* mov r32 -> [base+index*4] with r8-r15 */
    __asm__ volatile("mov %0, %%r13\n\tmov $1, %%r9\n\tmovl $103, (%%r13,%%r9,4)"
                     :: "r"(base) : "r9", "r13", "memory");
    ok &= n->b == 103;
    /* mov imm8 -> byte; mov r8 (AH) -> byte */
    __asm__ volatile("movb $0x11, (%0)" :: "r"(base) : "memory");
    ok &= (n->a.i & 0xff) == 0x11;
    /* (base in rbx: AH cannot be encoded with a REX prefix) */
    __asm__ volatile("mov $0x2200, %%eax\n\tmovb %%ah, 1(%0)" :: "b"(base) : "rax", "memory");
    ok &= ((n->a.i >> 8) & 0xff) == 0x22;
    /* mov r8 (SIL, needs REX) -> byte */
    __asm__ volatile("mov $0x33, %%esi\n\tmovb %%sil, 2(%0)" :: "r"(base) : "rsi", "memory");
    ok &= ((n->a.i >> 16) & 0xff) == 0x33;
    /* mov r16 -> word (66 prefix), mov imm16 -> word */
    __asm__ volatile("mov $0x4455, %%ecx\n\tmovw %%cx, 4(%0)" :: "r"(base) : "rcx", "memory");
    ok &= (n->b & 0xffff) == 0x4455;
    __asm__ volatile("movw $0x6677, 6(%0)" :: "r"(base) : "memory");
    ok &= ((unsigned)n->b >> 16) == 0x6677;
    /* mov r64 and sign-extended imm32 -> quad: both i and b at once */
    __asm__ volatile("movq $-2, (%0)" :: "r"(base) : "memory");
    ok &= n->a.i == -2 && n->b == -1;
    __asm__ volatile("movabs $0x0000000500000004, %%rdx\n\tmovq %%rdx, (%0)" :: "r"(base) : "rdx", "memory");
    ok &= n->a.i == 4 && n->b == 5;
    /* rip-relative: mov imm32 -> global */
    __asm__ volatile("movl $106, blk+4(%%rip)" ::: "memory");
    ok &= n->b == 106;
    /* a displacement of 32 bits off a register: [reg+disp32] */
    uintptr_t far_ = (uintptr_t)base - 1000;
    __asm__ volatile("movl $107, 1004(%0)" :: "r"(far_) : "memory");
    ok &= n->b == 107;
    /* the old copy holds what was written, too */
    ok &= blk.ab.a.i == 4 && blk.ab.b == 107;
    fact("stores_ok", ok);
    fact("emulated", emulated() - e0);
    /* read-modify-write without a lock prefix: emulated too, flags included */
    int ok2 = 1;
    unsigned char zf, cf, sf, of;
    __asm__ volatile("addl $10, 4(%0)" :: "r"(base) : "memory", "cc");           /* 83 /0 */
    ok2 &= n->b == 117;
    __asm__ volatile("subl $117, 4(%1)\n\tsetz %0" : "=q"(zf) : "r"(base) : "memory", "cc");
    ok2 &= n->b == 0 && zf == 1;
    __asm__ volatile("orb $0x80, 4(%0)" :: "r"(base) : "memory", "cc");          /* 80 /1 */
    ok2 &= n->b == 0x80;
    __asm__ volatile("mov $0x0f, %%edx\n\tandl %%edx, 4(%0)" :: "r"(base) : "rdx", "memory", "cc"); /* 21 */
    ok2 &= n->b == 0;
    __asm__ volatile("xorl $0x12345678, 4(%0)" :: "r"(base) : "memory", "cc");   /* 81 /6 */
    ok2 &= n->b == 0x12345678;
    __asm__ volatile("incl 4(%0)" :: "r"(base) : "memory", "cc");                /* FF /0 */
    ok2 &= n->b == 0x12345679;
    __asm__ volatile("stc\n\tdecw 4(%2)\n\tsetc %0\n\tsets %1" : "=q"(cf), "=q"(sf) : "r"(base)
                     : "memory", "cc");                                          /* FF /1 + 66: CF kept */
    ok2 &= n->b == 0x12345678 && cf == 1 && sf == 0;
    __asm__ volatile("movl $0x7fffffff, 4(%1)\n\taddl $1, 4(%1)\n\tseto %0" : "=q"(of) : "r"(base)
                     : "memory", "cc");
    ok2 &= n->b == (int)0x80000000 && of == 1;
    __asm__ volatile("movl $5, (%1)\n\tmov $3, %%ecx\n\tstc\n\tadcl %%ecx, (%1)\n\tsetc %0"
                     : "=q"(cf) : "r"(base) : "rcx", "memory", "cc");            /* 11: CF in and out */
    ok2 &= n->a.i == 9 && cf == 0;
    __asm__ volatile("subq $1, (%0)" :: "r"(base) : "memory", "cc");            /* a quad over i and b */
    ok2 &= n->a.i == 8 && n->b == (int)0x80000000;
    ok2 &= blk.ab.a.i == 8 && blk.ab.b == (int)0x80000000;
    fact("rmw_ok", ok2);
    fact("emulated_rmw", emulated() - e0 - 12);
    /* SSE stores from XMM registers (struct copies, inlined memset) */
    int ok3 = 1;
    volatile int *nb = &blk.neighbour;
    __asm__ volatile("movabs $0x0000000b0000000a, %%rdx\n\tmovq %%rdx, %%xmm1\n\t"
                     "movq %%xmm1, (%0)" :: "r"(base) : "rdx", "xmm1", "memory");       /* 66 0F D6 */
    ok3 &= n->a.i == 10 && n->b == 11;
    __asm__ volatile("mov $12, %%edx\n\tmovd %%edx, %%xmm2\n\tmovss %%xmm2, 4(%0)"
                     :: "r"(base) : "rdx", "xmm2", "memory");                           /* F3 0F 11 */
    ok3 &= n->a.i == 10 && n->b == 12;
    __asm__ volatile("movabs $0x0000000e0000000d, %%rdx\n\tmovq %%rdx, %%xmm3\n\t"
                     "movsd %%xmm3, (%0)" :: "r"(base) : "rdx", "xmm3", "memory");      /* F2 0F 11 */
    ok3 &= n->a.i == 13 && n->b == 14;
    __asm__ volatile("movabs $0x000000100000000f, %%rdx\n\tmovq %%rdx, %%xmm4\n\t"
                     "mov $0x11, %%edx\n\tmovq %%rdx, %%xmm5\n\tpunpcklqdq %%xmm5, %%xmm4\n\t"
                     "movups %%xmm4, (%0)" :: "r"(base) : "rdx", "xmm4", "xmm5", "memory"); /* 0F 11: 16 bytes */
    ok3 &= n->a.i == 15 && n->b == 16 && *nb == 0x11;
    __asm__ volatile("movhps %%xmm4, (%0)" :: "r"(base) : "memory");                    /* 0F 17: high half */
    ok3 &= n->a.i == 0x11 && n->b == 0;
    __asm__ volatile("mov $17, %%edx\n\tmovd %%edx, %%xmm6\n\tmovd %%xmm6, 4(%0)"
                     :: "r"(base) : "rdx", "xmm6", "memory");                           /* 66 0F 7E */
    ok3 &= n->b == 17;
    __asm__ volatile("pxor %%xmm7, %%xmm7\n\tmovdqu %%xmm7, (%0)" :: "r"(base) : "xmm7", "memory"); /* F3 0F 7F */
    ok3 &= n->a.i == 0 && n->b == 0 && *nb == 0;
    ok3 &= blk.ab.a.i == 0 && blk.ab.b == 0;
    fact("sse_ok", ok3);
    fact("emulated_sse", emulated() - e0 - 24);
    e0 += 7;
    /* a locked read-modify-write: emulated too, atomic under the emulation lock */
    __asm__ volatile("lock addl $2, (%0)" :: "r"(base) : "memory", "cc");
    fact("locked_synced", n->a.i == 2 && blk.ab.a.i == 2);
    fact("emulated_after_locked", emulated() - e0);
    status();
    return 0;
}

/* ---- the emulator against the CPU: the same instruction on a plain
 * variable and on the protected old copy must leave the same memory and the
 * same flags (CF PF AF ZF SF OF) ---- */
#define FLAGS_MASK 0x8D5ul
#define RUN(insn, mem, val, flin, flout)                                               \
    __asm__ volatile("push %[fi]\n\tpopfq\n\t" insn " %[v], %[m]\n\tpushfq\n\tpop %[fo]" \
                     : [m] "+m"(mem), [fo] "=&r"(flout) : [v] "c"(val), [fi] "r"(flin) : "cc")

#define CASE(name, sfx, T)                                                             \
    {                                                                                  \
        T plain = (T)a;                                                                \
        T *prot = (T *)base;                                                           \
        *(volatile T *)prot = (T)a;                                                    \
        unsigned long f1, f2;                                                          \
        RUN(name sfx, plain, (T)b, flin, f1);                                          \
        RUN(name sfx, *prot, (T)b, flin, f2);                                          \
        if (plain != *(volatile T *)prot || (f1 & FLAGS_MASK) != (f2 & FLAGS_MASK))    \
            bad++, fprintf(stderr, "%s%s a=%#lx b=%#lx cf=%lu: %#lx/%#lx vs %#lx/%#lx\n", name, sfx, \
                           a, b, flin & 1, (unsigned long)plain, f1, (unsigned long)*prot, f2); \
        cases++;                                                                       \
    }

#define OP(name)                                                                       \
    CASE(name, "b", uint8_t) CASE(name, "w", uint16_t) CASE(name, "l", uint32_t) CASE(name, "q", uint64_t)

/* op reg, mem with the register an output too (xchg, xadd) */
#define RUNX(insn, mem, reg, flin, flout)                                              \
    __asm__ volatile("push %[fi]\n\tpopfq\n\t" insn " %[v], %[m]\n\tpushfq\n\tpop %[fo]" \
                     : [m] "+m"(mem), [fo] "=&r"(flout), [v] "+c"(reg) : [fi] "r"(flin) : "cc")

#define CASEX(name, sfx, T)                                                            \
    {                                                                                  \
        T plain = (T)a, r1 = (T)b, r2 = (T)b;                                          \
        T *prot = (T *)base;                                                           \
        *(volatile T *)prot = (T)a;                                                    \
        unsigned long f1, f2;                                                          \
        RUNX(name sfx, plain, r1, flin, f1);                                           \
        RUNX(name sfx, *prot, r2, flin, f2);                                           \
        if (plain != *(volatile T *)prot || r1 != r2 || (f1 & FLAGS_MASK) != (f2 & FLAGS_MASK)) \
            bad++, fprintf(stderr, "%s%s a=%#lx b=%#lx: %#lx/%#lx/%#lx vs %#lx/%#lx/%#lx\n", name, sfx, a, b, \
                           (unsigned long)plain, (unsigned long)r1, f1, (unsigned long)*prot,      \
                           (unsigned long)r2, f2);                                     \
        cases++;                                                                       \
    }
#define XCH(name) CASEX(name, "b", uint8_t) CASEX(name, "w", uint16_t) CASEX(name, "l", uint32_t) \
    CASEX(name, "q", uint64_t)
#define LOCKED(name) OP(name)

/* cmpxchg: accumulator (rax) and source (rcx); equal or not */
#define CASEC(acc0, sfx, T)                                                            \
    {                                                                                  \
        T plain = (T)a, *prot = (T *)base;                                             \
        *(volatile T *)prot = (T)a;                                                    \
        unsigned long ax1 = (acc0), ax2 = (acc0), f1, f2;                              \
        T src = (T)(b ^ 0x5a5a5a5a5a5a5a5aul);                                         \
        __asm__ volatile("push %[fi]\n\tpopfq\n\tlock cmpxchg" sfx " %[s], %[m]\n\tpushfq\n\tpop %[fo]" \
                         : [m] "+m"(plain), [fo] "=&r"(f1), "+a"(ax1) : [s] "c"(src), [fi] "r"(flin) : "cc"); \
        __asm__ volatile("push %[fi]\n\tpopfq\n\tlock cmpxchg" sfx " %[s], %[m]\n\tpushfq\n\tpop %[fo]" \
                         : [m] "+m"(*prot), [fo] "=&r"(f2), "+a"(ax2) : [s] "c"(src), [fi] "r"(flin) : "cc"); \
        if (plain != *(volatile T *)prot || ax1 != ax2 || (f1 & FLAGS_MASK) != (f2 & FLAGS_MASK)) \
            bad++, fprintf(stderr, "cmpxchg%s a=%#lx acc=%#lx: %#lx/%#lx/%#lx vs %#lx/%#lx/%#lx\n", sfx, a, \
                           (unsigned long)(acc0), (unsigned long)plain, ax1, f1,         \
                           (unsigned long)*prot, ax2, f2);                             \
        cases++;                                                                       \
    }
#define CMPX(acc) CASEC(acc, "b", uint8_t) CASEC(acc, "w", uint16_t) CASEC(acc, "l", uint32_t) \
    CASEC(acc, "q", uint64_t)

static int sc_alu(void)
{
    apply_fig2(getenv("PATCH"));
    char *base = (char *)&blk.ab;
    long e0 = emulated();
    unsigned long seed = 12345, cases = 0, bad = 0;
    static const unsigned long edge[] = {0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
                                         0x80000000, 0xffffffff, 0x7fffffffffffffff, 0x8000000000000000,
                                         0xffffffffffffffff};
    for (int round = 0; round < 60; round++) {
        unsigned long a, b;
        if (round < 14 * 2) {
            a = edge[round % 14];
            b = edge[(round * 5 + 3) % 14];
        } else {
            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            a = seed;
            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            b = seed >> (seed & 63);
        }
        unsigned long flin = 0x202 | (round & 1);   /* IF, reserved bit, CF alternating */
        OP("add") OP("or") OP("adc") OP("sbb") OP("and") OP("sub") OP("xor")
    }
    /* locked forms and the exchanges: memory, flags and the register */
    for (int round = 0; round < 40; round++) {
        seed = seed * 6364136223846793005ul + 1442695040888963407ul;
        unsigned long a = round < 14 ? edge[round] : seed, b = round < 14 ? edge[(round + 5) % 14] : seed >> 7;
        unsigned long flin = 0x202 | (round & 1);
        LOCKED("lock add") LOCKED("lock sub") LOCKED("lock or") LOCKED("lock and") LOCKED("lock xor")
        XCH("xchg") XCH("lock xadd") XCH("xadd")
        CMPX(a) CMPX(b)
    }
    fact("alu_cases", (long)cases);
    fact("alu_mismatches", (long)bad);
    fact("alu_emulated", emulated() - e0);
    vab->a.i = 1;
    fact("still_synced", ab_v1()->a.i == 1);
    return 0;
}

/* ---- a global bigger than a page (tests/runtime/patch_big.c) ---- */
int big[20000];

static int sc_big(void)
{
    for (int k = 0; k < 20000; k++)
        big[k] = k;
    struct polus_import imports[1] = {{big, sizeof big}};
    int p = load_patch(getenv("PATCH"), &rt.patch, imports, 1);
    fact("pre", rt.pre_update(p));
    fact("activate", rt.activate(p));
    volatile long *nb = must_sym(rt.patch, "big_v1");
    volatile int *ob = big;
    fact("initial_last", nb[19999]);
    ob[0] = -1;
    ob[19999] = -2;
    fact("new_first", nb[0]);
    fact("new_last", nb[19999]);
    nb[10000] = -3;
    fact("old_middle", ob[10000]);
    int same = 1;
    for (int k = 0; k < 20000; k++)
        same &= nb[k] == ob[k];
    fact("all_equal", same);
    status();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s SCENARIO RUNTIME.so PATCH.so [PATCH2.so]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    load_runtime(argv[2]);
    setenv("PATCH", argv[3], 1);
    if (argc > 4)
        setenv("PATCH2", argv[4], 1);
    const char *s = argv[1];
    if (!strcmp(s, "basic")) return sc_basic();
    if (!strcmp(s, "threads")) return sc_threads();
    if (!strcmp(s, "false_sharing")) return sc_false_sharing();
    if (!strcmp(s, "chain_handler")) return sc_chain();
    if (!strcmp(s, "default_dies")) return sc_default_dies();
    if (!strcmp(s, "raise_dies")) return sc_raise_dies();
    if (!strcmp(s, "fork")) return sc_fork();
    if (!strcmp(s, "rollback")) return sc_rollback();
    if (!strcmp(s, "abort")) return sc_abort();
    if (!strcmp(s, "notes")) return sc_notes();
    if (!strcmp(s, "efault")) return sc_efault();
    if (!strcmp(s, "kernel_writes")) return sc_kernel_writes();
    if (!strcmp(s, "progress")) return sc_progress();
    if (!strcmp(s, "chain_patches")) return sc_chain_patches();
    if (!strcmp(s, "heap")) return sc_heap();
    if (!strcmp(s, "big")) return sc_big();
    if (!strcmp(s, "stores")) return sc_stores();
    if (!strcmp(s, "alu")) return sc_alu();
    fprintf(stderr, "unknown scenario %s\n", s);
    return 2;
}
