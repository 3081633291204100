/*
 * rt_hooks.c -- two things page protection cannot see, caught at the
 * program's own calls into libc: GOT entries of free() and of every libc
 * call whose system call writes into the caller's memory are pointed at
 * wrappers here (every loaded object but libc, the dynamic linker and this
 * library; patches loaded later are hooked when they are activated).
 *
 * free(): glibc writes its bookkeeping (tcache key, list pointers) into the
 * block it frees.  If that block is one object of a heap pair, the write
 * would be carried across and the sync code would follow the key as a
 * pointer.  The wrapper first takes the pair out of write-through and out
 * of the map of counterparts (the address may come back from malloc as
 * another object), then frees.
 *
 * System calls: the kernel cannot write a read-only page -- the call fails
 * with EFAULT and no signal is raised.  Met for real: a session forked while
 * the listener's page with `session` was protected read(2) its command line
 * into the static `inbuf` on that page; dnsmasq recvmsg(2)s every query into
 * a heap block on the page of a protected old object, and stopped answering.
 * Any buffer the kernel writes can sit on such a page (false sharing), so
 * every call below that hands the kernel a pointer to write through is
 * wrapped: the read family (read, pread, recv, recvfrom, readv, preadv,
 * recvmsg with its iovecs, msg_name and msg_control, readlink, getrandom),
 * addresses (accept, accept4, getsockname, getpeername, getsockopt), waits
 * (select, pselect, poll, ppoll, epoll_wait, epoll_pwait, nanosleep, wait,
 * waitpid, wait3, wait4, waitid), the stat family, pipe, pipe2, socketpair,
 * clock_gettime, gettimeofday (vDSO, with system call fallbacks), getrusage,
 * getrlimit, prlimit, uname, sysinfo, times, getcwd, sigprocmask and
 * pthread_sigmask, and the _FORTIFY_SOURCE variants of these.  When a
 * buffer has a protected page the wrapper hands the kernel a buffer of its
 * own holding the same bytes, and after the call stores what the kernel
 * wrote back with write-through (rt_store).  A raw syscall(2), or a call
 * from inside libc or another library (stdio's read into a FILE buffer,
 * readdir), still gets EFAULT (status names the hazard).
 *
 * Bounce buffers live on the wrapper's stack (a small arena) or, when
 * larger, in a private mapping: mmap is async-signal-safe, as read(2) is,
 * and a program may call it from a signal handler.
 *
 * The slots are written through /proc/self/mem (they may be RELRO).  The
 * injector activates with every other thread stopped, so no thread reads a
 * slot while it changes.  Hooks stay when updates end: they cost one check.
 * POLUS_NO_HOOKS=1 leaves the GOT alone.
 */
#include "rt_internal.h"

#include <elf.h>
#include <errno.h>
#include <link.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARENA 2048      /* bytes of bounce buffers on the wrapper's stack; more are mapped */
#define NBOUNCE 32      /* buffers of one call (recvmsg: every iovec, name, control, the header) */

static int hooked;

static void hk_free(void *p)
{
    if (p && rt_heap_count())
        rt_heap_forget(p);
    free(p);
}

/* ---------------------------------------------------------------- bounce buffers */

static int prot(const void *p, size_t n)
{
    return p && n && rt_range_protected((uintptr_t)p, (uintptr_t)p + n);
}

struct bounce {
    void *user, *tmp;
    size_t len, store;      /* store: bytes written back after the call */
    int mapped;
};

struct bounce_set {
    int n;
    size_t used;
    struct bounce b[NBOUNCE];
    _Alignas(16) char arena[ARENA];
};

static void *bs_alloc(struct bounce_set *s, size_t len, int *mapped)
{
    size_t need = (len + 15) & ~(size_t)15;
    *mapped = 0;
    if (need <= ARENA - s->used) {
        void *t = s->arena + s->used;
        s->used += need;
        return t;
    }
    void *t = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (t == MAP_FAILED)
        return NULL;
    *mapped = 1;
    return t;
}

/* `p` (len bytes) as the call must see it: p itself when no page of it is
 * protected, else a buffer of ours holding p's bytes, stored back by
 * bs_done (all of it, unless bs_written says how much the kernel wrote).
 * Should nothing be left for a buffer, p itself: the call gets EFAULT, as
 * without the hook. */
static void *bs_via(struct bounce_set *s, void *p, size_t len)
{
    if (!prot(p, len) || s->n == NBOUNCE)
        return p;
    int mapped;
    void *t = bs_alloc(s, len, &mapped);
    if (!t)
        return p;
    memcpy(t, p, len);
    s->b[s->n++] = (struct bounce){p, t, len, len, mapped};
    return t;
}

/* A private copy of `p` the call reads (and we may change): never stored back. */
static void *bs_copy(struct bounce_set *s, const void *p, size_t len)
{
    if (!p || !len || s->n == NBOUNCE)
        return NULL;
    int mapped;
    void *t = bs_alloc(s, len, &mapped);
    if (!t)
        return NULL;
    memcpy(t, p, len);
    s->b[s->n++] = (struct bounce){(void *)p, t, len, 0, mapped};
    return t;
}

/* The kernel wrote only the first n bytes of the buffer the call saw as `t`. */
static void bs_written(struct bounce_set *s, const void *t, size_t n)
{
    for (int i = 0; i < s->n; i++)
        if (s->b[i].tmp == t && s->b[i].store)
            s->b[i].store = n < s->b[i].len ? n : s->b[i].len;
}

/* After the call: if it succeeded, store what it wrote with write-through. */
static void bs_done(struct bounce_set *s, int ok)
{
    int e = errno;
    int stored = 0;
    for (int i = 0; i < s->n; i++) {
        struct bounce *b = &s->b[i];
        if (ok && b->store) {
            rt_store(b->user, b->tmp, b->store);
            stored = 1;
        }
        if (b->mapped)
            munmap(b->tmp, b->len);
    }
    if (stored)
        atomic_fetch_add(&rt_counters.reads_bounced, 1);
    errno = e;
}

#define BS_INIT(s) ((s)->n = 0, (s)->used = 0)

/* The call as it is (`plain`) while none of the buffers it hands the kernel
 * has a protected page (`protected`), else `bounced`, which passes each such
 * buffer as V(p, len); `ok` (of its result rc) says whether to store back. */
#define V(p, len) bs_via(&s, p, len)
#define BOUNCE_CALL(T, protected, plain, bounced, ok)   \
    do {                                                \
        if (!(protected))                               \
            return plain;                               \
        struct bounce_set s;                            \
        BS_INIT(&s);                                    \
        T rc = bounced;                                 \
        bs_done(&s, ok);                                \
        return rc;                                      \
    } while (0)

/* A call that writes a count of bytes into buf[0..n), returned: `bounced` reads into t. */
#define COUNTED(plain, bounced)                                 \
    do {                                                        \
        if (!prot(buf, n))                                      \
            return plain;                                       \
        struct bounce_set s;                                    \
        BS_INIT(&s);                                            \
        __typeof__(buf) t = bs_via(&s, buf, n);                 \
        ssize_t r = bounced;                                    \
        bs_written(&s, t, r > 0 ? (size_t)r : 0);               \
        bs_done(&s, r > 0);                                     \
        return r;                                               \
    } while (0)

/* A call that writes one object through `out` and returns 0 on success. */
#define ONE_OUT(plain, out, bounced) BOUNCE_CALL(int, prot(out, sizeof *(out)), plain, bounced, rc >= 0)

/* ---------------------------------------------------------------- the read family */

static ssize_t hk_read(int fd, void *buf, size_t n)
{
    COUNTED(read(fd, buf, n), read(fd, t, n));
}

static ssize_t hk_pread(int fd, void *buf, size_t n, off_t off)
{
    COUNTED(pread(fd, buf, n, off), pread(fd, t, n, off));
}

static ssize_t hk_recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr, socklen_t *alen)
{
    if (!prot(buf, n) && !prot(alen, sizeof *alen) && !(alen && prot(addr, *alen)))
        return recvfrom(fd, buf, n, flags, addr, alen);
    struct bounce_set s;
    BS_INIT(&s);
    socklen_t given = alen ? *alen : 0;
    void *t = bs_via(&s, buf, n);
    socklen_t *al = bs_via(&s, alen, sizeof *alen);
    struct sockaddr *a = bs_via(&s, addr, given);
    ssize_t r = recvfrom(fd, t, n, flags, a, al);
    bs_written(&s, t, r > 0 ? (size_t)r : 0);
    if (al)
        bs_written(&s, a, *al);
    bs_done(&s, r >= 0);
    return r;
}

static ssize_t hk_recv(int fd, void *buf, size_t n, int flags)
{
    return hk_recvfrom(fd, buf, n, flags, NULL, NULL);
}

/* iov[i] as the call must see them, in a copy of the array (NULL: no room) */
static struct iovec *bs_iov(struct bounce_set *s, const struct iovec *iov, size_t n)
{
    struct iovec *v = bs_copy(s, iov, n * sizeof *iov);
    for (size_t i = 0; v && i < n; i++)
        v[i].iov_base = bs_via(s, v[i].iov_base, v[i].iov_len);
    return v;
}

/* the kernel filled the iovecs in order with r bytes */
static void bs_iov_written(struct bounce_set *s, const struct iovec *v, size_t n, ssize_t r)
{
    size_t left = r > 0 ? (size_t)r : 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = v[i].iov_len < left ? v[i].iov_len : left;
        bs_written(s, v[i].iov_base, k);
        left -= k;
    }
}

static int iov_prot(const struct iovec *iov, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (prot(iov[i].iov_base, iov[i].iov_len))
            return 1;
    return 0;
}

#define IOV_CALL(call_plain, call_with_v)                       \
    do {                                                        \
        if (n <= 0 || !iov_prot(iov, (size_t)n))                \
            return call_plain;                                  \
        struct bounce_set s;                                    \
        BS_INIT(&s);                                            \
        struct iovec *v = bs_iov(&s, iov, (size_t)n);           \
        if (!v)                                                 \
            return call_plain;                                  \
        ssize_t r = call_with_v;                                \
        bs_iov_written(&s, v, (size_t)n, r);                    \
        bs_done(&s, r > 0);                                     \
        return r;                                               \
    } while (0)

static ssize_t hk_readv(int fd, const struct iovec *iov, int n)
{
    IOV_CALL(readv(fd, iov, n), readv(fd, v, n));
}

static ssize_t hk_preadv(int fd, const struct iovec *iov, int n, off_t off)
{
    IOV_CALL(preadv(fd, iov, n, off), preadv(fd, v, n, off));
}

static ssize_t hk_preadv2(int fd, const struct iovec *iov, int n, off_t off, int flags)
{
    IOV_CALL(preadv2(fd, iov, n, off, flags), preadv2(fd, v, n, off, flags));
}

static ssize_t hk_recvmsg(int fd, struct msghdr *msg, int flags)
{
    if (!msg || (!prot(msg, sizeof *msg) && !iov_prot(msg->msg_iov, msg->msg_iovlen) &&
                 !prot(msg->msg_name, msg->msg_namelen) && !prot(msg->msg_control, msg->msg_controllen)))
        return recvmsg(fd, msg, flags);
    struct bounce_set s;
    BS_INIT(&s);
    struct msghdr m = *msg;
    if (m.msg_iovlen && !(m.msg_iov = bs_iov(&s, msg->msg_iov, msg->msg_iovlen)))
        return recvmsg(fd, msg, flags);
    m.msg_name = bs_via(&s, m.msg_name, m.msg_namelen);
    m.msg_control = bs_via(&s, m.msg_control, m.msg_controllen);
    ssize_t r = recvmsg(fd, &m, flags);
    if (r >= 0) {
        bs_iov_written(&s, m.msg_iov, m.msg_iovlen, r);
        bs_written(&s, m.msg_name, m.msg_namelen);
        bs_written(&s, m.msg_control, m.msg_controllen);
    }
    bs_done(&s, r >= 0);
    if (r >= 0) {
        /* what the kernel writes into the header itself */
        struct msghdr out = *msg;
        out.msg_namelen = m.msg_namelen;
        out.msg_controllen = m.msg_controllen;
        out.msg_flags = m.msg_flags;
        if (prot(msg, sizeof *msg))
            rt_store(msg, &out, sizeof out);
        else
            *msg = out;
    }
    return r;
}

static ssize_t hk_readlink(const char *path, char *buf, size_t n)
{
    COUNTED(readlink(path, buf, n), readlink(path, t, n));
}

static ssize_t hk_getrandom(void *buf, size_t n, unsigned flags)
{
    COUNTED(getrandom(buf, n, flags), getrandom(t, n, flags));
}

static char *hk_getcwd(char *buf, size_t n)
{
    if (!prot(buf, n))
        return getcwd(buf, n);
    struct bounce_set s;
    BS_INIT(&s);
    char *t = bs_via(&s, buf, n);
    char *r = getcwd(t, n);
    bs_done(&s, r != NULL);
    return r == t ? buf : r;
}

/* ---------------------------------------------------------------- addresses */

/* (addr, *alen) as the call must see them; *a, *al are what to pass */
#define ADDR_CALL(call_plain, call_bounced)                                          \
    do {                                                                             \
        if (!prot(alen, sizeof *alen) && !(alen && prot(addr, *alen)))               \
            return call_plain;                                                       \
        struct bounce_set s;                                                         \
        BS_INIT(&s);                                                                 \
        socklen_t given = *alen;                                                     \
        socklen_t *al = bs_via(&s, alen, sizeof *alen);                              \
        void *a = bs_via(&s, addr, given);                                           \
        int r = call_bounced;                                                        \
        bs_written(&s, a, *al);                                                      \
        bs_done(&s, r >= 0);                                                         \
        return r;                                                                    \
    } while (0)

static int hk_accept(int fd, struct sockaddr *addr, socklen_t *alen)
{
    ADDR_CALL(accept(fd, addr, alen), accept(fd, a, al));
}

static int hk_accept4(int fd, struct sockaddr *addr, socklen_t *alen, int flags)
{
    ADDR_CALL(accept4(fd, addr, alen, flags), accept4(fd, a, al, flags));
}

static int hk_getsockname(int fd, struct sockaddr *addr, socklen_t *alen)
{
    ADDR_CALL(getsockname(fd, addr, alen), getsockname(fd, a, al));
}

static int hk_getpeername(int fd, struct sockaddr *addr, socklen_t *alen)
{
    ADDR_CALL(getpeername(fd, addr, alen), getpeername(fd, a, al));
}

static int hk_getsockopt(int fd, int level, int name, void *addr, socklen_t *alen)
{
    ADDR_CALL(getsockopt(fd, level, name, addr, alen), getsockopt(fd, level, name, a, al));
}

/* ---------------------------------------------------------------- waits */

static size_t fdset_bytes(int nfds)
{
    /* what the kernel reads and writes of each set: whole longs */
    return nfds <= 0 ? 0 : ((size_t)nfds + 8 * sizeof(long) - 1) / (8 * sizeof(long)) * sizeof(long);
}

static int hk_select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    size_t k = fdset_bytes(nfds);
    BOUNCE_CALL(int, prot(r, k) || prot(w, k) || prot(e, k) || prot(tv, sizeof *tv), select(nfds, r, w, e, tv),
                select(nfds, V(r, k), V(w, k), V(e, k), V(tv, sizeof *tv)), rc >= 0);
}

static int hk_pselect(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timespec *ts, const sigset_t *m)
{
    size_t k = fdset_bytes(nfds);
    BOUNCE_CALL(int, prot(r, k) || prot(w, k) || prot(e, k), pselect(nfds, r, w, e, ts, m),
                pselect(nfds, V(r, k), V(w, k), V(e, k), ts, m), rc >= 0);
}

static int hk_poll(struct pollfd *fds, nfds_t n, int timeout)
{
    BOUNCE_CALL(int, prot(fds, n * sizeof *fds), poll(fds, n, timeout), poll(V(fds, n * sizeof *fds), n, timeout),
                rc >= 0);
}

static int hk_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *m)
{
    BOUNCE_CALL(int, prot(fds, n * sizeof *fds), ppoll(fds, n, ts, m), ppoll(V(fds, n * sizeof *fds), n, ts, m),
                rc >= 0);
}

static int hk_epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout, const sigset_t *m)
{
    size_t k = max > 0 ? (size_t)max * sizeof *ev : 0;
    if (!prot(ev, k))
        return epoll_pwait(epfd, ev, max, timeout, m);
    struct bounce_set s;
    BS_INIT(&s);
    struct epoll_event *t = bs_via(&s, ev, k);
    int rc = epoll_pwait(epfd, t, max, timeout, m);
    bs_written(&s, t, rc > 0 ? (size_t)rc * sizeof *ev : 0);
    bs_done(&s, rc > 0);
    return rc;
}

static int hk_epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
    return hk_epoll_pwait(epfd, ev, max, timeout, NULL);
}

static int hk_nanosleep(const struct timespec *req, struct timespec *rem)
{
    /* rem is written when a signal interrupts the sleep */
    BOUNCE_CALL(int, prot(rem, sizeof *rem), nanosleep(req, rem), nanosleep(req, V(rem, sizeof *rem)), rc != 0);
}

static int hk_clock_nanosleep(clockid_t c, int flags, const struct timespec *req, struct timespec *rem)
{
    BOUNCE_CALL(int, prot(rem, sizeof *rem), clock_nanosleep(c, flags, req, rem),
                clock_nanosleep(c, flags, req, V(rem, sizeof *rem)), rc != 0);
}

static pid_t hk_wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
    BOUNCE_CALL(pid_t, prot(status, sizeof *status) || prot(ru, sizeof *ru), wait4(pid, status, options, ru),
                wait4(pid, V(status, sizeof *status), options, V(ru, sizeof *ru)), rc > 0);
}

static pid_t hk_waitpid(pid_t pid, int *status, int options)
{
    return hk_wait4(pid, status, options, NULL);
}

static pid_t hk_wait(int *status)
{
    return hk_wait4(-1, status, 0, NULL);
}

static pid_t hk_wait3(int *status, int options, struct rusage *ru)
{
    return hk_wait4(-1, status, options, ru);
}

static int hk_waitid(idtype_t type, id_t id, siginfo_t *info, int options)
{
    BOUNCE_CALL(int, prot(info, sizeof *info), waitid(type, id, info, options),
                waitid(type, id, V(info, sizeof *info), options), rc == 0);
}

/* ---------------------------------------------------------------- one object written */

static int hk_stat(const char *path, struct stat *st)
{
    ONE_OUT(stat(path, st), st, stat(path, V(st, sizeof *st)));
}

static int hk_lstat(const char *path, struct stat *st)
{
    ONE_OUT(lstat(path, st), st, lstat(path, V(st, sizeof *st)));
}

static int hk_fstat(int fd, struct stat *st)
{
    ONE_OUT(fstat(fd, st), st, fstat(fd, V(st, sizeof *st)));
}

static int hk_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    ONE_OUT(fstatat(dirfd, path, st, flags), st, fstatat(dirfd, path, V(st, sizeof *st), flags));
}

/* glibc before 2.33 compiled stat() into these; on x86-64 the version is 1
 * and the struct is the one stat() fills */
static int hk_xstat(int ver, const char *path, struct stat *st)
{
    (void)ver;
    return hk_stat(path, st);
}

static int hk_lxstat(int ver, const char *path, struct stat *st)
{
    (void)ver;
    return hk_lstat(path, st);
}

static int hk_fxstat(int ver, int fd, struct stat *st)
{
    (void)ver;
    return hk_fstat(fd, st);
}

static int hk_fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
    (void)ver;
    return hk_fstatat(dirfd, path, st, flags);
}

static int hk_statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *st)
{
    ONE_OUT(statx(dirfd, path, flags, mask, st), st, statx(dirfd, path, flags, mask, V(st, sizeof *st)));
}

static int hk_statfs(const char *path, struct statfs *st)
{
    ONE_OUT(statfs(path, st), st, statfs(path, V(st, sizeof *st)));
}

static int hk_fstatfs(int fd, struct statfs *st)
{
    ONE_OUT(fstatfs(fd, st), st, fstatfs(fd, V(st, sizeof *st)));
}

static int hk_clock_gettime(clockid_t c, struct timespec *ts)
{
    ONE_OUT(clock_gettime(c, ts), ts, clock_gettime(c, V(ts, sizeof *ts)));
}

static int hk_gettimeofday(struct timeval *tv, void *tz)
{
    ONE_OUT(gettimeofday(tv, tz), tv, gettimeofday(V(tv, sizeof *tv), tz));
}

static int hk_getrusage(int who, struct rusage *ru)
{
    ONE_OUT(getrusage(who, ru), ru, getrusage(who, V(ru, sizeof *ru)));
}

static int hk_getrlimit(int res, struct rlimit *rl)
{
    ONE_OUT(getrlimit(res, rl), rl, getrlimit(res, V(rl, sizeof *rl)));
}

static int hk_prlimit(pid_t pid, int res, const struct rlimit *nl, struct rlimit *old)
{
    ONE_OUT(prlimit(pid, res, nl, old), old, prlimit(pid, res, nl, V(old, sizeof *old)));
}

static int hk_uname(struct utsname *u)
{
    ONE_OUT(uname(u), u, uname(V(u, sizeof *u)));
}

static int hk_sysinfo(struct sysinfo *si)
{
    ONE_OUT(sysinfo(si), si, sysinfo(V(si, sizeof *si)));
}

static clock_t hk_times(struct tms *t)
{
    BOUNCE_CALL(clock_t, prot(t, sizeof *t), times(t), times(V(t, sizeof *t)), rc != (clock_t)-1);
}

static int hk_pipe(int fds[2])
{
    BOUNCE_CALL(int, prot(fds, 2 * sizeof *fds), pipe(fds), pipe(V(fds, 2 * sizeof *fds)), rc == 0);
}

static int hk_pipe2(int fds[2], int flags)
{
    BOUNCE_CALL(int, prot(fds, 2 * sizeof *fds), pipe2(fds, flags), pipe2(V(fds, 2 * sizeof *fds), flags), rc == 0);
}

static int hk_socketpair(int domain, int type, int proto, int sv[2])
{
    BOUNCE_CALL(int, prot(sv, 2 * sizeof *sv), socketpair(domain, type, proto, sv),
                socketpair(domain, type, proto, V(sv, 2 * sizeof *sv)), rc == 0);
}

static int hk_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    ONE_OUT(sigprocmask(how, set, old), old, sigprocmask(how, set, V(old, sizeof *old)));
}

static int hk_pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
    /* an error number, not -1 */
    BOUNCE_CALL(int, prot(old, sizeof *old), pthread_sigmask(how, set, old),
                pthread_sigmask(how, set, V(old, sizeof *old)), rc == 0);
}

/* ---------------------------------------------------------------- _FORTIFY_SOURCE */

/* what the __*_chk functions do when the program asks for more than its buffer holds */
#define CHK(n, buflen) do { if ((n) > (buflen)) abort(); } while (0)

static ssize_t hk_read_chk(int fd, void *buf, size_t n, size_t buflen)
{
    CHK(n, buflen);
    return hk_read(fd, buf, n);
}

static ssize_t hk_pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
    CHK(n, buflen);
    return hk_pread(fd, buf, n, off);
}

static ssize_t hk_recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags)
{
    CHK(n, buflen);
    return hk_recvfrom(fd, buf, n, flags, NULL, NULL);
}

static ssize_t hk_recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags, struct sockaddr *addr,
                               socklen_t *alen)
{
    CHK(n, buflen);
    return hk_recvfrom(fd, buf, n, flags, addr, alen);
}

static ssize_t hk_readlink_chk(const char *path, char *buf, size_t n, size_t buflen)
{
    CHK(n, buflen);
    return hk_readlink(path, buf, n);
}

static char *hk_getcwd_chk(char *buf, size_t n, size_t buflen)
{
    CHK(n, buflen);
    return hk_getcwd(buf, n);
}

static int hk_poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
    CHK(n, fdslen / sizeof *fds);
    return hk_poll(fds, n, timeout);
}

static int hk_ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *m, size_t fdslen)
{
    CHK(n, fdslen / sizeof *fds);
    return hk_ppoll(fds, n, ts, m);
}

/* ---------------------------------------------------------------- the GOT */

static const struct {
    const char *name;
    void *wrapper;
} hooks[] = {
    {"free", (void *)hk_free},
    {"read", (void *)hk_read},
    {"pread", (void *)hk_pread},
    {"pread64", (void *)hk_pread},
    {"recv", (void *)hk_recv},
    {"recvfrom", (void *)hk_recvfrom},
    {"readv", (void *)hk_readv},
    {"preadv", (void *)hk_preadv},
    {"preadv64", (void *)hk_preadv},
    {"preadv2", (void *)hk_preadv2},
    {"preadv64v2", (void *)hk_preadv2},
    {"recvmsg", (void *)hk_recvmsg},
    {"readlink", (void *)hk_readlink},
    {"getrandom", (void *)hk_getrandom},
    {"getcwd", (void *)hk_getcwd},
    {"accept", (void *)hk_accept},
    {"accept4", (void *)hk_accept4},
    {"getsockname", (void *)hk_getsockname},
    {"getpeername", (void *)hk_getpeername},
    {"getsockopt", (void *)hk_getsockopt},
    {"select", (void *)hk_select},
    {"pselect", (void *)hk_pselect},
    {"poll", (void *)hk_poll},
    {"ppoll", (void *)hk_ppoll},
    {"epoll_wait", (void *)hk_epoll_wait},
    {"epoll_pwait", (void *)hk_epoll_pwait},
    {"nanosleep", (void *)hk_nanosleep},
    {"clock_nanosleep", (void *)hk_clock_nanosleep},
    {"wait", (void *)hk_wait},
    {"waitpid", (void *)hk_waitpid},
    {"wait3", (void *)hk_wait3},
    {"wait4", (void *)hk_wait4},
    {"waitid", (void *)hk_waitid},
    {"stat", (void *)hk_stat},
    {"stat64", (void *)hk_stat},
    {"lstat", (void *)hk_lstat},
    {"lstat64", (void *)hk_lstat},
    {"fstat", (void *)hk_fstat},
    {"fstat64", (void *)hk_fstat},
    {"fstatat", (void *)hk_fstatat},
    {"fstatat64", (void *)hk_fstatat},
    {"__xstat", (void *)hk_xstat},
    {"__xstat64", (void *)hk_xstat},
    {"__lxstat", (void *)hk_lxstat},
    {"__lxstat64", (void *)hk_lxstat},
    {"__fxstat", (void *)hk_fxstat},
    {"__fxstat64", (void *)hk_fxstat},
    {"__fxstatat", (void *)hk_fxstatat},
    {"__fxstatat64", (void *)hk_fxstatat},
    {"statx", (void *)hk_statx},
    {"statfs", (void *)hk_statfs},
    {"statfs64", (void *)hk_statfs},
    {"fstatfs", (void *)hk_fstatfs},
    {"fstatfs64", (void *)hk_fstatfs},
    {"clock_gettime", (void *)hk_clock_gettime},
    {"gettimeofday", (void *)hk_gettimeofday},
    {"getrusage", (void *)hk_getrusage},
    {"getrlimit", (void *)hk_getrlimit},
    {"getrlimit64", (void *)hk_getrlimit},
    {"prlimit", (void *)hk_prlimit},
    {"prlimit64", (void *)hk_prlimit},
    {"uname", (void *)hk_uname},
    {"sysinfo", (void *)hk_sysinfo},
    {"times", (void *)hk_times},
    {"pipe", (void *)hk_pipe},
    {"pipe2", (void *)hk_pipe2},
    {"socketpair", (void *)hk_socketpair},
    {"sigprocmask", (void *)hk_sigprocmask},
    {"pthread_sigmask", (void *)hk_pthread_sigmask},
    {"__read_chk", (void *)hk_read_chk},
    {"__pread_chk", (void *)hk_pread_chk},
    {"__pread64_chk", (void *)hk_pread_chk},
    {"__recv_chk", (void *)hk_recv_chk},
    {"__recvfrom_chk", (void *)hk_recvfrom_chk},
    {"__readlink_chk", (void *)hk_readlink_chk},
    {"__getcwd_chk", (void *)hk_getcwd_chk},
    {"__poll_chk", (void *)hk_poll_chk},
    {"__ppoll_chk", (void *)hk_ppoll_chk},
};

static uintptr_t dyn_ptr(uintptr_t v, uintptr_t base)
{
    /* ld.so relocates these entries of a writable .dynamic; be safe if not */
    return v < base ? v + base : v;
}

static int hook_relocs(uintptr_t base, const ElfW(Rela) *rel, size_t count,
                       const ElfW(Sym) *symtab, const char *strtab)
{
    int n = 0;
    for (size_t i = 0; i < count; i++) {
        unsigned type = ELF64_R_TYPE(rel[i].r_info);
        if (type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT)
            continue;
        const char *name = strtab + symtab[ELF64_R_SYM(rel[i].r_info)].st_name;
        for (size_t h = 0; h < sizeof hooks / sizeof hooks[0]; h++) {
            if (strcmp(name, hooks[h].name) != 0)
                continue;
            void **slot = (void **)(base + rel[i].r_offset);
            if (*slot == hooks[h].wrapper)
                break;
            void *w = hooks[h].wrapper;
            if (rt_mem_write((uintptr_t)slot, &w, sizeof w) == 0)
                n++;
            break;
        }
    }
    return n;
}

static int hook_object(const struct link_map *l)
{
    uintptr_t base = l->l_addr;
    const ElfW(Sym) *symtab = NULL;
    const char *strtab = NULL;
    const ElfW(Rela) *jmprel = NULL, *rela = NULL;
    size_t pltrelsz = 0, relasz = 0;
    int pltrel_is_rela = 1;
    for (const ElfW(Dyn) *d = l->l_ld; d && d->d_tag != DT_NULL; d++) {
        switch (d->d_tag) {
        case DT_SYMTAB: symtab = (const void *)dyn_ptr(d->d_un.d_ptr, base); break;
        case DT_STRTAB: strtab = (const void *)dyn_ptr(d->d_un.d_ptr, base); break;
        case DT_JMPREL: jmprel = (const void *)dyn_ptr(d->d_un.d_ptr, base); break;
        case DT_PLTRELSZ: pltrelsz = d->d_un.d_val; break;
        case DT_PLTREL: pltrel_is_rela = d->d_un.d_val == DT_RELA; break;
        case DT_RELA: rela = (const void *)dyn_ptr(d->d_un.d_ptr, base); break;
        case DT_RELASZ: relasz = d->d_un.d_val; break;
        default: break;
        }
    }
    if (!symtab || !strtab)
        return 0;
    int n = 0;
    if (jmprel && pltrel_is_rela)
        n += hook_relocs(base, jmprel, pltrelsz / sizeof(ElfW(Rela)), symtab, strtab);
    if (rela)
        n += hook_relocs(base, rela, relasz / sizeof(ElfW(Rela)), symtab, strtab);
    return n;
}

static int skipped(const char *name)
{
    return strstr(name, "libc.so") || strstr(name, "ld-linux") || strstr(name, "libpolus_rt") ||
           strstr(name, "linux-vdso");
}

/* Hook every loaded object not hooked yet; the number of slots hooked. */
int rt_install_hooks(void)
{
    const char *off = getenv("POLUS_NO_HOOKS");
    if ((off && *off && strcmp(off, "0") != 0) || !rt_mem_enabled())
        return 0;
    int n = 0;
    for (const struct link_map *l = _r_debug.r_map; l; l = l->l_next)
        if (!skipped(l->l_name ? l->l_name : ""))
            n += hook_object(l);
    hooked += n;
    return n;
}

int rt_hook_count(void)
{
    return hooked;
}
