#include <stdio.h>
#include "fake_rt.h"

struct st { int a; };
struct st_v1 { int a; long hits; };
struct st old_st;
long old_hits;
extern struct st_v1 st_v1;
void fill_imports(void);

#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int main(void)
{
    old_st.a = 2;
    old_hits = 41;
    fill_imports();
    CHECK(register_patch() >= 0);
    struct fake_data *d = fake_data("st");
    d->o2n(d->new_addr, d->old_addr);
    CHECK(st_v1.a == 2 && st_v1.hits == 41);
    printf("ok\n");
    return 0;
}
