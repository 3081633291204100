/* Runs fig2's sync functions with user code in the patch. */
#include <stdio.h>
#include "fake_rt.h"

struct A { int i; };
struct AB { struct A a; int b; };
struct A_v1 { int i; int j; };
struct AB_v1 { struct A_v1 a; int b; };

struct AB old_ab;
long old_calls[4];
extern struct AB_v1 ab_v1;
void fill_imports(void);

#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int main(void)
{
    old_ab.a.i = 21;
    old_ab.b = 4;
    fill_imports();
    CHECK(register_patch() >= 0);
    struct fake_data *d = fake_data("ab");
    d->o2n(d->new_addr, d->old_addr);
    CHECK(ab_v1.a.i == 21 && ab_v1.b == 4);
#ifdef WITH_USER
    CHECK(ab_v1.a.j == 42);                        /* the user's converter ran */
    CHECK(fake_callbacks()->pre_update() == 5);    /* the user's callback */
#else
    CHECK(ab_v1.a.j == 0);                         /* generated: a new member keeps its value */
    CHECK(fake_callbacks()->pre_update() == 0);
#endif
    ab_v1.a.i = 8;
    ab_v1.b = 9;
    d->n2o(d->old_addr, d->new_addr);              /* generated in both cases */
    CHECK(old_ab.a.i == 8 && old_ab.b == 9);
    printf("ok\n");
    return 0;
}
