/* A session object on the stack of main, which never returns (stdin: one
 * command a line).  v1 changes the struct, so serve's stub hands new code
 * the object's counterpart, and an object on a stack has none (vsftpd's
 * the_session in main): new code would get NULL.  An error-level finding
 * until a user stub converts the object for the call. */
#include <stdio.h>

struct sess {
    int calls;
    int limit;
};

void serve(struct sess *s, const char *cmd)
{
    s->calls++;
    printf("v0 %c calls=%d limit=%d\n", cmd[0], s->calls, s->limit);
}

int main(void)
{
    struct sess s = {0, 5};
    char line[64];

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin))
        serve(&s, line);
    return 0;
}
