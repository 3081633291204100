/*
 * polus.h -- the patch ABI of polusgen.
 *
 * One header for both sides: every generated patch (templates/) calls only
 * what is declared in section 2, and the runtime (runtime/polus_rt.c)
 * implements all of it.  tests/runtime/test_abi.py fails if a generated patch calls a
 * polus_* name that is not declared here, or if the runtime does not export
 * every function declared here.
 *
 * The meaning follows the paper's Fig. 3 (Chen et al., TSE 2010): a patch
 * registers old and new functions, old and new data (address, size and the
 * two state-synchronization functions), the old<->new mappings of both, the
 * f2d mapping (old function -> data it uses; d2f is its inverse) and the five
 * callbacks (and a sixth, at a rollback).
 *
 * Life of a patch inside the target (driven by the injector, all other
 * threads stopped while code bytes change):
 *
 *   dlopen(libpolus_rt.so)  dlopen(patch.so)
 *   injector fills polus_imports[] (addresses the patch cannot link against:
 *       the program is not built with -rdynamic)
 *   id = register_patch()                 -- the patch calls section 2
 *   polus_rt_pre_update(id)               -- generated + user pre-update callbacks
 *   polus_rt_note_redirects(id, ...)      -- what each jump old -> new overwrites
 *   polus_rt_commit(id, jumps)            -- sync old->new, protect both copies,
 *                                            write every jump: one step
 *   ...threads run; writes to either copy are carried across...
 *   polus_rt_progress(samples)            -- injector's stack samples; the runtime
 *                                            retires data and fires callbacks;
 *                                            when nothing old is active the
 *                                            update has terminated
 *   polus_rt_rollback(id)                 -- the same, backwards
 */
#ifndef POLUS_H
#define POLUS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define POLUS_ABI_VERSION 2

#if defined(__GNUC__)
#define POLUS_EXPORT __attribute__((visibility("default"), used))
#else
#define POLUS_EXPORT
#endif

/* ======================================================================
 * 1. Types shared by patches and the runtime
 * ====================================================================== */

/* A state-synchronization function: bring `dst` up to date from `src`.
 * old->new functions take (new, old); new->old functions take (old, new).
 * They are called by the runtime with the destination writable. */
typedef void (*polus_sync_fn)(void *dst, const void *src);

/* One entry of a patch's import table.  The patch exports
 *     POLUS_EXPORT struct polus_import polus_imports[N];
 * and its manifest lists the N symbols (name, source file for statics,
 * library for symbols of earlier patches) in the same order.  The injector
 * resolves each one from the target's ELF symbol table (or from the library
 * of an earlier patch) and writes addr and size before register_patch(). */
struct polus_import {
    void *addr;
    size_t size;        /* st_size of the symbol: bytes of a function or object */
};

/* The five callbacks of the paper (section 4.1.4), and one at a rollback.
 * Any may be NULL. */
struct polus_callbacks {
    /* before any code or data changes; nonzero return aborts the update and
     * the target runs on untouched.  Generated heap-tracing code runs here
     * first, then the programmer's own callback. */
    int  (*pre_update)(void);
    /* a thread has been seen with no old function of this patch on its stack */
    void (*thread)(long tid);
    /* an old function is no longer active in any thread */
    void (*function)(const char *name);
    /* a data item left write-through: its old copy is retired */
    void (*data)(const char *name, void *old_addr, void *new_addr);
    /* the update has terminated: nothing old is active any more */
    void (*post_update)(void);
    /* a rollback starts: every thread stopped, before new data is synchronized
     * back and before the old code is back (undo what the other callbacks did
     * to state no sync function carries, e.g. a string made at start-up) */
    void (*rollback)(void);
};

/* data flags */
#define POLUS_DATA_READONLY 0x1u  /* no function writes it: copied once, never protected */
#define POLUS_DATA_HEAP     0x2u  /* a heap object registered by tracing code */

/* function flags */
#define POLUS_FN_NEVER_LEFT 0x1u  /* main or an event loop: its activation never ends */
#define POLUS_FN_STUB       0x2u  /* new "function" is a stub with the old prototype (section 5.1.1) */

/* ======================================================================
 * 2. Called by generated patches (register_patch and sync/tracing code)
 * ====================================================================== */

/* Open the registration of a patch; returns the patch id (>= 0) or -1.
 * `name` is unique per patch (e.g. "fig2-v1"); versions are the global
 * version numbers of the version file. */
int  polus_begin_patch(const char *program, const char *name,
                       int from_version, int to_version, unsigned abi_version);

/* Functions.  Ids are per patch, assigned in call order from 0.
 * size is the old function's size in bytes (from polus_imports[].size). */
int  polus_register_old_function(int patch, const char *name, void *addr, size_t size, unsigned flags);
int  polus_register_new_function(int patch, const char *name, void *addr, unsigned flags);
/* old_fn is redirected to new_fn (the injector writes the jump). */
void polus_map_function(int patch, int old_fn, int new_fn);

/* Data.  Both copies of a changed global; returns the data id.  old_to_new
 * is called as old_to_new(new_addr, old_addr), new_to_old as
 * new_to_old(old_addr, new_addr). */
int  polus_register_data(int patch, const char *name,
                         void *old_addr, size_t old_size,
                         void *new_addr, size_t new_size,
                         polus_sync_fn old_to_new, polus_sync_fn new_to_old,
                         unsigned flags);
/* f2d: old function `old_fn` reads or writes data item `data`.  The data
 * stays in write-through while any old function using it is active. */
void polus_map_f2d(int patch, int old_fn, int data);

void polus_set_callbacks(int patch, const struct polus_callbacks *callbacks);

/* Close the registration; returns 0 or -1 (then the patch is dropped). */
int  polus_end_patch(int patch);

/* Heap objects reached from changed globals (paper 3.1.2, 3.2.1).  Tracing
 * code in a pre-update callback registers each old/new pair; sync functions
 * translate pointers between the two worlds with polus_counterpart and, on a
 * miss, allocate the counterpart and register it with polus_register_heap. */
int   polus_register_heap(int patch, const char *type_name,
                          void *old_obj, size_t old_size,
                          void *new_obj, size_t new_size,
                          polus_sync_fn old_to_new, polus_sync_fn new_to_old);
/* The registered counterpart of `obj` in the other world, or NULL. */
void *polus_counterpart(const void *obj);

/* The patch id of the patch currently registering, running a callback or a
 * sync function (for code that needs it, e.g. polus_register_heap). */
int  polus_current_patch(void);

/* Diagnostics from patch code; goes to the runtime's log (POLUS_LOG env or stderr). */
void polus_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ======================================================================
 * 3. Called by the injector (remote calls through ptrace), never by patches
 * ====================================================================== */

/* Scratch space the injector writes arguments into. */
#define POLUS_RT_SCRATCH_SIZE (1u << 16)
extern unsigned char polus_rt_scratch[POLUS_RT_SCRATCH_SIZE];

int  polus_rt_pre_update(int patch);      /* 0, or nonzero: the update is refused */
int  polus_rt_activate(int patch);        /* sync old->new, protect, enter write-through */
/* undo register/activate (and any jump of the patch in place): unprotect, forget */
int  polus_rt_abort(int patch);
/* Remember the bytes a jump overwrote (for rollback and status). */
int  polus_rt_note_redirect(int patch, void *at, const unsigned char *orig, unsigned len, void *target);
/* The same for every jump of an apply in one call (each remote call waits for
 * the target's thread to be scheduled: under load, milliseconds apiece).
 * All or nothing: -1 records none of them. */
struct polus_rt_redirect_note {
    uint64_t at, target;
    uint32_t len, pad;
    unsigned char orig[32];
};
int  polus_rt_note_redirects(int patch, const struct polus_rt_redirect_note *notes, unsigned n);
/* A patch library's writable segments, right after
 * its dlopen and before anything is written there: the first time they are
 * copied (0), every later time the copy is put back (1), so each apply of
 * the patch starts from its initializers (rt_library.c).  -1: bad args or
 * no memory. */
#define POLUS_RT_MAX_SEGMENTS 4
struct polus_rt_segment {
    uint64_t at, len;
};
int  polus_rt_fresh_data(const struct polus_rt_segment *segs, unsigned n);
/* The switch (commit, rollback) as one step even if the injector dies
 * during it (rt_park.c): the injector fills the gate, then points every
 * other thread at polus_rt_park(gen) under a signal frame; parked threads
 * wait there while gen is the gate's.  hold_ms: fault injection only. */
struct polus_rt_park_gate {
    uint64_t gen;
    int32_t nthreads;
    uint32_t hold_ms;
};
extern struct polus_rt_park_gate polus_rt_park_gate;
long polus_rt_park(uint64_t gen);
/* Stack samples of every thread: repeated records of
 *   tid, n, pc[0] ... pc[n-1]     (uint64_t each; pc[0] is the thread's PC)
 * Returns the number of patches still in progress (0: every update terminated). */
int  polus_rt_progress(const uint64_t *samples, size_t nwords);
/* The commit point of an apply, in one call: activate (sync old->new,
 * protect) and write every noted jump; codes[i * 32 ...] is the jump of
 * the i-th noted redirect (n must be their number).  All or nothing: on
 * -1 the patch is aborted and every byte is back.  The injector calls it
 * with every other thread stopped; if the injector dies meanwhile, the
 * call still runs to its end. */
int  polus_rt_commit(int patch, const unsigned char *codes, unsigned n);
/* Start rolling back `patch` (the newest applied one), in one call: sync
 * new->old, protect, put back the bytes under every jump of the patch,
 * track new functions until they are inactive. */
int  polus_rt_rollback(int patch);
/* A patch rolled back to the end (or aborted) leaves the runtime: its
 * records are freed and its id is free for the next patch on top (its
 * library is never unloaded: see polus_rt.c).  -1: not in such a state, or
 * a thread is busy in the runtime (try again later). */
int  polus_rt_unload(int patch);
/* With every thread stopped and none inside the runtime: free what
 * unloading had to keep (replaced region tables, unloaded item slots).
 * Bytes given back, or -1: try again later. */
long polus_rt_reclaim(void);
/* NUL-terminated JSON describing every patch, its state, active functions,
 * synchronized data and redirects.  Static buffer, no malloc. */
const char *polus_rt_status_json(void);

/* ======================================================================
 * 4. Moving a never-left activation to the new code (polusgen.transfer)
 * ====================================================================== */

/* The registers of a thread that just returned into polus_transfer_land from
 * a call its never-left function made (the callee-saved ones are still the
 * old function's), and what the thread returns with: a patch's transfer
 * function gathers the old frame's variables from it, writes out_rsp (the old
 * frame's CFA - 8) and the callee-saved registers of the old function's
 * caller, then runs the resume entry and stores its result in rax. */
struct polus_xfer_frame {
    uint64_t rax, rdx, rbx, rbp, r12, r13, r14, r15;
    uint64_t rsp;        /* at the landing: the old frame's stack pointer after the call */
    uint64_t out_rsp;    /* where `ret` takes the old function's return address from */
    uint64_t spare[2];
};
/* The landing: a patch's per-point entry loads its transfer function into
 * %r11 and jumps here; the injector wrote that entry's address over the return
 * address of the call the old activation waits in. */
void polus_transfer_land(void);

#ifdef __cplusplus
}
#endif

#endif /* POLUS_H */
