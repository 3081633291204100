/* a table whose element type has no name, read by a changed function */
#include <string.h>

static int h1(void) { return 1; }

static struct {
    const char *name;
    int (*fn)(void);
} table[] = {{"one", h1}};

int run(const char *name)
{
    for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].fn();
    return -1;
}

int main(int argc, char **argv)
{
    return run(argc > 1 ? argv[1] : "one");
}
