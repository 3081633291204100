"""The layout of struct polus_back_site, shared by the patch (its C text,
emitted by polusgen.transfer.emit) and the injector (which fills it:
polusgen.inject.transfer).  Standard library only: the rollback path imports it."""
from __future__ import annotations

import struct

BACK_SITES = 32          # activations armed to move back at once (the injector's table)
BACK_VARS = 16           # variables one back entry takes (more: that call is no back point)

BACK_SUPPORT = f"""/* Where the injector says a resume entry's variables are, per armed activation
 * (key: the stack pointer at the landing).  kind 1: in frame register `reg`;
 * 2: in memory at `reg` + offset (reg -1: the CFA); 3: the constant `offset`. */
#define POLUS_BACK_SITES {BACK_SITES}
#define POLUS_BACK_VARS {BACK_VARS}
struct polus_back_var {{ int32_t kind, reg; int64_t offset; }};
struct polus_back_site {{
    uint64_t key;
    int32_t cfa_reg, nvars;
    int64_t cfa_offset;
    int64_t saved[6];             /* rbx rbp r12 r13 r14 r15: CFA-relative slot, 0 if not saved */
    struct polus_back_var vars[POLUS_BACK_VARS];
}};
POLUS_EXPORT struct polus_back_site polus_back_sites[POLUS_BACK_SITES];

static struct polus_back_site *polus_back_site_of(struct polus_xfer_frame *f)
{{
    for (int i = 0; i < POLUS_BACK_SITES; i++)
        if (__atomic_load_n(&polus_back_sites[i].key, __ATOMIC_ACQUIRE) == f->rsp)
            return &polus_back_sites[i];
    __builtin_abort();   /* the injector writes the site before the return address that leads here */
}}

static uint64_t polus_back_cfa(struct polus_xfer_frame *f, const struct polus_back_site *d)
{{
    return ((uint64_t *)f)[d->cfa_reg] + d->cfa_offset;
}}

static const void *polus_back_at(struct polus_xfer_frame *f, struct polus_back_site *d, uint64_t cfa, int i)
{{
    struct polus_back_var *v = &d->vars[i];
    if (v->kind == 1)
        return &((uint64_t *)f)[v->reg];
    if (v->kind == 2)
        return (const void *)((v->reg < 0 ? cfa : ((uint64_t *)f)[v->reg]) + v->offset);
    return &v->offset;
}}

/* the resume entry's caller gets its registers back; the site is free again */
static void polus_back_leave(struct polus_xfer_frame *f, struct polus_back_site *d, uint64_t cfa)
{{
    for (int i = 0; i < 6; i++)
        if (d->saved[i])
            ((uint64_t *)f)[2 + i] = *(uint64_t *)(cfa + d->saved[i]);
    f->out_rsp = cfa - 8;
    __atomic_store_n(&d->key, 0, __ATOMIC_RELEASE);
}}"""


SITE_HEAD = struct.Struct("<Qiiq6q")
SITE_VAR = struct.Struct("<iiq")
SITE_SIZE = SITE_HEAD.size + SITE_VAR.size * BACK_VARS


def pack_site(key: int, cfa_reg: int, cfa_offset: int, saved: list[int], variables: list[tuple[int, int, int]]) -> bytes:
    raw = SITE_HEAD.pack(key, cfa_reg, len(variables), cfa_offset, *saved)
    raw += b"".join(SITE_VAR.pack(*v) for v in variables)
    return raw.ljust(SITE_SIZE, b"\0")
