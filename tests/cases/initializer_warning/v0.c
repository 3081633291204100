/* A program's table whose initializer gcc only warns about (-Wpointer-sign:
 * string literals for an `unsigned char *` member), as dropbear's cipher
 * table does.  It grows an entry and points at a global of the running
 * program, so the patch writes its value at registration: that copy of the
 * program's initializer compiles as the program's build compiles it. */
#include <string.h>

int hits_a, hits_b;

struct algo { unsigned char *name; int *hits; };

struct algo algos[] = {
    { "aes128-cbc", &hits_a },
    { 0, 0 },
};

int *find(const char *name)
{
    for (struct algo *a = algos; a->name; a++)
        if (strcmp((const char *)a->name, name) == 0)
            return a->hits;
    return 0;
}

int main(void)
{
    return find("aes128-cbc") == 0;
}
