/* The output descriptor and its peer's address length, both set at start-up
 * and both used by say() (stdin: "say TEXT", "count").  v1 deletes both for
 * an array of outputs filled at start-up: the finding names every deleted
 * global it may replace, the one of its element type first (out_fd, an int,
 * before addr_len, though addr_len sorts first), and the skeleton can read
 * each of them. */
#include <stdio.h>
#include <unistd.h>

static int out_fd = -1;
static unsigned long addr_len;

void say(const char *text)
{
    if (addr_len > 0)
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
    addr_len = 16;
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        if (line[0] == 's')
            say(line + 4);
        else
            count();
    }
    return 0;
}
