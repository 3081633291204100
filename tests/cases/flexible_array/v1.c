/* a changed struct ending in a flexible array member, reached through a global pointer */
#include <stdlib.h>
#include <string.h>

struct msg {
    int len;
    int flags;
    char data[];
};

struct msg *last;

int store(const char *text)
{
    size_t n = strlen(text);
    struct msg *m = malloc(sizeof *m + n + 1);
    if (m == NULL)
        return -1;
    m->len = (int)n;
    m->flags = 0;
    memcpy(m->data, text, n + 1);
    free(last);
    last = m;
    return m->len;
}

int main(void)
{
    return store("hello") == 5 ? 0 : 1;
}
