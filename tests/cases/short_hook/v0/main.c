/* Answers each line with the running total of the lengths of the lines,
 * each length first passed through hook(). */
#include <stdio.h>
#include <string.h>

void hook(int *p);

static int total;

int handle(const char *line)
{
    int n = (int) strlen(line);
    hook(&n);
    total += n;
    return total;
}

/* main reaches handle through a pointer, so that it is not inlined into main */
int (*volatile handle_fn)(const char *) = handle;

int main(void)
{
    char line[256];

    printf("ready\n");
    fflush(stdout);
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        printf("%d\n", handle_fn(line));
        fflush(stdout);
    }
    return 0;
}
