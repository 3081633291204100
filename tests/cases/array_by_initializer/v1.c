/* A table sized by its initializer gains an entry: its type text is the same
 * ("struct setting []") but the object is bigger, so it is changed, and so is
 * every function that walks it.  A string sized by its literal likewise. */
#include <string.h>

int opt_a, opt_b, opt_c;

static struct setting { const char *name; int *var; } settings[] = {
    { "a", &opt_a },
    { "b", &opt_b },
    { "c", &opt_c },
};

char version[] = "1.0.1";
char motd[] = "yo";

int *lookup(const char *name)
{
    for (unsigned i = 0; i < sizeof settings / sizeof settings[0]; i++)
        if (strcmp(settings[i].name, name) == 0)
            return settings[i].var;
    return 0;
}

const char *get_version(void)
{
    return version;
}

const char *get_motd(void)
{
    return motd;
}
