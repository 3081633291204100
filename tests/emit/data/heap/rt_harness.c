/* The generated heap patch inside the real runtime (runtime/, libpolus_rt.so):
 * dlopen both, fill the imports, register, pre-update (the generated tracing),
 * activate (write-through), then write to either list and watch the other.
 * argv: RUNTIME.so PATCH.so */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "polus.h"

struct node { int val; struct node *next; };
struct node_v1 { int val; int weight; struct node_v1 *next; };
struct node *old_head;

void fill_imports_at(struct polus_import *imps);

#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static void *must(void *lib, const char *name)
{
    void *p = dlsym(lib, name);
    if (!p) { printf("FAIL no symbol %s\n", name); exit(1); }
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    for (int v = 1; v <= 3; v++) {
        struct node *n = malloc(sizeof *n);
        n->val = v;
        n->next = old_head;
        old_head = n;
    }
    void *rt = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
    CHECK(rt != NULL);
    void *patch = dlopen(argv[2], RTLD_NOW);
    if (!patch) { printf("FAIL dlopen %s\n", dlerror()); return 1; }
    fill_imports_at(must(patch, "polus_imports"));
    int p = ((int (*)(void))must(patch, "register_patch"))();
    CHECK(p >= 0);
    CHECK(((int (*)(int))must(rt, "polus_rt_pre_update"))(p) == 0);
    CHECK(((int (*)(int))must(rt, "polus_rt_activate"))(p) == 0);
    void *(*counterpart)(const void *) = must(rt, "polus_counterpart");
    struct node_v1 *volatile *hv = must(patch, "head_v1");

    struct node_v1 *nh = *hv;
    CHECK(nh != NULL && counterpart(old_head) == nh && counterpart(nh) == old_head);
    int len = 0;
    struct node *o = old_head;
    for (struct node_v1 *n = nh; n; n = n->next, o = o->next, len++)
        CHECK(o && o->val == n->val && n->weight == 0 && counterpart(o) == n);
    CHECK(o == NULL && len == 3);

    old_head->next->val = 20;                        /* old code writes an old node */
    CHECK(nh->next->val == 20);
    ((volatile struct node_v1 *)nh)->val = 30;       /* new code writes a new node */
    CHECK(old_head->val == 30);

    struct node *n4 = malloc(sizeof *n4);            /* old code pushes a node the tracing never saw */
    n4->val = 4;
    n4->next = old_head;
    old_head = n4;
    CHECK((*hv)->val == 4 && (*hv)->next == nh && counterpart(n4) == *hv);
    printf("ok\n");
    return 0;
}
