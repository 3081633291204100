/* a table of pointers to a changed struct: its sync is left out (not a struct pointer) */
#include <stdlib.h>

struct rec {
    int key;
};

struct rec **tab;
int ntab;

int count(void)
{
    return ntab;
}

int main(void)
{
    tab = calloc(4, sizeof *tab);
    return count();
}
