/*
 * rt_hooks.c -- two things page protection cannot see, caught at the
 * program's own calls into libc: GOT entries of free() and of the read(2)
 * family are pointed at wrappers here (every loaded object but libc, the
 * dynamic linker and this library; patches loaded later are hooked when they
 * are activated).  Both were met for real on the ftpish corpus server.
 *
 * free(): glibc writes its bookkeeping (tcache key, list pointers) into the
 * block it frees.  If that block is one object of a heap pair, the write
 * would be carried across and the sync code would follow the key as a
 * pointer.  The wrapper first takes the pair out of write-through and out
 * of the map of counterparts (the address may come back from malloc as
 * another object), then frees.
 *
 * read(2) and friends: the kernel cannot write a read-only page -- the call
 * fails with EFAULT and no signal is raised (a session forked while the
 * listener's page with `session` was protected read(2) its command line
 * into the static `inbuf` on that page).  When the destination has a
 * protected page, the wrapper reads into a buffer of its own and stores the
 * bytes with write-through (rt_store), returning a possibly shorter count,
 * which read(2) is allowed to do.  A raw syscall(SYS_read, ...) or a read
 * inside another library's code still gets EFAULT (status names the hazard).
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
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BOUNCE 8192

static int hooked;

static void count_bounce(void)
{
    atomic_fetch_add(&rt_counters.reads_bounced, 1);
}

static void hk_free(void *p)
{
    if (p && rt_heap_count())
        rt_heap_forget(p);
    free(p);
}

/* The destination has a protected page: read into our buffer, then store. */
#define BOUNCED(call_into_tmp)                                            \
    do {                                                                  \
        char tmp[BOUNCE];                                                 \
        size_t m = n < sizeof tmp ? n : sizeof tmp;                       \
        ssize_t r = call_into_tmp;                                        \
        if (r > 0) {                                                      \
            int e = errno;                                                \
            rt_store(buf, tmp, (size_t)r);                                \
            count_bounce();                                               \
            errno = e;                                                    \
        }                                                                 \
        return r;                                                         \
    } while (0)

static int needs_bounce(const void *buf, size_t n)
{
    return n && rt_range_protected((uintptr_t)buf, (uintptr_t)buf + n);
}

static ssize_t hk_read(int fd, void *buf, size_t n)
{
    if (!needs_bounce(buf, n))
        return read(fd, buf, n);
    BOUNCED(read(fd, tmp, m));
}

static ssize_t hk_read_chk(int fd, void *buf, size_t n, size_t buflen)
{
    if (n > buflen)
        abort();   /* what __read_chk does: the program asked for it (FORTIFY) */
    return hk_read(fd, buf, n);
}

static ssize_t hk_pread(int fd, void *buf, size_t n, off_t off)
{
    if (!needs_bounce(buf, n))
        return pread(fd, buf, n, off);
    BOUNCED(pread(fd, tmp, m, off));
}

static ssize_t hk_recv(int fd, void *buf, size_t n, int flags)
{
    if (!needs_bounce(buf, n))
        return recv(fd, buf, n, flags);
    BOUNCED(recv(fd, tmp, m, flags));
}

static ssize_t hk_recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr, socklen_t *alen)
{
    if (!needs_bounce(buf, n))
        return recvfrom(fd, buf, n, flags, addr, alen);
    BOUNCED(recvfrom(fd, tmp, m, flags, addr, alen));
}

static const struct {
    const char *name;
    void *wrapper;
} hooks[] = {
    {"free", (void *)hk_free},
    {"read", (void *)hk_read},
    {"__read_chk", (void *)hk_read_chk},
    {"pread", (void *)hk_pread},
    {"pread64", (void *)hk_pread},
    {"recv", (void *)hk_recv},
    {"recvfrom", (void *)hk_recvfrom},
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
