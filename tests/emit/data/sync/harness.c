/* Holds the old copy of `shapes`, runs the generated o2n and n2o functions
 * (as registered with the runtime) and checks every common member. */
#include <stdio.h>
#include <string.h>
#include "fake_rt.h"

struct point { int x; int y; };
struct shape {
    int kind; struct point pts[3]; char name[8]; int *counter; unsigned flags : 3;
    union { int i; float f; } u; enum color { RED, GREEN, BLUE } color;
};
struct point_v1 { int x; int y; int z; };
struct shape_v1 {
    int kind; double scale; struct point_v1 pts[4]; char name[16]; int *counter; unsigned flags : 3;
    union { int i; float f; } u; enum color_v1 { RED_v1, YELLOW_v1, GREEN_v1, BLUE_v1 } color;
};

struct shape old_shapes[2];
int old_hits;
extern struct shape_v1 shapes_v1[2];
void fill_imports(void);

#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int main(void)
{
    static int counter;
    for (int k = 0; k < 2; k++) {
        struct shape *s = &old_shapes[k];
        s->kind = 10 + k;
        for (int i = 0; i < 3; i++) { s->pts[i].x = 100 * k + i; s->pts[i].y = -(100 * k + i); }
        strcpy(s->name, k ? "second" : "first");
        s->counter = &counter;
        s->flags = 5 - k;
        s->u.i = 0x12345 + k;
        s->color = k ? BLUE : GREEN;
    }
    fill_imports();
    CHECK(register_patch() >= 0);
    struct fake_data *d = fake_data("shapes");
    CHECK(d && d->o2n && d->n2o);
    CHECK(d->new_addr == (void *)shapes_v1 && d->old_addr == (void *)old_shapes);
    CHECK(d->new_size == sizeof shapes_v1);
    CHECK(fake_data("hits") == NULL);   /* unchanged: not data of the patch */

    d->o2n(d->new_addr, d->old_addr);
    for (int k = 0; k < 2; k++) {
        struct shape *s = &old_shapes[k];
        struct shape_v1 *n = &shapes_v1[k];
        CHECK(n->kind == s->kind);
        CHECK(n->scale == 0.0);                     /* a new member keeps its value */
        for (int i = 0; i < 3; i++) {
            CHECK(n->pts[i].x == s->pts[i].x && n->pts[i].y == s->pts[i].y);
            CHECK(n->pts[i].z == 0);
        }
        CHECK(n->pts[3].x == 0 && n->pts[3].y == 0); /* no old element */
        CHECK(strcmp(n->name, s->name) == 0);
        CHECK(n->counter == &counter);
        CHECK(n->flags == s->flags);
        CHECK(n->u.i == s->u.i);
    }
    CHECK(shapes_v1[0].color == GREEN_v1);          /* mapped by name, not by value */
    CHECK(shapes_v1[1].color == BLUE_v1);

    /* new code writes; the new->old function carries it back */
    shapes_v1[0].kind = 77;
    shapes_v1[0].pts[1].y = 55;
    shapes_v1[0].pts[3].x = 9;
    shapes_v1[1].flags = 2;
    shapes_v1[1].color = RED_v1;
    shapes_v1[0].color = BLUE_v1;
    strcpy(shapes_v1[1].name, "renamed");
    shapes_v1[1].u.f = 2.5f;
    d->n2o(d->old_addr, d->new_addr);
    CHECK(old_shapes[0].kind == 77);
    CHECK(old_shapes[0].pts[1].y == 55);
    CHECK(old_shapes[0].pts[1].x == 1);
    CHECK(old_shapes[1].flags == 2);
    CHECK(old_shapes[1].color == RED);
    CHECK(old_shapes[0].color == BLUE);
    CHECK(strcmp(old_shapes[1].name, "renamed") == 0);
    CHECK(old_shapes[1].u.f == 2.5f);
    /* and back again: a full round trip leaves the new copy as it was */
    struct shape_v1 before[2];
    memcpy(before, shapes_v1, sizeof before);
    d->o2n(d->new_addr, d->old_addr);
    CHECK(memcmp(before, shapes_v1, sizeof before) == 0);
    printf("ok\n");
    return 0;
}
