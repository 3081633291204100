/* Calls the stubs the way main's old activation would (old prototypes) and
 * checks that the new versions ran with converted arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_rt.h"

struct req { int fd; };
struct req_v1 { int fd; int prio; };

int old_handled;
char old_said[64];
void handle_stub_v1(int fd);
int process_stub_v1(struct req *r);
struct req *pick_stub_v1(struct req *r);
void say_stub_v1(int code, const char *text);
void fill_imports(void);

#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int main(void)
{
    fill_imports();
    CHECK(register_patch() >= 0);
    handle_stub_v1(3);
#ifdef USER_STUB
    CHECK(old_handled == 37);     /* user_polus_stub_handle passes flags = 7 */
#else
    CHECK(old_handled == 30);     /* the new parameter gets 0 */
#endif
    /* a pointer to a changed struct: the stub passes the registered counterpart */
    struct req o = { 4 };
    struct req_v1 *n = calloc(1, sizeof *n);
    n->fd = 4;
    n->prio = 5;
    polus_register_heap(polus_current_patch(), "struct req", &o, sizeof o, n, sizeof *n, NULL, NULL);
    CHECK(process_stub_v1(&o) == 9);
    CHECK(pick_stub_v1(&o) == &o);   /* old pointer in, new version runs on the counterpart, old pointer out */
    say_stub_v1(5, "100%");                  /* a '%' in the old text stays text */
    CHECK(old_said[0] == 5 && strcmp(old_said + 1, "100%") == 0);
    printf("ok\n");
    return 0;
}
