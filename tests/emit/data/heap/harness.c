/* Builds an old list from `head`, lets the generated pre-update callback trace
 * it into new nodes, then keeps both lists in sync in both directions the way
 * the runtime would (calling the sync functions registered for each object). */
#include <stdio.h>
#include <stdlib.h>
#include "fake_rt.h"

struct node { int val; struct node *next; };
struct node_v1 { int val; int weight; struct node_v1 *next; };

struct node *old_head;
extern struct node_v1 *head_v1;
void fill_imports(void);

#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

static int old_len(void) { int n = 0; for (struct node *x = old_head; x; x = x->next) n++; return n; }

int main(void)
{
    struct node *olds[5];
    for (int i = 0; i < 5; i++) {
        struct node *n = calloc(1, sizeof *n);
        n->val = i + 1;
        n->next = old_head;
        old_head = n;
        olds[i] = n;
    }
    fill_imports();
    CHECK(register_patch() >= 0);
    struct fake_data *d = fake_data("head");
    CHECK(d != NULL);
    CHECK(fake_callbacks()->pre_update != NULL);
    CHECK(fake_callbacks()->pre_update() == 0);

    /* tracing: a new node for every old one, linked the same way */
    CHECK(fake_heap_count() == 5);
    int i = 4;
    struct node *o = old_head;
    for (struct node_v1 *n = head_v1; n; n = n->next, o = o->next, i--) {
        CHECK(o != NULL);
        CHECK(n->val == o->val && n->weight == 0);
        CHECK((void *)n != (void *)o);
        CHECK(polus_counterpart(o) == n && polus_counterpart(n) == o);
        struct fake_heap *h = fake_heap_of(n);
        CHECK(h && h->old_obj == o && h->new_obj == n);
        CHECK(h->old_size == sizeof(struct node) && h->new_size == sizeof(struct node_v1));
    }
    CHECK(o == NULL && i == -1);
    /* activation syncs the global again: nothing new is allocated */
    d->o2n(d->new_addr, d->old_addr);
    CHECK(fake_heap_count() == 5);

    /* new code appends a node at the tail: the runtime runs the tail's n2o */
    struct node_v1 *tail = head_v1;
    while (tail->next) tail = tail->next;
    struct node_v1 *nn = calloc(1, sizeof *nn);
    nn->val = 99;
    nn->weight = 3;
    tail->next = nn;
    struct fake_heap *th = fake_heap_of(tail);
    th->n2o(th->old_obj, th->new_obj);
    CHECK(fake_heap_count() == 6);
    CHECK(old_len() == 6);
    CHECK(olds[0]->next != NULL && olds[0]->next->val == 99);
    CHECK(polus_counterpart(olds[0]->next) == nn);

    /* old code changes a value: the node's o2n carries it over */
    olds[2]->val = 1234;
    struct fake_heap *h2 = fake_heap_of(olds[2]);
    h2->o2n(h2->new_obj, h2->old_obj);
    CHECK(((struct node_v1 *)polus_counterpart(olds[2]))->val == 1234);
    CHECK(((struct node_v1 *)polus_counterpart(olds[2]))->weight == 0);

    /* new code pushes at the head: the global's n2o translates the pointer */
    struct node_v1 *front = calloc(1, sizeof *front);
    front->val = 7;
    front->next = head_v1;
    head_v1 = front;
    d->n2o(d->old_addr, d->new_addr);
    CHECK(old_head->val == 7 && old_head->next == olds[4]);
    CHECK(old_len() == 7);

    /* a stale pointer (what free() leaves behind) is not followed */
    struct node *last = olds[0]->next;               /* the node new code appended */
    last->next = (struct node *)0x7f0000001230;      /* unmapped */
    struct fake_heap *lh = fake_heap_of(last);
    int before = fake_heap_count();
    lh->o2n(lh->new_obj, lh->old_obj);
    CHECK(fake_heap_count() == before && ((struct node_v1 *)lh->new_obj)->next == NULL);
    last->next = (struct node *)((char *)olds[1] + 1); /* misaligned */
    lh->o2n(lh->new_obj, lh->old_obj);
    CHECK(fake_heap_count() == before && ((struct node_v1 *)lh->new_obj)->next == NULL);
    last->next = NULL;

    /* NULL stays NULL */
    head_v1 = NULL;
    d->n2o(d->old_addr, d->new_addr);
    CHECK(old_head == NULL);
    printf("ok\n");
    return 0;
}
