/* A hash table behind a pointer global (stdin: "put KEY N", "get KEY").  In v1
 * a record gains a member: `tab` (struct rec **) changes, and the sync
 * functions cannot carry a pointer to pointers of a changed struct.  Left
 * alone, new code would find tab NULL: an error-level finding until user code
 * builds the new table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 8

struct rec {
    char key[16];
    int val;
    struct rec *next;
};

static struct rec **tab;

static unsigned bucket(const char *s)
{
    unsigned h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h % NBUCKETS;
}

struct rec *lookup(const char *key)
{
    for (struct rec *r = tab[bucket(key)]; r; r = r->next)
        if (strcmp(r->key, key) == 0)
            return r;
    return NULL;
}

void put(const char *key, int val)
{
    struct rec *r = lookup(key);
    if (!r) {
        r = calloc(1, sizeof *r);
        snprintf(r->key, sizeof r->key, "%s", key);
        r->next = tab[bucket(key)];
        tab[bucket(key)] = r;
    }
    r->val = val;
}

void get(const char *key)
{
    struct rec *r = lookup(key);
    if (r)
        printf("v0 %s=%d\n", key, r->val);
    else
        printf("v0 %s missing\n", key);
}

int main(void)
{
    char line[64], key[16];
    int val;

    setvbuf(stdout, NULL, _IOLBF, 0);
    tab = calloc(NBUCKETS, sizeof *tab);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        if (sscanf(line, "put %15s %d", key, &val) == 2)
            put(key, val);
        else if (sscanf(line, "get %15s", key) == 1)
            get(key);
    }
    return 0;
}
