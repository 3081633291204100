#include <stdio.h>
#include <string.h>
#include "fake_rt.h"
#include "polus.h"

struct cmd { const char *name; int (*fn)(void); };
extern const struct cmd cmds_v1[2];
extern struct polus_import polus_imports[];
int cmd_b_v1(void);
char old_cmds[16];
void fill_imports(void);

#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int main(void)
{
    fill_imports();
    CHECK(register_patch() >= 0);
    CHECK(strcmp(cmds_v1[0].name, "a") == 0 && strcmp(cmds_v1[1].name, "b") == 0);
    CHECK((void *)cmds_v1[0].fn != NULL && (void *)cmds_v1[0].fn != (void *)cmd_b_v1);  /* the program's cmd_a */
    CHECK(cmds_v1[1].fn == cmd_b_v1);
    printf("ok\n");
    return 0;
}
