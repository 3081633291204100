/* One output descriptor, opened at start-up (stdin: "say TEXT", "count").  v1
 * deletes it for an array of outputs, also filled at start-up, which never
 * runs again in a running process: new code would find no output at all.  An
 * error-level finding until user code fills the array from the running
 * program's descriptor. */
#include <stdio.h>
#include <unistd.h>

#define MAX_OUT 4

static int out_fds[MAX_OUT];
static int n_out;

static void open_outputs(void)
{
    out_fds[n_out++] = dup(STDOUT_FILENO);
}

void say(const char *text)
{
    for (int i = 0; i < n_out; i++)
        dprintf(out_fds[i], "v1 %s", text);
}

void count(void)
{
    printf("v1 outputs=%d\n", n_out);
}

int main(void)
{
    char line[64];

    setvbuf(stdout, NULL, _IOLBF, 0);
    open_outputs();
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        if (line[0] == 's')
            say(line + 4);
        else
            count();
    }
    return 0;
}
