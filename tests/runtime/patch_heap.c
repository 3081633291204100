/*
 * A hand-written patch with heap pairs: the old program keeps a list
 *     struct node { int v; struct node *next; } *head;
 * the new one adds a field: struct node_v1 { int v; int w; struct node_v1 *next; }.
 * The pre-update callback traces the list (a new node for every old one,
 * registered as a pair); sync functions translate pointers with
 * polus_counterpart and, on a miss, allocate and register the counterpart
 * (the shape the emitter generates).  Imports: head.
 */
#include <stdlib.h>

#include "polus.h"

struct node { int v; struct node *next; };
struct node_v1 { int v; int w; struct node_v1 *next; };

POLUS_EXPORT struct polus_import polus_imports[1];
#define POLUS_OLD_head (*(struct node **)polus_imports[0].addr)

POLUS_EXPORT struct node_v1 *head_v1;

static void o2n_node(void *dst, const void *src);
static void n2o_node(void *dst, const void *src);

static struct node_v1 *o2n_ptr(const struct node *p)
{
    if (!p)
        return NULL;
    struct node_v1 *q = polus_counterpart(p);
    if (q)
        return q;
    q = calloc(1, sizeof *q);
    polus_register_heap(polus_current_patch(), "struct node", (void *)p, sizeof *p, q, sizeof *q,
                        o2n_node, n2o_node);
    o2n_node(q, p);
    return q;
}

static struct node *n2o_ptr(const struct node_v1 *p)
{
    if (!p)
        return NULL;
    struct node *q = polus_counterpart(p);
    if (q)
        return q;
    q = calloc(1, sizeof *q);
    polus_register_heap(polus_current_patch(), "struct node", q, sizeof *q, (void *)p, sizeof *p,
                        o2n_node, n2o_node);
    n2o_node(q, p);
    return q;
}

static void o2n_node(void *dst, const void *src)
{
    struct node_v1 *d = dst;
    const struct node *s = src;
    d->v = s->v;
    d->next = o2n_ptr(s->next);
}

static void n2o_node(void *dst, const void *src)
{
    struct node *d = dst;
    const struct node_v1 *s = src;
    d->v = s->v;
    d->next = n2o_ptr(s->next);
}

static void o2n_head(void *dst, const void *src)
{
    *(struct node_v1 **)dst = o2n_ptr(*(struct node *const *)src);
}

static void n2o_head(void *dst, const void *src)
{
    *(struct node **)dst = n2o_ptr(*(struct node_v1 *const *)src);
}

static int pre(void)
{
    head_v1 = o2n_ptr(POLUS_OLD_head);   /* trace: every reachable node gets its pair */
    return 0;
}

POLUS_EXPORT int register_patch(void);

int register_patch(void)
{
    static const struct polus_callbacks cb = { pre, NULL, NULL, NULL, NULL };
    int p = polus_begin_patch("list", "list-v1", 0, 1, POLUS_ABI_VERSION);
    if (p < 0)
        return -1;
    polus_register_data(p, "head", polus_imports[0].addr, sizeof(void *), &head_v1, sizeof head_v1,
                        o2n_head, n2o_head, 0);
    polus_set_callbacks(p, &cb);
    return polus_end_patch(p) == 0 ? p : -1;
}
