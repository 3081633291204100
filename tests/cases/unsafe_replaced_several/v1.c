/* The output descriptor and its peer's address length, both set at start-up
 * and both used by say() (stdin: "say TEXT", "count").  v1 deletes both for
 * an array of outputs filled at start-up: the finding names every deleted
 * global it may replace, the one of its element type first (out_fd, an int,
 * before addr_len, though addr_len sorts first), and the skeleton can read
 * each of them. */
#include <stdio.h>
#include <unistd.h>

#define MAX_OUT 4

static int out_fds[MAX_OUT] = {-1, -1, -1, -1};

static void open_outputs(void)
{
    out_fds[0] = dup(STDOUT_FILENO);
}

void say(const char *text)
{
    for (int i = 0; i < MAX_OUT && out_fds[i] >= 0; i++)
        dprintf(out_fds[i], "v1 %s", text);
}

void count(void)
{
    int n = 0;

    while (n < MAX_OUT && out_fds[n] >= 0)
        n++;
    printf("v1 outputs=%d\n", n);
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
