/* One output descriptor, opened at start-up (stdin: "say TEXT", "count").  v1
 * deletes it for an array of outputs, also filled at start-up, which never
 * runs again in a running process: new code would find no output at all.  An
 * error-level finding until user code fills the array from the running
 * program's descriptor. */
#include <stdio.h>
#include <unistd.h>

static int out_fd = -1;

void say(const char *text)
{
    dprintf(out_fd, "v0 %s", text);
}

void count(void)
{
    printf("v0 outputs=%d\n", out_fd >= 0);
}

int main(void)
{
    char line[64];

    setvbuf(stdout, NULL, _IOLBF, 0);
    out_fd = dup(STDOUT_FILENO);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        if (line[0] == 's')
            say(line + 4);
        else
            count();
    }
    return 0;
}
